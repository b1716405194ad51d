package dev.dynnc.frontend.eval;

import dev.dynnc.ir.Attr;
import dev.dynnc.ir.ScalarEval;
import dev.dynnc.semantics.DType;
import java.util.List;
import java.util.Map;

/**
 * Rule STATIC-TENSOR: the value of a one-element tensor that forward computes from constants only
 * ({@code t = torch.tensor(0)}, then {@code t = t + 1} in a static loop) is known at compile time,
 * so a condition on it is static and folds, as DESIGN.md asks. {@link Staging} asks here for the
 * value of every one-element op it emits whose operands are all known; the op itself is still
 * emitted (the tensor may flow into other ops), it simply never decides control flow at run time.
 *
 * <p>Values follow the tensor's dtype: {@link Boolean} for bool, {@link Long} for integer types (an
 * int32 result wraps as the tensor does), {@link Double} rounded to float precision for f32. They
 * are computed by the op table's evaluator ({@link ScalarEval}), as for host scalars.
 */
final class Constants {
  private Constants() {}

  /**
   * The value of {@code op} on known one-element operands, or null when it is not computed here.
   */
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
    if (op.equals("reshape")) {
      return operands.size() == 1
          ? convert(operands.get(0), result)
          : null; // one element keeps its value
    }
    Double torchOnly = torchValue(op, operands);
    if (torchOnly != null) {
      return convert(torchOnly, result);
    }
    // The op table's evaluator (Python's semantics, as the host computes). Where Python would
    // raise or need more than 64 bits, the tensor's value differs (int64 tensors wrap): it is left
    // to run time, not folded.
    try {
      Object v = ScalarEval.evaluate(op, operands, result);
      return v == null ? null : convert(v, result);
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /**
   * torch's value where a float tensor op differs from Python's scalar op, the table's evaluator:
   * torch.maximum/minimum propagate NaN and order -0.0 below 0.0 (as Java's Math.max/min do), where
   * the builtin max/min keep their first operand; and a floor division by zero gives an infinity or
   * NaN, as {@code x / 0.0} does, where Python raises. Null where the two agree.
   */
  private static Double torchValue(String op, List<Object> operands) {
    if (operands.size() != 2
        || !(operands.get(0) instanceof Double x)
        || !(operands.get(1) instanceof Double y)) {
      return null;
    }
    return switch (op) {
      case "maximum" -> Math.max(x, y);
      case "minimum" -> Math.min(x, y);
      case "floor_div" -> y == 0 ? x / y : null;
      default -> null;
    };
  }

  private static boolean truthy(Object v) {
    return v instanceof Boolean b ? b : asDouble(v) != 0;
  }

  private static long asLong(Object v) {
    return v instanceof Boolean b
        ? (b ? 1 : 0)
        : v instanceof Long l ? l : (long) (double) (Double) v;
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
    return dt == DType.I32 ? (long) (int) l : dt == DType.U8 ? l & 0xff : l;
  }
}
