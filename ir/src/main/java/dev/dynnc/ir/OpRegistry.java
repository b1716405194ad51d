package dev.dynnc.ir;

import dev.dynnc.ir.Type.ScalarType;
import java.util.List;
import java.util.Map;

/**
 * Types and checks ops against the op table ({@link Ops}): arity, attributes and the op's shape and
 * dtype rule.
 *
 * <p>{@link #infer} is the single source of shape and dtype rules: the frontend calls it to type
 * the ops it emits and the {@link Verifier} calls it to check every op's declared type. Ops whose
 * result is declared rather than computed ({@code weight}, {@code const}, {@code full}, {@code
 * arange}) return the declared type after checking its kind.
 */
public final class OpRegistry {
  private OpRegistry() {}

  /** Thrown when operands or attributes do not fit an op; the message is user-facing. */
  public static final class TypeError extends Exception {
    public TypeError(String message) {
      super(message);
    }
  }

  public static boolean isKnown(String name) {
    return Ops.get(name).isPresent();
  }

  /** Computes the result type of {@code name} applied to operands with attributes. */
  public static Type infer(String name, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    OpDef def = Ops.get(name).orElseThrow(() -> new TypeError("unknown op '" + name + "'"));
    if (in.size() < def.minOperands() || in.size() > def.maxOperands()) {
      int min = def.minOperands();
      int max = def.maxOperands();
      throw new TypeError(
          "op '"
              + name
              + "' takes "
              + (min == max
                  ? "" + min
                  : max == Integer.MAX_VALUE ? "at least " + min : min + ".." + max)
              + " operands, got "
              + in.size());
    }
    for (OpDef.AttrSpec a : def.attrs()) {
      Attr v = attrs.get(a.name());
      if (v == null) {
        if (a.required()) {
          throw new TypeError("op '" + name + "' needs attribute '" + a.name() + "'");
        }
      } else if (!a.kind().accepts(v)) {
        throw new TypeError(
            "op '"
                + name
                + "': attribute '"
                + a.name()
                + "' must be "
                + describe(a.kind())
                + ", got "
                + v);
      }
    }
    try {
      return def.typeRule().apply(name, in, attrs, declared);
    } catch (IllegalArgumentException e) {
      // A negative computed dimension: a type error, not a crash.
      throw new TypeError("op '" + name + "': " + e.getMessage());
    }
  }

  private static String describe(OpDef.AttrKind k) {
    return switch (k) {
      case INT -> "an int";
      case FLOAT -> "a float";
      case BOOL -> "a bool";
      case STR -> "a string";
      case INTS -> "a list of ints";
      case NUMBER -> "an int or a float";
      case SCALAR -> "a bool, an int or a float";
    };
  }

  /**
   * The rule of ops whose type is declared in the program: a host scalar for {@code const}, else a
   * tensor.
   */
  static Type declared(String name, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    if (declared == null) {
      throw new TypeError("op '" + name + "' needs a declared type");
    }
    boolean scalar = name.equals("const");
    if (scalar != (declared instanceof ScalarType)) {
      throw new TypeError(
          "op '" + name + "' must have a " + (scalar ? "host scalar" : "tensor") + " type");
    }
    if (name.equals("arange") && ((Type.TensorType) declared).rank() != 1) {
      throw new TypeError("arange makes a 1-d tensor, declared " + declared);
    }
    return declared;
  }
}
