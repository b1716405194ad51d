package dev.dynnc.frontend.eval;

import static dev.dynnc.frontend.eval.TorchRegistry.Space.FUNCTIONAL;
import static dev.dynnc.frontend.eval.TorchRegistry.Space.TENSOR;
import static dev.dynnc.frontend.eval.TorchRegistry.Space.TORCH;

import com.google.common.collect.ImmutableList;
import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.Builtin;
import dev.dynnc.frontend.eval.Values.PyObject;
import dev.dynnc.frontend.eval.Values.PyTuple;
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
 * Names older and everyday research code calls that the other tables lacked: shape queries of older
 * PyTorch ({@code nelement}, {@code ndimension}, {@code get_device}), {@code Tensor.type}, {@code
 * new_tensor} and {@code as_tensor}, the cat and stack aliases, inverse trigonometry and {@code
 * atan2}, the bitwise functions, the functional dropout and batch norm of the torch namespace,
 * {@code F.upsample}, the shrink activations and RReLU, median and kthvalue, distances ({@code
 * cdist}, {@code dist}), local response normalization, the bilinear layer, and sliding windows
 * ({@code F.unfold}, {@code Tensor.unfold}), and the spatial transformer's {@code F.affine_grid}
 * and {@code F.grid_sample}.
 */
final class ExtraFunctions {
  private ExtraFunctions() {}

  /** The legacy tensor type names of Tensor.type(), by dtype. */
  private static final Map<DType, String> LEGACY =
      Map.of(
          DType.F32, "FloatTensor",
          DType.F64, "DoubleTensor",
          DType.I32, "IntTensor",
          DType.I64, "LongTensor",
          DType.BOOL, "BoolTensor",
          DType.U8, "ByteTensor");

  static void declare(TorchRegistry r) {
    queries(r);
    conversions(r);
    aliases(r);
    trigonometry(r);
    bitwise(r);
    functionalForms(r);
    activations(r);
    orderStatistics(r);
    distances(r);
    windows(r);
    comparisons(r);
    moreMath(r);
    inPlaceFunctional(r);
    sampling(r);
    searching(r);
    r.layer("as F.local_response_norm", NnLayers.withConfig("local_response_norm", LRN));
    r.layer("", bilinear());
  }

  private static final String LRN =
      "LocalResponseNorm(int size, float alpha=0.0001, float beta=0.75, float k=1.0) ->"
          + " LocalResponseNorm";

  private static void queries(TorchRegistry r) {
    r.def("nelement(Tensor input) -> int")
        .in(TENSOR)
        .atConstruction()
        .note("as numel()")
        .to((t, a, at) -> a.tensorType("input").numel());
    r.def("ndimension(Tensor input) -> int")
        .in(TENSOR)
        .atConstruction()
        .note("as dim()")
        .to((t, a, at) -> (long) a.tensorType("input").rank());
    r.def("get_device(Tensor input) -> int")
        .in(TENSOR)
        .atConstruction()
        .note("-1, as for a CPU tensor: the compiled model chooses its device")
        .to((t, a, at) -> -1L);
    r.def("ravel(Tensor input) -> Tensor")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) ->
                t.reshape(a.tensor("input"), new long[] {a.tensorType("input").numel()}, at));
    r.def("logit(Tensor input, float? eps=None) -> Tensor")
        .in(TORCH, TENSOR)
        .note("log(z / (1 - z)), z the input clamped to [eps, 1 - eps] where eps is given")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              if (!x.type().dtype().isFloat()) {
                x = t.cast(x, DType.F32, at);
              }
              Object z =
                  a.isNone("eps")
                      ? x
                      : t.call("clamp", List.of(x, a.real("eps"), 1 - a.real("eps")), Map.of(), at);
              return t.call(
                  "log", List.of(t.binary("/", z, t.binary("-", 1.0, z, at), at)), Map.of(), at);
            });
    r.def("is_floating_point(Tensor input) -> bool")
        .in(TORCH, TENSOR)
        .atConstruction()
        .to((t, a, at) -> a.tensorType("input").dtype().isFloat());
    r.def("get_default_dtype() -> Any")
        .in(TORCH)
        .atConstruction()
        .note("torch.float32: dynnc compiles float32 models")
        .to((t, a, at) -> DType.F32);
    r.def("finfo(ScalarType? type=None) -> Any")
        .in(TORCH)
        .atConstruction()
        .note(
            "float32 (the default) or float64: bits, eps, max, min, tiny, smallest_normal,"
                + " resolution, dtype")
        .to((t, a, at) -> finfo(a.dtype("type") == null ? DType.F32 : a.dtype("type"), at));
    r.def("iinfo(ScalarType type) -> Any")
        .in(TORCH)
        .atConstruction()
        .note("uint8, int32 or int64: bits, min, max, dtype")
        .to((t, a, at) -> iinfo(a.dtype("type"), at));
  }

  /** torch.finfo of a float dtype, with PyTorch's values. */
  private static Values.PyNamespace finfo(DType dt, Span at) {
    if (!dt.isFloat()) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "torch.finfo() requires a floating point input type. Use torch.iinfo to handle"
              + " 'torch.finfo'");
    }
    boolean single = dt == DType.F32;
    double max = single ? Float.MAX_VALUE : Double.MAX_VALUE;
    double tiny = single ? Float.MIN_NORMAL : Double.MIN_NORMAL;
    Map<String, Object> attrs = new java.util.HashMap<>();
    attrs.put("bits", single ? 32L : 64L);
    attrs.put("eps", single ? (double) Math.ulp(1.0f) : Math.ulp(1.0));
    attrs.put("max", max);
    attrs.put("min", -max);
    attrs.put("tiny", tiny);
    attrs.put("smallest_normal", tiny);
    attrs.put("resolution", single ? 1e-06 : 1e-15);
    attrs.put("dtype", dt.numpyName());
    return new Values.PyNamespace("torch.finfo", attrs, false);
  }

  /** torch.iinfo of an integer dtype, with PyTorch's values. */
  private static Values.PyNamespace iinfo(DType dt, Span at) {
    if (dt == DType.BOOL) {
      throw Interpreter.error(Code.DN0202, at, "torch.bool is not supported by torch.iinfo");
    }
    if (dt.isFloat()) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "torch.iinfo() requires an integer input type. Use torch.finfo to handle"
              + " 'torch.iinfo'");
    }
    long bits = dt.byteSize() * 8L;
    Map<String, Object> attrs = new java.util.HashMap<>();
    attrs.put("bits", bits);
    attrs.put("min", dt == DType.U8 ? 0L : bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1)));
    attrs.put("max", dt == DType.U8 ? 255L : bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1);
    attrs.put("dtype", dt.numpyName());
    return new Values.PyNamespace("torch.iinfo", attrs, false);
  }

  /** The most elements {@code Tensor.tolist()} reads back to the host one by one. */
  static final long MAX_TOLIST = 256;

  private static void conversions(TorchRegistry r) {
    r.def("tolist(Tensor input) -> Any")
        .in(TENSOR)
        .note(
            "nested lists of the elements, each a Python number where known at compile time and"
                + " a run-time scalar otherwise; at most "
                + MAX_TOLIST
                + " elements")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              if (x.type().numel() > MAX_TOLIST) {
                throw Interpreter.error(
                    Code.DN0201,
                    at,
                    "tolist() of a tensor of " + x.type().numel() + " elements is not supported",
                    "each element becomes a run-time Python number read back to the host; at most "
                        + MAX_TOLIST
                        + " are; keep the value as a tensor");
              }
              return toList(t, x, at);
            });
    r.def("type(Tensor input, Any? dtype=None, bool non_blocking=False) -> Any")
        .in(TENSOR)
        .note(
            "without a dtype the legacy type name ('torch.FloatTensor'); with a dtype, a legacy"
                + " type (torch.LongTensor) or its name, a cast")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              if (a.isNone("dtype")) {
                return "torch." + LEGACY.get(x.type().dtype());
              }
              return t.cast(x, legacyDtype(a.raw("dtype"), at), at);
            });
    r.def(
            "new_tensor(Tensor input, Any data, *, ScalarType? dtype=None, Device? device=None,"
                + " bool requires_grad=False) -> Tensor")
        .in(TENSOR)
        .note("the data as torch.tensor takes it, of the input's dtype unless dtype is given")
        .to(
            (t, a, at) -> {
              DType d = a.dtype("dtype") != null ? a.dtype("dtype") : a.tensorType("input").dtype();
              Object data = a.raw("data");
              if (Operators.isTensorLike(data)) {
                return t.cast(t.tensor(data, at), d, at);
              }
              return TensorWrites.literal(t, data, d, at);
            });
    r.def("as_tensor(Any data, ScalarType? dtype=None, Device? device=None) -> Tensor")
        .in(TORCH)
        .note("a tensor is returned as it is (cast when dtype differs); other data as torch.tensor")
        .to(
            (t, a, at) -> {
              Object data = a.raw("data");
              DType d = a.dtype("dtype");
              if (Operators.isTensorLike(data)) {
                SymTensor x = t.tensor(data, at);
                return d == null || d == x.type().dtype() ? data : t.cast(x, d, at);
              }
              return TensorWrites.literal(t, data, d, at);
            });
  }

  /** Refuses {@code what} called with {@code param}=True: compiled models run in eval mode. */
  static void evalOnly(BoundArgs a, String param, String what, Span at) {
    if (a.bool(param)) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          what + " with " + param + "=True is not supported",
          "compiled models run in eval mode; pass " + param + "=False");
    }
  }

  private static Object toList(TorchLib t, SymTensor x, Span at) {
    if (x.type().rank() == 0) {
      return t.item(x, at);
    }
    List<Object> items = new ArrayList<>();
    for (Object row : t.unbind(x, at)) {
      items.add(toList(t, (SymTensor) row, at));
    }
    return new Values.PyList(items);
  }

  /** The dtype named by a Tensor.type() argument: a dtype, torch.LongTensor, or its name. */
  private static DType legacyDtype(Object v, Span at) {
    if (v instanceof DType d) {
      return d;
    }
    String name = v instanceof Builtin b ? b.name() : v instanceof String s ? s : null;
    if (name != null) {
      String bare = name.startsWith("torch.") ? name.substring("torch.".length()) : name;
      // torch.cuda.FloatTensor: the device is the compiled model's, as for .cuda()
      bare = bare.startsWith("cuda.") ? bare.substring("cuda.".length()) : bare;
      for (Map.Entry<DType, String> e : LEGACY.entrySet()) {
        if (e.getValue().equals(bare)) {
          return e.getKey();
        }
      }
      throw Interpreter.error(
          Code.DN0201,
          at,
          "Tensor.type(" + name + ") is not supported",
          "dynnc's tensors are float32, float64, int32, int64 or bool:"
              + " torch.FloatTensor, DoubleTensor, IntTensor, LongTensor or BoolTensor");
    }
    throw Interpreter.error(
        Code.DN0102,
        at,
        "Tensor.type() takes a dtype, a tensor type or its name, not " + Builtins.typeName(v));
  }

  private static void aliases(TorchRegistry r) {
    for (String name : List.of("concat", "concatenate")) {
      r.def(name + "(Tensor[] tensors, int dim=0) -> Tensor")
          .in(TORCH)
          .note("as torch.cat")
          .to(
              (t, a, at) ->
                  t.call(
                      "cat",
                      List.of(
                          new Values.PyList(new ArrayList<>(a.tensors("tensors"))),
                          a.integer("dim")),
                      Map.of(),
                      at));
    }
    r.def("hstack(Tensor[] tensors) -> Tensor")
        .in(TORCH)
        .note("cat along dimension 1, or 0 when the tensors are 1-d")
        .to(
            (t, a, at) -> {
              List<SymTensor> xs = a.tensors("tensors");
              long dim = xs.stream().allMatch(x -> x.type().rank() <= 1) ? 0 : 1;
              List<Object> items = new ArrayList<>();
              for (SymTensor x : xs) {
                items.add(x.type().rank() == 0 ? t.reshape(x, new long[] {1}, at) : x);
              }
              return t.call("cat", List.of(new Values.PyList(items), dim), Map.of(), at);
            });
    for (String name : List.of("vstack", "row_stack")) {
      r.def(name + "(Tensor[] tensors) -> Tensor")
          .in(TORCH)
          .note("cat along dimension 0 of the tensors made at least 2-d")
          .to(
              (t, a, at) -> {
                List<Object> items = new ArrayList<>();
                for (SymTensor x : a.tensors("tensors")) {
                  int rank = x.type().rank();
                  items.add(
                      rank >= 2
                          ? x
                          : t.reshape(x, new long[] {1, rank == 0 ? 1 : x.type().numel()}, at));
                }
                return t.call("cat", List.of(new Values.PyList(items), 0L), Map.of(), at);
              });
    }
    r.def("t(Tensor input) -> Tensor")
        .in(TORCH)
        .note("as Tensor.t")
        .to((t, a, at) -> t.call(TENSOR, "t", List.of(a.raw("input")), Map.of(), at));
    r.def("clone(Tensor input, *, Any? memory_format=None) -> Tensor")
        .in(TORCH)
        .note("as Tensor.clone")
        .to((t, a, at) -> t.call(TENSOR, "clone", List.of(a.raw("input")), Map.of(), at));
  }

  private static void trigonometry(TorchRegistry r) {
    String[][] fns = {
      {"atan", "arctan"},
      {"asin", "arcsin"},
      {"acos", "arccos"},
      {"sinh", null},
      {"cosh", null},
      {"asinh", "arcsinh"},
      {"acosh", "arccosh"},
      {"atanh", "arctanh"}
    };
    for (String[] f : fns) {
      TorchRegistry.Impl impl =
          (t, a, at) -> t.op(f[0], List.of(toFloat(t, a.tensor("input"), at)), Map.of(), at);
      r.def(f[0] + "(Tensor input) -> Tensor").in(TORCH, TENSOR).to(impl);
      if (f[1] != null) {
        r.def(f[1] + "(Tensor input) -> Tensor").in(TORCH, TENSOR).note("as " + f[0]).to(impl);
      }
    }
    for (String name : List.of("atan2", "arctan2")) {
      r.def(name + "(Tensor input, Tensor other) -> Tensor")
          .in(TORCH, TENSOR)
          .note(
              "from atan, with the quadrant from the signs of both arguments (signed zeros and"
                  + " infinities as in C's atan2)")
          .to((t, a, at) -> atan2(t, a.tensor("input"), a.tensor("other"), at));
    }
  }

  private static SymTensor toFloat(TorchLib t, SymTensor x, Span at) {
    return x.type().dtype().isFloat() ? x : t.cast(x, DType.F32, at);
  }

  private static SymTensor where(TorchLib t, SymTensor c, Object x, Object y, Span at) {
    return (SymTensor) t.call("where", List.of(c, x, y), Map.of(), at);
  }

  private static SymTensor and(TorchLib t, SymTensor a, SymTensor b, Span at) {
    return t.op("logical_and", List.of(a, b), Map.of(), at);
  }

  private static SymTensor or(TorchLib t, SymTensor a, SymTensor b, Span at) {
    return t.op("logical_or", List.of(a, b), Map.of(), at);
  }

  /** torch.isnan / isinf of x. */
  private static SymTensor is(TorchLib t, String test, SymTensor x, Span at) {
    return (SymTensor) t.call(test, List.of(x), Map.of(), at);
  }

  private static SymTensor cmp(TorchLib t, String op, Object x, Object y, Span at) {
    return (SymTensor) t.compare(op, x, y, at);
  }

  /**
   * atan2(y, x) from atan(y / x): x < 0 (or -0.0) adds pi with y's sign (y's sign bit, so -0.0
   * counts as negative); y = x = 0 gives 0 or pi with y's sign; two infinities give pi/4 or 3 pi/4
   * with y's sign. NaN stays NaN.
   */
  static SymTensor atan2(TorchLib t, SymTensor y0, SymTensor x0, Span at) {
    DType dt = t.resultType(List.of(y0, x0), at);
    if (!dt.isFloat()) {
      dt = DType.F32;
    }
    SymTensor y = t.cast(y0, dt, at);
    SymTensor x = t.cast(x0, dt, at);
    SymTensor base = t.op("atan", List.of((SymTensor) t.binary("/", y, x, at)), Map.of(), at);
    SymTensor xNeg = signBit(t, x, at);
    SymTensor yNeg = signBit(t, y, at);
    SymTensor piSigned = where(t, yNeg, -Math.PI, Math.PI, at);
    // x < 0 (or -0.0 with y != 0): atan(y / x) + pi with y's sign
    SymTensor out = where(t, xNeg, t.binary("+", base, piSigned, at), base, at);
    // y = x = 0: atan(0 / 0) is NaN; C gives +-0 for x >= +0 and +-pi for x <= -0
    SymTensor zeros = and(t, cmp(t, "==", y, 0.0, at), cmp(t, "==", x, 0.0, at), at);
    out = where(t, zeros, where(t, xNeg, piSigned, y, at), out, at);
    // both infinite: inf / inf is NaN; C gives +-pi/4 or +-3pi/4
    SymTensor infs =
        t.op("logical_and", List.of(is(t, "isinf", y, at), is(t, "isinf", x, at)), Map.of(), at);
    SymTensor quarter = where(t, xNeg, 3 * Math.PI / 4, Math.PI / 4, at);
    SymTensor signedQuarter = where(t, yNeg, t.unary("-", quarter, at), quarter, at);
    return where(t, infs, signedQuarter, out, at);
  }

  /** Whether each element's sign bit is set: v < 0, or v is -0.0 (1 / v is -inf). */
  private static SymTensor signBit(TorchLib t, SymTensor v, Span at) {
    SymTensor negZero =
        and(t, cmp(t, "==", v, 0.0, at), cmp(t, "<", t.binary("/", 1.0, v, at), 0.0, at), at);
    return or(t, cmp(t, "<", v, 0.0, at), negZero, at);
  }

  private static void bitwise(TorchRegistry r) {
    for (String which : List.of("and", "or", "xor")) {
      r.def("bitwise_" + which + "(Tensor input, Tensor|Number other) -> Tensor")
          .in(TORCH, TENSOR)
          .note("bool or integer tensors; on bools the logical operation")
          .to((t, a, at) -> t.bitwise(which, a.raw("input"), a.raw("other"), at));
    }
    r.def("bitwise_not(Tensor input) -> Tensor")
        .in(TORCH, TENSOR)
        .note("bool or integer tensors; on bools logical not")
        .to((t, a, at) -> t.bitwiseNot(a.tensor("input"), at));
  }

  /** torch.dropout and friends, torch.batch_norm, F.upsample: the functional forms of layers. */
  private static void functionalForms(TorchRegistry r) {
    for (String name : List.of("dropout", "feature_dropout", "alpha_dropout")) {
      r.def(name + "(Tensor input, float p, bool train) -> Tensor")
          .in(TORCH)
          .note("train=False only: the identity")
          .to(
              (t, a, at) -> {
                evalOnly(a, "train", "torch." + name, at);
                return a.raw("input");
              });
    }
    r.def(
            "batch_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor running_mean,"
                + " Tensor running_var, bool training, float momentum, float eps,"
                + " bool cudnn_enabled) -> Tensor")
        .in(TORCH)
        .note("as F.batch_norm: training=False only")
        .to(
            (t, a, at) -> {
              Map<String, Object> kw = new HashMap<>();
              kw.put("weight", a.raw("weight"));
              kw.put("bias", a.raw("bias"));
              kw.put("training", a.raw("training"));
              kw.put("momentum", a.raw("momentum"));
              kw.put("eps", a.raw("eps"));
              return t.call(
                  FUNCTIONAL,
                  "batch_norm",
                  List.of(a.raw("input"), a.raw("running_mean"), a.raw("running_var")),
                  kw,
                  at);
            });
    r.def(
            "upsample(Tensor input, Any? size=None, Any? scale_factor=None, str mode='nearest',"
                + " bool? align_corners=None) -> Tensor")
        .in(FUNCTIONAL)
        .note("as F.interpolate (deprecated in PyTorch)")
        .to(
            (t, a, at) -> {
              Map<String, Object> kw = new HashMap<>();
              for (String p : List.of("size", "scale_factor", "mode", "align_corners")) {
                kw.put(p, a.raw(p));
              }
              return t.call(FUNCTIONAL, "interpolate", List.of(a.raw("input")), kw, at);
            });
    for (String mode : List.of("nearest", "bilinear")) {
      r.def("upsample_" + mode + "(Tensor input, Any? size=None, Any? scale_factor=None) -> Tensor")
          .in(FUNCTIONAL)
          .note(
              "as F.interpolate(mode='"
                  + mode
                  + "'"
                  + (mode.equals("bilinear") ? ", align_corners=True)" : ")"))
          .to(
              (t, a, at) -> {
                Map<String, Object> kw = new HashMap<>();
                kw.put("size", a.raw("size"));
                kw.put("scale_factor", a.raw("scale_factor"));
                kw.put("mode", mode);
                if (mode.equals("bilinear")) {
                  kw.put("align_corners", true);
                }
                return t.call(FUNCTIONAL, "interpolate", List.of(a.raw("input")), kw, at);
              });
    }
  }

  private static void activations(TorchRegistry r) {
    r.def(
            "rrelu(Tensor input, float lower=0.125, float upper=0.3333333333333333,"
                + " bool training=False, bool inplace=False) -> Tensor")
        .in(FUNCTIONAL)
        .note("training=False only: leaky_relu with the slope (lower + upper) / 2")
        .to(
            (t, a, at) -> {
              evalOnly(a, "training", "F.rrelu", at);
              return t.call(
                  FUNCTIONAL,
                  "leaky_relu",
                  List.of(a.raw("input"), (a.real("lower") + a.real("upper")) / 2),
                  Map.of(),
                  at);
            });
    r.layer(
        "as F.rrelu in eval mode",
        NnLayers.withConfig(
            "rrelu",
            "RReLU(float lower=0.125, float upper=0.3333333333333333, bool inplace=False) ->"
                + " RReLU"));
    r.def("hardshrink(Tensor input, float lambd=0.5) -> Tensor")
        .in(FUNCTIONAL, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              double l = a.real("lambd");
              // zero inside [-lambd, lambd]; NaN, which is in no interval, stays NaN
              SymTensor inside = and(t, cmp(t, ">=", x, -l, at), cmp(t, "<=", x, l, at), at);
              return where(t, inside, 0.0, x, at);
            });
    r.def("softshrink(Tensor input, float lambd=0.5) -> Tensor")
        .in(FUNCTIONAL)
        .note("NaN gives 0, as PyTorch 1.13's kernel")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              double l = a.real("lambd");
              return where(
                  t,
                  cmp(t, ">", x, l, at),
                  t.binary("-", x, l, at),
                  where(t, cmp(t, "<", x, -l, at), t.binary("+", x, l, at), 0.0, at),
                  at);
            });
    for (String[] l : new String[][] {{"hardshrink", "Hardshrink"}, {"softshrink", "Softshrink"}}) {
      r.layer("as F." + l[0], NnLayers.withConfig(l[0], l[1] + "(float lambd=0.5) -> " + l[1]));
    }
  }

  private static void orderStatistics(TorchRegistry r) {
    r.def(
            "median(Tensor input) -> Tensor",
            "median(Tensor input, int dim, bool keepdim=False) -> (Tensor, Tensor)")
        .in(TORCH, TENSOR)
        .note(
            "the lower of the two middle values; NaN when the input has one (its index the first"
                + " NaN's); among equal values the index may be another one than PyTorch's")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              boolean all = a.schema().param("dim") == null;
              if (all) {
                x = t.reshape(x, new long[] {x.type().numel()}, at);
              }
              if (x.type().rank() == 0) {
                TorchLib.axis(a.integer("dim"), 1, at);
                return TensorFunctions.valuesIndices("median", x, t.full(0, DType.I64, at));
              }
              int ax = all ? 0 : a.axis("dim", x.type().rank());
              long n = x.type().shape().get(ax);
              if (n == 0) {
                throw Interpreter.error(
                    Code.DN0202, at, "median() of an empty dimension is not defined");
              }
              boolean keep = !all && a.bool("keepdim");
              SymTensor[] vi = kth(t, x, (n - 1) / 2, ax, keep, at);
              if (x.type().dtype().isFloat()) {
                SymTensor nan = is(t, "isnan", x, at);
                SymTensor has =
                    (SymTensor) t.call("any", List.of(nan, (long) ax, keep), Map.of(), at);
                SymTensor first =
                    (SymTensor)
                        t.call(
                            "argmax",
                            List.of(t.cast(nan, DType.I32, at), (long) ax, keep),
                            Map.of(),
                            at);
                vi[0] = where(t, has, Double.NaN, vi[0], at);
                vi[1] = where(t, has, first, vi[1], at);
              }
              return all ? vi[0] : TensorFunctions.valuesIndices("median", vi[0], vi[1]);
            });
    r.def("kthvalue(Tensor input, int k, int dim=-1, bool keepdim=False) -> (Tensor, Tensor)")
        .in(TORCH, TENSOR)
        .note("NaN counts as larger than every number; among equal values the index may differ")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              long k = a.integer("k");
              if (x.type().rank() == 0) {
                TorchLib.axis(a.integer("dim"), 1, at);
                if (k != 1) {
                  throw Interpreter.error(
                      Code.DN0202,
                      at,
                      "kthvalue(): selected number k out of range for dimension 0");
                }
                return TensorFunctions.valuesIndices("kthvalue", x, t.full(0, DType.I64, at));
              }
              int ax = a.axis("dim", x.type().rank());
              long n = x.type().shape().get(ax);
              if (k < 1 || k > n) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "kthvalue(): selected number k out of range for dimension " + ax,
                    "k is " + k + "; the dimension has " + n + " elements");
              }
              SymTensor[] vi = kth(t, x, k - 1, ax, a.bool("keepdim"), at);
              return TensorFunctions.valuesIndices("kthvalue", vi[0], vi[1]);
            });
  }

  /** The k-th smallest (0-based) value along {@code ax} and its index, by a stable sort. */
  private static SymTensor[] kth(TorchLib t, SymTensor x, long k, int ax, boolean keep, Span at) {
    PyTuple sorted =
        (PyTuple) t.call("sort", List.of(x, (long) ax), Map.of("stable", Boolean.TRUE), at);
    SymTensor[] out = new SymTensor[2];
    for (int i = 0; i < 2; i++) {
      SymTensor s = (SymTensor) sorted.items().get(i);
      SymTensor one = (SymTensor) t.call("narrow", List.of(s, (long) ax, k, 1L), Map.of(), at);
      if (!keep) {
        List<Long> shape = new ArrayList<>(one.type().shape());
        shape.remove(ax);
        one = t.reshape(one, shape.stream().mapToLong(Long::longValue).toArray(), at);
      }
      out[i] = one;
    }
    return out;
  }

  private static void distances(TorchRegistry r) {
    r.def(
            "cdist(Tensor x1, Tensor x2, float p=2.0, str compute_mode="
                + "'use_mm_for_euclid_dist_if_necessary') -> Tensor")
        .in(TORCH)
        .note(
            "the p-norm of every difference, computed directly (PyTorch computes p=2 through a"
                + " matrix product for more than 25 rows, which rounds differently)")
        .to(
            (t, a, at) -> {
              SymTensor x1 = a.tensor("x1");
              SymTensor x2 = a.tensor("x2");
              int r1 = x1.type().rank();
              int r2 = x2.type().rank();
              if (r1 < 2 || r2 < 2) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "cdist only supports at least 2D tensors, X1 got: " + r1 + "D");
              }
              long m1 = x1.type().shape().get(r1 - 1);
              long m2 = x2.type().shape().get(r2 - 1);
              if (m1 != m2) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "X1 and X2 must have the same number of columns. X1: " + m1 + " X2: " + m2);
              }
              if (!x1.type().dtype().isFloat() || !x2.type().dtype().isFloat()) {
                throw Interpreter.error(
                    Code.DN0202, at, "cdist only supports floating-point dtypes");
              }
              SymTensor d =
                  (SymTensor)
                      t.binary("-", unsqueeze(t, x1, r1 - 1, at), unsqueeze(t, x2, r2 - 2, at), at);
              return t.call("norm", List.of(d), Map.of("p", a.real("p"), "dim", -1L), at);
            });
    r.def("dist(Tensor input, Tensor other, float p=2) -> Tensor")
        .in(TORCH, TENSOR)
        .note("the p-norm of input - other")
        .to(
            (t, a, at) ->
                t.call(
                    "norm",
                    List.of(t.binary("-", a.tensor("input"), a.tensor("other"), at)),
                    Map.of("p", a.real("p")),
                    at));
    r.def(
            "local_response_norm(Tensor input, int size, float alpha=0.0001, float beta=0.75,"
                + " float k=1.0) -> Tensor")
        .in(FUNCTIONAL)
        .note("over the channels (dimension 1), zero-padded, as PyTorch")
        .to(
            (t, a, at) ->
                localResponseNorm(
                    t,
                    a.tensor("input"),
                    a.integer("size", 1),
                    a.real("alpha"),
                    a.real("beta"),
                    a.real("k"),
                    at));
    r.def("bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor? bias=None) -> Tensor")
        .in(FUNCTIONAL)
        .note("as einsum('...i,oij,...j->...o') plus the bias")
        .to(
            (t, a, at) ->
                bilinear(
                    t,
                    a.tensor("input1"),
                    a.tensor("input2"),
                    a.tensor("weight"),
                    a.tensorOrNull("bias"),
                    at));
  }

  private static SymTensor unsqueeze(TorchLib t, SymTensor x, int axis, Span at) {
    List<Long> shape = new ArrayList<>(x.type().shape());
    shape.add(axis, 1L);
    return t.reshape(x, shape.stream().mapToLong(Long::longValue).toArray(), at);
  }

  /** x / (k + alpha / size * (sum of x^2 over a window of size channels))^beta. */
  private static SymTensor localResponseNorm(
      TorchLib t, SymTensor x, long size, double alpha, double beta, double k, Span at) {
    int rank = x.type().rank();
    if (rank < 3) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "Expected 3D or higher dimensionality input (got " + rank + " dimensions)");
    }
    if (!x.type().dtype().isFloat()) {
      throw Interpreter.error(Code.DN0202, at, "local_response_norm needs a floating-point input");
    }
    long c = x.type().shape().get(1);
    if (c == 0 || x.type().numel() == 0) {
      return x;
    }
    SymTensor sq = (SymTensor) t.binary("*", x, x, at);
    List<SymTensor> parts = new ArrayList<>();
    // Channels of the zero padding beyond the tensor's own never meet its values: a window wider
    // than the channels sums the same with at most c - 1 of padding on each side, so a huge size
    // costs no more ops than 2c - 1 (the division below still uses size, as PyTorch's).
    long before = Math.min(size / 2, c - 1);
    long after = Math.min((size - 1) / 2, c - 1);
    for (long pad : new long[] {before, -1, after}) {
      if (pad == -1) {
        parts.add(sq);
      } else if (pad > 0) {
        long[] dims = x.type().dims().clone();
        dims[1] = pad;
        parts.add(t.full(0.0, x.type().dtype(), dims, at));
      }
    }
    SymTensor padded =
        parts.size() == 1 ? sq : t.op("concat", parts, Map.of("axis", Attr.of(1L)), at);
    Object sum = null;
    for (long i = 0; i < before + after + 1; i++) {
      Object window = t.call("narrow", List.of(padded, 1L, i, c), Map.of(), at);
      sum = sum == null ? window : t.binary("+", sum, window, at);
    }
    Object div =
        t.binary("+", t.binary("*", t.binary("/", sum, (double) size, at), alpha, at), k, at);
    return (SymTensor) t.binary("/", x, t.binary("**", div, beta, at), at);
  }

  private static SymTensor bilinear(
      TorchLib t, SymTensor x1, SymTensor x2, SymTensor w, SymTensor b, Span at) {
    if (w.type().rank() != 3) {
      throw Interpreter.error(
          Code.DN0202, at, "bilinear(): weight must be 3-D, got " + w.type().rank() + "-D");
    }
    Object y = t.call("einsum", List.of("...i,oij,...j->...o", x1, w, x2), Map.of(), at);
    return (SymTensor) (b == null ? y : t.binary("+", y, b, at));
  }

  private static NnLayers.Declared bilinear() {
    return new NnLayers.Declared(
        "Bilinear(int in1_features, int in2_features, int out_features, bool bias=True,"
            + " Device? device=None, ScalarType? dtype=None) -> Bilinear") {
      @Override
      void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
        long i1 = p.integer("in1_features", 1);
        long i2 = p.integer("in2_features", 1);
        long o = p.integer("out_features", 1);
        self.dict.put("in1_features", i1);
        self.dict.put("in2_features", i2);
        self.dict.put("out_features", o);
        NnLayers.param(self, "weight", TensorType.of(DType.F32, o, i1, i2), at);
        if (p.bool("bias")) {
          NnLayers.param(self, "bias", TensorType.of(DType.F32, o), at);
        } else {
          self.dict.put("bias", Values.NONE);
        }
      }

      @Override
      public Object forward(
          Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
        if (a.size() != 2 || !kw.isEmpty()) {
          throw Interpreter.error(
              Code.DN0102, at, self.cls.name + ".forward takes two inputs, got " + a.size());
        }
        return bilinear(
            in.torch,
            in.torch.tensor(a.get(0), at),
            in.torch.tensor(a.get(1), at),
            NnLayers.weight(in, self, "weight", at),
            NnLayers.hasParam(self, "bias") ? NnLayers.weight(in, self, "bias", at) : null,
            at);
      }
    };
  }

  private static void comparisons(TorchRegistry r) {
    r.def("equal(Tensor input, Tensor other) -> bool")
        .in(TORCH, TENSOR)
        .note("a run-time bool: same shape and every element equal (False for other shapes)")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              SymTensor y = a.tensor("other");
              if (!x.type().shape().equals(y.type().shape())) {
                return false;
              }
              SymTensor eq = (SymTensor) t.compare("==", x, y, at);
              return t.item(t.tensor(t.call("all", List.of(eq), Map.of(), at), at), at);
            });
    r.def(
            "isclose(Tensor input, Tensor other, float rtol=1e-05, float atol=1e-08,"
                + " bool equal_nan=False) -> Tensor")
        .in(TORCH, TENSOR)
        .note("|input - other| <= atol + rtol * |other|, or equal (infinities); NaN as equal_nan")
        .to(ExtraFunctions::isclose);
    r.def(
            "allclose(Tensor input, Tensor other, float rtol=1e-05, float atol=1e-08,"
                + " bool equal_nan=False) -> bool")
        .in(TORCH, TENSOR)
        .note("a run-time bool: isclose everywhere")
        .to(
            (t, a, at) ->
                t.item(t.tensor(t.call("all", List.of(isclose(t, a, at)), Map.of(), at), at), at));
  }

  /** isclose(input, other, rtol, atol, equal_nan) of a bound call. */
  private static SymTensor isclose(TorchLib t, BoundArgs a, Span at) {
    SymTensor x0 = a.tensor("input");
    SymTensor y0 = a.tensor("other");
    double rtol = a.real("rtol");
    double atol = a.real("atol");
    boolean nan = a.bool("equal_nan");
    DType dt = t.resultType(List.of(x0, y0), at);
    SymTensor x = t.cast(x0, dt, at);
    SymTensor y = t.cast(y0, dt, at);
    SymTensor eq = cmp(t, "==", x, y, at);
    if (!dt.isFloat()) {
      if (dt == DType.BOOL) {
        return eq;
      }
      x = t.cast(x, DType.F64, at);
      y = t.cast(y, DType.F64, at);
    }
    SymTensor diff = t.op("abs", List.of((SymTensor) t.binary("-", x, y, at)), Map.of(), at);
    Object bound =
        t.binary("+", t.binary("*", t.op("abs", List.of(y), Map.of(), at), rtol, at), atol, at);
    SymTensor close = or(t, eq, cmp(t, "<=", diff, bound, at), at);
    if (nan) {
      SymTensor both =
          t.op("logical_and", List.of(is(t, "isnan", x, at), is(t, "isnan", y, at)), Map.of(), at);
      close = or(t, close, both, at);
    }
    return close;
  }

  private static void moreMath(TorchRegistry r) {
    for (String name : List.of("var", "std")) {
      r.def(
              name
                  + "_mean(Tensor input, int[]? dim=None, bool unbiased=True, bool keepdim=False)"
                  + " -> (Tensor, Tensor)")
          .in(TORCH)
          .note("(torch." + name + ", torch.mean) over the same dimensions")
          .to(
              (t, a, at) -> {
                Map<String, Object> kw = new HashMap<>();
                kw.put("dim", a.given("dim"));
                kw.put("keepdim", a.raw("keepdim"));
                Object mean = t.call("mean", List.of(a.raw("input")), kw, at);
                kw.put("unbiased", a.raw("unbiased"));
                Object spread = t.call(name, List.of(a.raw("input")), kw, at);
                return Values.PyTuple.of(spread, mean);
              });
    }
    r.def("logaddexp(Tensor input, Tensor other) -> Tensor")
        .in(TORCH, TENSOR)
        .note("max + log1p(exp(-|input - other|)); equal infinities stay infinite")
        .to(
            (t, a, at) -> {
              SymTensor x = toFloat(t, a.tensor("input"), at);
              SymTensor y = toFloat(t, a.tensor("other"), at);
              SymTensor hi = (SymTensor) t.call("maximum", List.of(x, y), Map.of(), at);
              SymTensor gap =
                  t.op("abs", List.of((SymTensor) t.binary("-", x, y, at)), Map.of(), at);
              Object soft =
                  t.call(
                      "log1p",
                      List.of(
                          t.op(
                              "exp",
                              List.of(t.op("neg", List.of(gap), Map.of(), at)),
                              Map.of(),
                              at)),
                      Map.of(),
                      at);
              SymTensor same = cmp(t, "==", x, y, at);
              return where(
                  t, same, t.binary("+", x, Math.log(2), at), t.binary("+", hi, soft, at), at);
            });
    r.def("frac(Tensor input) -> Tensor")
        .in(TORCH, TENSOR)
        .note("input - trunc(input)")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              return t.binary("-", x, t.op("trunc", List.of(x), Map.of(), at), at);
            });
    for (String name : List.of("fmax", "fmin")) {
      r.def(name + "(Tensor input, Tensor other) -> Tensor")
          .in(TORCH, TENSOR)
          .note("maximum/minimum ignoring a NaN unless both are NaN")
          .to(
              (t, a, at) -> {
                DType dt = t.resultType(List.of(a.tensor("input"), a.tensor("other")), at);
                SymTensor x = t.cast(a.tensor("input"), dt, at);
                SymTensor y = t.cast(a.tensor("other"), dt, at);
                Object m =
                    t.call(
                        name.equals("fmax") ? "maximum" : "minimum", List.of(x, y), Map.of(), at);
                if (!dt.isFloat()) {
                  return m;
                }
                SymTensor xn = is(t, "isnan", x, at);
                SymTensor yn = is(t, "isnan", y, at);
                return where(t, xn, y, where(t, yn, x, m, at), at);
              });
    }
    r.def("heaviside(Tensor input, Tensor values) -> Tensor")
        .in(TORCH, TENSOR)
        .note("1 above 0, values at 0, 0 below (and for NaN)")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              SymTensor v = a.tensor("values");
              DType dt = t.resultType(List.of(x, v), at);
              SymTensor one = where(t, cmp(t, ">", x, 0L, at), 1L, 0L, at);
              return t.cast(
                  where(t, cmp(t, "==", x, 0L, at), t.cast(v, dt, at), t.cast(one, dt, at), at),
                  dt,
                  at);
            });
    r.def(
            "addmv(Tensor input, Tensor mat, Tensor vec, *, Scalar beta=1, Scalar alpha=1) ->"
                + " Tensor")
        .in(TORCH, TENSOR)
        .note("beta * input + alpha * (mat @ vec); beta=0 ignores input (its NaN too), as PyTorch")
        .to(
            (t, a, at) -> {
              Object prod = t.matmul(a.tensor("mat"), a.tensor("vec"), at);
              double alpha = a.real("alpha");
              double beta = a.real("beta");
              Object scaled = alpha == 1 ? prod : t.binary("*", prod, alpha, at);
              if (beta == 0) {
                // input's shape only: zeros of it added, so its NaN does not reach the result
                SymTensor in0 = a.tensor("input");
                return t.binary(
                    "+", scaled, t.full(0.0, in0.type().dtype(), in0.type().dims(), at), at);
              }
              Object in0 =
                  beta == 1 ? a.tensor("input") : t.binary("*", a.tensor("input"), beta, at);
              return t.binary("+", in0, scaled, at);
            });
    for (String name : List.of("nansum", "nanmean")) {
      r.def(name + "(Tensor input, int[]? dim=None, bool keepdim=False) -> Tensor")
          .in(TORCH, TENSOR)
          .note(
              name.equals("nansum")
                  ? "the sum with NaN taken as 0"
                  : "the mean of the elements that are not NaN (NaN where all are)")
          .to(
              (t, a, at) -> {
                SymTensor x = a.tensor("input");
                Map<String, Object> kw = new HashMap<>();
                kw.put("dim", a.given("dim"));
                kw.put("keepdim", a.raw("keepdim"));
                if (!x.type().dtype().isFloat()) {
                  return t.call(name.equals("nansum") ? "sum" : "mean", List.of(x), kw, at);
                }
                SymTensor nan = is(t, "isnan", x, at);
                SymTensor kept = where(t, nan, 0.0, x, at);
                Object sum = t.call("sum", List.of(kept), kw, at);
                if (name.equals("nansum")) {
                  return sum;
                }
                SymTensor present =
                    t.cast(t.op("logical_not", List.of(nan), Map.of(), at), x.type().dtype(), at);
                return t.binary("/", sum, t.call("sum", List.of(present), kw, at), at);
              });
    }
    r.def("hypot(Tensor input, Tensor other) -> Tensor")
        .in(TORCH, TENSOR)
        .note("sqrt(input^2 + other^2) without overflow; an infinity wins over NaN, as C's hypot")
        .to(
            (t, a, at) -> {
              SymTensor x = t.op("abs", List.of(toFloat(t, a.tensor("input"), at)), Map.of(), at);
              SymTensor y = t.op("abs", List.of(toFloat(t, a.tensor("other"), at)), Map.of(), at);
              SymTensor hi = (SymTensor) t.call("maximum", List.of(x, y), Map.of(), at);
              SymTensor lo = (SymTensor) t.call("minimum", List.of(x, y), Map.of(), at);
              SymTensor q = (SymTensor) t.binary("/", lo, hi, at);
              Object h =
                  t.binary(
                      "*",
                      hi,
                      t.op(
                          "sqrt",
                          List.of((SymTensor) t.binary("+", 1.0, t.binary("*", q, q, at), at)),
                          Map.of(),
                          at),
                      at);
              SymTensor inf =
                  t.op(
                      "logical_or",
                      List.of(is(t, "isinf", x, at), is(t, "isinf", y, at)),
                      Map.of(),
                      at);
              // hi == 0: 0 / 0 is NaN, the result 0
              SymTensor zero = cmp(t, "==", hi, 0.0, at);
              return where(t, inf, Double.POSITIVE_INFINITY, where(t, zero, 0.0, h, at), at);
            });
  }

  /** F.relu_(x) and friends: the functional form with inplace=True. */
  private static void inPlaceFunctional(TorchRegistry r) {
    String[][] fns = {
      {"relu", "relu_(Tensor input) -> Tensor"},
      {"leaky_relu", "leaky_relu_(Tensor input, float negative_slope=0.01) -> Tensor"},
      {"elu", "elu_(Tensor input, float alpha=1.0) -> Tensor"},
      {"hardtanh", "hardtanh_(Tensor input, float min_val=-1.0, float max_val=1.0) -> Tensor"},
      {"threshold", "threshold_(Tensor input, float threshold, float value) -> Tensor"},
      {"celu", "celu_(Tensor input, float alpha=1.0) -> Tensor"},
      {"selu", "selu_(Tensor input) -> Tensor"},
    };
    for (String[] f : fns) {
      r.def(f[1])
          .in(FUNCTIONAL)
          .note("as F." + f[0] + "(..., inplace=True)")
          .to(
              (t, a, at) -> {
                Map<String, Object> kw = new HashMap<>();
                for (dev.dynnc.frontend.eval.Schema.Param p : a.schema().params()) {
                  if (!p.name().equals("input")) {
                    kw.put(p.name(), a.raw(p.name()));
                  }
                }
                kw.put("inplace", Boolean.TRUE);
                return t.call(FUNCTIONAL, f[0], List.of(a.raw("input")), kw, at);
              });
    }
  }

  private static void windows(TorchRegistry r) {
    r.def(
            "unfold(Tensor input, int[2] kernel_size, int[2] dilation=1, int[2] padding=0,"
                + " int[2] stride=1) -> Tensor")
        .in(FUNCTIONAL)
        .note("4-d input: [N, C * kh * kw, L], the blocks as im2col lays them out")
        .to(
            (t, a, at) ->
                im2col(
                    t,
                    a.tensor("input"),
                    a.ints("kernel_size", 1),
                    a.ints("dilation", 1),
                    a.ints("padding", 0),
                    a.ints("stride", 1),
                    at));
    r.layer(
        "as F.unfold",
        NnLayers.withConfig(
            "unfold",
            "Unfold(int[2] kernel_size, int[2] dilation=1, int[2] padding=0, int[2] stride=1) ->"
                + " Unfold"));
    r.def("unfold(Tensor input, int dimension, int size, int step) -> Tensor")
        .in(TENSOR)
        .note("the windows of size elements every step along dimension, as a new last dimension")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              int rank = x.type().rank();
              int ax = rank == 0 ? 0 : a.axis("dimension", rank);
              long len = rank == 0 ? 1 : x.type().shape().get(ax);
              long size = a.integer("size");
              long step = a.integer("step");
              if (step <= 0) {
                throw Interpreter.error(Code.DN0202, at, "step is " + step + " but must be > 0");
              }
              if (size < 0 || size > len) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "maximum size for tensor at dimension "
                        + ax
                        + " is "
                        + len
                        + " but size is "
                        + size);
              }
              if (rank == 0) {
                return t.reshape(x, new long[] {1}, at);
              }
              long n = (len - size) / step + 1;
              List<SymTensor> cols = new ArrayList<>();
              for (long j = 0; j < size; j++) {
                long[] begin = new long[rank];
                long[] end = x.type().dims().clone();
                long[] strides = new long[rank];
                java.util.Arrays.fill(strides, 1);
                begin[ax] = j;
                end[ax] = j + (n - 1) * step + 1;
                strides[ax] = step;
                SymTensor s = slice(t, x, begin, end, strides, at);
                cols.add(unsqueeze(t, s, rank, at));
              }
              if (cols.isEmpty()) {
                long[] dims = x.type().dims().clone();
                dims[ax] = n;
                long[] out = java.util.Arrays.copyOf(dims, rank + 1);
                return t.full(0.0, x.type().dtype(), out, at);
              }
              return cols.size() == 1
                  ? cols.get(0)
                  : t.op("concat", cols, Map.of("axis", Attr.of((long) rank)), at);
            });
  }

  private static SymTensor slice(
      TorchLib t, SymTensor x, long[] begin, long[] end, long[] strides, Span at) {
    return t.op(
        "strided_slice",
        List.of(x),
        Map.of("begin", Attr.ints(begin), "end", Attr.ints(end), "strides", Attr.ints(strides)),
        at);
  }

  private static SymTensor im2col(
      TorchLib t, SymTensor x, long[] k, long[] d, long[] p, long[] s, Span at) {
    if (x.type().rank() != 4) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "F.unfold of a " + x.type().rank() + "-d input is not supported",
          "only 4-d (N, C, H, W) inputs are");
    }
    for (long[] v : new long[][] {k, d, s}) {
      if (v[0] <= 0 || v[1] <= 0) {
        throw Interpreter.error(
            Code.DN0202, at, "F.unfold: kernel_size, dilation and stride must be positive");
      }
    }
    if (p[0] < 0 || p[1] < 0) {
      throw Interpreter.error(Code.DN0202, at, "F.unfold: padding must be non-negative");
    }
    List<Long> shape = x.type().shape();
    long n = shape.get(0);
    long c = shape.get(1);
    SymTensor padded = x;
    if (p[0] > 0 || p[1] > 0) {
      padded =
          (SymTensor)
              t.call(
                  FUNCTIONAL,
                  "pad",
                  List.of(x, new PyTuple(ImmutableList.of(p[1], p[1], p[0], p[0]))),
                  Map.of(),
                  at);
    }
    long h = shape.get(2) + 2 * p[0];
    long w = shape.get(3) + 2 * p[1];
    long oh = (h - (d[0] * (k[0] - 1) + 1)) / s[0] + 1;
    long ow = (w - (d[1] * (k[1] - 1) + 1)) / s[1] + 1;
    if (oh <= 0 || ow <= 0) {
      throw Interpreter.error(
          Code.DN0202, at, "F.unfold: the kernel (with dilation) is larger than the padded input");
    }
    List<SymTensor> blocks = new ArrayList<>();
    for (long i = 0; i < k[0]; i++) {
      for (long j = 0; j < k[1]; j++) {
        long[] begin = {0, 0, i * d[0], j * d[1]};
        long[] end = {n, c, i * d[0] + (oh - 1) * s[0] + 1, j * d[1] + (ow - 1) * s[1] + 1};
        SymTensor b = slice(t, padded, begin, end, new long[] {1, 1, s[0], s[1]}, at);
        blocks.add(t.reshape(b, new long[] {n, c, 1, oh * ow}, at));
      }
    }
    SymTensor all =
        blocks.size() == 1
            ? blocks.get(0)
            : t.op("concat", blocks, Map.of("axis", Attr.of(2L)), at);
    return t.reshape(all, new long[] {n, c * k[0] * k[1], oh * ow}, at);
  }

  private static void sampling(TorchRegistry r) {
    r.def("affine_grid(Tensor theta, int[] size, bool? align_corners=None) -> Tensor")
        .in(FUNCTIONAL)
        .note(
            "2-d transforms (theta [N, 2, 3], size [N, C, H, W]): the base grid is a constant,"
                + " multiplied by theta as PyTorch's bmm")
        .to((t, a, at) -> affineGrid(t, a.tensor("theta"), a.ints("size"), corners(a), at));
    r.def(
            "grid_sample(Tensor input, Tensor grid, str mode='bilinear', str padding_mode='zeros',"
                + " bool? align_corners=None) -> Tensor")
        .in(FUNCTIONAL)
        .note(
            "4-d input; modes 'bilinear', 'nearest' and 'bicubic', padding 'zeros', 'border' and"
                + " 'reflection'; where a grid coordinate is NaN the result is unspecified (PyTorch's"
                + " own kernels differ there)")
        .to(
            (t, a, at) ->
                gridSample(
                    t,
                    a.tensor("input"),
                    a.tensor("grid"),
                    a.str("mode"),
                    a.str("padding_mode"),
                    corners(a),
                    at));
  }

  /** align_corners=None means False, as PyTorch's default since 1.3. */
  private static boolean corners(BoundArgs a) {
    return !a.isNone("align_corners") && a.bool("align_corners");
  }

  /**
   * theta [N, 2, 3] applied to the base grid of an [N, C, H, W] output: every output pixel's (x, y,
   * 1), x and y evenly spaced in [-1, 1] (pixel centres unless align_corners), as PyTorch's
   * affine_grid_generator: base [1, H * W, 3] @ theta^T -> [N, H, W, 2].
   */
  private static SymTensor affineGrid(
      TorchLib t, SymTensor theta, long[] size, boolean corners, Span at) {
    if (!theta.type().dtype().isFloat()) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "Expected theta to have floating point type, but got "
              + theta.type().dtype().numpyName());
    }
    if (size.length == 5) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "F.affine_grid of a 5-d size (a 3-d transform) is not supported yet",
          "only 2-d transforms, theta [N, 2, 3] and size [N, C, H, W], are");
    }
    if (size.length != 4) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms,"
              + " respectively. Got size "
              + java.util.Arrays.toString(size)
              + ".");
    }
    List<Long> ts = theta.type().shape();
    if (ts.size() != 3 || ts.get(1) != 2 || ts.get(2) != 3) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "Expected a batch of 2D affine matrices of shape Nx2x3 for size "
              + java.util.Arrays.toString(size)
              + ". Got "
              + ts
              + ".");
    }
    for (long d : size) {
      if (d <= 0) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "Expected non-zero, positive output size. Got " + java.util.Arrays.toString(size));
      }
    }
    if (size[0] != ts.get(0)) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "affine_grid: theta's batch of "
              + ts.get(0)
              + " matrices does not match the size's batch "
              + size[0]);
    }
    long h = size[2];
    long w = size[3];
    DType dt = theta.type().dtype();
    SymTensor xs = steps(t, w, corners, dt, at);
    SymTensor ys = steps(t, h, corners, dt, at);
    // base[i, j] = (xs[j], ys[i], 1), as [1, H * W, 3]
    SymTensor bx =
        (SymTensor)
            t.binary(
                "+",
                t.reshape(xs, new long[] {1, w, 1}, at),
                t.full(0.0, dt, new long[] {h, 1, 1}, at),
                at);
    SymTensor by =
        (SymTensor)
            t.binary(
                "+",
                t.reshape(ys, new long[] {h, 1, 1}, at),
                t.full(0.0, dt, new long[] {1, w, 1}, at),
                at);
    SymTensor ones = t.full(1.0, dt, new long[] {h, w, 1}, at);
    SymTensor base =
        t.reshape(
            t.op("concat", List.of(bx, by, ones), Map.of("axis", Attr.of(2L)), at),
            new long[] {1, h * w, 3},
            at);
    Object thetaT = t.call("transpose", List.of(theta, 1L, 2L), Map.of(), at);
    SymTensor grid = (SymTensor) t.call("matmul", List.of(base, thetaT), Map.of(), at);
    return t.reshape(grid, new long[] {size[0], h, w, 2}, at);
  }

  /**
   * n evenly spaced values in [-1, 1], scaled by (n - 1) / n without align_corners; 0 for n = 1.
   */
  private static SymTensor steps(TorchLib t, long n, boolean corners, DType dt, Span at) {
    if (n == 1) {
      return t.full(0.0, dt, new long[] {1}, at);
    }
    SymTensor r = ShapeFunctions.arange(t, -1.0, 2.0 / (n - 1), n, dt, at);
    return corners ? r : (SymTensor) t.binary("*", r, (double) (n - 1) / n, at);
  }

  private static SymTensor gridSample(
      TorchLib t,
      SymTensor x,
      SymTensor grid,
      String mode,
      String padding,
      boolean corners,
      Span at) {
    if (!List.of("bilinear", "nearest", "bicubic").contains(mode)) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic',"
              + " but got: '"
              + mode
              + "'");
    }
    if (!List.of("zeros", "border", "reflection").contains(padding)) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or"
              + " 'reflection', but got: '"
              + padding
              + "'");
    }
    TensorType xt = x.type();
    TensorType gt = grid.type();
    if (xt.rank() == 5 && gt.rank() == 5) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "F.grid_sample of a 5-d input is not supported yet",
          "only 4-d inputs (N, C, H, W) with a grid [N, H, W, 2] are");
    }
    if (xt.rank() != 4 || gt.rank() != 4) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but"
              + " got input with sizes "
              + xt.shape()
              + " and grid with sizes "
              + gt.shape());
    }
    if (!xt.shape().get(0).equals(gt.shape().get(0))) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "grid_sampler(): expected grid and input to have same batch size, but got input with"
              + " sizes "
              + xt.shape()
              + " and grid with sizes "
              + gt.shape());
    }
    if (gt.shape().get(3) != 2) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "grid_sampler(): expected grid to have size 2 in last dimension, but got grid with sizes "
              + gt.shape());
    }
    if (!xt.dtype().isFloat() || xt.dtype() != gt.dtype()) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "grid_sampler(): expected input and grid to have the same floating-point dtype, but"
              + " input has "
              + xt.dtype().numpyName()
              + " and grid has "
              + gt.dtype().numpyName());
    }
    return t.op(
        "grid_sample",
        List.of(x, grid),
        Map.of(
            "method",
            Attr.of(mode),
            "padding_mode",
            Attr.of(padding),
            "align_corners",
            Attr.of(corners)),
        at);
  }

  private static void searching(TorchRegistry r) {
    String note =
        "a count of the boundaries below each value (at or below it with right=True), which is"
            + " PyTorch's binary search on sorted boundaries (an unsorted sequence, one holding NaN"
            + " say, may give another index); a NaN value goes past the last";
    r.def(
            "bucketize(Tensor|Scalar input, Tensor boundaries, *, bool out_int32=False, bool"
                + " right=False) -> Tensor")
        .in(TORCH)
        .note(note)
        .to(
            (t, a, at) -> {
              SymTensor b = a.tensor("boundaries");
              if (b.type().rank() != 1) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "boundaries tensor must be 1 dimension, but got dim(" + b.type().rank() + ")");
              }
              return search(t, b, a.raw("input"), a.bool("right"), a.bool("out_int32"), at);
            });
    r.def(
            "searchsorted(Tensor sorted_sequence, Tensor|Scalar input, *, bool out_int32=False,"
                + " bool right=False, str? side=None, Tensor? sorter=None) -> Tensor")
        .in(TORCH)
        .note(note + "; sorter=None only")
        .to(
            (t, a, at) -> {
              if (!a.isNone("sorter")) {
                throw Interpreter.error(
                    Code.DN0201,
                    at,
                    "torch.searchsorted with a sorter is not supported yet",
                    "sort the sequence first");
              }
              boolean right = a.bool("right");
              if (!a.isNone("side")) {
                String side = a.str("side");
                if (!side.equals("left") && !side.equals("right")) {
                  throw Interpreter.error(
                      Code.DN0202,
                      at,
                      "torch.searchsorted(): side can only be 'left' or 'right' but got " + side);
                }
                if (side.equals("left") && right) {
                  throw Interpreter.error(
                      Code.DN0202,
                      at,
                      "torch.searchsorted(): side and right can't be set to opposites, got side"
                          + " of left while right was True");
                }
                right = side.equals("right");
              }
              SymTensor seq = a.tensor("sorted_sequence");
              Object v = a.raw("input");
              if (seq.type().rank() > 1) {
                SymTensor vt = t.tensor(v, at);
                List<Long> ss = seq.type().shape();
                List<Long> vs = vt.type().shape();
                if (vs.size() != ss.size()
                    || !vs.subList(0, vs.size() - 1).equals(ss.subList(0, ss.size() - 1))) {
                  throw Interpreter.error(
                      Code.DN0202,
                      at,
                      "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1"
                          + " dimensions of boundaries tensor and input value tensor must match, but we"
                          + " got boundaries tensor "
                          + ss
                          + " and input value tensor "
                          + vs);
                }
              }
              return search(t, seq, v, right, a.bool("out_int32"), at);
            });
  }

  /**
   * For each value, how many items of the last dimension of {@code seq} lie below it ({@code !(b >=
   * v)}; with {@code right}, {@code !(b > v)}): the index PyTorch's binary search gives on a sorted
   * sequence, NaN values included (no comparison with NaN holds, so they count every item). On a
   * sequence that is not sorted (one holding NaN, say) PyTorch's result is that of its search path,
   * which this count need not reproduce.
   */
  private static SymTensor search(
      TorchLib t, SymTensor seq, Object value, boolean right, boolean int32, Span at) {
    SymTensor v =
        Operators.isTensorLike(value)
            ? t.tensor(value, at)
            : t.full(Operators.toDouble(value), seq.type().dtype(), new long[0], at);
    // [K] against [..., 1], or [..., 1, K] against [..., M, 1]
    SymTensor b = seq.type().rank() == 1 ? seq : unsqueeze(t, seq, seq.type().rank() - 1, at);
    SymTensor vv = unsqueeze(t, v, v.type().rank(), at);
    SymTensor holds = t.tensor(t.compare(right ? ">" : ">=", b, vv, at), at);
    SymTensor below = t.op("logical_not", List.of(holds), Map.of(), at);
    SymTensor count = t.tensor(t.call("sum", List.of(below), Map.of("dim", -1L), at), at);
    return int32 ? t.cast(count, DType.I32, at) : count;
  }
}
