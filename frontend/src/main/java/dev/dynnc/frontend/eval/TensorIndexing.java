package dev.dynnc.frontend.eval;

import com.google.common.collect.ImmutableList;
import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.PyTuple;
import dev.dynnc.frontend.eval.Values.SymTensor;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Span;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reading a tensor at integer tensors computed at run time (PyTorch's advanced indexing): {@code
 * emb[ids]}, {@code h[:, idx]}, {@code logits[torch.arange(n), labels]}. The tensor indices must be
 * adjacent (an integer next to them is one more, as in PyTorch); the other entries are slices or
 * {@code ...}. The indexed dimensions are merged into one, the index tensors (broadcast together,
 * negative values counted from the end) become one flat position, and an index_select along the
 * merged dimension reads it; the broadcast index shape takes the indexed dimensions' place in the
 * result, as in PyTorch. An index out of its dimension raises at run time, as in PyTorch (the read
 * itself clips, so it stays in bounds).
 */
final class TensorIndexing {
  private TensorIndexing() {}

  /** Whether {@code idx} holds a tensor index whose values are known only at run time. */
  static boolean hasRunTimeIndex(Staging staging, Object idx) {
    List<Object> items = idx instanceof PyTuple tu ? tu.items() : List.of(idx);
    for (Object x : items) {
      if (x instanceof SymTensor ix
          && !ix.type().dtype().isFloat()
          && ix.type().dtype() != DType.BOOL
          && staging.knownValue(ix).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** An index of adjacent integer tensors among slices: the slices, the tensors and where. */
  private record Parsed(List<Object> slices, List<SymTensor> indices, int first) {}

  private static Parsed parse(TorchLib t, SymTensor x, Object idx, Span at) {
    List<Object> items =
        idx instanceof PyTuple tu ? new ArrayList<>(tu.items()) : new ArrayList<>(List.of(idx));
    int ell = items.indexOf(Operators.ELLIPSIS);
    if (ell >= 0) {
      items.remove(ell);
      int rest = x.type().rank() - items.size();
      for (int k = 0; k < rest; k++) {
        items.add(ell, new Operators.SliceValue(Values.NONE, Values.NONE, Values.NONE));
      }
    }
    List<Object> sliced = new ArrayList<>();
    List<SymTensor> indices = new ArrayList<>();
    int first = -1;
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      if (item instanceof Long v) {
        // Next to tensor indices an integer is one too (PyTorch broadcasts it with them).
        long size = i < x.type().rank() ? x.type().dims()[i] : 0;
        if (v < -size || v >= size) {
          throw Interpreter.error(
              Code.DN0202,
              at,
              "index " + v + " is out of bounds for dimension " + i + " with size " + size);
        }
        item = t.full(v, DType.I64, at);
      }
      if (item instanceof SymTensor ix) {
        if (ix.type().dtype() == DType.BOOL) {
          throw Interpreter.error(
              Code.DN0201,
              at,
              "a boolean mask next to an integer tensor index is not supported: the result's"
                  + " shape would depend on the data",
              "select with torch.where(mask, x, 0), or index with integer tensors only");
        }
        if (ix.type().dtype() != DType.I64) {
          throw Interpreter.error(
              Code.DN0202, at, "tensors used as indices must be long, byte or bool tensors");
        }
        if (first >= 0 && first + indices.size() != i) {
          throw Interpreter.error(
              Code.DN0201,
              at,
              "integer tensor indices separated by a slice are not supported yet",
              "index the dimensions one after the other, or use torch.gather");
        }
        if (first < 0) {
          first = i;
        }
        indices.add(ix);
        sliced.add(new Operators.SliceValue(Values.NONE, Values.NONE, Values.NONE));
      } else if (item instanceof Operators.SliceValue) {
        sliced.add(item);
      } else {
        throw Interpreter.error(
            Code.DN0201,
            at,
            "indexing with "
                + (item == Values.NONE ? "None" : "a " + Builtins.typeName(item))
                + " next to an integer tensor is not supported yet",
            "index with integer tensors and slices, or reshape first");
      }
    }
    return new Parsed(sliced, indices, first);
  }

  static SymTensor read(TorchLib t, SymTensor x, Object idx, Span at) {
    Parsed p = parse(t, x, idx, at);
    List<Object> sliced = p.slices();
    List<SymTensor> indices = p.indices();
    int first = p.first();
    // The slices first (a view), then the tensor indices on what is left.
    SymTensor y = t.tensor(t.index(x, new PyTuple(ImmutableList.copyOf(sliced)), at), at);
    long[] dims = y.type().dims();
    int k = indices.size();
    long[] common = broadcast(indices, at);
    long[] strides = new long[k];
    long stride = 1;
    for (int j = k - 1; j >= 0; j--) {
      strides[j] = stride;
      stride *= dims[first + j];
    }
    SymTensor flat = flatIndex(t, indices, dims, first, strides, at);
    flat = TensorFunctions.expand(t, flat, common, at);
    long positions = 1;
    for (long c : common) {
      positions *= c;
    }
    List<Long> merged = new ArrayList<>();
    for (int i = 0; i < first; i++) {
      merged.add(dims[i]);
    }
    merged.add(stride);
    for (int i = first + k; i < dims.length; i++) {
      merged.add(dims[i]);
    }
    SymTensor m = t.reshape(y, merged.stream().mapToLong(Long::longValue).toArray(), at);
    SymTensor picked =
        t.op(
            "index_select",
            List.of(m, t.reshape(flat, new long[] {positions}, at)),
            Map.of("axis", Attr.of((long) first)),
            at);
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < first; i++) {
      out.add(dims[i]);
    }
    for (long c : common) {
      out.add(c);
    }
    for (int i = first + k; i < dims.length; i++) {
      out.add(dims[i]);
    }
    return t.reshape(picked, out.stream().mapToLong(Long::longValue).toArray(), at);
  }

  /**
   * The index tensors as one position: the sum of each index (a negative one counted from the end
   * of its dimension, as in PyTorch) times its stride.
   */
  private static SymTensor flatIndex(
      TorchLib t, List<SymTensor> indices, long[] dims, int first, long[] strides, Span at) {
    SymTensor flat = null;
    for (int j = 0; j < indices.size(); j++) {
      long size = dims[first + j];
      SymTensor ix = indices.get(j);
      t.requireIndicesInRange(ix, size, true, at);
      SymTensor wrapped =
          t.tensor(
              TensorFunctions.where(
                  t, t.tensor(t.compare("<", ix, 0L, at), at), t.binary("+", ix, size, at), ix, at),
              at);
      SymTensor term =
          strides[j] == 1 ? wrapped : t.tensor(t.binary("*", wrapped, strides[j], at), at);
      flat = flat == null ? term : t.tensor(t.binary("+", flat, term, at), at);
    }
    return flat;
  }

  /**
   * {@code x[idx] = value} with integer tensors among slices: the value, broadcast to the shape
   * {@code x[idx]} has, scattered into the flat positions it selects (each slice's aranges and the
   * index tensors' flat position, broadcast over the result). Repeated positions keep one of the
   * values, as PyTorch's index_put_ without accumulate may; with {@code accumulate} every value is
   * added to what the position holds.
   */
  static SymTensor write(
      TorchLib t, SymTensor x, Object idx, Object value, boolean accumulate, Span at) {
    Parsed p = parse(t, x, idx, at);
    long[] dims = x.type().dims();
    int rank = dims.length;
    if (p.slices().size() > rank) {
      throw Interpreter.error(Code.DN0202, at, "too many indices for a tensor of rank " + rank);
    }
    long[] dimStride = new long[rank];
    long n = 1;
    for (int d = rank - 1; d >= 0; d--) {
      dimStride[d] = n;
      n *= dims[d];
    }
    int k = p.indices().size();
    long[] common = broadcast(p.indices(), at);
    // The result's axes: the sliced dimensions before the indexed ones, the index shape, the rest.
    List<Long> shape = new ArrayList<>();
    List<SymTensor> terms = new ArrayList<>();
    List<Integer> axes = new ArrayList<>();
    for (int d = 0; d < rank; d++) {
      if (d == p.first()) {
        axes.add(shape.size());
        terms.add(null);
        for (long c : common) {
          shape.add(c);
        }
        d += k - 1;
        continue;
      }
      Object item =
          d < p.slices().size()
              ? p.slices().get(d)
              : new Operators.SliceValue(Values.NONE, Values.NONE, Values.NONE);
      long[] r = Operators.resolveSlice((Operators.SliceValue) item, dims[d], at);
      if (r[2] < 0) {
        throw Interpreter.error(
            Code.DN0201, at, "negative slice steps are not supported on tensors");
      }
      long count = Math.max(0, (r[1] - r[0] + r[2] - 1) / r[2]);
      axes.add(shape.size());
      terms.add(
          ShapeFunctions.arange(t, r[0] * dimStride[d], r[2] * dimStride[d], count, DType.I64, at));
      shape.add(count);
    }
    long[] out = shape.stream().mapToLong(Long::longValue).toArray();
    long m = 1;
    for (long c : out) {
      m *= c;
    }
    SymTensor v = TensorWrites.broadcastValue(t, value, x.type().dtype(), out, at);
    if (m == 0) {
      return x;
    }
    long[] strides = new long[k];
    for (int j = 0; j < k; j++) {
      strides[j] = dimStride[p.first() + j];
    }
    SymTensor positions = null;
    for (int i = 0; i < terms.size(); i++) {
      SymTensor term = terms.get(i);
      long[] along = new long[out.length];
      java.util.Arrays.fill(along, 1L);
      int a = axes.get(i);
      if (term == null) {
        term = flatIndex(t, p.indices(), dims, p.first(), strides, at);
        long[] ts = term.type().dims();
        int lead = common.length - ts.length;
        for (int j = 0; j < ts.length; j++) {
          along[a + lead + j] = ts[j];
        }
      } else {
        along[a] = term.type().dims()[0];
      }
      term = t.reshape(term, along, at);
      positions = positions == null ? term : t.tensor(t.binary("+", positions, term, at), at);
    }
    return TensorWrites.scatterFlat(
        t, x, TensorFunctions.expand(t, positions, out, at), v, accumulate, at);
  }

  /** The shape the index tensors broadcast to, with PyTorch's error where they do not. */
  private static long[] broadcast(List<SymTensor> indices, Span at) {
    long[] shape = new long[0];
    for (SymTensor ix : indices) {
      long[] s = ix.type().dims();
      int r = Math.max(shape.length, s.length);
      long[] out = new long[r];
      for (int i = 1; i <= r; i++) {
        long a = i <= shape.length ? shape[shape.length - i] : 1;
        long b = i <= s.length ? s[s.length - i] : 1;
        if (a != b && a != 1 && b != 1) {
          throw Interpreter.error(
              Code.DN0202,
              at,
              "shape mismatch: indexing tensors could not be broadcast together with shapes "
                  + indices.stream().map(q -> q.type().shape().toString()).toList());
        }
        out[r - i] = Math.max(a, b);
      }
      shape = out;
    }
    return shape;
  }
}
