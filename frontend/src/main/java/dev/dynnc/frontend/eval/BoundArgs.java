package dev.dynnc.frontend.eval;

import dev.dynnc.diag.Code;
import dev.dynnc.diag.DiagnosticException;
import dev.dynnc.frontend.eval.Schema.Kind;
import dev.dynnc.frontend.eval.Schema.Param;
import dev.dynnc.frontend.eval.Values.*;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A library call's arguments bound to a {@link Schema}: positional and keyword arguments matched to
 * parameters, defaults filled in, and every value checked against its type and converted (an {@code
 * int[2]} given as one int is already two), so an implementation reads typed values by name.
 *
 * <p>Every mismatch is the caller's located DN0102 naming the function and the parameter, as Python
 * and PyTorch word it ("softmax() missing required argument 'dim'", "argument 'dim' (position 2)
 * must be int, not Tensor").
 */
final class BoundArgs {
  private final Schema schema;
  private final Map<String, Object> values;
  private final Map<String, Object> given;
  private final Interpreter in;
  private final Span at;

  private BoundArgs(
      Schema schema,
      Map<String, Object> values,
      Map<String, Object> given,
      Interpreter in,
      Span at) {
    this.schema = schema;
    this.values = values;
    this.given = given;
    this.in = in;
    this.at = at;
  }

  /** The schema these arguments were bound to (of the overloads, the one that matched). */
  Schema schema() {
    return schema;
  }

  /**
   * Binds a call to the first of {@code overloads} that accepts it, as PyTorch picks an overload.
   * When none does, a single overload's own error is reported; with several, one error lists what
   * the call gave and every signature.
   */
  static BoundArgs bind(
      List<Schema> overloads, Interpreter in, List<Object> args, Map<String, Object> kw, Span at) {
    if (overloads.size() == 1) {
      return bind(overloads.get(0), in, args, kw, at);
    }
    java.util.Set<String> messages = new java.util.LinkedHashSet<>();
    for (Schema s : overloads) {
      try {
        return bind(s, in, args, kw, at);
      } catch (DiagnosticException e) {
        // This overload does not fit; the next may. When none fits, the errors are reported below.
        messages.add(e.diagnostics().get(0).message());
      }
    }
    String expected =
        "expected one of: "
            + overloads.stream().map(Schema::toString).collect(Collectors.joining("; "));
    if (messages.size() == 1) {
      // Every overload failed the same way (a missing argument, the same wrong type): that error
      // says more.
      throw Interpreter.error(Code.DN0102, at, messages.iterator().next(), expected);
    }
    String given = args.stream().map(Builtins::typeName).collect(Collectors.joining(", "));
    for (Map.Entry<String, Object> e : kw.entrySet()) {
      given += (given.isEmpty() ? "" : ", ") + e.getKey() + "=" + Builtins.typeName(e.getValue());
    }
    throw Interpreter.error(
        Code.DN0102,
        at,
        overloads.get(0).name() + "() received an invalid combination of arguments (" + given + ")",
        expected);
  }

  /** Binds a call to one schema. */
  static BoundArgs bind(
      Schema s, Interpreter in, List<Object> args, Map<String, Object> kwargs, Span at) {
    String fn = s.name() + "()";
    Map<String, Object> kw = new LinkedHashMap<>(kwargs);
    Map<String, Object> values = new HashMap<>();
    Map<String, Object> given = new HashMap<>();
    int next = 0;
    for (int i = 0; i < s.params().size(); i++) {
      Param p = s.params().get(i);
      Object v;
      boolean positional = false;
      if (p.varargs() && (next < args.size() || p.kind() == Kind.ANY)) {
        // int... also takes one tuple (view((2, 3)) as view(2, 3)); Any... takes what is left,
        // possibly nothing.
        List<Object> rest = args.subList(Math.min(next, args.size()), args.size());
        v =
            p.kind() == Kind.INT_LIST
                    && rest.size() == 1
                    && (rest.get(0) instanceof PyTuple || rest.get(0) instanceof PyList)
                ? rest.get(0)
                : new PyTuple(com.google.common.collect.ImmutableList.copyOf(rest));
        next = args.size();
        positional = true;
      } else if (!p.keywordOnly() && next < args.size()) {
        v = args.get(next++);
        positional = true;
      } else if (kw.containsKey(p.name())) {
        v = kw.remove(p.name());
      } else if (p.hasDefault()) {
        values.put(
            p.name(),
            p.fallback() instanceof Long d && p.kind() == Kind.INT_LIST
                ? repeat(d, p.size())
                : p.fallback());
        given.put(p.name(), p.fallback());
        continue;
      } else {
        throw Interpreter.error(
            Code.DN0102, at, fn + " missing required argument '" + p.name() + "'", signature(s));
      }
      if (positional && kw.containsKey(p.name())) {
        throw Interpreter.error(
            Code.DN0102,
            at,
            fn + " got multiple values for argument '" + p.name() + "'",
            signature(s));
      }
      values.put(p.name(), convert(p, positional ? i + 1 : 0, v, s, in, at));
      given.put(p.name(), v);
    }
    if (next < args.size()) {
      long most = s.params().stream().filter(p -> !p.keywordOnly()).count();
      throw Interpreter.error(
          Code.DN0102,
          at,
          fn + " takes at most " + most + " positional arguments (" + args.size() + " given)",
          signature(s));
    }
    if (!kw.isEmpty()) {
      String name = kw.keySet().iterator().next();
      String close = Suggest.hint(name, s.params().stream().map(Param::name).toList());
      throw Interpreter.error(
          Code.DN0102,
          at,
          fn + " got an unexpected keyword argument '" + name + "'",
          close != null ? close : signature(s));
    }
    return new BoundArgs(s, values, given, in, at);
  }

  /** The hint of an argument error (made only then: binding is on every library call's path). */
  private static String signature(Schema s) {
    return "the signature is " + s;
  }

  private static long[] repeat(long v, int n) {
    long[] out = new long[Math.max(n, 1)];
    java.util.Arrays.fill(out, v);
    return out;
  }

  /**
   * Checks {@code v} against parameter {@code p} and converts it; {@code position} is 1-based, 0
   * for a keyword.
   */
  private static Object convert(
      Param p, int position, Object v, Schema s, Interpreter in, Span at) {
    String fn = s.name() + "()";
    if (v == Values.NONE && p.optional()) {
      return v;
    }
    Object out =
        switch (p.kind()) {
          case TENSOR -> Operators.isTensorLike(v) ? v : null;
          case TENSOR_OR_SCALAR -> Operators.isTensorLike(v) || isNumber(v) ? v : null;
          case SCALAR -> isNumber(v) ? v : null;
          case NUMBER -> isNumber(v) || v instanceof Values.HostScalar ? v : null;
          case TENSOR_OR_NUMBER ->
              Operators.isTensorLike(v) || isNumber(v) || v instanceof Values.HostScalar ? v : null;
          case INT ->
              v instanceof Long || v instanceof Boolean ? (Object) Operators.asLong(v, at) : null;
          case FLOAT -> isNumber(v) ? (Object) Operators.toDouble(v) : null;
          case BOOL -> v instanceof Boolean ? v : null;
          case STR -> v instanceof String ? v : null;
          case DTYPE -> v instanceof DType ? v : null;
          case DEVICE -> v instanceof String ? v : null;
          case ANY -> p.varargs() ? in.iterate(v, at) : v;
          case TENSOR_LIST ->
              v instanceof PyTuple || v instanceof PyList
                  ? tensorList(p, in.iterate(v, at), fn, at)
                  : null;
          case INT_LIST -> intList(p, position, v, fn, in, at);
        };
    if (out == null) {
      throw Interpreter.error(
          Code.DN0102,
          at,
          fn
              + ": argument '"
              + p.name()
              + "'"
              + (position > 0 ? " (position " + position + ")" : "")
              + " must be "
              + p.type().replace("?", "")
              + ", not "
              + Builtins.typeName(v),
          signature(s));
    }
    return out;
  }

  private static boolean isNumber(Object v) {
    return v instanceof Long || v instanceof Double || v instanceof Boolean;
  }

  private static List<Object> tensorList(Param p, List<Object> items, String fn, Span at) {
    for (int i = 0; i < items.size(); i++) {
      if (!Operators.isTensorLike(items.get(i))) {
        throw Interpreter.error(
            Code.DN0102,
            at,
            fn
                + ": argument '"
                + p.name()
                + "' must be a tuple of Tensors, but"
                + " found element of type "
                + Builtins.typeName(items.get(i))
                + " at pos "
                + i);
      }
    }
    return items;
  }

  private static long[] intList(
      Param p, int position, Object v, String fn, Interpreter in, Span at) {
    if ((v instanceof Long || v instanceof Boolean) && !p.varargs()) {
      // int[2] given as one int, as PyTorch repeats it; int[] given as one int is a list of it (a
      // dim list).
      return repeat(Operators.asLong(v, at), p.size());
    }
    if (!(v instanceof PyTuple || v instanceof PyList)) {
      return null;
    }
    List<Object> items = in.iterate(v, at);
    long[] out = new long[items.size()];
    for (int i = 0; i < out.length; i++) {
      Object x = items.get(i);
      if (!(x instanceof Long || x instanceof Boolean)) {
        throw Interpreter.error(
            Code.DN0102,
            at,
            fn
                + ": argument '"
                + p.name()
                + "' must be a tuple of ints, but found"
                + " element of type "
                + Builtins.typeName(x)
                + " at pos "
                + i);
      }
      out[i] = Operators.asLong(x, at);
    }
    if (p.size() > 0 && out.length != p.size()) {
      throw Interpreter.error(
          Code.DN0102,
          at,
          fn + ": argument '" + p.name() + "' needs " + p.size() + " values, got " + out.length);
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Typed access, by parameter name

  /** The bound value as given (a tensor stays a tensor slot or symbolic tensor). */
  Object raw(String name) {
    if (!values.containsKey(name)) {
      throw new IllegalArgumentException(schema.name() + " has no parameter '" + name + "'");
    }
    return values.get(name);
  }

  /**
   * The argument as the caller wrote it (or the default), before conversion: a layer keeps it as
   * PyTorch does.
   */
  Object given(String name) {
    raw(name);
    return given.get(name);
  }

  /** Whether the call asked for its input to be updated in place ({@code inplace=True}). */
  boolean inPlace() {
    return Boolean.TRUE.equals(values.get("inplace"));
  }

  boolean isNone(String name) {
    return raw(name) == Values.NONE;
  }

  SymTensor tensor(String name) {
    return in.torch.tensor(raw(name), at);
  }

  /** The type of tensor argument {@code name}, also of a tensor made at construction time. */
  TensorType tensorType(String name) {
    Object v = raw(name);
    return v instanceof TensorSlot s ? s.type : ((SymTensor) v).type();
  }

  /** An optional tensor argument, or null for None. */
  SymTensor tensorOrNull(String name) {
    return isNone(name) ? null : tensor(name);
  }

  List<SymTensor> tensors(String name) {
    List<SymTensor> out = new ArrayList<>();
    for (Object o : (List<?>) raw(name)) {
      out.add(in.torch.tensor(o, at));
    }
    return out;
  }

  long integer(String name) {
    return (Long) raw(name);
  }

  /** An int argument that must be at least {@code min} (sizes, strides, groups). */
  long integer(String name, long min) {
    long v = integer(name);
    atLeast(name, v, min);
    return v;
  }

  long[] ints(String name) {
    return ((long[]) raw(name)).clone();
  }

  /** {@link #ints(String)} with every value at least {@code min}. */
  long[] ints(String name, long min) {
    long[] v = ints(name);
    for (long x : v) {
      atLeast(name, x, min);
    }
    return v;
  }

  private void atLeast(String name, long v, long min) {
    if (v < min) {
      throw Interpreter.error(
          Code.DN0102, at, "argument '" + name + "' must be at least " + min + ", got " + v);
    }
  }

  /**
   * Dimension argument {@code name} of a tensor of rank {@code rank}, resolved (negative counts
   * from the end).
   */
  int axis(String name, int rank) {
    return TorchLib.axis(integer(name), rank, at);
  }

  double real(String name) {
    Object v = raw(name);
    return v instanceof Double d ? d : Operators.toDouble(v);
  }

  boolean bool(String name) {
    return (Boolean) raw(name);
  }

  String str(String name) {
    return (String) raw(name);
  }

  /** A ScalarType argument, or null for None. */
  DType dtype(String name) {
    return isNone(name) ? null : (DType) raw(name);
  }
}
