package dev.dynnc.frontend.eval;

import static dev.dynnc.frontend.eval.TorchRegistry.Space.TENSOR;
import static dev.dynnc.frontend.eval.TorchRegistry.Space.TORCH;

import com.google.common.collect.ImmutableList;
import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.PyList;
import dev.dynnc.frontend.eval.Values.PyTuple;
import dev.dynnc.frontend.eval.Values.SymTensor;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Span;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Diagonals and grids: {@code diag}, {@code diagonal}, {@code trace}, {@code meshgrid}, and two
 * indexing helpers research code reaches for ({@code take_along_dim}, {@code count_nonzero}). All
 * are built from static slices, aranges and selects, so their results are exact.
 */
final class MatrixFunctions {
  private MatrixFunctions() {}

  static void declare(TorchRegistry r) {
    r.def("diag(Tensor input, int diagonal=0) -> Tensor")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              long k = a.integer("diagonal");
              return switch (x.type().rank()) {
                case 1 -> diagMatrix(t, x, k, at);
                case 2 -> diagonal(t, x, k, 0, 1, at);
                default ->
                    throw Interpreter.error(
                        Code.DN0202,
                        at,
                        "matrix or a vector expected (got a " + x.type().rank() + "-d tensor)");
              };
            });
    r.def("diagonal(Tensor input, int offset=0, int dim1=0, int dim2=1) -> Tensor")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              int rank = x.type().rank();
              if (rank < 2) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "diagonal dimensions out of range (the input has rank " + rank + ")");
              }
              int d1 = a.axis("dim1", rank);
              int d2 = a.axis("dim2", rank);
              if (d1 == d2) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "diagonal dimensions cannot be identical "
                        + a.integer("dim1")
                        + ", "
                        + a.integer("dim2"));
              }
              return diagonal(t, x, a.integer("offset"), d1, d2, at);
            });
    r.def("trace(Tensor input) -> Tensor")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              if (x.type().rank() != 2) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "trace: expected a matrix, but got tensor with dim " + x.type().rank());
              }
              return t.call("sum", List.of(diagonal(t, x, 0, 0, 1, at)), Map.of(), at);
            });
    r.def("meshgrid(Any... tensors, *, str? indexing=None) -> Tensor[]")
        .in(TORCH)
        .note("indexing='ij' (the default) or 'xy'")
        .to((t, a, at) -> meshgrid(t, a, at));
    r.def("take_along_dim(Tensor input, Tensor indices, int? dim=None) -> Tensor")
        .in(TORCH, TENSOR)
        .note("an out-of-range index raises at run time, as in PyTorch")
        .to((t, a, at) -> takeAlongDim(t, a, at));
    r.def(
            "index_put(Tensor input, Any indices, Tensor|Scalar values, bool accumulate=False) ->"
                + " Tensor")
        .in(TORCH, TENSOR)
        .note(
            "as input[indices] = values on a copy; with accumulate=True, values are added, a"
                + " position indexed twice getting both")
        .to(
            (t, a, at) -> {
              Object given = a.raw("indices");
              if (!(given instanceof PyTuple) && !(given instanceof PyList)) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "index_put(): argument 'indices' must be tuple of Tensors, not "
                        + Builtins.typeName(given));
              }
              List<Object> index = items(given);
              return TensorWrites.written(
                  t.interpreter(),
                  a.tensor("input"),
                  index.size() == 1 ? index.get(0) : new PyTuple(ImmutableList.copyOf(index)),
                  a.raw("values"),
                  a.bool("accumulate"),
                  at);
            });
    r.def("count_nonzero(Tensor input, int[]? dim=None) -> Tensor")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              Object nonzero = t.compare("!=", x, 0L, at);
              return a.isNone("dim")
                  ? t.call("sum", List.of(nonzero), Map.of(), at)
                  : t.call(
                      "sum",
                      List.of(nonzero, new PyTuple(ImmutableList.copyOf(boxed(a.ints("dim"))))),
                      Map.of(),
                      at);
            });
  }

  @SuppressWarnings("unchecked")
  private static List<Object> items(Object v) {
    if (v instanceof List<?> given) {
      return (List<Object>) given; // the varargs, as BoundArgs keeps them
    }
    return v instanceof PyList l ? l.items : v instanceof PyTuple tu ? tu.items() : List.of(v);
  }

  private static List<Object> boxed(long[] v) {
    List<Object> out = new ArrayList<>();
    for (long x : v) {
      out.add(x);
    }
    return out;
  }

  /**
   * The diagonal at {@code offset} of the matrices spanned by dimensions d1 and d2, as a last
   * dimension: a strided slice of the flattened matrix (step: one row and one column).
   */
  static SymTensor diagonal(TorchLib t, SymTensor x, long offset, int d1, int d2, Span at) {
    int rank = x.type().rank();
    long[] dims = x.type().dims();
    long n = dims[d1];
    long m = dims[d2];
    long count = offset >= 0 ? Math.min(n, m - offset) : Math.min(n + offset, m);
    if (count <= 0) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "the diagonal at offset " + offset + " of a " + n + "x" + m + " matrix is empty",
          "an empty result is not supported yet");
    }
    int[] perm = new int[rank];
    List<Long> lead = new ArrayList<>();
    int p = 0;
    for (int i = 0; i < rank; i++) {
      if (i != d1 && i != d2) {
        perm[p++] = i;
        lead.add(dims[i]);
      }
    }
    perm[p++] = d1;
    perm[p] = d2;
    SymTensor moved = x;
    if (d1 != rank - 2 || d2 != rank - 1) {
      moved =
          t.op(
              "transpose",
              List.of(x),
              Map.of("perm", Attr.ints(Arrays.stream(perm).asLongStream().toArray())),
              at);
    }
    long[] flatShape = new long[lead.size() + 1];
    for (int i = 0; i < lead.size(); i++) {
      flatShape[i] = lead.get(i);
    }
    flatShape[lead.size()] = n * m;
    SymTensor flat = t.reshape(moved, flatShape, at);
    long start = offset >= 0 ? offset : -offset * m;
    long[] begin = new long[flatShape.length];
    long[] end = flatShape.clone();
    long[] strides = new long[flatShape.length];
    Arrays.fill(strides, 1L);
    begin[lead.size()] = start;
    end[lead.size()] = start + (count - 1) * (m + 1) + 1;
    strides[lead.size()] = m + 1;
    return t.op(
        "strided_slice",
        List.of(flat),
        Map.of("begin", Attr.ints(begin), "end", Attr.ints(end), "strides", Attr.ints(strides)),
        at);
  }

  /**
   * {@code diag(v, k)} of a vector: the square matrix of side len(v) + |k| with v on diagonal k and
   * zeros elsewhere, a select between v (padded to the side and broadcast along the rows or the
   * columns) and zeros.
   */
  private static SymTensor diagMatrix(TorchLib t, SymTensor v, long k, Span at) {
    long len = v.type().dims()[0];
    long n = len + Math.abs(k);
    SymTensor padded = v;
    if (k != 0) {
      padded =
          t.op(
              "pad",
              List.of(v),
              Map.of("pad_width", Attr.ints(new long[] {0, Math.abs(k)}), "value", Attr.of(0.0)),
              at);
    }
    SymTensor rows =
        t.reshape(ShapeFunctions.arange(t, 0, 1, n, DType.I64, at), new long[] {n, 1}, at);
    SymTensor cols =
        t.reshape(ShapeFunctions.arange(t, 0, 1, n, DType.I64, at), new long[] {1, n}, at);
    Object mask = t.compare("==", t.tensor(t.binary("-", cols, rows, at), at), k, at);
    // Row i holds v[i] on diagonal k >= 0; column j holds v[j] below the diagonal (k < 0).
    SymTensor along = t.reshape(padded, k >= 0 ? new long[] {n, 1} : new long[] {1, n}, at);
    SymTensor values = TensorFunctions.expand(t, along, new long[] {n, n}, at);
    return t.tensor(TensorFunctions.where(t, t.tensor(mask, at), values, 0L, at), at);
  }

  /** {@code torch.meshgrid(*tensors, indexing)}: each 1-d tensor broadcast along its own axis. */
  private static Object meshgrid(TorchLib t, BoundArgs a, Span at) {
    List<Object> given = items(a.raw("tensors"));
    if (given.size() == 1 && (given.get(0) instanceof PyList || given.get(0) instanceof PyTuple)) {
      given = items(given.get(0));
    }
    String indexing = a.isNone("indexing") ? "ij" : a.str("indexing");
    if (!indexing.equals("ij") && !indexing.equals("xy")) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: " + indexing);
    }
    if (given.isEmpty()) {
      throw Interpreter.error(Code.DN0202, at, "torch.meshgrid expects a non-empty TensorList");
    }
    List<SymTensor> ts = new ArrayList<>();
    for (Object g : given) {
      SymTensor x = t.tensor(g, at);
      if (x.type().rank() > 1) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: "
                + x.type().rank()
                + "D tensor");
      }
      ts.add(t.reshape(x, new long[] {x.type().numel()}, at));
    }
    int k = ts.size();
    // 'xy' swaps the first two axes of the grid: the first tensor varies along axis 1.
    int[] axisOf = new int[k];
    for (int i = 0; i < k; i++) {
      axisOf[i] = i;
    }
    if (indexing.equals("xy") && k >= 2) {
      axisOf[0] = 1;
      axisOf[1] = 0;
    }
    long[] grid = new long[k];
    for (int i = 0; i < k; i++) {
      grid[axisOf[i]] = ts.get(i).type().numel();
    }
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      long[] shape = new long[k];
      Arrays.fill(shape, 1L);
      shape[axisOf[i]] = grid[axisOf[i]];
      out.add(TensorFunctions.expand(t, t.reshape(ts.get(i), shape, at), grid, at));
    }
    return new PyTuple(ImmutableList.copyOf(out));
  }

  /**
   * {@code take_along_dim(input, indices, dim)}: gather after broadcasting input and indices
   * against each other outside dim; with no dim, of the flattened input.
   */
  private static Object takeAlongDim(TorchLib t, BoundArgs a, Span at) {
    SymTensor x = a.tensor("input");
    SymTensor idx = a.tensor("indices");
    if (a.isNone("dim")) {
      return t.call(
          "gather",
          List.of(
              t.reshape(x, new long[] {x.type().numel()}, at),
              0L,
              t.reshape(idx, new long[] {idx.type().numel()}, at)),
          Map.of(),
          at);
    }
    int rank = x.type().rank();
    if (idx.type().rank() != rank) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "torch.take_along_dim(): input and indices should have the same number of dimensions,"
              + " but got "
              + rank
              + " dimensions for input, and "
              + idx.type().rank()
              + " dimensions for indices");
    }
    int ax = a.axis("dim", rank);
    long[] xs = x.type().dims().clone();
    long[] is = idx.type().dims().clone();
    for (int i = 0; i < rank; i++) {
      if (i == ax) {
        continue;
      }
      if (xs[i] != is[i] && xs[i] != 1 && is[i] != 1) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "The size of tensor a ("
                + xs[i]
                + ") must match the size of tensor b ("
                + is[i]
                + ") at non-singleton dimension "
                + i);
      }
      long d = Math.max(xs[i], is[i]);
      xs[i] = d;
      is[i] = d;
    }
    return t.call(
        "gather",
        List.of(
            TensorFunctions.expand(t, x, xs, at),
            (long) ax,
            TensorFunctions.expand(t, idx, is, at)),
        Map.of(),
        at);
  }
}
