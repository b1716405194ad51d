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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The functional forms behind common nn layers: more activations (hardtanh, mish, SELU, CELU,
 * softsign, tanhshrink, threshold, GLU, PReLU), normalizations (layer, group and instance norm),
 * embedding and one_hot, pixel and channel shuffles, unflatten, 1-d convolution and pooling,
 * adaptive max pooling, reflect and replicate padding, cosine similarity and pairwise distance, and
 * the dropout variants (the identity in eval mode). Each is PyTorch's semantics on static shapes,
 * composed from the IR's ops.
 */
final class LayerFunctions {
  private LayerFunctions() {}

  /** SELU's constants (Klambauer et al. 2017), as PyTorch defines them. */
  private static final double SELU_ALPHA = 1.6732632423543772848170429916717;

  private static final double SELU_SCALE = 1.0507009873554804934193349852946;

  static void declare(TorchRegistry r) {
    activations(r);
    norms(r);
    lookups(r);
    shuffles(r);
    convolutionAndPooling(r);
    distances(r);
    dropouts(r);
  }

  private static void activations(TorchRegistry r) {
    r.def(
            "hardtanh(Tensor input, float min_val=-1.0, float max_val=1.0, bool inplace=False) -> Tensor")
        .in(FUNCTIONAL)
        .to(
            (t, a, at) -> {
              // PyTorch clamps to min_val, then to max_val, as clip does (max_val wins).
              double lo = a.real("min_val");
              double hi = a.real("max_val");
              return clip(t, a.tensor("input"), lo, hi, at);
            });
    r.def("mish(Tensor input, bool inplace=False) -> Tensor")
        .in(FUNCTIONAL)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              SymTensor sp = TensorFunctions.softplus(t, x, 1.0, 20.0, at);
              return t.binary("*", x, t.op("tanh", List.of(sp), Map.of(), at), at);
            });
    r.def("selu(Tensor input, bool inplace=False) -> Tensor")
        .in(FUNCTIONAL)
        .to(
            (t, a, at) ->
                t.binary(
                    "*", expLinear(t, a.tensor("input"), SELU_ALPHA, 1.0, at), SELU_SCALE, at));
    r.def("celu(Tensor input, float alpha=1.0, bool inplace=False) -> Tensor")
        .in(FUNCTIONAL)
        .to(
            (t, a, at) -> {
              double alpha = a.real("alpha");
              if (alpha == 0) {
                throw Interpreter.error(
                    Code.DN0202, at, "ZeroDivisionError", "CELU's alpha must not be 0");
              }
              return expLinear(t, a.tensor("input"), alpha, 1.0 / alpha, at);
            });
    r.def("softsign(Tensor input) -> Tensor")
        .in(FUNCTIONAL)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              return t.binary(
                  "/", x, t.binary("+", t.op("abs", List.of(x), Map.of(), at), 1.0, at), at);
            });
    r.def("tanhshrink(Tensor input) -> Tensor")
        .in(FUNCTIONAL)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              return t.binary("-", x, t.op("tanh", List.of(x), Map.of(), at), at);
            });
    r.def("threshold(Tensor input, float threshold, float value, bool inplace=False) -> Tensor")
        .in(TORCH, FUNCTIONAL)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              SymTensor above = (SymTensor) t.compare(">", x, a.real("threshold"), at);
              return TensorFunctions.where(
                  t, above, x, t.full(a.real("value"), x.type().dtype(), at), at);
            });
    r.def("glu(Tensor input, int dim=-1) -> Tensor")
        .in(FUNCTIONAL)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              if (x.type().rank() == 0) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "glu does not support scalars because halving size must be even");
              }
              int ax = a.axis("dim", x.type().rank());
              long n = x.type().shape().get(ax);
              if (n % 2 != 0) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "Halving dimension must be even, but dimension " + ax + " is size " + n);
              }
              SymTensor first = Recurrent.slice(t, x, ax, 0, n / 2, at);
              SymTensor second = Recurrent.slice(t, x, ax, n / 2, n, at);
              return t.binary("*", first, t.op("sigmoid", List.of(second), Map.of(), at), at);
            });
    r.def("prelu(Tensor input, Tensor weight) -> Tensor")
        .in(TORCH, TENSOR, FUNCTIONAL)
        .note("weight of one element or one per channel (dim 1)")
        .to((t, a, at) -> prelu(t, a.tensor("input"), a.tensor("weight"), at));
  }

  /** max(0, x) + min(0, alpha * (exp(x * inner) - 1)): SELU (before its scale) and CELU. */
  private static SymTensor expLinear(TorchLib t, SymTensor x, double alpha, double inner, Span at) {
    SymTensor e = t.op("exp", List.of((SymTensor) t.binary("*", x, inner, at)), Map.of(), at);
    SymTensor neg = (SymTensor) t.binary("*", t.binary("-", e, 1.0, at), alpha, at);
    return t.op("where", List.of((SymTensor) t.compare(">", x, 0.0, at), x, neg), Map.of(), at);
  }

  static SymTensor prelu(TorchLib t, SymTensor x, SymTensor w, Span at) {
    long n = w.type().numel();
    int rank = x.type().rank();
    SymTensor slope;
    if (n == 1) {
      slope = t.reshape(w, new long[0], at);
    } else {
      long channels = rank >= 2 ? x.type().shape().get(1) : rank == 1 ? x.type().shape().get(0) : 1;
      if (w.type().rank() != 1 || n != channels) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                + n
                + " and channel size = "
                + channels
                + ".");
      }
      long[] shape = new long[Math.max(rank - 1, 1)];
      java.util.Arrays.fill(shape, 1);
      shape[0] = n;
      slope = t.reshape(w, shape, at);
    }
    SymTensor neg = (SymTensor) t.binary("*", x, slope, at);
    return t.op("where", List.of((SymTensor) t.compare(">", x, 0.0, at), x, neg), Map.of(), at);
  }

  private static void norms(TorchRegistry r) {
    r.def(
            "layer_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, Tensor? bias=None,"
                + " float eps=1e-05) -> Tensor")
        .in(TORCH, FUNCTIONAL)
        .to(
            (t, a, at) ->
                layerNorm(
                    t,
                    a.tensor("input"),
                    a.ints("normalized_shape"),
                    optional(a, "weight"),
                    optional(a, "bias"),
                    a.real("eps"),
                    at));
    r.def(
            "group_norm(Tensor input, int num_groups, Tensor? weight=None, Tensor? bias=None,"
                + " float eps=1e-05) -> Tensor")
        .in(TORCH, FUNCTIONAL)
        .to(
            (t, a, at) ->
                groupNorm(
                    t,
                    a.tensor("input"),
                    a.integer("num_groups"),
                    optional(a, "weight"),
                    optional(a, "bias"),
                    a.real("eps"),
                    at));
    r.def(
            "instance_norm(Tensor input, Tensor? running_mean=None, Tensor? running_var=None,"
                + " Tensor? weight=None, Tensor? bias=None, bool use_input_stats=True,"
                + " float momentum=0.1, float eps=1e-05) -> Tensor")
        .in(FUNCTIONAL)
        .note("with use_input_stats=False, the running statistics as in eval mode")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              SymTensor w = optional(a, "weight");
              SymTensor b = optional(a, "bias");
              if (a.bool("use_input_stats")) {
                return instanceNorm(t, x, w, b, a.real("eps"), at);
              }
              if (a.isNone("running_mean") || a.isNone("running_var")) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "Expected running_mean and running_var to be defined when use_input_stats is"
                        + " false");
              }
              return runningNorm(
                  t, x, a.tensor("running_mean"), a.tensor("running_var"), w, b, a.real("eps"), at);
            });
  }

  /** F.layer_norm over the trailing {@code ns} dimensions of {@code x}. */
  static SymTensor layerNorm(
      TorchLib t, SymTensor x, long[] ns, SymTensor w, SymTensor b, double eps, Span at) {
    int r = x.type().rank();
    long[] dims = x.type().dims();
    long size = 1;
    for (int i = 0; i < ns.length; i++) {
      if (r - ns.length + i < 0 || dims[r - ns.length + i] != ns[i]) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "Given normalized_shape="
                + java.util.Arrays.toString(ns)
                + ", expected input with shape [*, "
                + joined(ns)
                + "], but got input of size"
                + x.type().shape());
      }
      size *= ns[i];
    }
    for (SymTensor p : java.util.Arrays.asList(w, b)) {
      if (p != null && !java.util.Arrays.equals(p.type().dims(), ns)) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "Expected weight and bias of shape "
                + java.util.Arrays.toString(ns)
                + ", got "
                + p.type().shape());
      }
    }
    // Normalize over the trailing dims by flattening them into one.
    long[] flat = java.util.Arrays.copyOf(dims, r - ns.length + 1);
    flat[flat.length - 1] = size;
    long[] vec = {size};
    SymTensor gamma = w != null ? t.reshape(w, vec, at) : t.full(1, DType.F32, vec, at);
    SymTensor beta = b != null ? t.reshape(b, vec, at) : t.full(0, DType.F32, vec, at);
    SymTensor y =
        t.op(
            "layer_norm",
            List.of(t.reshape(x, flat, at), gamma, beta),
            Map.of("eps", Attr.of(eps)),
            at);
    return t.reshape(y, dims, at);
  }

  /** F.group_norm: channels (dim 1) in {@code groups} groups, each normalized on its own. */
  static SymTensor groupNorm(
      TorchLib t, SymTensor x, long groups, SymTensor w, SymTensor b, double eps, Span at) {
    long[] dims = x.type().dims();
    if (dims.length < 2) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "Expected at least 2 dimensions for input tensor but received " + dims.length);
    }
    long c = dims[1];
    if (groups <= 0 || c % groups != 0) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "Expected number of channels in input to be divisible by num_groups, but got input of"
              + " shape "
              + x.type().shape()
              + " and num_groups="
              + groups);
    }
    long per = x.type().numel() / dims[0] / groups;
    SymTensor grouped = t.reshape(x, new long[] {dims[0], groups, per}, at);
    SymTensor y =
        t.op(
            "layer_norm",
            List.of(
                grouped,
                t.full(1, DType.F32, new long[] {per}, at),
                t.full(0, DType.F32, new long[] {per}, at)),
            Map.of("eps", Attr.of(eps)),
            at);
    return channelAffine(t, t.reshape(y, dims, at), w, b, 1, at);
  }

  /** Each channel of each sample normalized over its spatial dimensions (all after dim 1). */
  static SymTensor instanceNorm(
      TorchLib t, SymTensor x, SymTensor w, SymTensor b, double eps, Span at) {
    long[] dims = x.type().dims();
    if (dims.length < 3) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "instance_norm expects an input of shape [N, C, *] with at least one spatial dimension,"
              + " got "
              + x.type().shape());
    }
    return groupNorm(t, x, dims[1], w, b, eps, at);
  }

  /** Normalization with running statistics per channel (dim 1): batch_norm in eval mode. */
  static SymTensor runningNorm(
      TorchLib t,
      SymTensor x,
      SymTensor mean,
      SymTensor var,
      SymTensor w,
      SymTensor b,
      double eps,
      Span at) {
    long c = x.type().shape().get(1);
    long[] vec = {c};
    SymTensor gamma = w != null ? w : t.full(1, DType.F32, vec, at);
    SymTensor beta = b != null ? b : t.full(0, DType.F32, vec, at);
    return t.op("batch_norm", List.of(x, gamma, beta, mean, var), Map.of("eps", Attr.of(eps)), at);
  }

  /** x * w + b with w and b one value per channel of dimension {@code axis}; null skips each. */
  private static SymTensor channelAffine(
      TorchLib t, SymTensor x, SymTensor w, SymTensor b, int axis, Span at) {
    long c = x.type().shape().get(axis);
    long[] shape = new long[x.type().rank() - axis];
    java.util.Arrays.fill(shape, 1);
    shape[0] = c;
    for (SymTensor p : java.util.Arrays.asList(w, b)) {
      if (p != null && p.type().numel() != c) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "Expected weight and bias with " + c + " elements, got " + p.type().shape());
      }
    }
    SymTensor y = x;
    if (w != null) {
      y = (SymTensor) t.binary("*", y, t.reshape(w, shape, at), at);
    }
    if (b != null) {
      y = (SymTensor) t.binary("+", y, t.reshape(b, shape, at), at);
    }
    return y;
  }

  private static void lookups(TorchRegistry r) {
    r.def(
            "embedding(Tensor input, Tensor weight, int? padding_idx=None, float? max_norm=None,"
                + " float norm_type=2.0, bool scale_grad_by_freq=False, bool sparse=False) -> Tensor")
        .in(FUNCTIONAL)
        .note("max_norm=None only")
        .to(
            (t, a, at) -> {
              if (!a.isNone("max_norm")) {
                throw Interpreter.error(
                    Code.DN0201, at, "F.embedding with max_norm is not supported yet");
              }
              SymTensor idx = a.tensor("input");
              if (idx.type().dtype().isFloat() || idx.type().dtype() == DType.BOOL) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "Expected tensor for argument #1 'indices' to have one of the following scalar"
                        + " types: Long, Int; but got "
                        + idx.type().dtype().numpyName()
                        + " instead");
              }
              SymTensor w = a.tensor("weight");
              if (w.type().rank() != 2) {
                throw Interpreter.error(Code.DN0202, at, "'weight' must be 2-D");
              }
              SymTensor index = t.cast(idx, DType.I64, at);
              SymTensor y = t.op("embedding", List.of(w, index), Map.of(), at);
              t.requireIndicesInRange(index, w.type().dims()[0], false, at);
              return y;
            });
    r.def("one_hot(Tensor tensor, int num_classes=-1) -> Tensor")
        .in(FUNCTIONAL)
        .note(
            "num_classes given; a class outside [0, num_classes) raises at run time, as in PyTorch")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("tensor");
              if (x.type().dtype() != DType.I64) {
                throw Interpreter.error(
                    Code.DN0202, at, "one_hot is only applicable to index tensor.");
              }
              long n = a.integer("num_classes");
              if (n == -1) {
                throw Interpreter.error(
                    Code.DN0201,
                    at,
                    "F.one_hot without num_classes takes its size from the data, which compiled"
                        + " code cannot express yet",
                    "pass num_classes=");
              }
              if (n <= 0) {
                throw Interpreter.error(
                    Code.DN0202, at, "num_classes should be positive, got " + n);
              }
              long[] dims = x.type().dims();
              long[] col = java.util.Arrays.copyOf(dims, dims.length + 1);
              col[dims.length] = 1;
              SymTensor classes =
                  (SymTensor)
                      t.interpreter()
                          .staging
                          .emit(
                              "arange",
                              List.of(),
                              List.of(),
                              Map.of("start", Attr.of(0.0), "step", Attr.of(1.0)),
                              TensorType.of(DType.I64, n),
                              at);
              SymTensor hit = (SymTensor) t.compare("==", t.reshape(x, col, at), classes, at);
              SymTensor y = t.cast(hit, DType.I64, at);
              t.requireIndicesInRange(x, n, false, at); // PyTorch: "Class values must be ..."
              return y;
            });
  }

  private static void shuffles(TorchRegistry r) {
    r.def("pixel_shuffle(Tensor input, int upscale_factor) -> Tensor")
        .in(TORCH, FUNCTIONAL)
        .to(
            (t, a, at) ->
                pixelShuffle(t, a.tensor("input"), a.integer("upscale_factor"), true, at));
    r.def("pixel_unshuffle(Tensor input, int downscale_factor) -> Tensor")
        .in(TORCH, FUNCTIONAL)
        .to(
            (t, a, at) ->
                pixelShuffle(t, a.tensor("input"), a.integer("downscale_factor"), false, at));
    r.def("channel_shuffle(Tensor input, int groups) -> Tensor")
        .in(TORCH, FUNCTIONAL)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              long g = a.integer("groups");
              long[] dims = x.type().dims();
              if (dims.length < 3) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "channel_shuffle expects input to have at least 3 dimensions, but got input"
                        + " with sizes "
                        + x.type().shape());
              }
              if (g <= 0 || dims[1] % g != 0) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "Number of channels must be divisible by groups. Got "
                        + dims[1]
                        + " channels and "
                        + g
                        + " groups.");
              }
              long rest = x.type().numel() / (dims[0] * dims[1]);
              SymTensor split = t.reshape(x, new long[] {dims[0], g, dims[1] / g, rest}, at);
              SymTensor swapped =
                  t.op("transpose", List.of(split), Map.of("perm", Attr.ints(0, 2, 1, 3)), at);
              return t.reshape(swapped, dims, at);
            });
    r.def("unflatten(Tensor input, int dim, int[] sizes) -> Tensor")
        .in(TORCH, TENSOR)
        .note("one size may be -1")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              int ax = a.axis("dim", x.type().rank());
              long n = x.type().shape().get(ax);
              long[] sizes = a.ints("sizes").clone();
              if (sizes.length == 0) {
                throw Interpreter.error(Code.DN0202, at, "unflatten: sizes must be non-empty");
              }
              int infer = -1;
              long known = 1;
              for (int i = 0; i < sizes.length; i++) {
                if (sizes[i] == -1) {
                  if (infer >= 0) {
                    throw Interpreter.error(Code.DN0202, at, "only one dimension can be inferred");
                  }
                  infer = i;
                } else if (sizes[i] <= 0) {
                  throw Interpreter.error(
                      Code.DN0202,
                      at,
                      "unflatten: size "
                          + sizes[i]
                          + " is not supported: compiled tensors have no zero-sized dimensions");
                } else {
                  known *= sizes[i];
                }
              }
              if (infer >= 0 && n % known == 0) {
                sizes[infer] = n / known;
                known = n;
              }
              if (known != n) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "unflatten: Provided sizes "
                        + java.util.Arrays.toString(a.ints("sizes"))
                        + " don't multiply up to the size of dim "
                        + a.integer("dim")
                        + " ("
                        + n
                        + ") in the input tensor");
              }
              List<Long> out = new ArrayList<>(x.type().shape());
              out.remove(ax);
              for (int i = sizes.length - 1; i >= 0; i--) {
                out.add(ax, sizes[i]);
              }
              return t.reshape(x, out.stream().mapToLong(Long::longValue).toArray(), at);
            });
  }

  /**
   * pixel_shuffle ({@code up}): [*, C r², H, W] to [*, C, H r, W r]; pixel_unshuffle: the inverse.
   */
  private static SymTensor pixelShuffle(TorchLib t, SymTensor x, long f, boolean up, Span at) {
    String fn = up ? "pixel_shuffle" : "pixel_unshuffle";
    long[] d = x.type().dims();
    int n = d.length;
    if (n < 3) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          fn
              + " expects input to have at least 3 dimensions, but got input with "
              + n
              + " dimension(s)");
    }
    if (f <= 0) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          fn + " expects a positive " + (up ? "upscale" : "downscale") + "_factor, but got " + f);
    }
    long c = d[n - 3];
    long h = d[n - 2];
    long w = d[n - 1];
    if (up && c % (f * f) != 0) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of"
              + " upscale_factor, but input.size(-3)="
              + c
              + " is not divisible by "
              + f * f);
    }
    if (!up && (h % f != 0 || w % f != 0)) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "pixel_unshuffle expects "
              + (h % f != 0 ? "height" : "width")
              + " to be divisible by downscale_factor, but input.size("
              + (h % f != 0 ? -2 : -1)
              + ")="
              + (h % f != 0 ? h : w)
              + " is not divisible by "
              + f);
    }
    long lead = 1;
    for (int i = 0; i < n - 3; i++) {
      lead *= d[i];
    }
    long[] out = d.clone();
    SymTensor six;
    long[] perm;
    if (up) {
      six = t.reshape(x, new long[] {lead, c / (f * f), f, f, h, w}, at);
      perm = new long[] {0, 1, 4, 2, 5, 3};
      out[n - 3] = c / (f * f);
      out[n - 2] = h * f;
      out[n - 1] = w * f;
    } else {
      six = t.reshape(x, new long[] {lead, c, h / f, f, w / f, f}, at);
      perm = new long[] {0, 1, 3, 5, 2, 4};
      out[n - 3] = c * f * f;
      out[n - 2] = h / f;
      out[n - 1] = w / f;
    }
    SymTensor moved = t.op("transpose", List.of(six), Map.of("perm", Attr.ints(perm)), at);
    return t.reshape(moved, out, at);
  }

  private static void convolutionAndPooling(TorchRegistry r) {
    r.def(
            "conv1d(Tensor input, Tensor weight, Tensor? bias=None, int[1] stride=1, int[1] padding=0,"
                + " int[1] dilation=1, int groups=1) -> Tensor")
        .in(TORCH, FUNCTIONAL)
        .note("padding given as numbers only")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              SymTensor w = a.tensor("weight");
              boolean batched = x.type().rank() == 3;
              if (!batched && x.type().rank() != 2) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of"
                        + " size: "
                        + x.type().shape());
              }
              if (w.type().rank() != 3) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "conv1d expects a 3-d weight [out_channels, in_channels / groups, width], got"
                        + " one of shape "
                        + w.type().shape());
              }
              long[] xs = x.type().dims();
              long[] x4 =
                  batched ? new long[] {xs[0], xs[1], 1, xs[2]} : new long[] {1, xs[0], 1, xs[1]};
              long[] ws = w.type().dims();
              Map<String, Object> kw = new HashMap<>();
              kw.put("bias", a.given("bias"));
              kw.put("stride", pair(1, a.ints("stride")[0]));
              kw.put("padding", pair(0, a.ints("padding")[0]));
              kw.put("dilation", pair(1, a.ints("dilation")[0]));
              kw.put("groups", a.integer("groups"));
              SymTensor y =
                  (SymTensor)
                      t.call(
                          FUNCTIONAL,
                          "conv2d",
                          List.of(
                              t.reshape(x, x4, at),
                              t.reshape(w, new long[] {ws[0], ws[1], 1, ws[2]}, at)),
                          kw,
                          at);
              long[] ys = y.type().dims();
              return t.reshape(
                  y, batched ? new long[] {ys[0], ys[1], ys[3]} : new long[] {ys[1], ys[3]}, at);
            });
    for (int n = 1; n <= 2; n++) {
      int dims = n;
      String ints = "int[" + n + "]";
      r.def(
              "conv_transpose"
                  + n
                  + "d(Tensor input, Tensor weight, Tensor? bias=None, "
                  + ints
                  + " stride=1, "
                  + ints
                  + " padding=0, "
                  + ints
                  + " output_padding=0, int groups=1, "
                  + ints
                  + " dilation=1) -> Tensor")
          .in(TORCH, FUNCTIONAL)
          .to(
              (t, a, at) ->
                  convTranspose(
                      t,
                      a.tensor("input"),
                      a.tensor("weight"),
                      optional(a, "bias"),
                      new long[][] {
                        a.ints("stride"),
                        a.ints("padding"),
                        a.ints("output_padding"),
                        a.ints("dilation")
                      },
                      a.integer("groups"),
                      dims,
                      at));
    }
    r.def(
            "max_pool1d(Tensor input, int[1] kernel_size, int[1]? stride=None, int[1] padding=0,"
                + " int[1] dilation=1, bool ceil_mode=False, bool return_indices=False) -> Tensor")
        .in(TORCH, FUNCTIONAL)
        .note("as max_pool2d over a height of 1")
        .to(
            (t, a, at) -> {
              Map<String, Object> kw = new HashMap<>();
              kw.put("dilation", pair(1, a.ints("dilation")[0]));
              kw.put("ceil_mode", a.bool("ceil_mode"));
              kw.put("return_indices", a.bool("return_indices"));
              return pool1d(t, "max_pool2d", a, kw, at);
            });
    r.def(
            "avg_pool1d(Tensor input, int[1] kernel_size, int[1]? stride=None, int[1] padding=0,"
                + " bool ceil_mode=False, bool count_include_pad=True) -> Tensor")
        .in(TORCH, FUNCTIONAL)
        .note("as avg_pool2d over a height of 1")
        .to(
            (t, a, at) -> {
              Map<String, Object> kw = new HashMap<>();
              kw.put("ceil_mode", a.bool("ceil_mode"));
              kw.put("count_include_pad", a.bool("count_include_pad"));
              return pool1d(t, "avg_pool2d", a, kw, at);
            });
    r.def("adaptive_avg_pool1d(Tensor input, int[1] output_size) -> Tensor")
        .in(TORCH, FUNCTIONAL)
        .to(
            (t, a, at) ->
                over1d(
                    t,
                    a.tensor("input"),
                    "adaptive_avg_pool1d",
                    x4 ->
                        (SymTensor)
                            t.call(
                                FUNCTIONAL,
                                "adaptive_avg_pool2d",
                                List.of(x4, pair(1, a.ints("output_size")[0])),
                                Map.of(),
                                at),
                    at));
    for (int n = 1; n <= 2; n++) {
      String name = "adaptive_max_pool" + n + "d";
      int dims = n;
      r.def(
              name
                  + "(Tensor input, int["
                  + n
                  + "] output_size, bool return_indices=False) -> Tensor")
          .in(FUNCTIONAL)
          .note("return_indices=False only")
          .to(
              (t, a, at) -> {
                if (a.bool("return_indices")) {
                  throw Interpreter.error(
                      Code.DN0201, at, name + " with return_indices is not supported yet");
                }
                SymTensor x = a.tensor("input");
                int rank = x.type().rank();
                if (rank != dims + 1 && rank != dims + 2) {
                  throw Interpreter.error(
                      Code.DN0202,
                      at,
                      name
                          + "(): Expected "
                          + (dims + 1)
                          + "D or "
                          + (dims + 2)
                          + "D tensor, but got "
                          + x.type().shape());
                }
                // A maximum over a window is a maximum over rows of maxima over columns.
                long[] out = a.ints("output_size");
                SymTensor y = x;
                for (int i = 0; i < dims; i++) {
                  y = adaptiveMax(t, y, rank - dims + i, out[i], at);
                }
                return y;
              });
    }
  }

  /**
   * A transposed convolution over {@code n} spatial dimensions (1 or 2; 1-d as 2-d over a height of
   * 1), batched or not. {@code geometry} is stride, padding, output padding and dilation.
   */
  static SymTensor convTranspose(
      TorchLib t,
      SymTensor x,
      SymTensor w,
      SymTensor bias,
      long[][] geometry,
      long groups,
      int n,
      Span at) {
    String fn = "conv_transpose" + n + "d";
    int rank = x.type().rank();
    if (rank != n + 1 && rank != n + 2) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "Expected "
              + (n + 1)
              + "D (unbatched) or "
              + (n + 2)
              + "D (batched) input to "
              + fn
              + ", but got input of size: "
              + x.type().shape());
    }
    if (w.type().rank() != n + 2) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          fn + " expects a " + (n + 2) + "-d weight, got one of shape " + w.type().shape());
    }
    long[] xs = x.type().dims();
    long[] ws = w.type().dims();
    boolean batched = rank == n + 2;
    long cin = xs[batched ? 1 : 0];
    if (groups <= 0 || cin != ws[0] || cin % groups != 0) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "Given transposed=1, weight of size "
              + w.type().shape()
              + ", expected input"
              + x.type().shape()
              + " to have "
              + ws[0]
              + " channels, but got "
              + cin
              + " channels instead");
    }
    long[] x4 = new long[4];
    x4[0] = batched ? xs[0] : 1;
    x4[1] = cin;
    x4[2] = n == 1 ? 1 : xs[rank - 2];
    x4[3] = xs[rank - 1];
    long[] w4 = {ws[0], ws[1], n == 1 ? 1 : ws[2], ws[ws.length - 1]};
    long[][] g = new long[4][];
    for (int i = 0; i < 4; i++) {
      long[] v = geometry[i];
      // A 1-d convolution is a 2-d one over a height of 1: stride and dilation 1, no padding.
      g[i] = n == 2 ? v.clone() : new long[] {i == 0 || i == 3 ? 1 : 0, v[0]};
    }
    long[] op = g[2];
    for (int i = 0; i < 2; i++) {
      if (op[i] >= Math.max(g[0][i], g[3][i])) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "output padding must be smaller than either stride or dilation, but got output"
                + "_padding_height: "
                + op[0]
                + " output_padding_width: "
                + op[1]
                + " stride_height: "
                + g[0][0]
                + " stride_width: "
                + g[0][1]
                + " dilation_height: "
                + g[3][0]
                + " dilation_width: "
                + g[3][1]);
      }
    }
    // TVM's x86 schedules have no dilated transposed convolution: dilate the kernel instead (zeros
    // between its taps), which is the same convolution.
    SymTensor kernel = t.reshape(w, w4, at);
    for (int i = 0; i < 2; i++) {
      long d = g[3][i];
      if (d > 1 && op[i] >= g[0][i]) {
        throw Interpreter.error(
            Code.DN0201,
            at,
            fn
                + " with dilation and an output padding not smaller than the stride is not"
                + " supported yet",
            "use an output padding smaller than the stride");
      }
      if (d > 1) {
        kernel = dilate(t, kernel, 2 + i, d, at);
        g[3][i] = 1;
      }
    }
    List<SymTensor> ops = new ArrayList<>(List.of(t.reshape(x, x4, at), kernel));
    if (bias != null) {
      ops.add(bias);
    }
    SymTensor y =
        t.op(
            "conv_transpose2d",
            ops,
            Map.of(
                "strides",
                Attr.ints(g[0]),
                "padding",
                Attr.ints(g[1]),
                "output_padding",
                Attr.ints(g[2]),
                "dilation",
                Attr.ints(g[3]),
                "groups",
                Attr.of(groups)),
            at);
    long[] ys = y.type().dims();
    List<Long> out = new ArrayList<>();
    if (batched) {
      out.add(ys[0]);
    }
    out.add(ys[1]);
    if (n == 2) {
      out.add(ys[2]);
    }
    out.add(ys[3]);
    return t.reshape(y, out.stream().mapToLong(Long::longValue).toArray(), at);
  }

  /** {@code w} with d - 1 zeros between neighbours along {@code axis}. */
  private static SymTensor dilate(TorchLib t, SymTensor w, int axis, long d, Span at) {
    long[] dims = w.type().dims();
    long k = dims[axis];
    long[] spread = new long[dims.length + 1];
    long[] width = new long[2 * spread.length];
    for (int i = 0, j = 0; i < dims.length; i++) {
      spread[j++] = dims[i];
      if (i == axis) {
        spread[j] = 1;
        width[2 * j + 1] = d - 1;
        j++;
      }
    }
    SymTensor padded =
        t.op(
            "pad",
            List.of(t.reshape(w, spread, at)),
            Map.of("pad_width", Attr.ints(width), "value", Attr.of(0.0)),
            at);
    long[] flat = dims.clone();
    flat[axis] = k * d;
    return Recurrent.slice(t, t.reshape(padded, flat, at), axis, 0, d * (k - 1) + 1, at);
  }

  /**
   * Adaptive max pooling along one axis: output i is the maximum of [floor(i n / out), ceil((i + 1)
   * n / out)), PyTorch's windows; one pooling when {@code out} divides the size, else a slice each.
   */
  private static SymTensor adaptiveMax(TorchLib t, SymTensor x, int axis, long out, Span at) {
    long n = x.type().shape().get(axis);
    if (out <= 0) {
      throw Interpreter.error(
          Code.DN0202, at, "adaptive_max_pool: output size must be positive, got " + out);
    }
    if (out == n) {
      return x;
    }
    Map<String, Attr> keep = Map.of("axes", Attr.ints(axis), "keepdims", Attr.of(true));
    if (n % out == 0) {
      long k = n / out;
      long[] dims = x.type().dims();
      List<Long> split = new ArrayList<>();
      for (int i = 0; i < dims.length; i++) {
        split.add(i == axis ? out : dims[i]);
        if (i == axis) {
          split.add(k);
        }
      }
      SymTensor windows = t.reshape(x, split.stream().mapToLong(Long::longValue).toArray(), at);
      SymTensor m =
          t.op(
              "reduce_max",
              List.of(windows),
              Map.of("axes", Attr.ints(axis + 1), "keepdims", Attr.of(false)),
              at);
      return m;
    }
    if (out > 64) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "adaptive max pooling of a size "
              + n
              + " dimension to "
              + out
              + " (not a divisor) is not supported yet",
          "choose an output size that divides the input size, or at most 64");
    }
    List<SymTensor> parts = new ArrayList<>();
    for (long i = 0; i < out; i++) {
      long start = Math.floorDiv(i * n, out);
      long end = -Math.floorDiv(-(i + 1) * n, out);
      parts.add(t.op("reduce_max", List.of(Recurrent.slice(t, x, axis, start, end, at)), keep, at));
    }
    return t.op("concat", parts, Map.of("axis", Attr.of((long) axis)), at);
  }

  /** A 1-d pooling as the 2-d one over a height of 1 (unbatched [C, L] inputs too). */
  private static Object pool1d(
      TorchLib t, String fn2d, BoundArgs a, Map<String, Object> kw, Span at) {
    long k = a.ints("kernel_size")[0];
    kw.put("kernel_size", pair(1, k));
    kw.put("stride", pair(1, a.isNone("stride") ? k : a.ints("stride")[0]));
    kw.put("padding", pair(0, a.ints("padding")[0]));
    return over1d(
        t,
        a.tensor("input"),
        fn2d.replace("2d", "1d"),
        x4 -> (SymTensor) t.call(FUNCTIONAL, fn2d, List.of(x4), kw, at),
        at);
  }

  /** Applies a 2-d function to [N, C, L] (or [C, L]) as [N, C, 1, L] and drops the height again. */
  private static SymTensor over1d(
      TorchLib t,
      SymTensor x,
      String fn,
      java.util.function.Function<SymTensor, SymTensor> f,
      Span at) {
    long[] d = x.type().dims();
    if (d.length != 2 && d.length != 3) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          fn + "() expects a 2-d or 3-d input, got one of shape " + x.type().shape());
    }
    boolean batched = d.length == 3;
    long[] x4 = batched ? new long[] {d[0], d[1], 1, d[2]} : new long[] {1, d[0], 1, d[1]};
    SymTensor y = f.apply(t.reshape(x, x4, at));
    long[] ys = y.type().dims();
    return t.reshape(y, batched ? new long[] {ys[0], ys[1], ys[3]} : new long[] {ys[1], ys[3]}, at);
  }

  private static void distances(TorchRegistry r) {
    r.def("cosine_similarity(Tensor x1, Tensor x2, int dim=1, float eps=1e-08) -> Tensor")
        .in(TORCH, FUNCTIONAL)
        .to(
            (t, a, at) -> {
              SymTensor x1 = a.tensor("x1");
              SymTensor x2 = a.tensor("x2");
              SymTensor prod = (SymTensor) t.binary("*", x1, x2, at);
              int ax = a.axis("dim", prod.type().rank());
              Map<String, Attr> sum = Map.of("axes", Attr.ints(ax), "keepdims", Attr.of(false));
              // PyTorch 1.13: sum(x1 x2) / sqrt(max(|x1|² |x2|², eps²)).
              SymTensor w12 = t.op("reduce_sum", List.of(prod), sum, at);
              SymTensor w1 =
                  t.op("reduce_sum", List.of((SymTensor) t.binary("*", x1, x1, at)), sum, at);
              SymTensor w2 =
                  t.op("reduce_sum", List.of((SymTensor) t.binary("*", x2, x2, at)), sum, at);
              double eps = a.real("eps");
              SymTensor n12 =
                  t.op(
                      "sqrt",
                      List.of(
                          clip(
                              t,
                              (SymTensor) t.binary("*", w1, w2, at),
                              eps * eps,
                              Double.POSITIVE_INFINITY,
                              at)),
                      Map.of(),
                      at);
              return t.binary("/", w12, n12, at);
            });
    r.def(
            "pairwise_distance(Tensor x1, Tensor x2, float p=2.0, float eps=1e-06, bool keepdim=False)"
                + " -> Tensor")
        .in(TORCH, FUNCTIONAL)
        .to(
            (t, a, at) -> {
              SymTensor diff =
                  (SymTensor)
                      t.binary(
                          "+",
                          t.binary("-", a.tensor("x1"), a.tensor("x2"), at),
                          a.real("eps"),
                          at);
              Map<String, Object> kw = new HashMap<>();
              kw.put("p", a.real("p"));
              kw.put("dim", new Values.PyList(new ArrayList<>(List.of((Object) (long) -1))));
              kw.put("keepdim", a.bool("keepdim"));
              return t.call(TORCH, "norm", List.of(diff), kw, at);
            });
  }

  private static void dropouts(TorchRegistry r) {
    for (String name :
        List.of("dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout")) {
      r.def(name + "(Tensor input, float p=0.5, bool training=False, bool inplace=False) -> Tensor")
          .in(FUNCTIONAL)
          .note("the identity: compiled models run in eval mode")
          .to((t, a, at) -> a.raw("input"));
    }
  }

  private static SymTensor clip(TorchLib t, SymTensor x, double lo, double hi, Span at) {
    return t.op("clip", List.of(x), Map.of("min", Attr.of(lo), "max", Attr.of(hi)), at);
  }

  /** An optional tensor argument, null when None. */
  private static SymTensor optional(BoundArgs a, String name) {
    return a.isNone(name) ? null : a.tensor(name);
  }

  private static Values.PyTuple pair(long first, long second) {
    return Values.PyTuple.of(first, second);
  }

  private static String joined(long[] ns) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < ns.length; i++) {
      s.append(i > 0 ? ", " : "").append(ns[i]);
    }
    return s.toString();
  }
}
