package dev.dynnc.frontend.eval;

import static dev.dynnc.frontend.eval.TorchRegistry.Space.FUNCTIONAL;
import static dev.dynnc.frontend.eval.TorchRegistry.Space.TENSOR;
import static dev.dynnc.frontend.eval.TorchRegistry.Space.TORCH;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.SymTensor;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Elementwise math, masks, norms and small reductions that research code calls in forward: rounding
 * and trigonometry, powers, {@code masked_fill} (attention masks), {@code amax}/{@code amin},
 * {@code prod}, {@code norm}, {@code logsumexp}, NaN and infinity tests, logical functions, new
 * tensors shaped like another, {@code repeat}, and the activations SiLU, Hardswish, Hardsigmoid,
 * ELU, LogSigmoid and Softmin, and F.interpolate (nearest, bilinear and bicubic). Each is PyTorch's
 * semantics on static shapes, composed from the IR's ops where PyTorch's definition allows it.
 */
final class MathFunctions {
  private MathFunctions() {}

  static void declare(TorchRegistry r) {
    unary(r);
    powers(r);
    masks(r);
    reductions(r);
    logical(r);
    shaped(r);
    activations(r);
    interpolate(r);
  }

  private static void unary(TorchRegistry r) {
    // Rounding keeps integer and bool tensors as they are (PyTorch returns a copy).
    for (String name : List.of("floor", "ceil", "trunc", "sign")) {
      r.def(name + "(Tensor input) -> Tensor")
          .in(TORCH, TENSOR)
          .to(
              (t, a, at) -> {
                SymTensor x = a.tensor("input");
                if (!x.type().dtype().isFloat() && !name.equals("sign")
                    || x.type().dtype() == DType.BOOL) {
                  return x;
                }
                return t.op(name, List.of(x), Map.of(), at);
              });
    }
    r.def("reciprocal(Tensor input) -> Tensor")
        .in(TORCH, TENSOR)
        .to((t, a, at) -> t.binary("/", 1.0, toFloat(t, a.tensor("input"), at), at));
    r.def("square(Tensor input) -> Tensor")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              return t.binary("*", x, x, at);
            });
    // log1p and expm1 as log(1 + x) and exp(x) - 1: 1 + x is rounded to float32 first, so for |x|
    // near float32's epsilon the relative error grows; the absolute error stays below it.
    r.def("log1p(Tensor input) -> Tensor")
        .in(TORCH, TENSOR)
        .note("as log(1 + x)")
        .to(
            (t, a, at) ->
                t.op(
                    "log",
                    List.of((SymTensor) t.binary("+", toFloat(t, a.tensor("input"), at), 1.0, at)),
                    Map.of(),
                    at));
    r.def("expm1(Tensor input) -> Tensor")
        .in(TORCH, TENSOR)
        .note("as exp(x) - 1")
        .to(
            (t, a, at) ->
                t.binary(
                    "-",
                    t.op("exp", List.of(toFloat(t, a.tensor("input"), at)), Map.of(), at),
                    1.0,
                    at));
    for (String name : List.of("log2", "log10")) {
      double base = name.equals("log2") ? 2.0 : 10.0;
      r.def(name + "(Tensor input) -> Tensor")
          .in(TORCH, TENSOR)
          .to(
              (t, a, at) ->
                  t.binary(
                      "/",
                      t.op("log", List.of(toFloat(t, a.tensor("input"), at)), Map.of(), at),
                      Math.log(base),
                      at));
    }
  }

  private static void powers(TorchRegistry r) {
    r.def("pow(Tensor|Scalar input, Tensor|Scalar exponent) -> Tensor")
        .in(TORCH, TENSOR)
        .to((t, a, at) -> t.binary("**", a.raw("input"), a.raw("exponent"), at));
    for (String name : List.of("clamp_min", "clamp_max")) {
      r.def(name + "(Tensor input, Scalar " + name.substring(6) + ") -> Tensor")
          .in(TORCH, TENSOR)
          .to(
              (t, a, at) -> {
                boolean min = name.equals("clamp_min");
                double bound = a.real(min ? "min" : "max");
                return t.op(
                    "clip",
                    List.of(a.tensor("input")),
                    Map.of(
                        "min",
                        Attr.of(min ? bound : Double.NEGATIVE_INFINITY),
                        "max",
                        Attr.of(min ? Double.POSITIVE_INFINITY : bound)),
                    at);
              });
    }
  }

  private static void masks(TorchRegistry r) {
    r.def("masked_fill(Tensor input, Tensor mask, Tensor|Number value) -> Tensor")
        .in(TORCH, TENSOR)
        .note("value is a number, a run-time scalar or a one-element tensor")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              // A uint8 mask is PyTorch's deprecated but working older form.
              SymTensor mask = TorchLib.byteMasks(t, a.tensor("mask"), at);
              if (mask.type().dtype() != DType.BOOL) {
                throw Interpreter.error(
                    Code.DN0102,
                    at,
                    "masked_fill only supports boolean masks, but got mask with dtype "
                        + mask.type().dtype().numpyName());
              }
              Object value = a.raw("value");
              if (Operators.isTensorLike(value)) {
                SymTensor v = t.tensor(value, at);
                if (v.type().numel() != 1) {
                  throw Interpreter.error(
                      Code.DN0202,
                      at,
                      "masked_fill only supports a 0-dimensional value tensor, but got tensor with "
                          + v.type().rank()
                          + " dimension(s)");
                }
                value = t.reshape(t.cast(v, x.type().dtype(), at), new long[0], at);
              } else {
                value = t.operandAs(value, x.type().dtype(), at);
              }
              SymTensor out = (SymTensor) TensorFunctions.where(t, mask, value, x, at);
              if (!out.type().shape().equals(x.type().shape())) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "masked_fill: mask of shape "
                        + mask.type().shape()
                        + " does not broadcast to the input's shape "
                        + x.type().shape());
              }
              return out;
            });
    for (String name : List.of("isnan", "isinf", "isfinite")) {
      r.def(name + "(Tensor input) -> Tensor")
          .in(TORCH, TENSOR)
          .to(
              (t, a, at) -> {
                SymTensor x = a.tensor("input");
                if (!x.type().dtype().isFloat()) {
                  // Integers are never NaN or infinite.
                  return t.full(
                      name.equals("isfinite") ? 1.0 : 0.0, DType.BOOL, x.type().dims(), at);
                }
                return switch (name) {
                  case "isnan" -> t.compare("!=", x, x, at);
                  case "isinf" -> t.compare("==", abs(t, x, at), Double.POSITIVE_INFINITY, at);
                  // NaN < inf is false, as is inf < inf.
                  default -> t.compare("<", abs(t, x, at), Double.POSITIVE_INFINITY, at);
                };
              });
    }
  }

  private static void reductions(TorchRegistry r) {
    for (String name : List.of("amax", "amin")) {
      r.def(name + "(Tensor input, int[]? dim=None, bool keepdim=False) -> Tensor")
          .in(TORCH, TENSOR)
          .note("no dim (or an empty list) reduces every dimension")
          .to(
              (t, a, at) -> {
                SymTensor x = a.tensor("input");
                long[] axes = axes(a.isNone("dim") ? new long[0] : a.ints("dim"), x, at);
                return t.op(
                    name.equals("amax") ? "reduce_max" : "reduce_min",
                    List.of(x),
                    Map.of("axes", Attr.ints(axes), "keepdims", Attr.of(a.bool("keepdim"))),
                    at);
              });
    }
    r.def(
            "prod(Tensor input, int? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              DType dt = a.dtype("dtype");
              // PyTorch multiplies integers and bools in int64.
              x =
                  t.cast(
                      x,
                      dt != null ? dt : x.type().dtype().isFloat() ? x.type().dtype() : DType.I64,
                      at);
              return t.op("reduce_prod", List.of(x), TensorFunctions.reduceAttrs(a, x, at), at);
            });
    r.def(
            "norm(Tensor input, Any p='fro', int[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor")
        .in(TORCH, TENSOR)
        .note("p a positive number, inf, or 'fro' (the 2-norm over dim)")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              if (!x.type().dtype().isFloat()) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "norm(): input dtype should be floating point, but got "
                        + x.type().dtype().numpyName());
              }
              if (a.dtype("dtype") != null) {
                x = t.cast(x, a.dtype("dtype"), at);
              }
              Object p = a.raw("p");
              double order;
              if (p instanceof String s) {
                if (!s.equals("fro")) {
                  throw Interpreter.error(
                      Code.DN0201,
                      at,
                      "norm with p='" + s + "' is not supported yet",
                      "use p='fro', p=2, p=1 or p=float('inf')");
                }
                order = 2.0;
              } else if (p instanceof Long || p instanceof Double) {
                order = Operators.toDouble(p);
              } else {
                throw Interpreter.error(
                    Code.DN0102,
                    at,
                    "norm: p must be a number or 'fro', got '" + Builtins.typeName(p) + "'");
              }
              if (!(order > 0)) {
                throw Interpreter.error(
                    Code.DN0201,
                    at,
                    "norm with p=" + order + " is not supported yet",
                    "use a positive p or p=float('inf')");
              }
              Map<String, Attr> attrs = TensorFunctions.reduceAttrs(a, x, at);
              SymTensor ax = abs(t, x, at);
              if (Double.isInfinite(order)) {
                return t.op("reduce_max", List.of(ax), attrs, at);
              }
              if (order == 1.0) {
                return t.op("reduce_sum", List.of(ax), attrs, at);
              }
              if (order == 2.0) {
                SymTensor sq = (SymTensor) t.binary("*", x, x, at);
                return t.op(
                    "sqrt", List.of(t.op("reduce_sum", List.of(sq), attrs, at)), Map.of(), at);
              }
              SymTensor powered = (SymTensor) t.binary("**", ax, order, at);
              return t.binary(
                  "**", t.op("reduce_sum", List.of(powered), attrs, at), 1.0 / order, at);
            });
    r.def("logsumexp(Tensor input, int[] dim, bool keepdim=False) -> Tensor")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = toFloat(t, a.tensor("input"), at);
              long[] axes = axes(a.ints("dim"), x, at);
              boolean keep = a.bool("keepdim");
              SymTensor m =
                  t.op(
                      "reduce_max",
                      List.of(x),
                      Map.of("axes", Attr.ints(axes), "keepdims", Attr.of(true)),
                      at);
              // Shift by the maximum unless it is infinite (all -inf, or a +inf): then by 0, as
              // PyTorch does, so -inf - -inf does not make NaN.
              SymTensor infinite =
                  (SymTensor) t.compare("==", abs(t, m, at), Double.POSITIVE_INFINITY, at);
              SymTensor shift =
                  (SymTensor)
                      TensorFunctions.where(t, infinite, t.full(0.0, x.type().dtype(), at), m, at);
              SymTensor e =
                  t.op("exp", List.of((SymTensor) t.binary("-", x, shift, at)), Map.of(), at);
              SymTensor s =
                  t.op(
                      "reduce_sum",
                      List.of(e),
                      Map.of("axes", Attr.ints(axes), "keepdims", Attr.of(keep)),
                      at);
              SymTensor back = keep ? shift : t.reshape(shift, s.type().dims(), at);
              return t.binary("+", t.op("log", List.of(s), Map.of(), at), back, at);
            });
  }

  private static void logical(TorchRegistry r) {
    for (String name : List.of("logical_and", "logical_or", "logical_xor")) {
      r.def(name + "(Tensor input, Tensor other) -> Tensor")
          .in(TORCH, TENSOR)
          .to(
              (t, a, at) -> {
                SymTensor x = t.cast(a.tensor("input"), DType.BOOL, at);
                SymTensor y = t.cast(a.tensor("other"), DType.BOOL, at);
                if (name.equals("logical_xor")) {
                  return t.compare("!=", x, y, at);
                }
                return t.op(name, List.of(x, y), Map.of(), at);
              });
    }
    r.def("logical_not(Tensor input) -> Tensor")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) ->
                t.op(
                    "logical_not",
                    List.of(t.cast(a.tensor("input"), DType.BOOL, at)),
                    Map.of(),
                    at));
  }

  private static void shaped(TorchRegistry r) {
    for (String name : List.of("new_zeros", "new_ones", "new_empty")) {
      r.def(
              name
                  + "(Tensor input, int... size, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor")
          .in(TENSOR)
          .note(
              name.equals("new_empty")
                  ? "in forward, zeros (PyTorch leaves the values undefined)"
                  : "in forward, a constant tensor")
          .to(
              (t, a, at) -> {
                DType dt = a.dtype("dtype");
                return t.full(
                    name.equals("new_ones") ? 1.0 : 0.0,
                    dt != null ? dt : a.tensorType("input").dtype(),
                    shape(a.ints("size"), name, at),
                    at);
              });
    }
    r.def(
            "new_full(Tensor input, int[] size, Number fill_value, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor")
        .in(TENSOR)
        .to(
            (t, a, at) -> {
              DType dt = a.dtype("dtype");
              return t.filled(
                  a.raw("fill_value"),
                  dt != null ? dt : a.tensorType("input").dtype(),
                  shape(a.ints("size"), "new_full", at),
                  at);
            });
    r.def(
            "full_like(Tensor input, Number fill_value, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor")
        .in(TORCH)
        .to(
            (t, a, at) -> {
              TensorType ty = a.tensorType("input");
              DType dt = a.dtype("dtype");
              return t.filled(a.raw("fill_value"), dt != null ? dt : ty.dtype(), ty.dims(), at);
            });
    r.def("repeat(Tensor input, int... repeats) -> Tensor")
        .in(TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              long[] reps = a.ints("repeats");
              if (reps.length < x.type().rank()) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "Number of dimensions of repeat dims can not be smaller than number of"
                        + " dimensions of tensor");
              }
              return repeat(t, x, reps, "repeat", at);
            });
    for (String name : List.of("swapaxes", "swapdims")) {
      r.def(name + "(Tensor input, int axis0, int axis1) -> Tensor")
          .in(TORCH, TENSOR)
          .to(
              (t, a, at) -> {
                SymTensor x = a.tensor("input");
                int rank = x.type().rank();
                long[] perm = new long[rank];
                for (int i = 0; i < rank; i++) {
                  perm[i] = i;
                }
                int i0 = TorchLib.axis(a.integer("axis0"), rank, at);
                int i1 = TorchLib.axis(a.integer("axis1"), rank, at);
                perm[i0] = i1;
                perm[i1] = i0;
                return t.op("transpose", List.of(x), Map.of("perm", Attr.ints(perm)), at);
              });
    }
  }

  private static void activations(TorchRegistry r) {
    r.def("silu(Tensor input, bool inplace=False) -> Tensor")
        .in(FUNCTIONAL)
        .to((t, a, at) -> silu(t, a.tensor("input"), at));
    r.def("hardsigmoid(Tensor input, bool inplace=False) -> Tensor")
        .in(FUNCTIONAL)
        .to((t, a, at) -> hardsigmoid(t, a.tensor("input"), at));
    r.def("hardswish(Tensor input, bool inplace=False) -> Tensor")
        .in(FUNCTIONAL)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              return t.binary("*", x, hardsigmoid(t, x, at), at);
            });
    r.def("elu(Tensor input, float alpha=1.0, bool inplace=False) -> Tensor")
        .in(FUNCTIONAL)
        .to((t, a, at) -> elu(t, a.tensor("input"), a.real("alpha"), at));
    r.def("logsigmoid(Tensor input) -> Tensor")
        .in(FUNCTIONAL)
        .to((t, a, at) -> logsigmoid(t, a.tensor("input"), at));
    r.def(
            "softmin(Tensor input, int? dim=None, int _stacklevel=3, ScalarType? dtype=None) -> Tensor")
        .in(FUNCTIONAL)
        .note("dim is required, as for F.softmax")
        .to(
            (t, a, at) -> {
              if (a.isNone("dim")) {
                throw Interpreter.error(
                    Code.DN0102,
                    at,
                    "softmin() needs dim",
                    "pass dim=1 (or the class dimension) explicitly");
              }
              SymTensor x = toFloat(t, a.tensor("input"), at);
              if (a.dtype("dtype") != null) {
                x = t.cast(x, a.dtype("dtype"), at);
              }
              return t.op(
                  "softmax",
                  List.of(t.op("neg", List.of(x), Map.of(), at)),
                  Map.of("axis", Attr.of((long) a.axis("dim", x.type().rank()))),
                  at);
            });
  }

  private static void interpolate(TorchRegistry r) {
    r.def(
            "interpolate(Tensor input, Any? size=None, Any? scale_factor=None, str mode='nearest',"
                + " bool? align_corners=None, bool? recompute_scale_factor=None,"
                + " bool antialias=False) -> Tensor")
        .in(FUNCTIONAL)
        .note(
            "3-d input with mode 'nearest' or 'linear', 4-d with 'nearest', 'bilinear' or"
                + " 'bicubic'; a NaN reaches the outputs that weigh it (PyTorch's kernels spread it"
                + " further)")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              String mode = a.str("mode");
              int rank = x.type().rank();
              if (rank != 3 && rank != 4) {
                throw Interpreter.error(
                    Code.DN0201,
                    at,
                    "F.interpolate of a " + rank + "-d input is not supported yet",
                    "only 3-d (N, C, L) and 4-d (N, C, H, W) inputs are");
              }
              // PyTorch's message for a mode of the other rank
              if (rank == 3 && List.of("bilinear", "bicubic").contains(mode)
                  || rank == 4 && mode.equals("linear")) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "Got "
                        + rank
                        + "D input, but "
                        + mode
                        + " mode needs "
                        + (mode.equals("linear") ? 3 : 4)
                        + "D input");
              }
              if (!List.of("nearest", "linear", "bilinear", "bicubic").contains(mode)) {
                throw Interpreter.error(
                    Code.DN0201,
                    at,
                    "F.interpolate mode '" + mode + "' is not supported yet",
                    "use mode='nearest', 'linear' (3-d), 'bilinear' or 'bicubic' (4-d)");
              }
              // A 3-d input runs as a 4-d one of two equal rows, which the resize keeps as they are
              // (TVM's resize divides by the height minus one), and the first row is the result.
              boolean oneD = rank == 3;
              long[] dims3 = x.type().dims();
              if (oneD) {
                x =
                    t.op(
                        "broadcast_to",
                        List.of(t.reshape(x, new long[] {dims3[0], dims3[1], 1, dims3[2]}, at)),
                        Map.of("shape", Attr.ints(new long[] {dims3[0], dims3[1], 2, dims3[2]})),
                        at);
              }
              if (!x.type().dtype().isFloat()) {
                throw Interpreter.error(
                    Code.DN0201,
                    at,
                    "F.interpolate of a "
                        + x.type().dtype().numpyName()
                        + " tensor is not supported",
                    "cast it with .float() first");
              }
              boolean corners = !a.isNone("align_corners") && a.bool("align_corners");
              if (mode.equals("nearest") && !a.isNone("align_corners")) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "align_corners option can only be set with the interpolating modes: linear |"
                        + " bilinear | bicubic | trilinear");
              }
              if (a.bool("antialias")) {
                throw Interpreter.error(
                    Code.DN0201, at, "F.interpolate with antialias=True is not supported yet");
              }
              boolean bySize = !a.isNone("size");
              if (bySize == !a.isNone("scale_factor")) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    bySize
                        ? "only one of size or scale_factor should be defined"
                        : "either size or scale_factor should be defined");
              }
              long[] in = {x.type().shape().get(2), x.type().shape().get(3)};
              long[] out = new long[2];
              Object given = a.raw(bySize ? "size" : "scale_factor");
              List<Object> items =
                  given instanceof Values.PyTuple tu
                      ? tu.items()
                      : given instanceof Values.PyList l
                          ? l.items
                          : oneD ? List.of(given) : List.of(given, given);
              if (items.size() != rank - 2) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "F.interpolate of a "
                        + rank
                        + "-d input needs "
                        + (rank - 2)
                        + " "
                        + (bySize ? "sizes" : "scale factors")
                        + ", got "
                        + items.size());
              }
              if (oneD) {
                items = List.of(bySize ? (Object) 2L : (Object) 1.0, items.get(0));
              }
              for (int i = 0; i < 2; i++) {
                if (bySize) {
                  out[i] = Operators.asLong(items.get(i), at);
                } else {
                  double f = Operators.asDouble(items.get(i), at);
                  out[i] = (long) Math.floor(in[i] * f);
                  // PyTorch maps coordinates with 1 / scale_factor unless told to recompute it
                  // from the sizes; the two agree when the output size is exact.
                  boolean recompute =
                      !a.isNone("recompute_scale_factor") && a.bool("recompute_scale_factor");
                  if (!corners && !recompute && out[i] != in[i] * f) {
                    throw Interpreter.error(
                        Code.DN0201,
                        at,
                        "F.interpolate with scale_factor "
                            + f
                            + " of a size "
                            + in[i]
                            + " dimension (not a whole output size) is not supported yet",
                        "pass size=, or recompute_scale_factor=True");
                  }
                }
                if (out[i] < 1) {
                  throw Interpreter.error(
                      Code.DN0202,
                      at,
                      "F.interpolate: output size " + out[i] + " must be positive");
                }
              }
              boolean nearest = mode.equals("nearest");
              SymTensor resized =
                  t.op(
                      "resize2d",
                      List.of(x),
                      Map.of(
                          "size",
                          Attr.ints(out),
                          "method",
                          Attr.of(
                              nearest
                                  ? "nearest_neighbor"
                                  : mode.equals("bicubic") ? "cubic" : "linear"),
                          "coordinates",
                          Attr.of(
                              nearest ? "asymmetric" : corners ? "align_corners" : "half_pixel"),
                          "rounding",
                          Attr.of(nearest ? "floor" : "")),
                      at);
              return oneD
                  ? t.reshape(
                      Recurrent.slice(t, resized, 2, 0, 1, at),
                      new long[] {dims3[0], dims3[1], out[1]},
                      at)
                  : resized;
            });
  }

  /**
   * x tiled {@code reps[i]} times along each dimension, x's shape first padded with leading 1s to
   * the length of reps (at least x's rank), as Tensor.repeat.
   */
  static SymTensor repeat(TorchLib t, SymTensor x, long[] reps, String fn, Span at) {
    int rank = x.type().rank();
    // x as [1, d0, 1, d1, ...] (leading dimensions of size 1 added), broadcast to
    // [r0, d0, r1, d1, ...], then merged pairwise: each dimension tiled r times.
    int lead = reps.length - rank;
    long[] spread = new long[2 * reps.length];
    long[] target = new long[2 * reps.length];
    long[] out = new long[reps.length];
    for (int i = 0; i < reps.length; i++) {
      if (reps[i] <= 0) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            fn
                + ": repeats must be positive, got "
                + reps[i]
                + " (compiled tensors have no zero-sized dimensions)");
      }
      long d = i < lead ? 1 : x.type().shape().get(i - lead);
      spread[2 * i] = 1;
      spread[2 * i + 1] = d;
      target[2 * i] = reps[i];
      target[2 * i + 1] = d;
      out[i] = reps[i] * d;
    }
    SymTensor wide =
        t.op(
            "broadcast_to",
            List.of(t.reshape(x, spread, at)),
            Map.of("shape", Attr.ints(target)),
            at);
    return t.reshape(wide, out, at);
  }

  /** x * sigmoid(x). */
  private static SymTensor silu(TorchLib t, SymTensor x, Span at) {
    return (SymTensor) t.binary("*", x, t.op("sigmoid", List.of(x), Map.of(), at), at);
  }

  /** relu6(x + 3) / 6. */
  private static SymTensor hardsigmoid(TorchLib t, SymTensor x, Span at) {
    SymTensor clipped =
        t.op(
            "clip",
            List.of((SymTensor) t.binary("+", x, 3.0, at)),
            Map.of("min", Attr.of(0.0), "max", Attr.of(6.0)),
            at);
    return (SymTensor) t.binary("/", clipped, 6.0, at);
  }

  /** x where x > 0, else alpha * (exp(x) - 1). */
  private static SymTensor elu(TorchLib t, SymTensor x, double alpha, Span at) {
    SymTensor neg =
        (SymTensor)
            t.binary("*", t.binary("-", t.op("exp", List.of(x), Map.of(), at), 1.0, at), alpha, at);
    return t.op("where", List.of((SymTensor) t.compare(">", x, 0.0, at), x, neg), Map.of(), at);
  }

  /** log(sigmoid(x)) = -softplus(-x), stable for large |x|. */
  private static SymTensor logsigmoid(TorchLib t, SymTensor x, Span at) {
    SymTensor negX = t.op("neg", List.of(x), Map.of(), at);
    return t.op("neg", List.of(TensorFunctions.softplus(t, negX, 1.0, 20.0, at)), Map.of(), at);
  }

  private static SymTensor abs(TorchLib t, SymTensor x, Span at) {
    return t.op("abs", List.of(x), Map.of(), at);
  }

  private static SymTensor toFloat(TorchLib t, SymTensor x, Span at) {
    return x.type().dtype().isFloat() ? x : t.cast(x, DType.F32, at);
  }

  /** Dimensions to reduce: all of them for an empty list, else each resolved. */
  private static long[] axes(long[] dims, SymTensor x, Span at) {
    int rank = x.type().rank();
    if (dims.length == 0) {
      long[] all = new long[rank];
      for (int i = 0; i < rank; i++) {
        all[i] = i;
      }
      return all;
    }
    long[] out = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      out[i] = TorchLib.axis(dims[i], rank, at);
    }
    return out;
  }

  private static long[] shape(long[] size, String fn, Span at) {
    List<Long> dims = new ArrayList<>();
    for (long d : size) {
      if (d <= 0) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            fn
                + ": size "
                + d
                + " is not supported: compiled tensors have no zero-sized dimensions");
      }
      dims.add(d);
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }
}
