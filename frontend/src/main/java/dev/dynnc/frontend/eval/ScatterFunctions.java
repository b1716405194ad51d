package dev.dynnc.frontend.eval;

import static dev.dynnc.frontend.eval.TorchRegistry.Space.TENSOR;
import static dev.dynnc.frontend.eval.TorchRegistry.Space.TORCH;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.SymTensor;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Span;
import dev.dynnc.semantics.DType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes of values at computed positions, out of place: {@code scatter} (a source or a value, with
 * reduce 'add' or 'multiply'), {@code scatter_add}, {@code scatter_reduce} (sum, prod, mean, amax,
 * amin, with or without the input's own values), and {@code index_add}/{@code index_copy}/{@code
 * index_fill} (whole slices along a dimension), as mixture-of-experts code combines expert outputs.
 * All lower to the IR's scatter_elements; the in-place forms ({@code out.index_add_(0, idx, y)})
 * rebind a local (see {@link InPlace}). An out-of-range index raises at run time, as in PyTorch
 * (index_fill counts a negative one from the end, as PyTorch does).
 */
final class ScatterFunctions {
  private ScatterFunctions() {}

  private static final String CLIPPED = "an out-of-range index raises at run time, as in PyTorch";

  static void declare(TorchRegistry r) {
    r.def(
            "scatter(Tensor input, int dim, Tensor index, Tensor src, *, str? reduce=None) -> Tensor",
            "scatter(Tensor input, int dim, Tensor index, Scalar value, *, str? reduce=None) -> Tensor")
        .in(TORCH, TENSOR)
        .note("reduce None, 'add' or 'multiply'; " + CLIPPED)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              String reduction = "update";
              if (!a.isNone("reduce")) {
                reduction =
                    switch (a.str("reduce")) {
                      case "add" -> "add";
                      case "multiply" -> "mul";
                      default ->
                          throw Interpreter.error(
                              Code.DN0202,
                              at,
                              "reduce argument must be either add or multiply, got "
                                  + a.str("reduce"));
                    };
              }
              boolean bySource = a.schema().params().stream().anyMatch(q -> q.name().equals("src"));
              Object src = a.raw(bySource ? "src" : "value");
              return scatter(t, x, a.integer("dim"), a.tensor("index"), src, reduction, at);
            });
    r.def("scatter_add(Tensor input, int dim, Tensor index, Tensor src) -> Tensor")
        .in(TORCH, TENSOR)
        .note(CLIPPED)
        .to(
            (t, a, at) ->
                scatter(
                    t,
                    a.tensor("input"),
                    a.integer("dim"),
                    a.tensor("index"),
                    a.raw("src"),
                    "add",
                    at));
    r.def(
            "scatter_reduce(Tensor input, int dim, Tensor index, Tensor src, str reduce, *,"
                + " bool include_self=True) -> Tensor")
        .in(TORCH, TENSOR)
        .note("reduce 'sum', 'prod', 'mean', 'amax' or 'amin'; " + CLIPPED)
        .to(
            (t, a, at) ->
                scatterReduce(
                    t,
                    a.tensor("input"),
                    a.integer("dim"),
                    a.tensor("index"),
                    a.tensor("src"),
                    a.str("reduce"),
                    a.bool("include_self"),
                    at));
    r.def(
            "index_add(Tensor input, int dim, Tensor index, Tensor source, *, Scalar alpha=1) -> Tensor")
        .in(TORCH, TENSOR)
        .note(CLIPPED)
        .to(
            (t, a, at) -> {
              SymTensor source = a.tensor("source");
              double alpha = a.real("alpha");
              if (alpha != 1) {
                source = (SymTensor) t.binary("*", source, a.raw("alpha"), at);
              }
              return indexed(t, a, source, "add", "index_add", at);
            });
    r.def("index_copy(Tensor input, int dim, Tensor index, Tensor source) -> Tensor")
        .in(TORCH, TENSOR)
        .note(CLIPPED)
        .to((t, a, at) -> indexed(t, a, a.tensor("source"), "update", "index_copy", at));
    r.def("index_fill(Tensor input, int dim, Tensor index, Scalar value) -> Tensor")
        .in(TORCH, TENSOR)
        .note("value a number; " + CLIPPED)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              int ax = a.axis("dim", x.type().rank());
              long[] dims = x.type().dims();
              dims[ax] = flatIndex(a.tensor("index"), "index_fill", at).type().numel();
              SymTensor fill =
                  t.full(Operators.toDouble(a.raw("value")), x.type().dtype(), dims, at);
              return indexed(t, a, fill, "update", "index_fill", at);
            });
  }

  /**
   * scatter/scatter_add: {@code src} (a tensor, of which the index's shape is used, or a number)
   * written or reduced at {@code index} along {@code dim}.
   */
  private static SymTensor scatter(
      TorchLib t, SymTensor x, long dim, SymTensor index, Object src, String reduction, Span at) {
    int ax = TorchLib.axis(dim, x.type().rank(), at);
    SymTensor y =
        scatterElements(t, x, index, updates(t, x, ax, index, src, at), ax, reduction, at);
    t.requireIndicesInRange(index, x.type().dims()[ax], false, at);
    return y;
  }

  /**
   * scatter_reduce: {@code src} reduced at {@code index} along {@code dim} into the input, with the
   * input's own value among the reduced ones ({@code includeSelf}) or not (then a position no index
   * names keeps the input's value). amax and amin are the IR's max and min reductions (NaN wins, as
   * in PyTorch); without the input's values, the positions the index names start from one of their
   * own values (amax, amin) or the reduction's identity (sum, prod). mean divides a sum by a count,
   * both scattered, rounding down for integers as PyTorch does.
   */
  private static SymTensor scatterReduce(
      TorchLib t,
      SymTensor x,
      long dim,
      SymTensor index,
      SymTensor src,
      String reduce,
      boolean includeSelf,
      Span at) {
    int ax = TorchLib.axis(dim, x.type().rank(), at);
    String reduction =
        switch (reduce) {
          case "sum", "mean" -> "add";
          case "prod" -> "mul";
          case "amax" -> "max";
          case "amin" -> "min";
          default ->
              throw Interpreter.error(
                  Code.DN0202,
                  at,
                  "reduce argument must be either sum, prod, mean, amax or amin, got " + reduce);
        };
    DType dt = x.type().dtype();
    if (dt == DType.BOOL) {
      throw Interpreter.error(
          Code.DN0201, at, "scatter_reduce of a bool tensor is not supported; cast it first");
    }
    SymTensor updates = updates(t, x, ax, index, src, at);
    long[] is = index.type().dims();
    SymTensor zeros = t.full(0, dt, x.type().dims(), at);
    // How many values each position receives (mean) or whether it receives any.
    SymTensor counts = scatterElements(t, zeros, index, t.full(1, dt, is, at), ax, "add", at);
    SymTensor y;
    if (reduce.equals("mean")) {
      SymTensor sums = scatterElements(t, zeros, index, updates, ax, "add", at);
      if (includeSelf) {
        sums = t.tensor(t.binary("+", sums, x, at), at);
        counts = t.tensor(t.binary("+", counts, 1L, at), at);
      } else {
        // A position no index names keeps its value; its count of 0 must not divide.
        SymTensor named = t.tensor(t.compare(">", counts, 0L, at), at);
        counts = t.tensor(TensorFunctions.where(t, named, counts, 1L, at), at);
        sums = t.tensor(TensorFunctions.where(t, named, sums, x, at), at);
      }
      y = t.tensor(t.binary(dt.isFloat() ? "/" : "//", sums, counts, at), at);
    } else {
      SymTensor base = x;
      if (!includeSelf && (reduce.equals("amax") || reduce.equals("amin"))) {
        // One of its own values first at each position the index names: the largest of a set
        // and one of its members is the largest of the set, for every dtype, NaN included.
        base = scatterElements(t, x, index, updates, ax, "update", at);
      } else if (!includeSelf) {
        SymTensor named = t.tensor(t.compare(">", counts, 0L, at), at);
        double identity = reduce.equals("sum") ? 0 : 1;
        base =
            t.tensor(
                TensorFunctions.where(t, named, t.full(identity, dt, x.type().dims(), at), x, at),
                at);
      }
      y = scatterElements(t, base, index, updates, ax, reduction, at);
    }
    t.requireIndicesInRange(index, x.type().dims()[ax], false, at);
    return y;
  }

  /**
   * The updates of a scatter: {@code src} (a tensor, cut to the index's shape, or a number filling
   * it), after PyTorch's checks of the index and the source.
   */
  private static SymTensor updates(
      TorchLib t, SymTensor x, int ax, SymTensor index, Object src, Span at) {
    int rank = x.type().rank();
    if (index.type().dtype() != DType.I64) {
      throw Interpreter.error(Code.DN0202, at, "scatter(): Expected dtype int64 for index");
    }
    if (index.type().rank() != rank) {
      throw Interpreter.error(
          Code.DN0202, at, "Index tensor must have the same number of dimensions as self tensor");
    }
    long[] is = index.type().dims();
    for (int i = 0; i < rank; i++) {
      if (i != ax && is[i] > x.type().shape().get(i)) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "Expected index "
                + index.type().shape()
                + " to be smaller than self "
                + x.type().shape()
                + " apart from dimension "
                + ax);
      }
    }
    SymTensor updates;
    if (Operators.isTensorLike(src)) {
      SymTensor s = t.tensor(src, at);
      if (s.type().rank() != rank) {
        throw Interpreter.error(
            Code.DN0202, at, "Index tensor must have the same number of dimensions as src tensor");
      }
      for (int i = 0; i < rank; i++) {
        if (is[i] > s.type().shape().get(i)) {
          throw Interpreter.error(
              Code.DN0202,
              at,
              "Expected index "
                  + index.type().shape()
                  + " to be smaller than src "
                  + s.type().shape());
        }
      }
      if (s.type().dtype() != x.type().dtype()) {
        throw Interpreter.error(
            Code.DN0202, at, "scatter(): Expected self.dtype to be equal to src.dtype");
      }
      updates = s;
      if (!Arrays.equals(s.type().dims(), is)) {
        for (int i = 0; i < rank; i++) {
          updates = Recurrent.slice(t, updates, i, 0, is[i], at);
        }
      }
    } else {
      updates = t.full(Operators.toDouble(src), x.type().dtype(), is, at);
    }
    return updates;
  }

  /**
   * index_add/index_copy/index_fill: slice i of {@code source} along dim goes to position index[i]
   * of the input: a scatter whose index is the 1-d index broadcast to the source's shape.
   */
  private static SymTensor indexed(
      TorchLib t, BoundArgs a, SymTensor source, String reduction, String fn, Span at) {
    SymTensor x = a.tensor("input");
    int rank = x.type().rank();
    int ax = a.axis("dim", rank);
    SymTensor index = flatIndex(a.tensor("index"), fn, at);
    long n = index.type().numel();
    long[] want = x.type().dims();
    want[ax] = n;
    if (source.type().rank() == rank && source.type().shape().get(ax) != n) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          fn
              + "_(): Number of indices ("
              + n
              + ") should be equal to source.size(dim): ("
              + source.type().shape().get(ax)
              + "), for dim: "
              + ax);
    }
    if (!Arrays.equals(source.type().dims(), want)) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          fn
              + "(): source of shape "
              + source.type().shape()
              + " does not fit: expected the input's shape with dimension "
              + ax
              + " of the index's length, "
              + Arrays.toString(want));
    }
    if (source.type().dtype() != x.type().dtype()) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          fn
              + "(): self ("
              + x.type().dtype().numpyName()
              + ") and source ("
              + source.type().dtype().numpyName()
              + ") must have the same scalar type");
    }
    long[] col = new long[rank];
    Arrays.fill(col, 1);
    col[ax] = n;
    SymTensor i64 = t.cast(index, DType.I64, at);
    long size = x.type().dims()[ax];
    boolean negatives = fn.equals("index_fill"); // PyTorch's index_fill counts them from the end
    SymTensor position =
        negatives
            ? t.tensor(
                TensorFunctions.where(
                    t,
                    t.tensor(t.compare("<", i64, 0L, at), at),
                    t.binary("+", i64, size, at),
                    i64,
                    at),
                at)
            : i64;
    SymTensor spread =
        t.op(
            "broadcast_to",
            List.of(t.reshape(position, col, at)),
            Map.of("shape", Attr.ints(want)),
            at);
    SymTensor y = scatterElements(t, x, spread, source, ax, reduction, at);
    t.requireIndicesInRange(i64, size, negatives, at);
    return y;
  }

  /** The IR's scatter_elements: {@code updates} written or reduced into x at index along ax. */
  private static SymTensor scatterElements(
      TorchLib t,
      SymTensor x,
      SymTensor index,
      SymTensor updates,
      int ax,
      String reduction,
      Span at) {
    return t.op(
        "scatter_elements",
        List.of(x, index, updates),
        Map.of("axis", Attr.of((long) ax), "reduction", Attr.of(reduction)),
        at);
  }

  /** The index of index_add and kin: an integer tensor of at most one dimension. */
  private static SymTensor flatIndex(SymTensor index, String fn, Span at) {
    DType d = index.type().dtype();
    if (d.isFloat() || d == DType.BOOL || index.type().rank() > 1) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          fn + "_(): Index has to be a vector/scalar of integers, got " + index.type());
    }
    return index;
  }
}
