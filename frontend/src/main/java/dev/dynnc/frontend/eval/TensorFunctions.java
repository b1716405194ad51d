package dev.dynnc.frontend.eval;

import static dev.dynnc.frontend.eval.TorchRegistry.Space.FUNCTIONAL;
import static dev.dynnc.frontend.eval.TorchRegistry.Space.TENSOR;
import static dev.dynnc.frontend.eval.TorchRegistry.Space.TORCH;

import com.google.common.collect.ImmutableList;
import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.*;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The torch functions, torch.nn.functional functions and tensor methods of the {@link
 * TorchRegistry}: each declared with its PyTorch signature and lowered to IR ops from its bound
 * arguments.
 */
final class TensorFunctions {
  private TensorFunctions() {}

  static void declare(TorchRegistry r) {
    creation(r);
    elementwise(r);
    shapes(r);
    conversions(r);
    reductions(r);
    combinations(r);
    functional(r);
    indexing(r);
    pieces(r);
    MathFunctions.declare(r);
    LayerFunctions.declare(r);
    ScatterFunctions.declare(r);
    ShapeFunctions.declare(r);
    unsupported(r);
  }

  private static void creation(TorchRegistry r) {
    for (String name : List.of("zeros", "ones", "randn", "rand", "empty")) {
      r.def(
              name
                  + "(int... size, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor")
          .in(TORCH)
          .atConstruction()
          .note(
              name.startsWith("rand")
                  ? "only while the model is constructed (a parameter's shape); in forward it would be nondeterministic"
                  : name.equals("empty")
                      ? "in forward, zeros (PyTorch leaves the values undefined)"
                      : "in forward, a constant tensor")
          .to((t, a, at) -> filled(t, name, a.ints("size"), dtypeOr(a, DType.F32), at));
    }
    for (String name : List.of("zeros_like", "ones_like", "empty_like")) {
      r.def(
              name
                  + "(Tensor input, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor")
          .in(TORCH)
          .atConstruction()
          .note(name.equals("empty_like") ? "zeros (PyTorch leaves the values undefined)" : "")
          .to(
              (t, a, at) -> {
                TensorType ty = a.tensorType("input");
                return filled(t, name, ty.dims(), dtypeOr(a, ty.dtype()), at);
              });
    }
    r.def(
            "full(int[] size, Number fill_value, *, ScalarType? dtype=None, Device? device=None,"
                + " bool requires_grad=False) -> Tensor")
        .in(TORCH)
        .atConstruction()
        .note("in forward only; dtype as PyTorch infers it from the value (float32, int64 or bool)")
        .to(
            (t, a, at) -> {
              requireForward(t, "full", at);
              long[] shape = checkShape(a.ints("size"), "full", at);
              Object v = a.raw("fill_value");
              // PyTorch 1.13 infers the dtype from the value: full((2,), 3) is int64.
              return t.filled(v, dtypeOr(a, t.resultType(List.of(v), at)), shape, at);
            });
    r.def("from_numpy(Tensor ndarray) -> Tensor")
        .in(TORCH)
        .note("the array of a tensor (t.numpy()) is the tensor itself")
        .to((t, a, at) -> a.tensor("ndarray"));
    r.def(
            "tensor(Any data, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor")
        .in(TORCH)
        .atConstruction()
        .note(
            "of Python numbers, run-time scalars (t.item(), a loop counter) and (nested) lists or"
                + " tuples of them; dtype as PyTorch infers it (float32, int64 or bool)")
        .to((t, a, at) -> TensorWrites.literal(t, a.raw("data"), a.dtype("dtype"), at));
    r.def(
            "arange(Scalar start, Scalar? end=None, Scalar step=1, *, ScalarType? dtype=None, Device? device=None,"
                + " bool requires_grad=False) -> Tensor")
        .in(TORCH)
        .atConstruction()
        .note("in forward only; arange(end) counts from 0")
        .to(TensorFunctions::arange);
    // The legacy typed constructors of older research code: torch.LongTensor([i, j]) is a tensor of
    // that data, torch.FloatTensor(2, 3) one of that shape (values undefined in PyTorch: zeros).
    for (Object[] legacy :
        new Object[][] {
          {"FloatTensor", DType.F32},
          {"DoubleTensor", DType.F64},
          {"LongTensor", DType.I64},
          {"IntTensor", DType.I32},
          {"BoolTensor", DType.BOOL},
          {"ByteTensor", DType.U8}
        }) {
      String name = (String) legacy[0];
      DType dt = (DType) legacy[1];
      r.def(name + "(Any... args) -> Tensor")
          .in(TORCH)
          .atConstruction()
          .note(
              "a list or tuple of numbers or run-time scalars is the data; ints are a shape (in"
                  + " forward, zeros: PyTorch leaves the values undefined)")
          .to(
              (t, a, at) -> {
                @SuppressWarnings("unchecked")
                List<Object> args = (List<Object>) a.raw("args");
                return legacyNew(t, args, dt, "torch." + name, at);
              });
    }
    r.def("new(Tensor input, Any... args) -> Tensor")
        .in(TENSOR)
        .note(
            "the legacy constructor in the input's dtype: a list is the data, ints a shape (zeros:"
                + " PyTorch leaves the values undefined)")
        .to(
            (t, a, at) -> {
              @SuppressWarnings("unchecked")
              List<Object> args = (List<Object>) a.raw("args");
              return legacyNew(t, args, a.tensor("input").type().dtype(), "Tensor.new", at);
            });
    r.def("is_tensor(Any obj) -> bool")
        .in(TORCH)
        .atConstruction()
        .to((t, a, at) -> Operators.isTensorLike(a.raw("obj")));
  }

  private static Object filled(TorchLib t, String name, long[] size, DType dt, Span at) {
    long[] shape = checkShape(size, name, at);
    if (t.interpreter().staging == null) {
      TensorSlot made = new TensorSlot(TensorType.of(dt, shape), at, false);
      // A non-persistent buffer made this way has known values (Staging.weight).
      made.fill =
          name.startsWith("zeros")
              ? Double.valueOf(0)
              : name.startsWith("ones") ? Double.valueOf(1) : null;
      return made;
    }
    if (name.startsWith("rand")) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "torch." + name + " in forward makes the model nondeterministic",
          "compiled models are deterministic; pass random values as an input");
    }
    return t.full(name.startsWith("ones") ? 1.0 : 0.0, dt, shape, at);
  }

  private static DType dtypeOr(BoundArgs a, DType fallback) {
    DType d = a.dtype("dtype");
    return d != null ? d : fallback;
  }

  private static void requireForward(TorchLib t, String name, Span at) {
    if (t.interpreter().staging == null) {
      throw Interpreter.error(
          Code.DN0201, at, "torch." + name + " with these arguments is not supported yet");
    }
  }

  private static Object arange(TorchLib t, BoundArgs a, Span at) {
    boolean onlyEnd = a.isNone("end");
    double start = onlyEnd ? 0 : a.real("start");
    double end = onlyEnd ? a.real("start") : a.real("end");
    double step = a.real("step");
    if (step == 0) {
      throw Interpreter.error(Code.DN0102, at, "arange step must not be zero");
    }
    boolean integral =
        a.raw("start") instanceof Long
            && (onlyEnd || a.raw("end") instanceof Long)
            && a.raw("step") instanceof Long;
    DType d = dtypeOr(a, integral ? DType.I64 : DType.F32);
    long n = (long) Math.max(0, Math.ceil((end - start) / step));
    if (t.interpreter().staging == null) {
      // In __init__ (a positional encoding's positions): its type, as for other construction-time
      // tensors (TorchLib.byType); the values reach the model only through the checkpoint.
      return new TensorSlot(TensorType.of(d, n), at, false);
    }
    return (SymTensor)
        t.interpreter()
            .staging
            .emit(
                "arange",
                List.of(),
                List.of(),
                Map.of("start", Attr.of(start), "step", Attr.of(step)),
                TensorType.of(d, n),
                at);
  }

  private static void elementwise(TorchRegistry r) {
    for (String name :
        List.of(
            "relu", "sigmoid", "tanh", "exp", "log", "sqrt", "abs", "neg", "erf", "sin", "cos",
            "rsqrt")) {
      TorchRegistry.Impl impl =
          (t, a, at) -> {
            SymTensor x = a.tensor("input");
            if (!x.type().dtype().isFloat()
                && !name.equals("abs")
                && !name.equals("neg")
                && !name.equals("relu")) {
              x = t.cast(x, DType.F32, at);
            }
            return t.op(name, List.of(x), Map.of(), at);
          };
      r.def(name + "(Tensor input) -> Tensor").in(TORCH, TENSOR).to(impl);
      if (name.equals("relu")) {
        r.def("relu(Tensor input, bool inplace=False) -> Tensor").in(FUNCTIONAL).to(impl);
      } else if (name.equals("sigmoid") || name.equals("tanh")) {
        r.def(name + "(Tensor input) -> Tensor").in(FUNCTIONAL).to(impl);
      }
    }
    r.def("relu6(Tensor input, bool inplace=False) -> Tensor")
        .in(FUNCTIONAL)
        .to(
            (t, a, at) ->
                t.op(
                    "clip",
                    List.of(a.tensor("input")),
                    Map.of("min", Attr.of(0.0), "max", Attr.of(6.0)),
                    at));
    for (String name : List.of("clamp", "clip")) {
      r.def(name + "(Tensor input, Tensor|Number? min=None, Tensor|Number? max=None) -> Tensor")
          .in(TORCH, TENSOR)
          .note(
              "bounds are numbers, run-time scalars or tensors; the dtype is promoted as in PyTorch")
          .to((t, a, at) -> clamp(t, a.tensor("input"), a.raw("min"), a.raw("max"), name, at));
    }
    r.def("gelu(Tensor input, str approximate='none') -> Tensor")
        .in(FUNCTIONAL)
        .note("approximate='none' or 'tanh'")
        .to(
            (t, a, at) -> {
              String approximate = a.str("approximate");
              SymTensor x = a.tensor("input");
              if (approximate.equals("tanh")) {
                // 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))), as PyTorch's kernel
                Object cube = t.binary("*", t.binary("*", x, x, at), x, at);
                Object inner =
                    t.binary(
                        "*",
                        Math.sqrt(2 / Math.PI),
                        t.binary("+", x, t.binary("*", 0.044715, cube, at), at),
                        at);
                Object th = t.op("tanh", List.of(t.tensor(inner, at)), Map.of(), at);
                return t.binary("*", t.binary("*", x, 0.5, at), t.binary("+", th, 1.0, at), at);
              }
              if (!approximate.equals("none")) {
                throw Interpreter.error(
                    Code.DN0202, at, "approximate argument must be either none or tanh.");
              }
              // gelu(x) = 0.5 · x · (1 + erf(x / √2)), the exact form nn.GELU() uses by default.
              Object inner =
                  t.op(
                      "erf",
                      List.of((SymTensor) t.binary("*", x, 1 / Math.sqrt(2), at)),
                      Map.of(),
                      at);
              return t.binary("*", t.binary("*", x, 0.5, at), t.binary("+", inner, 1.0, at), at);
            });
    r.def("leaky_relu(Tensor input, float negative_slope=0.01, bool inplace=False) -> Tensor")
        .in(FUNCTIONAL)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              SymTensor neg = (SymTensor) t.binary("*", x, a.real("negative_slope"), at);
              SymTensor pos = (SymTensor) t.compare(">", x, 0.0, at);
              return t.op("where", List.of(pos, x, neg), Map.of(), at);
            });
    for (String name : List.of("softmax", "log_softmax")) {
      TorchRegistry.Impl impl =
          (t, a, at) -> {
            SymTensor x = a.tensor("input");
            if (a.isNone("dim")) {
              throw Interpreter.error(
                  Code.DN0102,
                  at,
                  name + "() needs dim",
                  "pass dim=1 (or the class dimension) explicitly");
            }
            DType dt = a.dtype("dtype");
            x =
                t.cast(
                    x,
                    dt != null ? dt : x.type().dtype().isFloat() ? x.type().dtype() : DType.F32,
                    at);
            return t.op(
                name,
                List.of(x),
                Map.of("axis", Attr.of((long) a.axis("dim", x.type().rank()))),
                at);
          };
      r.def(name + "(Tensor input, int dim, ScalarType? dtype=None) -> Tensor")
          .in(TORCH, TENSOR)
          .to(impl);
      r.def(
              name
                  + "(Tensor input, int? dim=None, int _stacklevel=3, ScalarType? dtype=None) -> Tensor")
          .in(FUNCTIONAL)
          .note("dim is required (PyTorch's implicit choice is deprecated)")
          .to(impl);
    }
    Map<String, String> binary = new java.util.LinkedHashMap<>();
    for (String[] p : new String[][] {{"add", "+"}, {"sub", "-"}, {"mul", "*"}, {"div", "/"}}) {
      binary.put(p[0], p[1]);
    }
    binary.put("true_divide", "/");
    for (Map.Entry<String, String> e : binary.entrySet()) {
      String op = e.getValue();
      if (op.equals("+") || op.equals("-")) {
        r.def(
                e.getKey()
                    + "(Tensor|Number input, Tensor|Number other, *, Number alpha=1) -> Tensor")
            .in(TORCH, TENSOR)
            .note("input " + op + " alpha * other")
            .to(
                (t, a, at) -> {
                  Object other = a.raw("other");
                  Object alpha = a.raw("alpha");
                  if (!(alpha instanceof Long l && l == 1)) {
                    other = Operators.binary(t.interpreter(), "*", other, alpha, at);
                  }
                  return t.binary(op, a.raw("input"), other, at);
                });
      } else if (e.getKey().equals("div")) {
        for (String name : List.of("div", "divide")) {
          r.def(
                  name
                      + "(Tensor|Number input, Tensor|Number other, *, str? rounding_mode=None) ->"
                      + " Tensor")
              .in(TORCH, TENSOR)
              .note("rounding_mode None, 'trunc' or 'floor'")
              .to(TensorFunctions::divide);
        }
      } else {
        r.def(e.getKey() + "(Tensor|Number input, Tensor|Number other) -> Tensor")
            .in(TORCH, TENSOR)
            .to((t, a, at) -> t.binary(op, a.raw("input"), a.raw("other"), at));
      }
    }
    for (String[] p :
        new String[][] {
          {"eq", "=="}, {"ne", "!="}, {"gt", ">"}, {"ge", ">="}, {"lt", "<"}, {"le", "<="}
        }) {
      r.def(p[0] + "(Tensor|Number input, Tensor|Number other) -> Tensor")
          .in(TORCH, TENSOR)
          .to((t, a, at) -> t.compare(p[1], a.raw("input"), a.raw("other"), at));
    }
    for (String name : List.of("maximum", "minimum")) {
      r.def(name + "(Tensor input, Tensor other) -> Tensor")
          .in(TORCH, TENSOR)
          .to(
              (t, a, at) ->
                  t.op(name, List.of(a.tensor("input"), a.tensor("other")), Map.of(), at));
    }
    r.def(
            "where(Tensor condition, Tensor|Number input, Tensor|Number other) -> Tensor",
            "where(Tensor condition) -> Tensor")
        .in(TORCH)
        .note("three arguments; where(condition) alone is nonzero(as_tuple=True), refused")
        .to(
            (t, a, at) -> {
              if (a.schema().param("input") == null) {
                throw Interpreter.error(
                    Code.DN0201,
                    at,
                    "torch.where(condition) with one argument is torch.nonzero(condition,"
                        + " as_tuple=True): its result's shape depends on the data",
                    "select with torch.where(condition, x, y), or mask with x * condition");
              }
              return where(t, a.tensor("condition"), a.raw("input"), a.raw("other"), at);
            });
    r.def("where(Tensor input, Tensor condition, Tensor|Number other) -> Tensor")
        .in(TENSOR)
        .note("x.where(condition, y) is torch.where(condition, x, y)")
        .to((t, a, at) -> where(t, a.tensor("condition"), a.raw("input"), a.raw("other"), at));
  }

  /**
   * {@code clamp(x, lo, hi)}: min(max(x, lo), hi), so hi wins where lo > hi, in the dtype PyTorch
   * promotes x and the bounds to ({@code clamp(int_tensor, min=0.5)} is float). Number bounds are
   * one clip; a tensor or run-time bound is compared element-wise, keeping NaN as clamp does.
   */
  private static SymTensor clamp(
      TorchLib t, SymTensor x, Object lo, Object hi, String fn, Span at) {
    if (lo == Values.NONE && hi == Values.NONE) {
      throw Interpreter.error(
          Code.DN0102, at, "torch." + fn + ": at least one of 'min' or 'max' must not be None");
    }
    DType dt = t.resultType(List.of(x, lo, hi), at);
    SymTensor y = t.cast(x, dt, at);
    boolean numbers =
        !(Operators.isTensorLike(lo) || lo instanceof Values.HostScalar)
            && !(Operators.isTensorLike(hi) || hi instanceof Values.HostScalar);
    if (numbers) {
      double l = lo == Values.NONE ? Double.NEGATIVE_INFINITY : Operators.toDouble(lo);
      double h = hi == Values.NONE ? Double.POSITIVE_INFINITY : Operators.toDouble(hi);
      if (dt == DType.U8) {
        // PyTorch puts a number bound into uint8 first, wrapping it: clamp(min=-5) is min=251.
        l = lo == Values.NONE ? l : (double) (((long) l) & 0xff);
        h = hi == Values.NONE ? h : (double) (((long) h) & 0xff);
      }
      return t.op("clip", List.of(y), Map.of("min", Attr.of(l), "max", Attr.of(h)), at);
    }
    if (lo != Values.NONE) {
      SymTensor l = t.operandAs(lo, dt, at);
      y = t.op("where", List.of(t.op("lt", List.of(y, l), Map.of(), at), l, y), Map.of(), at);
    }
    if (hi != Values.NONE) {
      SymTensor h = t.operandAs(hi, dt, at);
      y = t.op("where", List.of(t.op("gt", List.of(y, h), Map.of(), at), h, y), Map.of(), at);
    }
    return y;
  }

  /**
   * torch.div with a rounding mode: none is true division, 'floor' is {@code //}, and 'trunc'
   * rounds the quotient toward zero: the truncated true quotient for floats, for integers the floor
   * quotient plus one where the division is inexact and the operands' signs differ.
   */
  private static Object divide(TorchLib t, BoundArgs a, Span at) {
    Object x = a.raw("input");
    Object y = a.raw("other");
    if (a.isNone("rounding_mode")) {
      return t.binary("/", x, y, at);
    }
    String mode = a.str("rounding_mode");
    if (mode.equals("floor")) {
      return t.binary("//", x, y, at);
    }
    if (!mode.equals("trunc")) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '"
              + mode
              + "'");
    }
    Object floor = t.binary("//", x, y, at);
    SymTensor f = t.tensor(floor, at);
    if (f.type().dtype().isFloat()) {
      return t.op("trunc", List.of(t.tensor(t.binary("/", x, y, at), at)), Map.of(), at);
    }
    Object inexact = t.compare("!=", t.binary("%", x, y, at), 0L, at);
    Object signs = t.compare("!=", t.compare("<", x, 0L, at), t.compare("<", y, 0L, at), at);
    SymTensor up = t.tensor(t.binary("&", inexact, signs, at), at);
    return where(t, up, t.binary("+", f, 1L, at), f, at);
  }

  /** {@code torch.where(condition, x, y)}, with x and y promoted to one dtype as PyTorch does. */
  static Object where(TorchLib t, SymTensor condition, Object x, Object y, Span at) {
    SymTensor c = t.cast(condition, DType.BOOL, at);
    DType dt = t.resultType(List.of(x, y), at);
    return t.op("where", List.of(c, t.operandAs(x, dt, at), t.operandAs(y, dt, at)), Map.of(), at);
  }

  private static void shapes(TorchRegistry r) {
    r.def("flatten(Tensor input, int start_dim=0, int end_dim=-1) -> Tensor")
        .in(TORCH, TENSOR, FUNCTIONAL)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              int rank = Math.max(1, x.type().rank());
              int s = a.axis("start_dim", rank);
              int e = a.axis("end_dim", rank);
              List<Long> shape = new ArrayList<>();
              long prod = 1;
              for (int i = 0; i < x.type().rank(); i++) {
                if (i < s || i > e) {
                  shape.add(x.type().shape().get(i));
                } else {
                  prod *= x.type().shape().get(i);
                  if (i == e) {
                    shape.add(prod);
                  }
                }
              }
              if (x.type().rank() == 0) {
                shape.add(1L);
              }
              return t.reshape(x, shape.stream().mapToLong(Long::longValue).toArray(), at);
            });
    TorchRegistry.Impl reshape =
        (t, a, at) -> {
          SymTensor x = a.tensor("input");
          long[] dims = a.ints(a.schema().params().get(1).name()); // shape, or a method's size
          return t.reshape(x, resolveShape(x.type(), dims, at), at);
        };
    r.def("reshape(Tensor input, int[] shape) -> Tensor").in(TORCH).to(reshape);
    r.def("reshape(Tensor input, int... shape) -> Tensor").in(TENSOR).to(reshape);
    r.def("view(Tensor input, int... size) -> Tensor").in(TENSOR).to(reshape);
    r.def("expand(Tensor input, int... size) -> Tensor")
        .in(TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              long[] shape = a.ints("size");
              int offset = shape.length - x.type().rank();
              for (int i = 0; i < shape.length; i++) {
                // -1 keeps the existing size (PyTorch's expand rule).
                shape[i] =
                    shape[i] == -1 && i >= offset ? x.type().shape().get(i - offset) : shape[i];
              }
              return expand(t, x, shape, at);
            });
    r.def("expand_as(Tensor input, Tensor other) -> Tensor")
        .in(TENSOR)
        .to((t, a, at) -> expand(t, a.tensor("input"), a.tensorType("other").dims(), at));
    for (String name : List.of("view_as", "reshape_as")) {
      r.def(name + "(Tensor input, Tensor other) -> Tensor")
          .in(TENSOR)
          .to((t, a, at) -> t.reshape(a.tensor("input"), a.tensorType("other").dims(), at));
    }
    r.def("unsqueeze(Tensor input, int dim) -> Tensor")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              return unsqueeze(t, x, a.axis("dim", x.type().rank() + 1), at);
            });
    r.def("squeeze(Tensor input, int? dim=None) -> Tensor")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              int only = a.isNone("dim") ? -1 : a.axis("dim", x.type().rank());
              List<Long> shape = new ArrayList<>();
              for (int i = 0; i < x.type().rank(); i++) {
                long d = x.type().shape().get(i);
                if (!(d == 1 && (only < 0 || only == i))) {
                  shape.add(d);
                }
              }
              return t.reshape(x, shape.stream().mapToLong(Long::longValue).toArray(), at);
            });
    TorchRegistry.Impl permute =
        (t, a, at) -> {
          SymTensor x = a.tensor("input");
          long[] perm = a.ints("dims");
          for (int i = 0; i < perm.length; i++) {
            perm[i] = TorchLib.axis(perm[i], x.type().rank(), at);
          }
          return t.op("transpose", List.of(x), Map.of("perm", Attr.ints(perm)), at);
        };
    r.def("permute(Tensor input, int[] dims) -> Tensor").in(TORCH).to(permute);
    r.def("permute(Tensor input, int... dims) -> Tensor").in(TENSOR).to(permute);
    r.def("transpose(Tensor input, int dim0, int dim1) -> Tensor")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              int rank = x.type().rank();
              return transpose(t, x, a.axis("dim0", rank), a.axis("dim1", rank), at);
            });
    r.def("t(Tensor input) -> Tensor")
        .in(TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              int rank = x.type().rank();
              if (rank > 2) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "t() expects a tensor with <= 2 dimensions, but self is " + rank + "D");
              }
              // A 0-d or 1-d tensor is its own transpose.
              return rank < 2 ? x : transpose(t, x, 0, 1, at);
            });
  }

  static SymTensor expand(TorchLib t, SymTensor x, long[] shape, Span at) {
    if (java.util.Arrays.equals(shape, x.type().dims())) {
      return x;
    }
    return t.op("broadcast_to", List.of(x), Map.of("shape", Attr.ints(shape)), at);
  }

  private static SymTensor unsqueeze(TorchLib t, SymTensor x, int axis, Span at) {
    List<Long> shape = new ArrayList<>(x.type().shape());
    shape.add(axis, 1L);
    return t.reshape(x, shape.stream().mapToLong(Long::longValue).toArray(), at);
  }

  private static Object transpose(TorchLib t, SymTensor x, int d0, int d1, Span at) {
    long[] perm = new long[x.type().rank()];
    for (int i = 0; i < perm.length; i++) {
      perm[i] = i;
    }
    perm[d0] = d1;
    perm[d1] = d0;
    return t.op("transpose", List.of(x), Map.of("perm", Attr.ints(perm)), at);
  }

  private static void conversions(TorchRegistry r) {
    for (String name : List.of("contiguous", "detach")) {
      r.def(name + "(Tensor input) -> Tensor")
          .in(TENSOR)
          .note("the tensor itself")
          .to((t, a, at) -> a.raw("input"));
    }
    r.def("clone(Tensor input) -> Tensor")
        .in(TENSOR)
        .note("a new tensor of the same values (item assignment on it leaves the original alone)")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              Staging staging = t.interpreter().staging;
              return staging == null ? new SymTensor(x.id(), x.type()) : staging.copyOf(x);
            });
    r.def("cpu(Tensor input) -> Tensor")
        .in(TENSOR)
        .note("the tensor itself")
        .to((t, a, at) -> a.raw("input"));
    r.def("numpy(Tensor input, *, bool force=False) -> Tensor")
        .in(TENSOR)
        .note(
            "in forward: the array is modelled as the tensor; numpy's reductions of it lower to"
                + " tensor reductions, read on the host where Python needs a value")
        .to((t, a, at) -> a.raw("input"));
    r.def("cuda(Tensor input, Device? device=None, bool non_blocking=False) -> Tensor")
        .in(TENSOR)
        .note("the tensor itself: the compiled model chooses its device")
        .to((t, a, at) -> a.raw("input"));
    r.def("requires_grad_(Tensor input, bool requires_grad=True) -> Tensor")
        .in(TENSOR)
        .note("the tensor itself")
        .to((t, a, at) -> a.raw("input"));
    r.def(
            "to(Tensor input, ScalarType dtype, bool non_blocking=False, bool copy=False) -> Tensor",
            "to(Tensor input, Device? device=None, ScalarType? dtype=None, bool non_blocking=False, bool copy=False)"
                + " -> Tensor",
            "to(Tensor input, Tensor other, bool non_blocking=False, bool copy=False) -> Tensor")
        .in(TENSOR)
        .note("changes the dtype only; the device is the compiled model's")
        .to(
            (t, a, at) -> {
              DType d =
                  a.schema().param("other") != null
                      ? a.tensorType("other").dtype()
                      : a.dtype("dtype");
              return d == null ? a.raw("input") : t.cast(a.tensor("input"), d, at);
            });
    Map<String, DType> casts =
        Map.of(
            "float",
            DType.F32,
            "long",
            DType.I64,
            "int",
            DType.I32,
            "double",
            DType.F64,
            "bool",
            DType.BOOL,
            "byte",
            DType.U8);
    for (Map.Entry<String, DType> e : casts.entrySet()) {
      r.def(e.getKey() + "(Tensor input) -> Tensor")
          .in(TENSOR)
          .to((t, a, at) -> t.cast(a.tensor("input"), e.getValue(), at));
    }
    r.def("type_as(Tensor input, Tensor other) -> Tensor")
        .in(TENSOR)
        .to((t, a, at) -> t.cast(a.tensor("input"), a.tensorType("other").dtype(), at));
    r.def("item(Tensor input) -> Scalar")
        .in(TENSOR)
        .note("a known value is a Python number; otherwise a run-time scalar")
        .to((t, a, at) -> t.item(a.tensor("input"), at));
    r.def("size(Tensor input, int? dim=None) -> int[]")
        .in(TENSOR)
        .atConstruction()
        .to(
            (t, a, at) -> {
              TensorType ty = a.tensorType("input");
              return a.isNone("dim")
                  ? new PyTuple(ImmutableList.copyOf(ty.shape()))
                  : ty.shape().get(a.axis("dim", ty.rank()));
            });
    r.def("dim(Tensor input) -> int")
        .in(TENSOR)
        .atConstruction()
        .to((t, a, at) -> (long) a.tensorType("input").rank());
    r.def("numel(Tensor input) -> int")
        .in(TORCH, TENSOR)
        .atConstruction()
        .to((t, a, at) -> a.tensorType("input").numel());
  }

  private static void reductions(TorchRegistry r) {
    for (String name : List.of("max", "min")) {
      r.def(
              name + "(Tensor input) -> Tensor",
              name + "(Tensor input, int dim, bool keepdim=False) -> (Tensor, Tensor)",
              name + "(Tensor input, Tensor other) -> Tensor")
          .in(TORCH, TENSOR)
          .to((t, a, at) -> maxMin(t, name, a, at));
    }
    for (String name : List.of("argmax", "argmin")) {
      r.def(name + "(Tensor input, int? dim=None, bool keepdim=False) -> Tensor")
          .in(TORCH, TENSOR)
          .to(
              (t, a, at) -> {
                SymTensor x = a.tensor("input");
                if (a.isNone("dim")) {
                  x = t.reshape(x, new long[] {x.type().numel()}, at);
                  return t.op(
                      name,
                      List.of(x),
                      Map.of("axis", Attr.of(0L), "keepdims", Attr.of(false)),
                      at);
                }
                return t.op(
                    name,
                    List.of(x),
                    Map.of(
                        "axis",
                        Attr.of((long) a.axis("dim", x.type().rank())),
                        "keepdims",
                        Attr.of(a.bool("keepdim"))),
                    at);
              });
    }
    for (String name : List.of("mean", "sum")) {
      r.def(
              name
                  + "(Tensor input, int[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor")
          .in(TORCH, TENSOR)
          .to(
              (t, a, at) -> {
                SymTensor x = a.tensor("input");
                if (a.dtype("dtype") != null) {
                  x = t.cast(x, a.dtype("dtype"), at);
                } else if (!x.type().dtype().isFloat()) {
                  x = name.equals("mean") ? t.cast(x, DType.F32, at) : t.cast(x, DType.I64, at);
                }
                return t.op(
                    name.equals("mean") ? "reduce_mean" : "reduce_sum",
                    List.of(x),
                    reduceAttrs(a, x, at),
                    at);
              });
    }
    for (String name : List.of("var", "std")) {
      r.def(
              name
                  + "(Tensor input, int[]? dim=None, bool unbiased=True, bool keepdim=False, *,"
                  + " int? correction=None) -> Tensor")
          .in(TORCH, TENSOR)
          .note("unbiased (n - 1) by default, as PyTorch's; correction=c divides by n - c")
          .to(
              (t, a, at) -> {
                SymTensor v = variance(t, name, a, at);
                return name.equals("std") ? t.op("sqrt", List.of(v), Map.of(), at) : v;
              });
    }
    r.def("softplus(Tensor input, Scalar beta=1, Scalar threshold=20) -> Tensor")
        .in(FUNCTIONAL)
        .to((t, a, at) -> softplus(t, a.tensor("input"), a.real("beta"), a.real("threshold"), at));
    for (String name : List.of("any", "all")) {
      r.def(name + "(Tensor input, int? dim=None, bool keepdim=False) -> Tensor")
          .in(TORCH, TENSOR)
          .to(
              (t, a, at) -> {
                SymTensor x = a.tensor("input");
                SymTensor b = t.cast(t.cast(x, DType.BOOL, at), DType.F32, at);
                // PyTorch's any and all of a uint8 tensor are uint8 (0 or 1), of others bool.
                return t.cast(
                    t.cast(
                        t.op(
                            name.equals("any") ? "reduce_max" : "reduce_min",
                            List.of(b),
                            reduceAttrs(a, x, at),
                            at),
                        DType.BOOL,
                        at),
                    x.type().dtype() == DType.U8 ? DType.U8 : DType.BOOL,
                    at);
              });
    }
    for (String scan : List.of("cumsum", "cumprod")) {
      r.def(scan + "(Tensor input, int dim, *, ScalarType? dtype=None) -> Tensor")
          .in(TORCH, TENSOR)
          .to(
              (t, a, at) -> {
                SymTensor x = a.tensor("input");
                // PyTorch accumulates integers and bools in int64.
                DType dt = dtypeOr(a, x.type().dtype().isFloat() ? x.type().dtype() : DType.I64);
                return t.op(
                    scan,
                    List.of(t.cast(x, dt, at)),
                    Map.of("axis", Attr.of((long) a.axis("dim", x.type().rank()))),
                    at);
              });
    }
    r.def(
            "topk(Tensor input, int k, int dim=-1, bool largest=True, bool sorted=True) -> (Tensor, Tensor)")
        .in(TORCH, TENSOR)
        .note("sorted=False returns the sorted order, one of the orders PyTorch may return")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              int ax = a.axis("dim", x.type().rank());
              long k = a.integer("k", 0);
              if (k > x.type().shape().get(ax)) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "topk: k="
                        + k
                        + " is larger than dimension "
                        + ax
                        + " of size "
                        + x.type().shape().get(ax));
              }
              Map<String, Attr> attrs =
                  Map.of(
                      "k",
                      Attr.of(k),
                      "axis",
                      Attr.of((long) ax),
                      "largest",
                      Attr.of(a.bool("largest")));
              return valuesIndices(
                  "topk",
                  t.op("topk_values", List.of(x), attrs, at),
                  t.op("topk_indices", List.of(x), attrs, at));
            });
  }

  /** The named tuples {@code (values, indices)} of torch.return_types, by function. */
  private static final Map<String, Values.NamedTupleType> RETURN_TYPES =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * {@code (values, indices)} as the named tuple PyTorch's {@code fn} returns ({@code
   * torch.return_types.max}), so {@code .values} and {@code .indices} work.
   */
  static PyTuple valuesIndices(String fn, Object values, Object indices) {
    Values.NamedTupleType type =
        RETURN_TYPES.computeIfAbsent(
            fn,
            f ->
                new Values.NamedTupleType(
                    "torch.return_types." + f,
                    com.google.common.collect.ImmutableList.of("values", "indices"),
                    Map.of()));
    return new PyTuple(com.google.common.collect.ImmutableList.of(values, indices), type);
  }

  /** log(1 + exp(beta x)) / beta, and x itself where beta x > threshold, as PyTorch computes it. */
  static SymTensor softplus(TorchLib t, SymTensor x, double beta, double threshold, Span at) {
    SymTensor bx = (SymTensor) t.binary("*", x, beta, at);
    SymTensor soft =
        (SymTensor)
            t.binary(
                "/",
                t.op(
                    "log",
                    List.of(
                        (SymTensor) t.binary("+", t.op("exp", List.of(bx), Map.of(), at), 1.0, at)),
                    Map.of(),
                    at),
                beta,
                at);
    SymTensor linear = (SymTensor) t.compare(">", bx, threshold, at);
    return t.op("where", List.of(linear, x, soft), Map.of(), at);
  }

  /** The variance of {@code input} over {@code dim}, as torch.var computes it. */
  private static SymTensor variance(TorchLib t, String name, BoundArgs a, Span at) {
    SymTensor x = a.tensor("input");
    if (!x.type().dtype().isFloat()) {
      throw Interpreter.error(
          Code.DN0202, at, name + "() of an integer tensor", "cast it with .float() first");
    }
    Map<String, Attr> attrs = reduceAttrs(a, x, at);
    long n = 1;
    for (long axis : ((Attr.IntsAttr) attrs.get("axes")).toArray()) {
      n *= x.type().shape().get((int) axis);
    }
    Map<String, Attr> kept = new java.util.HashMap<>(attrs);
    kept.put("keepdims", Attr.of(true));
    SymTensor centred = (SymTensor) t.binary("-", x, t.op("reduce_mean", List.of(x), kept, at), at);
    SymTensor sum =
        t.op("reduce_sum", List.of((SymTensor) t.binary("*", centred, centred, at)), attrs, at);
    // PyTorch divides by n - 1 (nan for one element) or by n, or by max(0, n - correction).
    long correction =
        a.schema().param("correction") != null && !a.isNone("correction")
            ? a.integer("correction")
            : a.bool("unbiased") ? 1 : 0;
    return (SymTensor) t.binary("/", sum, (double) Math.max(0, n - correction), at);
  }

  static Map<String, Attr> reduceAttrs(BoundArgs a, SymTensor x, Span at) {
    long[] axes;
    if (a.isNone("dim")) {
      axes = new long[x.type().rank()];
      for (int i = 0; i < axes.length; i++) {
        axes[i] = i;
      }
    } else {
      axes =
          a.raw("dim") instanceof Long d
              ? new long[] {d}
              : a.ints("dim"); // any and all take one int
      for (int i = 0; i < axes.length; i++) {
        axes[i] = TorchLib.axis(axes[i], x.type().rank(), at);
      }
    }
    return Map.of("axes", Attr.ints(axes), "keepdims", Attr.of(a.bool("keepdim")));
  }

  private static Object maxMin(TorchLib t, String name, BoundArgs a, Span at) {
    SymTensor x = a.tensor("input");
    if (a.schema().param("other") != null) {
      return t.op(
          name.equals("max") ? "maximum" : "minimum", List.of(x, a.tensor("other")), Map.of(), at);
    }
    String reduce = name.equals("max") ? "reduce_max" : "reduce_min";
    if (a.schema().param("dim") == null) {
      long[] axes = new long[x.type().rank()];
      for (int i = 0; i < axes.length; i++) {
        axes[i] = i;
      }
      return t.op(
          reduce, List.of(x), Map.of("axes", Attr.ints(axes), "keepdims", Attr.of(false)), at);
    }
    int ax = a.axis("dim", x.type().rank());
    boolean keepdim = a.bool("keepdim");
    SymTensor values =
        t.op(reduce, List.of(x), Map.of("axes", Attr.ints(ax), "keepdims", Attr.of(keepdim)), at);
    SymTensor indices =
        t.op(
            name.equals("max") ? "argmax" : "argmin",
            List.of(x),
            Map.of("axis", Attr.of((long) ax), "keepdims", Attr.of(keepdim)),
            at);
    return valuesIndices(name, values, indices);
  }

  private static void combinations(TorchRegistry r) {
    for (String name : List.of("cat", "stack")) {
      r.def(name + "(Tensor[] tensors, int dim=0) -> Tensor")
          .in(TORCH)
          .to(
              (t, a, at) -> {
                List<SymTensor> ts = a.tensors("tensors");
                if (ts.isEmpty()) {
                  throw Interpreter.error(Code.DN0102, at, name + "() of an empty list");
                }
                int rank = ts.get(0).type().rank() + (name.equals("stack") ? 1 : 0);
                int ax = a.axis("dim", rank);
                if (name.equals("stack")) {
                  List<SymTensor> expanded = new ArrayList<>();
                  for (SymTensor x : ts) {
                    expanded.add(unsqueeze(t, x, TorchLib.axis(ax, x.type().rank() + 1, at), at));
                  }
                  ts = expanded;
                }
                return t.op("concat", ts, Map.of("axis", Attr.of((long) ax)), at);
              });
    }
    r.def("matmul(Tensor input, Tensor other) -> Tensor")
        .in(TORCH, TENSOR)
        .to((t, a, at) -> t.matmul(a.tensor("input"), a.tensor("other"), at));
    for (String name : List.of("mm", "bmm")) {
      r.def(name + "(Tensor input, Tensor mat2) -> Tensor")
          .in(TORCH, TENSOR)
          .note("as matmul")
          .to((t, a, at) -> t.matmul(a.tensor("input"), a.tensor("mat2"), at));
    }
    r.def("linear(Tensor input, Tensor weight, Tensor? bias=None) -> Tensor")
        .in(FUNCTIONAL)
        .to(
            (t, a, at) -> {
              List<SymTensor> ops = new ArrayList<>(List.of(a.tensor("input"), a.tensor("weight")));
              if (!a.isNone("bias")) {
                ops.add(a.tensor("bias"));
              }
              return t.op("linear", ops, Map.of(), at);
            });
  }

  private static void functional(TorchRegistry r) {
    r.def("adaptive_avg_pool2d(Tensor input, int[2] output_size) -> Tensor")
        .in(FUNCTIONAL)
        .to(
            (t, a, at) ->
                t.op(
                    "adaptive_avg_pool2d",
                    List.of(a.tensor("input")),
                    Map.of("output_size", Attr.ints(a.ints("output_size", 1))),
                    at));
    r.def("adaptive_avg_pool3d(Tensor input, int[3] output_size) -> Tensor")
        .in(FUNCTIONAL)
        .to(
            (t, a, at) ->
                t.op(
                    "adaptive_avg_pool3d",
                    List.of(a.tensor("input")),
                    Map.of("output_size", Attr.ints(a.ints("output_size", 1))),
                    at));
    r.def(
            "max_pool3d(Tensor input, int[3] kernel_size, int[3]? stride=None, int[3] padding=0,"
                + " int[3] dilation=1, bool ceil_mode=False, bool return_indices=False) -> Tensor")
        .in(FUNCTIONAL)
        .note("dilation=1 and return_indices=False only")
        .to((t, a, at) -> pool(t, true, 3, a, at));
    r.def(
            "avg_pool3d(Tensor input, int[3] kernel_size, int[3]? stride=None, int[3] padding=0,"
                + " bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None)"
                + " -> Tensor")
        .in(FUNCTIONAL)
        .note("divisor_override=None only")
        .to((t, a, at) -> pool(t, false, 3, a, at));
    r.def(
            "conv3d(Tensor input, Tensor weight, Tensor? bias=None, int[3] stride=1, int[3]"
                + " padding=0, int[3] dilation=1, int groups=1) -> Tensor")
        .in(TORCH, FUNCTIONAL)
        .note("padding given as numbers only")
        .to(
            (t, a, at) -> {
              List<SymTensor> ops = new ArrayList<>(List.of(a.tensor("input"), a.tensor("weight")));
              if (!a.isNone("bias")) {
                ops.add(a.tensor("bias"));
              }
              long[] p = a.ints("padding", 0);
              return t.op(
                  "conv3d",
                  ops,
                  Map.of(
                      "strides",
                      Attr.ints(a.ints("stride", 1)),
                      "padding",
                      Attr.ints(p[0], p[1], p[2], p[0], p[1], p[2]),
                      "dilation",
                      Attr.ints(a.ints("dilation", 1)),
                      "groups",
                      Attr.of(a.integer("groups", 1))),
                  at);
            });
    r.def(
            "max_pool2d(Tensor input, int[2] kernel_size, int[2]? stride=None, int[2] padding=0, int[2] dilation=1,"
                + " bool ceil_mode=False, bool return_indices=False) -> Tensor")
        .in(FUNCTIONAL)
        .note("dilation=1 and return_indices=False only")
        .to((t, a, at) -> pool(t, true, 2, a, at));
    r.def(
            "avg_pool2d(Tensor input, int[2] kernel_size, int[2]? stride=None, int[2] padding=0, bool ceil_mode=False,"
                + " bool count_include_pad=True, int? divisor_override=None) -> Tensor")
        .in(FUNCTIONAL)
        .note("divisor_override=None only")
        .to((t, a, at) -> pool(t, false, 2, a, at));
    r.def("dropout(Tensor input, float p=0.5, bool training=True, bool inplace=False) -> Tensor")
        .in(FUNCTIONAL)
        .note("the identity: compiled models run in eval mode")
        .to((t, a, at) -> a.raw("input"));
    r.def("pad(Tensor input, int[] pad, str mode='constant', float? value=None) -> Tensor")
        .in(FUNCTIONAL)
        .note("padding of at least 0 only")
        .to(TensorFunctions::pad);
    r.def(
            "normalize(Tensor input, float p=2.0, int dim=1, float eps=1e-12, Tensor? out=None) -> Tensor")
        .in(FUNCTIONAL)
        .note("p=1 and p=2 only")
        .to(TensorFunctions::normalize);
    r.def(
            "conv2d(Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1, int[2] padding=0,"
                + " int[2] dilation=1, int groups=1) -> Tensor",
            "conv2d(Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1, str padding='valid',"
                + " int[2] dilation=1, int groups=1) -> Tensor")
        .in(TORCH, FUNCTIONAL)
        .note("padding given as numbers only")
        .to(
            (t, a, at) -> {
              if (a.raw("padding") instanceof String) {
                throw Interpreter.error(
                    Code.DN0201,
                    at,
                    "F.conv2d with a padding string is not supported yet",
                    "give the padding as numbers");
              }
              List<SymTensor> ops = new ArrayList<>(List.of(a.tensor("input"), a.tensor("weight")));
              if (!a.isNone("bias")) {
                ops.add(a.tensor("bias"));
              }
              long[] p = a.ints("padding", 0);
              return t.op(
                  "conv2d",
                  ops,
                  Map.of(
                      "strides",
                      Attr.ints(a.ints("stride", 1)),
                      "padding",
                      Attr.ints(p[0], p[1], p[0], p[1]),
                      "dilation",
                      Attr.ints(a.ints("dilation", 1)),
                      "groups",
                      Attr.of(a.integer("groups", 1))),
                  at);
            });
    r.def(
            "batch_norm(Tensor input, Tensor running_mean, Tensor running_var, Tensor? weight=None, Tensor? bias=None,"
                + " bool training=False, float momentum=0.1, float eps=1e-05) -> Tensor")
        .in(FUNCTIONAL)
        .note("training=False only")
        .to(
            (t, a, at) -> {
              ExtraFunctions.evalOnly(a, "training", "F.batch_norm", at);
              SymTensor x = a.tensor("input");
              SymTensor mean = a.tensor("running_mean");
              long[] c = mean.type().dims();
              SymTensor w =
                  a.isNone("weight") ? t.full(1.0, mean.type().dtype(), c, at) : a.tensor("weight");
              SymTensor b =
                  a.isNone("bias") ? t.full(0.0, mean.type().dtype(), c, at) : a.tensor("bias");
              return t.op(
                  "batch_norm",
                  List.of(x, w, b, mean, a.tensor("running_var")),
                  Map.of("eps", Attr.of(a.real("eps"))),
                  at);
            });
  }

  private static Object pool(TorchLib t, boolean max, int n, BoundArgs a, Span at) {
    SymTensor x = a.tensor("input");
    long[] k = a.ints("kernel_size", 1);
    long[] s = a.isNone("stride") ? k : a.ints("stride", 1);
    long[] p = a.ints("padding", 0);
    String op = (max ? "max_pool" : "avg_pool") + n + "d";
    if (max
        && (java.util.Arrays.stream(a.ints("dilation")).anyMatch(d -> d != 1)
            || a.bool("return_indices"))) {
      throw Interpreter.error(
          Code.DN0201, at, op + " with dilation or return_indices is not supported yet");
    }
    if (!max && !a.isNone("divisor_override")) {
      throw Interpreter.error(Code.DN0201, at, op + " with divisor_override is not supported yet");
    }
    long[] both = new long[2 * n];
    for (int i = 0; i < n; i++) {
      both[i] = p[i];
      both[i + n] = p[i];
    }
    Map<String, Attr> attrs =
        new java.util.HashMap<>(
            Map.of(
                "kernel",
                Attr.ints(k),
                "strides",
                Attr.ints(s),
                "padding",
                Attr.ints(both),
                "ceil_mode",
                Attr.of(a.bool("ceil_mode"))));
    if (!max) {
      attrs.put("count_include_pad", Attr.of(a.bool("count_include_pad")));
    }
    return t.op(op, List.of(x), attrs, at);
  }

  private static Object pad(TorchLib t, BoundArgs a, Span at) {
    SymTensor x = a.tensor("input");
    String mode = a.str("mode");
    if (!List.of("constant", "reflect", "replicate", "circular").contains(mode)) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "Unrecognised padding mode " + mode,
          "use 'constant', 'reflect', 'replicate' or 'circular'");
    }
    long[] p = a.ints("pad");
    int rank = x.type().rank();
    if (p.length % 2 != 0 || p.length / 2 > rank) {
      throw Interpreter.error(
          Code.DN0102,
          at,
          "F.pad: padding length " + p.length + " must be even and at most twice the rank " + rank);
    }
    for (long w : p) {
      if (w < 0) {
        throw Interpreter.error(
            Code.DN0201, at, "F.pad with negative padding (cropping) is not supported yet");
      }
    }
    if (!mode.equals("constant")) {
      if (!a.isNone("value") && a.real("value") != 0) {
        throw Interpreter.error(
            Code.DN0202, at, "Padding mode \"" + mode + "\" doesn't take in value argument");
      }
      return padByIndex(t, x, mode, p, at);
    }
    // F.pad lists (before, after) pairs from the last dimension backwards.
    long[] width = new long[2 * rank];
    for (int i = 0; i < p.length; i++) {
      width[2 * (rank - 1 - i / 2) + i % 2] = p[i];
    }
    double value = a.isNone("value") ? 0.0 : a.real("value");
    return t.op(
        "pad", List.of(x), Map.of("pad_width", Attr.ints(width), "value", Attr.of(value)), at);
  }

  /**
   * Reflect, replicate and circular padding: along each padded dimension, the input gathered at
   * constant indices (reflected at the edges, clamped to them, or wrapped around).
   */
  private static SymTensor padByIndex(TorchLib t, SymTensor x, String mode, long[] p, Span at) {
    int rank = x.type().rank();
    int padded = p.length / 2;
    if (rank < 2 || rank > 5 || rank < padded + 1 || rank > padded + 2) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now",
          "pad the last rank-1 or rank-2 dimensions of a 2-d to 5-d input");
    }
    if (mode.equals("circular") && rank != padded + 2) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "Invalid padding size, expected " + 2 * (rank - 2) + " but got " + p.length);
    }
    SymTensor y = x;
    for (int i = 0; i < padded; i++) {
      int axis = rank - 1 - i;
      long before = p[2 * i];
      long after = p[2 * i + 1];
      long n = x.type().shape().get(axis);
      boolean fits =
          switch (mode) {
            case "reflect" -> before < n && after < n;
            case "circular" -> before <= n && after <= n;
            default -> true;
          };
      if (!fits) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            mode.equals("reflect")
                ? "Argument #4: Padding size should be less than the corresponding input"
                    + " dimension, but got: padding ("
                    + before
                    + ", "
                    + after
                    + ") at dimension "
                    + axis
                    + " of input "
                    + rank
                : "Padding value causes wrapping around more than once.");
      }
      if (before == 0 && after == 0) {
        continue;
      }
      List<Object> idx = new ArrayList<>();
      for (long j = -before; j < n + after; j++) {
        long k =
            switch (mode) {
              case "reflect" -> j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j;
              case "replicate" -> Math.min(Math.max(j, 0), n - 1);
              default -> Math.floorMod(j, n);
            };
        idx.add(k);
      }
      SymTensor index = (SymTensor) TensorWrites.literal(t, new Values.PyList(idx), DType.I64, at);
      y = t.op("index_select", List.of(y, index), Map.of("axis", Attr.of((long) axis)), at);
    }
    return y;
  }

  private static Object normalize(TorchLib t, BoundArgs a, Span at) {
    SymTensor x = a.tensor("input");
    if (!x.type().dtype().isFloat()) {
      throw Interpreter.error(
          Code.DN0102,
          at,
          "F.normalize needs a floating-point tensor, got " + x.type().dtype().numpyName());
    }
    double p = a.real("p");
    if (p != 1.0 && p != 2.0) {
      throw Interpreter.error(
          Code.DN0201, at, "F.normalize with p=" + p + " is not supported yet", "use p=1 or p=2");
    }
    if (!a.isNone("out")) {
      throw Interpreter.error(Code.DN0201, at, "F.normalize with out= is not supported");
    }
    Map<String, Attr> attrs =
        Map.of("axes", Attr.ints(a.axis("dim", x.type().rank())), "keepdims", Attr.of(true));
    // x / max(‖x‖_p, eps) along dim, as F.normalize computes it.
    SymTensor norm =
        p == 1.0
            ? t.op("reduce_sum", List.of(t.op("abs", List.of(x), Map.of(), at)), attrs, at)
            : t.op(
                "sqrt",
                List.of(
                    t.op("reduce_sum", List.of((SymTensor) t.binary("*", x, x, at)), attrs, at)),
                Map.of(),
                at);
    SymTensor denom =
        t.op("maximum", List.of(norm, t.full(a.real("eps"), x.type().dtype(), at)), Map.of(), at);
    return t.binary("/", x, denom, at);
  }

  private static void indexing(TorchRegistry r) {
    for (String name : List.of("gather", "index_select")) {
      String extra = name.equals("gather") ? ", *, bool sparse_grad=False" : "";
      r.def(name + "(Tensor input, int dim, Tensor index" + extra + ") -> Tensor")
          .in(TORCH, TENSOR)
          .note("an out-of-range index raises at run time, as in PyTorch")
          .to(
              (t, a, at) -> {
                SymTensor x = a.tensor("input");
                SymTensor idx = a.tensor("index");
                if (idx.type().dtype().isFloat() || idx.type().dtype() == DType.BOOL) {
                  throw Interpreter.error(
                      Code.DN0102,
                      at,
                      name + "() needs an integer index, got " + idx.type().dtype().numpyName());
                }
                int axis = a.axis("dim", x.type().rank());
                SymTensor index = t.cast(idx, DType.I64, at);
                SymTensor y =
                    t.op(name, List.of(x, index), Map.of("axis", Attr.of((long) axis)), at);
                t.requireIndicesInRange(index, x.type().dims()[axis], false, at);
                return y;
              });
    }
  }

  /**
   * Functions that cut a tensor along one dimension into pieces (chunk, split, unbind) or take one
   * piece (narrow, select): static slices, as PyTorch's views are. A gated cell's {@code
   * gates.chunk(4, 1)} and attention's {@code qkv.chunk(3, dim=-1)} are the common uses. Pieces
   * come back as a tuple, as PyTorch returns them.
   */
  private static void pieces(TorchRegistry r) {
    r.def("chunk(Tensor input, int chunks, int dim=0) -> Tensor[]")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              int ax = a.axis("dim", x.type().rank());
              long chunks = a.integer("chunks");
              if (chunks <= 0) {
                throw Interpreter.error(
                    Code.DN0202, at, "chunk expects `chunks` to be greater than 0, got: " + chunks);
              }
              long size = x.type().shape().get(ax);
              // PyTorch: pieces of ceil(size / chunks), the last one smaller; so there may be
              // fewer than `chunks` of them (6 in 4 chunks: three of 2).
              long each = Math.max(1, (size + chunks - 1) / chunks);
              return cut(t, x, ax, evenSizes(size, each), "chunk", at);
            });
    r.def("split(Tensor input, Any split_size_or_sections, int dim=0) -> Tensor[]")
        .in(TORCH, TENSOR)
        .note("split_size_or_sections is an int or a list of ints")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              int ax = a.axis("dim", x.type().rank());
              long size = x.type().shape().get(ax);
              Object given = a.raw("split_size_or_sections");
              List<Long> sizes = new ArrayList<>();
              if (given instanceof Values.PyList || given instanceof Values.PyTuple) {
                List<Object> items =
                    given instanceof Values.PyList l ? l.items : ((Values.PyTuple) given).items();
                long sum = 0;
                for (Object o : items) {
                  long n = Operators.asLong(o, at);
                  if (n < 0) {
                    throw Interpreter.error(
                        Code.DN0202, at, "split: section sizes must be non-negative, got " + n);
                  }
                  sizes.add(n);
                  sum += n;
                }
                if (sum != size) {
                  throw Interpreter.error(
                      Code.DN0202,
                      at,
                      "split_with_sizes expects split_sizes to sum exactly to "
                          + size
                          + " (input tensor's size at dimension "
                          + ax
                          + "), but got split_sizes="
                          + sizes);
                }
              } else {
                if (!(given instanceof Long)) {
                  throw Interpreter.error(
                      Code.DN0102,
                      at,
                      "split: split_size_or_sections must be an int or a list of ints, got '"
                          + Builtins.typeName(given)
                          + "'");
                }
                long each = (Long) given;
                if (each <= 0) {
                  throw Interpreter.error(
                      Code.DN0202,
                      at,
                      "split_size must be positive for a dimension of size "
                          + size
                          + ", got "
                          + each);
                }
                sizes = evenSizes(size, each);
              }
              return cut(t, x, ax, sizes, "split", at);
            });
    r.def("unbind(Tensor input, int dim=0) -> Tensor[]")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              int ax = a.axis("dim", x.type().rank());
              long size = x.type().shape().get(ax);
              List<Object> out = new ArrayList<>();
              for (long i = 0; i < size; i++) {
                out.add(squeezeAxis(t, Recurrent.slice(t, x, ax, i, i + 1, at), ax, at));
              }
              return new Values.PyTuple(ImmutableList.copyOf(out));
            });
    r.def("narrow(Tensor input, int dim, int start, int length) -> Tensor")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              int ax = a.axis("dim", x.type().rank());
              long size = x.type().shape().get(ax);
              long start = a.integer("start");
              long length = a.integer("length");
              if (start < -size || start > size) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "narrow: start "
                        + start
                        + " is out of range for dimension "
                        + ax
                        + " of size "
                        + size);
              }
              long from = start < 0 ? start + size : start;
              if (length < 0) {
                throw Interpreter.error(
                    Code.DN0202, at, "narrow(): length must be non-negative, got " + length);
              }
              if (length == 0) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "narrow: an empty piece (length 0) is not supported: compiled tensors have no"
                        + " zero-sized dimensions");
              }
              if (from + length > size) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "narrow: start ("
                        + from
                        + ") + length ("
                        + length
                        + ") exceeds dimension size ("
                        + size
                        + ")");
              }
              return piece(t, x, ax, from, from + length, at);
            });
    r.def("select(Tensor input, int dim, int index) -> Tensor")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              int ax = a.axis("dim", x.type().rank());
              long size = x.type().shape().get(ax);
              long index = a.integer("index");
              if (index < -size || index >= size) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "select(): index "
                        + index
                        + " out of range for tensor of size "
                        + x.type().shape()
                        + " at dimension "
                        + ax);
              }
              long i = index < 0 ? index + size : index;
              return squeezeAxis(t, Recurrent.slice(t, x, ax, i, i + 1, at), ax, at);
            });
  }

  /** Sizes of pieces of {@code each} along a dimension of {@code size}, the last one smaller. */
  private static List<Long> evenSizes(long size, long each) {
    List<Long> sizes = new ArrayList<>();
    for (long from = 0; from < size; from += each) {
      sizes.add(Math.min(each, size - from));
    }
    return sizes;
  }

  /** The pieces of {@code x} along {@code ax} of the given sizes, in order, as a tuple. */
  private static Values.PyTuple cut(
      TorchLib t, SymTensor x, int ax, List<Long> sizes, String fn, Span at) {
    if (sizes.isEmpty() || sizes.contains(0L)) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          fn
              + ": an empty piece (dimension "
              + ax
              + " of size "
              + x.type().shape().get(ax)
              + " cut into "
              + sizes
              + ") is not supported: compiled tensors have no zero-sized dimensions");
    }
    List<Object> out = new ArrayList<>();
    long from = 0;
    for (long n : sizes) {
      out.add(piece(t, x, ax, from, from + n, at));
      from += n;
    }
    return new Values.PyTuple(ImmutableList.copyOf(out));
  }

  /**
   * {@code x} from {@code begin} to {@code end} along {@code ax}; x itself when that is all of it.
   */
  private static SymTensor piece(TorchLib t, SymTensor x, int ax, long begin, long end, Span at) {
    if (begin == 0 && end == x.type().shape().get(ax)) {
      return x;
    }
    return Recurrent.slice(t, x, ax, begin, end, at);
  }

  /** {@code x} without dimension {@code ax}, which has size 1. */
  private static SymTensor squeezeAxis(TorchLib t, SymTensor x, int ax, Span at) {
    List<Long> shape = new ArrayList<>(x.type().shape());
    shape.remove(ax);
    return t.reshape(x, shape.stream().mapToLong(Long::longValue).toArray(), at);
  }

  /** PyTorch names dynnc knows but does not support, so they are not reported as misspellings. */
  private static void unsupported(TorchRegistry r) {
    String notYet = TorchRegistry.NOT_YET;
    String shapeFromData =
        "its result's shape depends on the data, which compiled code cannot express yet";
    String random =
        "random numbers make the compiled model nondeterministic; pass them as an input";
    String inPlace =
        "this in-place tensor update is not supported in forward; use the out-of-place form";
    r.unsupported(
        TORCH,
        notYet,
        "tensor_split",
        "mode",
        "cummax",
        "cummin",
        "logspace",
        "squeeze_copy",
        "kron",
        "det");
    r.unsupported(
        TORCH,
        "dynnc computes in float32, float64, int32, int64, uint8 and bool only",
        "HalfTensor",
        "BFloat16Tensor",
        "CharTensor",
        "ShortTensor");
    r.unsupported(
        TORCH,
        "complex tensors are not supported",
        "fft",
        "complex",
        "view_as_complex",
        "view_as_real",
        "stft",
        "istft");
    r.unsupported(
        TORCH,
        "a linear-algebra decomposition, not supported",
        "svd",
        "qr",
        "inverse",
        "cholesky",
        "lu",
        "pinverse",
        "matrix_exp",
        "slogdet",
        "logdet");
    r.unsupported(
        TORCH,
        shapeFromData,
        "nonzero",
        "unique",
        "unique_consecutive",
        "masked_select",
        "bincount",
        "histc",
        "argwhere");
    r.unsupported(
        TORCH,
        random,
        "randint",
        "randn_like",
        "rand_like",
        "randint_like",
        "randperm",
        "multinomial",
        "bernoulli",
        "normal",
        "poisson",
        "manual_seed",
        "seed");
    r.unsupported(
        TORCH,
        "files are not read or written by compiled code; pass the checkpoint to dynnc instead",
        "save",
        "load");
    r.unsupported(
        TORCH,
        "not available to model code compiled by dynnc",
        "Size",
        "Generator",
        "set_default_dtype",
        "is_grad_enabled",
        "set_printoptions",
        "cuda",
        "backends",
        "autograd",
        "optim",
        "utils",
        "onnx",
        "hub",
        "sparse",
        "testing",
        "compile",
        "fx",
        "quantization",
        "ao",
        "amp",
        "distributed",
        "multiprocessing",
        "profiler",
        "overrides");
    r.unsupported(
        FUNCTIONAL, notYet, "fold", "scaled_dot_product_attention", "multi_head_attention_forward");
    // Gumbel noise is drawn in eval mode too; eval-mode decisions take the argmax of the logits.
    r.unsupported(
        FUNCTIONAL,
        random
            + " (in eval mode, F.one_hot(logits.argmax(-1), n) is the hard decision without"
            + " noise)",
        "gumbel_softmax");
    r.unsupported(
        FUNCTIONAL,
        "a training loss; compiled models run inference only",
        "cross_entropy",
        "nll_loss",
        "mse_loss",
        "l1_loss",
        "binary_cross_entropy",
        "binary_cross_entropy_with_logits",
        "kl_div",
        "smooth_l1_loss",
        "huber_loss");
    r.unsupported(
        TENSOR,
        notYet,
        "cummax",
        "cummin",
        "softmax_",
        "element_size",
        "stride",
        "storage_offset",
        "is_contiguous",
        "data_ptr");
    r.unsupported(
        TENSOR,
        "dynnc computes in float32, float64, int32, int64, uint8 and bool only",
        "half",
        "bfloat16",
        "short",
        "char");
    r.unsupported(TENSOR, inPlace, "resize_", "normal_", "uniform_");
    r.unsupported(
        TENSOR, shapeFromData, "nonzero", "unique", "masked_select", "bincount", "argwhere");
    r.unsupported(
        TENSOR,
        "gradients are not computed by compiled models",
        "backward",
        "grad",
        "register_hook",
        "retain_grad");
  }

  /**
   * A legacy constructor ({@code torch.FloatTensor(...)}, {@code x.new(...)}) of dtype {@code dt}:
   * a list, or a tuple holding a float or a run-time scalar, is the data; ints are a shape, whose
   * values PyTorch leaves undefined (zeros here); no argument is an empty vector. A tuple of ints
   * is data in PyTorch but a torch.Size ({@code x.new(x.size())}) is a shape, and dynnc does not
   * tell them apart, so that one is refused rather than guessed.
   */
  static Object legacyNew(TorchLib t, List<Object> args, DType dt, String name, Span at) {
    if (args.size() == 1 && args.get(0) instanceof Values.PyList) {
      return TensorWrites.literal(t, args.get(0), dt, at);
    }
    if (args.size() == 1 && args.get(0) instanceof PyTuple tu) {
      if (!tu.items().isEmpty() && tu.items().stream().allMatch(v -> v instanceof Long)) {
        throw Interpreter.error(
            Code.DN0201,
            at,
            name
                + "() of a tuple of ints: PyTorch reads a tuple as the data but a torch.Size (such"
                + " as x.size()) as a shape, and dynnc does not tell them apart",
            "write new_zeros(size)/torch.zeros(size) for a shape, or a list [...] for the data");
      }
      return TensorWrites.literal(t, tu, dt, at);
    }
    if (args.size() == 1 && Operators.isTensorLike(args.get(0))) {
      SymTensor x = t.tensor(args.get(0), at);
      if (x.type().dtype() != dt) {
        throw Interpreter.error(
            Code.DN0102,
            at,
            name
                + "(): expected "
                + ShapeFunctions.scalarName(dt)
                + " (got "
                + ShapeFunctions.scalarName(x.type().dtype())
                + ")");
      }
      return t.call(TENSOR, "clone", List.of(x), Map.of(), at);
    }
    long[] size = args.isEmpty() ? new long[] {0} : new long[args.size()];
    for (int i = 0; i < args.size(); i++) {
      if (!(args.get(i) instanceof Long n)) {
        throw Interpreter.error(
            Code.DN0102,
            at,
            name
                + "() takes a list of values or ints giving a shape, got "
                + Builtins.typeName(args.get(i)));
      }
      size[i] = n;
    }
    return filled(t, "empty", size, dt, at);
  }

  static long[] resolveShape(TensorType x, long[] dims, Span at) {
    long[] shape = dims.clone();
    int infer = -1;
    long known = 1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < -1) {
        throw Interpreter.error(Code.DN0202, at, "invalid shape dimension " + shape[i]);
      }
      if (shape[i] == -1) {
        if (infer >= 0) {
          throw Interpreter.error(Code.DN0202, at, "only one dimension can be inferred (-1)");
        }
        infer = i;
      } else {
        known *= shape[i];
      }
    }
    if (infer >= 0) {
      if (known == 0 || x.numel() % known != 0) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "shape "
                + java.util.Arrays.toString(dims)
                + " is invalid for a tensor of "
                + x.numel()
                + " elements");
      }
      shape[infer] = x.numel() / known;
    }
    return shape;
  }

  private static long[] checkShape(long[] shape, String fn, Span at) {
    for (long d : shape) {
      if (d < 0) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "torch."
                + fn
                + ": negative dimension "
                + d
                + " in size "
                + java.util.Arrays.toString(shape));
      }
    }
    return shape;
  }
}
