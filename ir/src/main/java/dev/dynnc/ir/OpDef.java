package dev.dynnc.ir;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One op of the IR as {@link Ops} declares it: how many operands it takes, its typed attributes,
 * its shape and dtype rule, how it computes on host scalars (Python's semantics, from {@code
 * semantics}' PyScalar and PyFloat) and how it lowers to Relay.
 *
 * @param host how the op computes on host scalars; empty for ops that never run on the host as a
 *     function of their operands (tensor ops, and {@code const}/{@code item}, which the host code
 *     generator writes as a literal and a device read)
 */
public record OpDef(
    String name,
    int minOperands,
    int maxOperands,
    ImmutableList<AttrSpec> attrs,
    TypeRule typeRule,
    Optional<HostFn> host,
    Lowering lowering) {

  /** An attribute: its name, the kind of value it holds, and whether the op needs it. */
  public record AttrSpec(String name, AttrKind kind, boolean required) {}

  /** The kinds of attribute values an op may declare. */
  public enum AttrKind {
    INT,
    FLOAT,
    BOOL,
    STR,
    INTS,
    /** An int or a float. */
    NUMBER,
    /** A bool, an int or a float: a scalar literal. */
    SCALAR;

    boolean accepts(Attr a) {
      return switch (this) {
        case INT -> a instanceof Attr.IntAttr;
        case FLOAT -> a instanceof Attr.FloatAttr;
        case BOOL -> a instanceof Attr.BoolAttr;
        case STR -> a instanceof Attr.StrAttr;
        case INTS -> a instanceof Attr.IntsAttr;
        case NUMBER -> a instanceof Attr.IntAttr || a instanceof Attr.FloatAttr;
        case SCALAR ->
            a instanceof Attr.IntAttr || a instanceof Attr.FloatAttr || a instanceof Attr.BoolAttr;
      };
    }
  }

  /**
   * The result type of the op applied to operand types and attributes already checked for arity and
   * kind.
   */
  @FunctionalInterface
  public interface TypeRule {
    Type apply(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
        throws OpRegistry.TypeError;
  }

  /**
   * The op on host scalars as one static method of PyScalar or PyFloat, found by {@link ScalarEval}
   * from the name and the kinds of its operands: the same method folds constants at compile time
   * and is called by the generated host at run time.
   */
  public record HostFn(String method, Operands operands) {}

  /** The kinds (bool, int, float) the operands are converted to before the call, as Python does. */
  public enum Operands {
    /**
     * All to the result's kind: arithmetic ({@code 1 + 2.5} adds floats, {@code True + 1} ints).
     */
    RESULT,
    /**
     * Bools to ints, ints and floats as they are: comparisons, which are exact between int and
     * float.
     */
    NUMBERS,
    /** All to bools, by their truth value: {@code and}, {@code or}, {@code not}. */
    TRUTH,
    /** As they are: the method's parameters say which kinds it takes. */
    AS_IS,
    /**
     * The one operand to the result's kind ({@code bool()}, {@code int()}, {@code float()}); no
     * method.
     */
    CONVERT
  }

  /**
   * How relay_builder.py builds the op; RelayExport sends it with every request that uses the op.
   */
  public sealed interface Lowering {
    /** The op never reaches a subgraph: it exists on the host only. */
    record None() implements Lowering {}

    /**
     * A plain Relay call {@code relay.<fn>(operands..., **kwargs)}: {@code attrs} maps a Relay
     * keyword to the op attribute it takes its value from, {@code consts} gives fixed keywords, and
     * with {@code listOperands} the operands go as one list ({@code concatenate}).
     */
    record Relay(
        String fn,
        ImmutableMap<String, String> attrs,
        ImmutableMap<String, Object> consts,
        boolean listOperands)
        implements Lowering {}

    /** A lowering written as a named function in relay_builder.py's {@code _SPECIAL} table. */
    record Special(String name) implements Lowering {}
  }
}
