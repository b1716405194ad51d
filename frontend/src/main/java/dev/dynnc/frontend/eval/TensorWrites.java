package dev.dynnc.frontend.eval;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.ast.Expr;
import dev.dynnc.frontend.eval.Values.HostScalar;
import dev.dynnc.frontend.eval.Values.PyList;
import dev.dynnc.frontend.eval.Values.PyTuple;
import dev.dynnc.frontend.eval.Values.SymTensor;
import dev.dynnc.frontend.eval.Values.TensorSlot;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Tensors forward writes or spells out: item assignment ({@code t[t < 0.5] = 0.0}, {@code
 * outputs[:, t] = step}, {@code t[idx] = v}), an in-place update of the tensor, and {@code
 * torch.tensor} of Python numbers and nested lists, a constant.
 *
 * <p>PyTorch writes a masked assignment into the tensor's storage, so every other reference to it
 * sees the change. dynnc computes the selected value and updates the tensor with it as the other
 * in-place updates do ({@link InPlace#update}): every local name for it (also through {@code
 * .data}, {@code .detach()} or {@code .cpu()}, which return the tensor itself) and the caller's
 * tensor see it; a parameter, a viewed tensor or one an object, list or dict holds is refused.
 * {@code clone()} makes a new tensor.
 */
final class TensorWrites {
  private TensorWrites() {}

  /** The most elements {@code torch.tensor} of a list spells out in forward. */
  static final int MAX_LITERAL = 4096;

  /**
   * {@code name[index] = value} in forward, an in-place update of the tensor ({@link InPlace}):
   * with a boolean mask, {@code where(mask, value, name)}; with integers, slices, None and ...
   * (basic indexing), the value written over the region those select; with integer tensors among
   * slices ({@code t[idx] = v}, {@code onehot[torch.arange(n), y] = 1}), at the elements those
   * select ({@link TensorIndexing#write}).
   */
  static void assign(
      Interpreter in,
      Interpreter.Frame f,
      Expr.Subscript s,
      Object container,
      Object index,
      Object value) {
    Span at = s.span();
    TorchLib torch = in.torch;
    // A value or index an earlier error made unusable: that error is reported already. A
    // selection by a mask (out[m] = x[m]) is taken by written().
    if (in.torch.masked.of(value) == null) {
      Signals.use(value, at);
    }
    Signals.use(index, at);
    if (!(container instanceof SymTensor t)) {
      throw Interpreter.error(
          Code.DN0200,
          at,
          "item assignment on a parameter or buffer would change the model's weights",
          "clone() it first: w = self.weight.clone()");
    }
    if (!(s.value() instanceof Expr.Name name) || !f.locals.containsKey(name.id())) {
      throw Interpreter.error(
          Code.DN0200,
          at,
          "item assignment on a tensor is supported on a local variable only",
          s.value() instanceof Expr.Subscript
              ? "index the local tensor once, with a tuple: t[i, j] = v rather than t[i][j] = v"
              : "assign the tensor to a local name first");
    }
    InPlace.check(
        in,
        f,
        t,
        at,
        "item assignment",
        InPlace.SHARED
            + "; assign a copy made with .clone() to '"
            + name.id()
            + "' before writing into it");
    SymTensor result = in.staging.quietly(() -> written(in, t, index, value, false, at));
    InPlace.rebind(in, f, t, result, at, "item assignment");
  }

  /**
   * {@code t} after {@code t[index] = value}, as a new tensor; with {@code accumulate}, after
   * {@code t[index] += value} where a position selected twice gets both values added (index_put's
   * {@code accumulate=True}).
   */
  static SymTensor written(
      Interpreter in, SymTensor t, Object index, Object value, boolean accumulate, Span at) {
    index = TorchLib.byteMasks(in.torch, index, at);
    List<Object> items = index instanceof PyTuple tu ? tu.items() : List.of(index);
    if (in.torch.masked.of(value) != null
        && !(index instanceof SymTensor m && m.type().dtype() == DType.BOOL)) {
      Signals.use(value, at); // a selection written anywhere but at a mask
    }
    if (value instanceof Values.HostScalar h) {
      value = in.torch.upload(h, at); // a run-time number written, cast to t's dtype below
    }
    if (items.stream().anyMatch(TorchLib::runTimeSlice)) {
      // outs[:, t:t + 2] = v: the static region 0:k moved to the run-time start
      if (items.stream()
          .anyMatch(x -> x instanceof Values.HostScalar || Operators.isTensorLike(x))) {
        throw Interpreter.error(
            Code.DN0201,
            at,
            "writing at a slice with run-time bounds together with a run-time or tensor index is"
                + " not supported yet",
            "write at the slice of a tensor selected first, or blend with torch.where");
      }
      TorchLib.ShiftedIndex s = in.torch.shiftRunTimeSlices(t, items, at);
      return regionAssign(
          in.torch, t, in.torch.basicIndex(t, s.items(), at), value, accumulate, s.starts(), at);
    }
    index = in.torch.uploadIndices(index, at);
    if (index instanceof SymTensor mask && mask.type().dtype() == DType.BOOL) {
      SymTensor selected = in.torch.masked.write(t, mask, value, accumulate, at);
      return selected != null ? selected : masked(in.torch, t, mask, value, accumulate, at);
    } else if (TensorIndexing.hasRunTimeIndex(in.staging, index)) {
      return TensorIndexing.write(in.torch, t, index, value, accumulate, at);
    }
    return regionAssign(
        in.torch, t, in.torch.basicIndex(t, index, at), value, accumulate, null, at);
  }

  /** {@code t[mask] = value}: {@code where(mask, value, t)} ({@code t + value} with accumulate). */
  private static SymTensor masked(
      TorchLib torch, SymTensor t, SymTensor mask, Object value, boolean accumulate, Span at) {
    TensorType ty = t.type();
    List<Long> ms = mask.type().shape();
    if (ms.size() > ty.rank() || !ty.shape().subList(0, ms.size()).equals(ms)) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "the shape of the mask "
              + ms
              + " does not match the shape of the indexed tensor "
              + ty.shape());
    }
    List<Long> trailing = ty.shape().subList(ms.size(), ty.rank());
    SymTensor v = valueFor(torch, value, ty.dtype(), trailing, at);
    long[] condShape = Arrays.copyOf(mask.type().dims(), ty.rank());
    Arrays.fill(condShape, ms.size(), ty.rank(), 1L);
    SymTensor cond = torch.reshape(mask, condShape, at);
    if (accumulate) {
      v = torch.op("add", List.of(t, v), Map.of(), at);
    }
    return torch.op("where", List.of(cond, v, t), Map.of(), at);
  }

  /**
   * {@code t[i, a:b, ...] = value}: the value, cast to t's dtype and broadcast to the shape {@code
   * t[i, a:b, ...]} has, scattered into the positions of the region in the flattened tensor. Where
   * {@code starts} (per dimension, or null) holds a run-time start, the region is moved along that
   * dimension by it.
   */
  private static SymTensor regionAssign(
      TorchLib torch,
      SymTensor t,
      TorchLib.BasicIndex r,
      Object value,
      boolean accumulate,
      SymTensor[] starts,
      Span at) {
    TensorType ty = t.type();
    long[] counts = r.counts();
    long m = 1;
    for (long c : counts) {
      m *= c;
    }
    SymTensor v = broadcastValue(torch, value, ty.dtype(), r.resultShape(), at);
    if (m == 0) {
      return t;
    }
    if (r.whole(ty) && starts == null) {
      SymTensor whole = torch.reshape(v, ty.dims(), at);
      return accumulate ? torch.op("add", List.of(t, whole), Map.of(), at) : whole;
    }
    int rank = ty.rank();
    long[] dimStride = new long[rank];
    long n = 1;
    for (int k = rank - 1; k >= 0; k--) {
      dimStride[k] = n;
      n *= ty.dims()[k];
    }
    // The flat position of every element of the region: the sum over dimensions of its
    // coordinate times that dimension's stride, as broadcast aranges.
    long offset = 0;
    SymTensor positions = null;
    for (int k = 0; k < rank; k++) {
      if (counts[k] == 1) {
        offset += r.begin()[k] * dimStride[k];
        continue;
      }
      long[] along = new long[rank];
      Arrays.fill(along, 1L);
      along[k] = counts[k];
      SymTensor a =
          torch.reshape(
              ShapeFunctions.arange(
                  torch,
                  r.begin()[k] * dimStride[k],
                  r.strides()[k] * dimStride[k],
                  counts[k],
                  DType.I64,
                  at),
              along,
              at);
      positions = positions == null ? a : torch.op("add", List.of(positions, a), Map.of(), at);
    }
    SymTensor base = torch.full(offset, DType.I64, at);
    for (int k = 0; starts != null && k < rank; k++) {
      if (starts[k] != null) {
        SymTensor moved =
            torch.op(
                "mul", List.of(starts[k], torch.full(dimStride[k], DType.I64, at)), Map.of(), at);
        base = torch.op("add", List.of(base, moved), Map.of(), at);
      }
    }
    positions = positions == null ? base : torch.op("add", List.of(positions, base), Map.of(), at);
    return scatterFlat(
        torch, t, TensorFunctions.expand(torch, positions, counts, at), v, accumulate, at);
  }

  /**
   * {@code t} with the elements of {@code values} written at the flat positions {@code positions}
   * (of the same shape) holds, through the flattened tensor.
   */
  static SymTensor scatterFlat(
      TorchLib torch,
      SymTensor t,
      SymTensor positions,
      SymTensor values,
      boolean accumulate,
      Span at) {
    long m = positions.type().numel();
    SymTensor flat =
        torch.op(
            "scatter_elements",
            List.of(
                torch.reshape(t, new long[] {t.type().numel()}, at),
                torch.reshape(positions, new long[] {m}, at),
                torch.reshape(values, new long[] {m}, at)),
            Map.of("axis", Attr.of(0L), "reduction", Attr.of(accumulate ? "add" : "update")),
            at);
    return torch.reshape(flat, t.type().dims(), at);
  }

  /**
   * The assigned value (a number or a tensor) as a tensor of {@code dtype} and {@code shape}: a
   * tensor loses leading dimensions of size 1 beyond the shape's rank and broadcasts, with
   * PyTorch's error where it cannot.
   */
  static SymTensor broadcastValue(
      TorchLib torch, Object value, DType dtype, long[] shape, Span at) {
    if (value instanceof Long || value instanceof Double || value instanceof Boolean) {
      return torch.full(Operators.toDouble(value), dtype, shape, at);
    }
    if (!Operators.isTensorLike(value)) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "can only assign a number or a tensor to a tensor's elements, not a "
              + Builtins.typeName(value));
    }
    SymTensor v = torch.tensor(value, at);
    long[] vs = v.type().dims();
    int drop = 0;
    while (vs.length - drop > shape.length && vs[drop] == 1) {
      drop++;
    }
    long[] kept = Arrays.copyOfRange(vs, drop, vs.length);
    if (!InPlace.broadcasts(kept, shape)) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "shape mismatch: value tensor of shape "
              + v.type().shape()
              + " cannot be broadcast to indexing result of shape "
              + Arrays.toString(shape));
    }
    if (drop > 0) {
      v = torch.reshape(v, kept, at);
    }
    if (v.type().dtype() != dtype) {
      v = torch.cast(v, dtype, at);
    }
    return TensorFunctions.expand(torch, v, shape, at);
  }

  /** Whether {@code v} holds {@code t} directly: as an attribute, a list, tuple or dict item. */
  static boolean holds(Object v, SymTensor t) {
    return items(v).stream().anyMatch(x -> x == t);
  }

  /** What {@code v} holds directly: an object's attributes, a list's, tuple's or dict's items. */
  static java.util.Collection<Object> items(Object v) {
    return v instanceof Values.PyObject o
        ? o.dict.values()
        : v instanceof PyList l
            ? l.items
            : v instanceof PyTuple tu
                ? tu.items()
                : v instanceof Values.PyDict d ? d.map.values() : List.of();
  }

  /**
   * The assigned value as a tensor of {@code dtype} that broadcasts against the masked elements: a
   * number, or a tensor whose shape broadcasts to {@code [N, *trailing]} for every count N of set
   * mask elements.
   */
  private static SymTensor valueFor(
      TorchLib torch, Object value, DType dtype, List<Long> trailing, Span at) {
    if (value instanceof Long || value instanceof Double || value instanceof Boolean) {
      return torch.full(Operators.toDouble(value), dtype, at);
    }
    if (!Operators.isTensorLike(value)) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "can only assign a number or a tensor to masked elements, not a "
              + Builtins.typeName(value));
    }
    SymTensor v = torch.tensor(value, at);
    List<Long> vs = v.type().shape();
    int k = trailing.size();
    boolean fits = vs.size() <= k + 1 && (vs.size() <= k || vs.get(0) == 1);
    for (int i = 0; fits && i < Math.min(vs.size(), k); i++) {
      long d = vs.get(vs.size() - 1 - i);
      fits = d == 1 || d == trailing.get(k - 1 - i);
    }
    if (!fits) {
      List<Object> target = new ArrayList<>(List.of("N"));
      target.addAll(trailing);
      throw Interpreter.error(
          Code.DN0202,
          at,
          "a value of shape "
              + vs
              + " cannot be assigned to the masked elements: it must broadcast to "
              + target
              + " for every count N of set mask elements",
          "assign a number or a one-element tensor");
    }
    if (vs.size() == k + 1) {
      v =
          torch.reshape(
              v, v.type().shape().subList(1, vs.size()).stream().mapToLong(x -> x).toArray(), at);
    }
    return torch.cast(v, dtype, at);
  }

  /**
   * {@code torch.tensor(data)} of a Python number or (nested) list or tuple of them: in forward a
   * constant tensor, at construction a tensor whose values are known only when all are equal.
   * PyTorch's dtype inference: any float makes float32, else any int int64, else bool.
   */
  static Object literal(TorchLib torch, Object data, DType requested, Span at) {
    List<Long> shape = new ArrayList<>();
    List<Object> flat = new ArrayList<>();
    flatten(data, 0, shape, flat, at);
    boolean anyFloat =
        flat.stream()
            .anyMatch(
                x ->
                    x instanceof Double || x instanceof HostScalar h && h.type().dtype().isFloat());
    boolean anyInt =
        flat.stream()
            .anyMatch(
                x ->
                    x instanceof Long
                        || x instanceof HostScalar h
                            && !h.type().dtype().isFloat()
                            && h.type().dtype() != DType.BOOL);
    DType dt =
        requested != null ? requested : anyFloat ? DType.F32 : anyInt ? DType.I64 : DType.BOOL;
    if (flat.isEmpty()) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "torch.tensor of an empty list makes a tensor with no elements, which"
              + " dynnc does not support");
    }
    long[] dims = shape.stream().mapToLong(Long::longValue).toArray();
    TensorType type = TensorType.of(dt, dims);
    // Run-time scalars (torch.tensor([step])) are placed one by one, like distinct numbers.
    boolean runTime = flat.stream().anyMatch(x -> x instanceof HostScalar);
    double first = runTime ? 0 : Operators.toDouble(flat.get(0));
    boolean uniform = !runTime && flat.stream().allMatch(x -> Operators.toDouble(x) == first);
    if (torch.interpreter().staging == null) {
      TensorSlot made = new TensorSlot(type, at, false);
      made.fill = uniform ? Double.valueOf(first) : null;
      return made;
    }
    if (uniform) {
      return torch.full(first, dt, dims, at);
    }
    if (flat.size() > MAX_LITERAL) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "torch.tensor of " + flat.size() + " values in forward is too large to spell out",
          "register it as a buffer in __init__, so that its values come from the checkpoint");
    }
    List<SymTensor> parts = new ArrayList<>();
    for (Object x : flat) {
      parts.add(
          x instanceof HostScalar h // uploaded and cast
              ? torch.reshape(torch.cast(torch.upload(h, at), dt, at), new long[] {1}, at)
              : torch.full(Operators.toDouble(x), dt, new long[] {1}, at));
    }
    SymTensor row =
        parts.size() == 1
            ? parts.get(0)
            : torch.op("concat", parts, Map.of("axis", Attr.of(0L)), at);
    return torch.reshape(row, dims, at);
  }

  /** Appends the numbers of {@code v} to {@code flat}, checking that every level is regular. */
  private static void flatten(Object v, int depth, List<Long> shape, List<Object> flat, Span at) {
    List<Object> items =
        v instanceof PyList l ? l.items : v instanceof PyTuple t ? t.items() : null;
    if (items == null) {
      if (!(v instanceof Long
          || v instanceof Double
          || v instanceof Boolean
          || v instanceof HostScalar)) {
        throw Interpreter.error(
            Code.DN0201,
            at,
            "torch.tensor of a "
                + Builtins.typeName(v)
                + " is not supported: only Python numbers and (nested) lists or tuples of them",
            "use torch.stack or torch.cat to combine tensors");
      }
      if (depth < shape.size()) {
        throw ragged(shape, depth, "a number", at);
      }
      flat.add(v);
      return;
    }
    if (depth == shape.size()) {
      if (!flat.isEmpty()) {
        throw Interpreter.error(
            Code.DN0103, at, "too many dimensions at dim " + depth + ": expected a number");
      }
      shape.add((long) items.size());
    } else if (shape.get(depth) != items.size()) {
      throw ragged(shape, depth, String.valueOf(items.size()), at);
    }
    for (Object x : items) {
      flatten(x, depth + 1, shape, flat, at);
    }
  }

  /** PyTorch's error for a ragged list: level {@code depth} holds {@code got}. */
  private static dev.dynnc.diag.DiagnosticException ragged(
      List<Long> shape, int depth, String got, Span at) {
    return Interpreter.error(
        Code.DN0103,
        at,
        "expected sequence of length "
            + shape.get(depth)
            + " at dim "
            + depth
            + " (got "
            + got
            + ")");
  }
}
