package dev.dynnc.frontend.eval;

import dev.dynnc.ir.Attr;
import dev.dynnc.semantics.DType;
import dev.dynnc.semantics.PyFloat;
import java.util.List;
import java.util.Map;

/**
 * Rule STATIC-TENSOR: the value of a one-element tensor that forward computes from constants
 * only ({@code t = torch.tensor(0)}, then {@code t = t + 1} in a static loop) is known at compile
 * time, so a condition on it is static and folds, as DESIGN.md asks. {@link Staging} asks here for
 * the value of every one-element op it emits whose operands are all known; the op itself is still
 * emitted (the tensor may flow into other ops), it simply never decides control flow at run time.
 *
 * <p>Values follow the tensor's dtype: {@link Boolean} for bool, {@link Long} for integer types
 * (wrapping like int64 tensors), {@link Double} rounded to float precision for f32.
 */
final class Constants {
  private Constants() {}

  /** The value of {@code op} on known one-element operands, or null when it is not computed here. */
  static Object fold(String op, List<Object> operands, Map<String, Attr> attrs, DType result) {
    if (op.equals("full")) {
      Attr v = attrs.get("value");
      if (v instanceof Attr.FloatAttr f) {
        return convert(f.value(), result);
      } else if (v instanceof Attr.IntAttr i) {
        return convert(i.value(), result);
      } else if (v instanceof Attr.BoolAttr b) {
        return convert(b.value() ? 1L : 0L, result);
      }
      return null;
    }
    for (Object o : operands) {
      if (o == null) {
        return null;
      }
    }
    switch (op) {
      case "cast", "reshape" -> {
        return operands.size() == 1 ? convert(operands.get(0), result) : null;
      }
      case "neg" -> {
        Object x = operands.get(0);
        return x instanceof Long l ? convert(-l, result) : convert(-asDouble(x), result);
      }
      case "abs" -> {
        Object x = operands.get(0);
        return x instanceof Long l ? convert(Math.abs(l), result) : convert(Math.abs(asDouble(x)), result);
      }
      case "logical_not" -> {
        return convert(!truthy(operands.get(0)), result);
      }
      default -> {}
    }
    if (operands.size() != 2) {
      return null;
    }
    Object a = operands.get(0);
    Object b = operands.get(1);
    boolean ints = !(a instanceof Double) && !(b instanceof Double);
    switch (op) {
      case "eq", "ne", "lt", "le", "gt", "ge" -> {
        // Floats compare as IEEE values: NaN is unordered, -0.0 equals 0.0.
        int c = ints ? Long.compare(asLong(a), asLong(b)) : 0;
        double x = asDouble(a);
        double y = asDouble(b);
        boolean r = switch (op) {
          case "eq" -> ints ? c == 0 : x == y;
          case "ne" -> ints ? c != 0 : x != y;
          case "lt" -> ints ? c < 0 : x < y;
          case "le" -> ints ? c <= 0 : x <= y;
          case "gt" -> ints ? c > 0 : x > y;
          default -> ints ? c >= 0 : x >= y;
        };
        return convert(r, result);
      }
      case "logical_and" -> {
        return convert(truthy(a) && truthy(b), result);
      }
      case "logical_or" -> {
        return convert(truthy(a) || truthy(b), result);
      }
      default -> {}
    }
    if (ints && !result.isFloat()) {
      long x = asLong(a);
      long y = asLong(b);
      return switch (op) {
        case "add" -> convert(x + y, result);
        case "sub" -> convert(x - y, result);
        case "mul" -> convert(x * y, result);
        case "floor_div" -> y == 0 ? null : convert(Math.floorDiv(x, y), result);
        case "mod" -> y == 0 ? null : convert(Math.floorMod(x, y), result);
        case "maximum" -> convert(Math.max(x, y), result);
        case "minimum" -> convert(Math.min(x, y), result);
        default -> null; // int pow and true division: left to run time
      };
    }
    double x = asDouble(a);
    double y = asDouble(b);
    return switch (op) {
      case "add" -> convert(x + y, result);
      case "sub" -> convert(x - y, result);
      case "mul" -> convert(x * y, result);
      case "div" -> convert(x / y, result);
      case "pow" -> convert(Math.pow(x, y), result);
      // torch's floor division and remainder agree with Python's on NaN and infinities; by
      // zero they give an infinity (or NaN) and NaN where Python raises.
      case "floor_div" -> convert(y == 0 ? x / y : PyFloat.floorDiv(x, y), result);
      case "mod" -> convert(PyFloat.mod(x, y), result);
      case "maximum" -> convert(Math.max(x, y), result);
      case "minimum" -> convert(Math.min(x, y), result);
      default -> null;
    };
  }

  private static boolean truthy(Object v) {
    return v instanceof Boolean b ? b : asDouble(v) != 0;
  }

  private static long asLong(Object v) {
    return v instanceof Boolean b ? (b ? 1 : 0) : v instanceof Long l ? l : (long) (double) (Double) v;
  }

  private static double asDouble(Object v) {
    return v instanceof Boolean b ? (b ? 1 : 0) : v instanceof Long l ? l : (Double) v;
  }

  /** Converts as a cast to {@code dt} does: truncation toward zero for float to int. */
  static Object convert(Object v, DType dt) {
    if (dt == DType.BOOL) {
      return truthy(v);
    }
    if (dt.isFloat()) {
      double d = asDouble(v);
      return dt == DType.F32 ? (double) (float) d : d;
    }
    long l = v instanceof Double d ? (long) (double) d : asLong(v);
    return dt == DType.I32 ? (long) (int) l : l;
  }
}
