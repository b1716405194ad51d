package dev.dynnc.frontend.eval;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.*;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Span;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The part of numpy that inference code uses on host values, with numpy's semantics and result
 * types: reductions ({@code argmax}, {@code max}, {@code mean}, ...) of Python numbers and lists,
 * and of the arrays that {@code Tensor.numpy()} gives in forward, the scalar types {@code float32},
 * {@code float64}, {@code int32}, {@code int64} and the constants {@code inf}, {@code pi}, {@code
 * e}.
 *
 * <p>A numpy array of a run-time tensor is modelled as that tensor: its reductions lower to the
 * tensor's reductions, with numpy's result dtype (an index is int64, the mean of integers float64),
 * and a comparison or {@code int()} of an element reads it on the host as {@code .item()} does.
 * Numbers and lists known at compile time are reduced here, giving Python's int for numpy's integer
 * scalars and float for float64 (numpy's scalars behave as those in host code); {@code
 * np.float32(x)} of a known number rounds it to float32. Names of numpy not modelled here are
 * opaque: naming one is fine, using it where its value matters is an error that names it.
 */
final class Numpy {
  /** numpy's scalar types and the dtype each stands for. */
  private static final Map<String, DType> SCALAR_TYPES =
      Map.of(
          "float32", DType.F32,
          "float64", DType.F64,
          "int32", DType.I32,
          "int64", DType.I64,
          "bool_", DType.BOOL);

  private Numpy() {}

  /** Fills the {@code numpy} module. */
  static void fill(Map<String, Object> m) {
    m.put("inf", Double.POSITIVE_INFINITY);
    m.put("Inf", Double.POSITIVE_INFINITY);
    m.put("nan", Double.NaN);
    m.put("pi", Math.PI);
    m.put("e", Math.E);
    for (Map.Entry<String, DType> t : SCALAR_TYPES.entrySet()) {
      m.put(
          t.getKey(),
          new Builtin("numpy." + t.getKey(), (it, a, kw, at) -> scalar(it, t.getValue(), a, at)));
    }
    m.put("float_", m.get("float64"));
    m.put("int_", m.get("int64"));
    for (String name : List.of("max", "amax", "min", "amin", "sum", "mean", "prod")) {
      m.put(name, new Builtin("numpy." + name, (it, a, kw, at) -> reduce(it, name, a, kw, at)));
    }
    for (String name : List.of("argmax", "argmin")) {
      m.put(name, new Builtin("numpy." + name, (it, a, kw, at) -> argReduce(it, name, a, kw, at)));
    }
    m.put("cumsum", new Builtin("numpy.cumsum", Numpy::cumsum));
    for (String name : List.of("exp", "log", "log2", "log10", "sqrt", "abs", "absolute", "tanh")) {
      m.put(name, new Builtin("numpy." + name, (it, a, kw, at) -> ufunc(it, name, a, kw, at)));
    }
    for (String name : List.of("any", "all")) {
      m.put(name, new Builtin("numpy." + name, (it, a, kw, at) -> anyAll(it, name, a, kw, at)));
    }
    m.put("clip", new Builtin("numpy.clip", Numpy::clip));
    m.put("where", new Builtin("numpy.where", Numpy::where));
    for (String name : List.of("array", "asarray")) {
      m.put(name, new Builtin("numpy." + name, (it, a, kw, at) -> array(it, name, a, kw, at)));
    }
  }

  /**
   * The error for {@code numpy.name}, which is not modelled: null in construction code, where it is
   * an opaque value until used.
   */
  static String unmodelled(Map<String, Object> attrs, String name) {
    return "numpy."
        + name
        + " is not supported by dynnc (it models numpy's "
        + String.join(
            ", ",
            new TreeSet<>(
                attrs.keySet().stream()
                    .filter(k -> attrs.get(k) instanceof Builtin)
                    .sorted()
                    .toList()))
        + ")";
  }

  // ------------------------------------------------------------------------------------------

  private static Object arg(String fn, List<Object> a, Map<String, Object> kw, Span at) {
    Object v = !a.isEmpty() ? a.get(0) : kw.get("a");
    if (v == null) {
      throw Interpreter.error(Code.DN0102, at, fn + "() missing required argument 'a'");
    }
    return v;
  }

  /** The {@code axis} argument, or null for none. */
  private static Long axis(List<Object> a, Map<String, Object> kw, Span at) {
    Object v = a.size() > 1 ? a.get(1) : kw.getOrDefault("axis", Values.NONE);
    return v == Values.NONE ? null : Operators.asLong(v, at);
  }

  /** The array argument of an element-wise function: a tensor (numpy's array of it). */
  private static SymTensor array(String fn, Object v, Span at) {
    if (v instanceof SymTensor t) {
      return t;
    }
    throw Interpreter.error(
        Code.DN0201,
        at,
        fn + " of a " + Builtins.typeName(v) + " is not supported",
        "call it on the array of a tensor (t.numpy()), or use torch's function");
  }

  /**
   * {@code numpy.exp(a)} and friends on the array of a tensor: torch's function, in float64 for an
   * int or bool array as numpy computes it.
   */
  private static Object ufunc(
      Interpreter in, String name, List<Object> a, Map<String, Object> kw, Span at) {
    Object x = arg("numpy." + name, a, kw, at);
    if (x instanceof Values.HostScalar h) {
      // a run-time Python number (conf.item()): numpy's float64 result, computed on the host
      return in.requireStaging(at).hostNumpy(in, name, h, at);
    }
    if (x instanceof Long || x instanceof Double || x instanceof Boolean) {
      return numpyOfNumber(name, x, at);
    }
    SymTensor t = array("numpy." + name, x, at);
    boolean keepsInts = name.equals("abs") || name.equals("absolute");
    if (!keepsInts && !t.type().dtype().isFloat()) {
      t = in.torch.cast(t, DType.F64, at);
    }
    return in.torch.call(keepsInts ? "abs" : name, List.of(t), Map.of(), at);
  }

  /** numpy's ufunc {@code name} of a Python number, as the host computes it at run time. */
  private static Object numpyOfNumber(String name, Object x, Span at) {
    if (name.equals("abs") || name.equals("absolute")) {
      return x instanceof Double d
          ? (Object) Math.abs(d)
          : (Object) Math.abs(Operators.asLong(x, at));
    }
    double v = Operators.asDouble(x, at);
    return switch (name) {
      case "exp" -> dev.dynnc.semantics.PyFloat.npExp(v);
      case "log" -> dev.dynnc.semantics.PyFloat.npLog(v);
      case "log2" -> dev.dynnc.semantics.PyFloat.npLog2(v);
      case "log10" -> dev.dynnc.semantics.PyFloat.npLog10(v);
      case "sqrt" -> dev.dynnc.semantics.PyFloat.npSqrt(v);
      default -> Math.tanh(v);
    };
  }

  /** {@code numpy.any(a)} / {@code numpy.all(a)}, optionally along an axis: a bool array. */
  private static Object anyAll(
      Interpreter in, String name, List<Object> a, Map<String, Object> kw, Span at) {
    SymTensor t = array("numpy." + name, arg("numpy." + name, a, kw, at), at);
    Long axis = axis(a, kw, at);
    return axis == null
        ? in.torch.call(name, List.of(t), Map.of(), at)
        : in.torch.call(name, List.of(t, axis), Map.of(), at);
  }

  /** {@code numpy.clip(a, a_min, a_max)} with numbers or None as the bounds. */
  private static Object clip(Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    if (a.size() != 3) {
      throw Interpreter.error(Code.DN0102, at, "numpy.clip() takes the array and two bounds");
    }
    SymTensor t = array("numpy.clip", a.get(0), at);
    boolean floatBound =
        a.get(1) instanceof Double || a.get(2) instanceof Double; // numpy then computes in float64
    if (floatBound && !t.type().dtype().isFloat()) {
      t = in.torch.cast(t, DType.F64, at);
    }
    return in.torch.call("clamp", List.of(t, a.get(1), a.get(2)), Map.of(), at);
  }

  /**
   * {@code numpy.where(condition, x, y)}; the one-argument form gives indices whose count depends
   * on the data, which a compiled model cannot express.
   */
  private static Object where(Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    if (a.size() != 3) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "numpy.where with one argument gives indices whose count depends on the data",
          "use numpy.where(condition, x, y), or keep a mask");
    }
    SymTensor c = array("numpy.where", a.get(0), at);
    return TensorFunctions.where(in.torch, c, a.get(1), a.get(2), at);
  }

  private static Object reduce(
      Interpreter in, String name, List<Object> a, Map<String, Object> kw, Span at) {
    Object v = arg("numpy." + name, a, kw, at);
    Long axis = axis(a, kw, at);
    if (v instanceof SymTensor t) {
      return reduceTensor(in, name, t, axis, at);
    }
    if (v instanceof HostScalar h && axis == null) {
      // A 0-d value: every reduction but sum of a bool (int) and mean (float) is the value.
      return switch (name) {
        case "mean" -> in.requireStaging(at).hostCast(in, h, DType.F64, at);
        case "sum", "prod" ->
            h.type().dtype() == DType.BOOL
                ? in.requireStaging(at).hostCast(in, h, DType.I64, at)
                : h;
        default -> h;
      };
    }
    List<Object> runtime = runTimeItems(in, v, axis, at);
    if (runtime != null) {
      return HostReductions.reduce(in, name, runtime, at);
    }
    List<Object> xs = numbers(in, "numpy." + name, v, axis, at);
    if (xs.isEmpty() && !name.equals("sum") && !name.equals("prod") && !name.equals("mean")) {
      throw Interpreter.error(
          Code.DN0103,
          at,
          "zero-size array to reduction operation " + name + " which has no identity");
    }
    boolean floats = xs.stream().anyMatch(x -> x instanceof Double);
    switch (name) {
      case "max", "amax", "min", "amin" -> {
        boolean max = name.contains("max");
        Object best = xs.get(0);
        for (Object x : xs) {
          double d = Operators.toDouble(x);
          double b = Operators.toDouble(best);
          // numpy propagates NaN.
          if (Double.isNaN(d) || (!Double.isNaN(b) && (max ? d > b : d < b))) {
            best = x;
          }
        }
        return floats ? (Object) Operators.toDouble(best) : (Object) Operators.asLong(best, at);
      }
      case "mean" -> {
        if (xs.isEmpty()) {
          return Double.NaN; // numpy warns "Mean of empty slice" and returns nan
        }
        double s = 0;
        for (Object x : xs) {
          s += Operators.toDouble(x);
        }
        return s / xs.size();
      }
      default -> {
        boolean sum = name.equals("sum");
        if (floats) {
          double acc = sum ? 0 : 1;
          for (Object x : xs) {
            acc = sum ? acc + Operators.toDouble(x) : acc * Operators.toDouble(x);
          }
          return acc;
        }
        long acc = sum ? 0 : 1;
        for (Object x : xs) {
          long l = Operators.asLong(x, at);
          acc = sum ? acc + l : acc * l; // int64 wraps around, as numpy's does
        }
        return acc;
      }
    }
  }

  private static Object reduceTensor(Interpreter in, String name, SymTensor t, Long axis, Span at) {
    String torchName =
        switch (name) {
          case "amax" -> "max";
          case "amin" -> "min";
          default -> name;
        };
    TorchLib torch = in.torch;
    DType dt = t.type().dtype();
    if (torchName.equals("prod")) {
      // numpy multiplies bools and smaller ints in int64 (its default int), floats in their dtype.
      SymTensor x = dt.isFloat() ? t : torch.cast(t, DType.I64, at);
      long[] axes = new long[axis == null ? x.type().rank() : 1];
      for (int i = 0; i < axes.length; i++) {
        axes[i] = axis == null ? i : TorchLib.axis(axis, x.type().rank(), at);
      }
      return torch.op(
          "reduce_prod",
          List.of(x),
          Map.of("axes", Attr.ints(axes), "keepdims", Attr.of(false)),
          at);
    }
    if (torchName.equals("mean") && !dt.isFloat()) {
      t = torch.cast(t, DType.F64, at); // numpy's mean of integers is float64
    }
    if (torchName.equals("sum") && dt == DType.BOOL) {
      t = torch.cast(t, DType.I64, at);
    }
    if (axis == null) {
      return torch.call(torchName, List.of(t), Map.of(), at);
    }
    Object r = torch.call(torchName, List.of(t, axis), Map.of(), at);
    return r instanceof PyTuple tup ? tup.items().get(0) : r;
  }

  private static Object argReduce(
      Interpreter in, String name, List<Object> a, Map<String, Object> kw, Span at) {
    Object v = arg("numpy." + name, a, kw, at);
    Long axis = axis(a, kw, at);
    if (v instanceof SymTensor t) {
      Map<String, Object> kwargs = new HashMap<>();
      if (axis != null) {
        kwargs.put("dim", axis);
      }
      return in.torch.call(name, List.of(t), kwargs, at);
    }
    List<Object> runtime = runTimeItems(in, v, axis, at);
    if (runtime != null) {
      return HostReductions.argReduce(in, name.equals("argmax"), runtime, at);
    }
    List<Object> xs = numbers(in, "numpy." + name, v, axis, at);
    if (xs.isEmpty()) {
      throw Interpreter.error(Code.DN0103, at, "attempt to get " + name + " of an empty sequence");
    }
    boolean max = name.equals("argmax");
    long best = 0;
    for (int i = 1; i < xs.size(); i++) {
      double d = Operators.toDouble(xs.get(i));
      double b = Operators.toDouble(xs.get((int) best));
      // The first extreme wins; the first NaN wins over everything, as in numpy.
      if (!Double.isNaN(b) && (Double.isNaN(d) || (max ? d > b : d < b))) {
        best = i;
      }
    }
    return best;
  }

  private static Object cumsum(Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    Object v = arg("numpy.cumsum", a, kw, at);
    Long axis = axis(a, kw, at);
    if ((v instanceof PyList || v instanceof PyTuple) && in.staging != null) {
      v = array(in, "cumsum", List.of(v), Map.of(), at);
    }
    if (v instanceof SymTensor t) {
      if (axis == null) {
        t = in.torch.reshape(t, new long[] {t.type().numel()}, at); // numpy flattens first
      }
      return in.torch.call("cumsum", List.of(t, axis == null ? 0L : axis), Map.of(), at);
    }
    throw Interpreter.error(
        Code.DN0201,
        at,
        "numpy.cumsum of " + Builtins.typeName(v) + " is not supported yet",
        "dynnc models numpy.cumsum of arrays from run-time tensors (Tensor.numpy()) and of Python"
            + " lists in forward; in construction code use itertools.accumulate");
  }

  private static Object array(
      Interpreter in, String name, List<Object> a, Map<String, Object> kw, Span at) {
    Object v = arg("numpy." + name, a, kw, at);
    Object dtype = kw.getOrDefault("dtype", a.size() > 1 ? a.get(1) : Values.NONE);
    if (v instanceof SymTensor t) {
      DType dt = dtype == Values.NONE ? null : dtypeOf(dtype, at);
      return dt == null ? t : in.torch.cast(t, dt, at);
    }
    if ((v instanceof Long || v instanceof Double || v instanceof Boolean)) {
      return dtype == Values.NONE ? v : scalar(in, dtypeOf(dtype, at), List.of(v), at);
    }
    if ((v instanceof PyList || v instanceof PyTuple) && in.staging != null) {
      // In forward an array of known numbers is a constant tensor, as arrays of run-time tensors
      // are tensors; numpy's dtype: float64 if any float, else int64 if any int, else bool.
      List<Object> xs = new ArrayList<>();
      flatten(in, "numpy." + name, v, xs, at);
      DType dt =
          dtype != Values.NONE
              ? dtypeOf(dtype, at)
              : known(v, Double.class) ? DType.F64 : known(v, Long.class) ? DType.I64 : DType.BOOL;
      return TensorWrites.literal(in.torch, v, dt, at);
    }
    throw Interpreter.error(
        Code.DN0201,
        at,
        "numpy."
            + name
            + " of "
            + Builtins.typeName(v)
            + " is not supported"
            + (in.staging == null ? " in construction code" : " yet"),
        "dynnc models numpy arrays of run-time tensors (Tensor.numpy()), of single numbers, and of"
            + " lists of numbers in forward; keep a Python list in construction code");
  }

  /**
   * The items of a flat list or tuple in forward that holds run-time scalars (or one-element
   * tensors) among numbers, reduced along its only axis; null for anything else.
   */
  private static List<Object> runTimeItems(Interpreter in, Object v, Long axis, Span at) {
    List<Object> items =
        v instanceof PyList l ? l.items : v instanceof PyTuple t ? t.items() : null;
    if (in.staging == null
        || items == null
        || items.isEmpty()
        || (axis != null && axis != 0 && axis != -1)
        || items.stream().noneMatch(x -> x instanceof HostScalar || x instanceof SymTensor)) {
      return null;
    }
    for (Object x : items) {
      boolean number = x instanceof Long || x instanceof Double || x instanceof Boolean;
      boolean scalar =
          x instanceof HostScalar || (x instanceof SymTensor t && t.type().numel() == 1);
      if (!number && !scalar) {
        return null; // numbers() names what is not supported
      }
    }
    return List.copyOf(items);
  }

  /** Whether a number of class {@code c} occurs in the (nested) list {@code v}. */
  private static boolean known(Object v, Class<?> c) {
    if (v instanceof PyList l) {
      return l.items.stream().anyMatch(x -> known(x, c));
    }
    if (v instanceof PyTuple t) {
      return t.items().stream().anyMatch(x -> known(x, c));
    }
    return c.isInstance(v);
  }

  private static DType dtypeOf(Object dtype, Span at) {
    if (dtype instanceof Builtin b && b.name().startsWith("numpy.")) {
      DType d = SCALAR_TYPES.get(b.name().substring("numpy.".length()));
      if (d != null) {
        return d;
      }
    }
    if (dtype instanceof DType d) {
      return d;
    }
    if (dtype instanceof String s) {
      for (DType d : SCALAR_TYPES.values()) {
        if (d.numpyName().equals(s)) {
          return d;
        }
      }
    }
    throw Interpreter.error(Code.DN0201, at, "numpy dtype " + dtype + " is not supported");
  }

  /** {@code np.float32(x)} and the other scalar types called on a value. */
  private static Object scalar(Interpreter in, DType dt, List<Object> a, Span at) {
    Object v = a.isEmpty() ? (Object) 0L : a.get(0);
    if (v instanceof SymTensor t) {
      return in.torch.cast(t, dt, at);
    }
    if (v instanceof HostScalar h) {
      return in.requireStaging(at).hostCast(in, h, dt, at);
    }
    if (v instanceof String s) {
      v = in.call(in.builtins.get(dt.isFloat() ? "float" : "int"), List.of(s), Map.of(), at);
    }
    if (!(v instanceof Long || v instanceof Double || v instanceof Boolean)) {
      throw Interpreter.error(
          Code.DN0102,
          at,
          "numpy." + dt.numpyName() + "() of " + Builtins.typeName(v) + " is not supported");
    }
    return switch (dt) {
      case F32 -> (double) (float) Operators.toDouble(v);
      case F64 -> Operators.toDouble(v);
      case I32 -> (long) (int) Operators.asLong(truncated(v, at), at);
      case BOOL -> Operators.toDouble(v) != 0;
      default -> Operators.asLong(truncated(v, at), at);
    };
  }

  private static Object truncated(Object v, Span at) {
    if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        throw Interpreter.error(Code.DN0103, at, "cannot convert float " + d + " to integer");
      }
      return (long) (double) d;
    }
    return v;
  }

  /**
   * The numbers of a known value (a number, or a list or tuple of them, nested as a numpy array
   * is), flattened; an axis is only taken for a 1-d list.
   */
  private static List<Object> numbers(Interpreter in, String fn, Object v, Long axis, Span at) {
    List<Object> out = new ArrayList<>();
    int depth = flatten(in, fn, v, out, at);
    if (axis != null && !(depth == 1 && (axis == 0 || axis == -1))) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          fn + " with axis=" + axis + " of a Python list is not supported yet",
          "dynnc reduces Python lists along their only axis; use an array from a tensor for more");
    }
    return out;
  }

  private static int flatten(Interpreter in, String fn, Object v, List<Object> out, Span at) {
    if (v instanceof Long || v instanceof Double || v instanceof Boolean) {
      in.budget.slots(1, at);
      out.add(v instanceof Boolean b ? (Object) (b ? 1L : 0L) : v);
      return 0;
    }
    List<Object> items =
        v instanceof PyList l ? l.items : v instanceof PyTuple t ? t.items() : null;
    if (items == null) {
      String what =
          v instanceof HostScalar || v instanceof SymTensor
              ? "a list holding run-time values"
              : Builtins.typeName(v);
      throw Interpreter.error(
          Code.DN0201,
          at,
          fn + " of " + what + " is not supported",
          "numpy functions take numbers, lists of numbers and arrays from Tensor.numpy()");
    }
    int depth = 1;
    for (Object x : items) {
      depth = 1 + flatten(in, fn, x, out, at);
    }
    return depth;
  }
}
