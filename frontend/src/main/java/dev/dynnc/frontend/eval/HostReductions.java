package dev.dynnc.frontend.eval;

import dev.dynnc.frontend.eval.Values.HostScalar;
import dev.dynnc.ir.Span;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * numpy's reductions of a Python list that holds run-time scalars, computed by host ops: the way
 * inference code picks an exit, {@code np.argmax([conf0, conf1, conf2])}. The list is numpy's 1-d
 * array of the items: float64 if any item is a float (float32 if every item is a float32 run-time
 * scalar), else int64 if any is an int, else bool.
 *
 * <p>numpy's rules are kept, NaN included: {@code max}/{@code min} are NaN when any item is, {@code
 * argmax}/{@code argmin} give the first NaN's index, else the first extreme's; {@code sum} and
 * {@code prod} of bools count in int64, {@code mean} divides in float64. Integer sums that leave
 * int64 stop the run with a located error (numpy would wrap around silently).
 */
final class HostReductions {
  private HostReductions() {}

  static Object reduce(Interpreter in, String name, List<Object> items, Span at) {
    Staging s = in.requireStaging(at);
    DType dt = dtype(s, in, items, at);
    switch (name) {
      case "max", "amax", "min", "amin" -> {
        List<HostScalar> xs = cast(s, in, items, dt, at);
        String op = name.contains("max") ? "maximum" : "minimum";
        HostScalar m = xs.get(0);
        for (HostScalar x : xs.subList(1, xs.size())) {
          m = (HostScalar) s.hostExtreme(in, op, m, x, at);
        }
        if (!dt.isFloat()) {
          return m;
        }
        HostScalar nan = s.constant(s.current, Double.NaN, at);
        return s.select(in, anyNaN(s, in, xs, at), s.hostCast(in, nan, dt, at), m, at);
      }
      case "mean" -> {
        List<HostScalar> xs = cast(s, in, items, DType.F64, at);
        return s.hostBinary(in, "/", sum(s, in, xs, "+", at), (long) xs.size(), at);
      }
      default -> {
        DType acc = dt == DType.BOOL ? DType.I64 : dt;
        return sum(s, in, cast(s, in, items, acc, at), name.equals("sum") ? "+" : "*", at);
      }
    }
  }

  /** {@code np.argmax}/{@code np.argmin}: the first NaN's index, else the first extreme's. */
  static Object argReduce(Interpreter in, boolean max, List<Object> items, Span at) {
    Staging s = in.requireStaging(at);
    DType dt = dtype(s, in, items, at);
    List<HostScalar> xs = cast(s, in, items, dt == DType.BOOL ? DType.I64 : dt, at);
    HostScalar best = xs.get(0);
    HostScalar index = s.constant(s.current, 0L, at);
    HostScalar seenNaN = isNaN(s, in, best, at);
    for (int i = 1; i < xs.size(); i++) {
      HostScalar x = xs.get(i);
      HostScalar better = (HostScalar) s.hostCompare(in, max ? ">" : "<", x, best, at);
      HostScalar nan = isNaN(s, in, x, at);
      HostScalar take =
          (HostScalar)
              s.logical(
                  in,
                  "logical_and",
                  s.not(in, seenNaN, at),
                  s.logical(in, "logical_or", better, nan, at),
                  at);
      index = s.select(in, take, s.constant(s.current, (long) i, at), index, at);
      best = s.select(in, take, x, best, at);
      seenNaN = (HostScalar) s.logical(in, "logical_or", seenNaN, nan, at);
    }
    return index;
  }

  private static DType dtype(Staging s, Interpreter in, List<Object> items, Span at) {
    boolean anyFloat = false;
    boolean anyInt = false;
    for (Object x : items) {
      DType d =
          x instanceof HostScalar h
              ? h.type().dtype()
              : x instanceof Values.SymTensor t
                  ? t.type().dtype()
                  : x instanceof Double ? DType.F64 : x instanceof Long ? DType.I64 : DType.BOOL;
      anyFloat |= d.isFloat();
      anyInt |= d != DType.BOOL && !d.isFloat();
    }
    return anyFloat ? DType.F64 : anyInt ? DType.I64 : DType.BOOL;
  }

  private static List<HostScalar> cast(
      Staging s, Interpreter in, List<Object> items, DType dt, Span at) {
    List<HostScalar> out = new ArrayList<>();
    for (Object x : items) {
      out.add(s.hostCast(in, s.hostValue(in, x, at), dt, at));
    }
    return out;
  }

  private static Object sum(Staging s, Interpreter in, List<HostScalar> xs, String op, Span at) {
    Object acc = xs.get(0);
    for (HostScalar x : xs.subList(1, xs.size())) {
      acc = s.hostBinary(in, op, acc, x, at);
    }
    return acc;
  }

  private static HostScalar isNaN(Staging s, Interpreter in, HostScalar x, Span at) {
    if (!x.type().dtype().isFloat()) {
      return s.constant(s.current, false, at);
    }
    return (HostScalar) s.hostCompare(in, "!=", x, x, at);
  }

  private static HostScalar anyNaN(Staging s, Interpreter in, List<HostScalar> xs, Span at) {
    HostScalar any = isNaN(s, in, xs.get(0), at);
    for (HostScalar x : xs.subList(1, xs.size())) {
      any = (HostScalar) s.logical(in, "logical_or", any, isNaN(s, in, x, at), at);
    }
    return any;
  }
}
