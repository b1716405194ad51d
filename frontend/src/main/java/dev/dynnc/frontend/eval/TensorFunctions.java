package dev.dynnc.frontend.eval;

import com.google.common.collect.ImmutableList;
import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.*;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.DType;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Type.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Lowering of torch functions, torch.nn.functional functions and tensor methods to IR ops. */
final class TensorFunctions {
  private TensorFunctions() {}

  static Object call(TorchLib t, String name, List<Object> args, Map<String, Object> kw, Span at) {
    Interpreter in = t.interpreter();
    switch (name) {
      case "zeros", "ones", "randn", "rand", "empty", "full", "tensor", "arange", "zeros_like", "ones_like" -> {
        return creation(t, name, args, kw, at);
      }
      case "is_tensor" -> {
        return Operators.isTensorLike(args.get(0));
      }
      default -> {}
    }
    if (in.staging == null) {
      throw Interpreter.error(Code.DN0201, at, "torch." + name + " on construction-time values is not supported",
          "dynnc evaluates __init__ at compile time; tensor arithmetic belongs in forward");
    }
    switch (name) {
      case "relu", "sigmoid", "tanh", "exp", "log", "sqrt", "abs", "neg", "erf" -> {
        Args a = Args.bind(name, args, kw, at, "input", "inplace=False");
        SymTensor x = t.tensor(a.get("input"), at);
        if (!x.type().dtype().isFloat() && !name.equals("abs") && !name.equals("neg") && !name.equals("relu")) {
          x = t.cast(x, DType.F32, at);
        }
        return t.op(name, List.of(x), Map.of(), at);
      }
      case "relu6" -> {
        SymTensor x = t.tensor(args.get(0), at);
        return t.op("clip", List.of(x), Map.of("min", Attr.of(0.0), "max", Attr.of(6.0)), at);
      }
      case "clamp", "clip" -> {
        Args a = Args.bind(name, args, kw, at, "input", "min=None", "max=None");
        SymTensor x = t.tensor(a.get("input"), at);
        double lo = a.isNone("min") ? Double.NEGATIVE_INFINITY : a.getDouble("min", at);
        double hi = a.isNone("max") ? Double.POSITIVE_INFINITY : a.getDouble("max", at);
        return t.op("clip", List.of(x), Map.of("min", Attr.of(lo), "max", Attr.of(hi)), at);
      }
      case "gelu" -> {
        // gelu(x) = 0.5 · x · (1 + erf(x / √2)), the exact form nn.GELU() uses by default.
        SymTensor x = t.tensor(args.get(0), at);
        Object inner = t.op("erf", List.of((SymTensor) t.binary("*", x, 1 / Math.sqrt(2), at)), Map.of(), at);
        return t.binary("*", t.binary("*", x, 0.5, at), t.binary("+", inner, 1.0, at), at);
      }
      case "leaky_relu" -> {
        Args a = Args.bind(name, args, kw, at, "input", "negative_slope=0.01", "inplace=False");
        SymTensor x = t.tensor(a.get("input"), at);
        SymTensor neg = (SymTensor) t.binary("*", x, a.getDouble("negative_slope", at), at);
        SymTensor pos = (SymTensor) t.compare(">", x, 0.0, at);
        return t.op("where", List.of(pos, x, neg), Map.of(), at);
      }
      case "softmax", "log_softmax" -> {
        Args a = Args.bind(name, args, kw, at, "input", "dim=None", "_stacklevel=3", "dtype=None");
        SymTensor x = t.tensor(a.get("input"), at);
        if (a.isNone("dim")) {
          throw Interpreter.error(Code.DN0102, at, name + "() needs dim", "pass dim=1 (or the class dimension) explicitly");
        }
        return t.op(name, List.of(t.cast(x, x.type().dtype().isFloat() ? x.type().dtype() : DType.F32, at)),
            Map.of("axis", Attr.of((long) TorchLib.axis(a.getLong("dim", at), x.type().rank(), at))), at);
      }
      case "flatten" -> {
        Args a = Args.bind(name, args, kw, at, "input", "start_dim=0", "end_dim=-1");
        SymTensor x = t.tensor(a.get("input"), at);
        int rank = Math.max(1, x.type().rank());
        int s = TorchLib.axis(a.getLong("start_dim", at), rank, at);
        int e = TorchLib.axis(a.getLong("end_dim", at), rank, at);
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
      }
      case "view", "reshape" -> {
        SymTensor x = t.tensor(args.get(0), at);
        List<Object> dims = args.size() == 2 && (args.get(1) instanceof PyTuple || args.get(1) instanceof PyList)
            ? in.iterate(args.get(1), at) : args.subList(1, args.size());
        if (kw.containsKey("shape")) {
          dims = in.iterate(kw.get("shape"), at);
        }
        return t.reshape(x, resolveShape(x.type(), dims, at), at);
      }
      case "expand", "expand_as" -> {
        SymTensor x = t.tensor(args.get(0), at);
        long[] shape;
        if (name.equals("expand_as")) {
          shape = t.tensor(args.get(1), at).type().dims();
        } else {
          List<Object> dims = args.size() == 2 && (args.get(1) instanceof PyTuple || args.get(1) instanceof PyList)
              ? in.iterate(args.get(1), at) : args.subList(1, args.size());
          shape = new long[dims.size()];
          int offset = dims.size() - x.type().rank();
          for (int i = 0; i < shape.length; i++) {
            long d = Operators.asLong(dims.get(i), at);
            // -1 keeps the existing size (PyTorch's expand rule).
            shape[i] = d == -1 && i >= offset ? x.type().shape().get(i - offset) : d;
          }
        }
        if (java.util.Arrays.equals(shape, x.type().dims())) {
          return x;
        }
        return t.op("broadcast_to", List.of(x), Map.of("shape", Attr.ints(shape)), at);
      }
      case "view_as", "reshape_as" -> {
        SymTensor x = t.tensor(args.get(0), at);
        return t.reshape(x, t.tensor(args.get(1), at).type().dims(), at);
      }
      case "unsqueeze" -> {
        SymTensor x = t.tensor(args.get(0), at);
        long d = Operators.asLong(args.size() > 1 ? args.get(1) : kw.get("dim"), at);
        int ax = TorchLib.axis(d, x.type().rank() + 1, at);
        List<Long> shape = new ArrayList<>(x.type().shape());
        shape.add(ax, 1L);
        return t.reshape(x, shape.stream().mapToLong(Long::longValue).toArray(), at);
      }
      case "squeeze" -> {
        SymTensor x = t.tensor(args.get(0), at);
        List<Long> shape = new ArrayList<>();
        Object dimArg = args.size() > 1 ? args.get(1) : kw.getOrDefault("dim", Values.NONE);
        int only = dimArg == Values.NONE ? -1 : TorchLib.axis(Operators.asLong(dimArg, at), x.type().rank(), at);
        for (int i = 0; i < x.type().rank(); i++) {
          long d = x.type().shape().get(i);
          if (!(d == 1 && (only < 0 || only == i))) {
            shape.add(d);
          }
        }
        return t.reshape(x, shape.stream().mapToLong(Long::longValue).toArray(), at);
      }
      case "permute" -> {
        SymTensor x = t.tensor(args.get(0), at);
        List<Object> dims = args.size() == 2 && args.get(1) instanceof PyTuple ? in.iterate(args.get(1), at) : args.subList(1, args.size());
        long[] perm = new long[dims.size()];
        for (int i = 0; i < perm.length; i++) {
          perm[i] = TorchLib.axis(Operators.asLong(dims.get(i), at), x.type().rank(), at);
        }
        return t.op("transpose", List.of(x), Map.of("perm", Attr.ints(perm)), at);
      }
      case "transpose", "t" -> {
        SymTensor x = t.tensor(args.get(0), at);
        int r = x.type().rank();
        int d0 = name.equals("t") ? 0 : TorchLib.axis(Operators.asLong(args.get(1), at), r, at);
        int d1 = name.equals("t") ? Math.max(0, r - 1) : TorchLib.axis(Operators.asLong(args.get(2), at), r, at);
        long[] perm = new long[r];
        for (int i = 0; i < r; i++) {
          perm[i] = i;
        }
        perm[d0] = d1;
        perm[d1] = d0;
        return t.op("transpose", List.of(x), Map.of("perm", Attr.ints(perm)), at);
      }
      case "contiguous", "detach", "clone", "cpu", "cuda", "to", "requires_grad_" -> {
        Object x = args.get(0);
        if (name.equals("to")) {
          for (Object o : args.subList(1, args.size())) {
            if (o instanceof DType d) {
              return t.cast(t.tensor(x, at), d, at);
            }
          }
          if (kw.get("dtype") instanceof DType d) {
            return t.cast(t.tensor(x, at), d, at);
          }
        }
        return x;
      }
      case "float", "long", "int", "double", "bool" -> {
        DType d = switch (name) {
          case "float" -> DType.F32;
          case "long" -> DType.I64;
          case "int" -> DType.I32;
          case "double" -> DType.F64;
          default -> DType.BOOL;
        };
        return t.cast(t.tensor(args.get(0), at), d, at);
      }
      case "type_as" -> {
        return t.cast(t.tensor(args.get(0), at), t.tensor(args.get(1), at).type().dtype(), at);
      }
      case "item" -> {
        return t.item(t.tensor(args.get(0), at), at);
      }
      case "size" -> {
        TensorType ty = t.tensor(args.get(0), at).type();
        Object d = args.size() > 1 ? args.get(1) : kw.getOrDefault("dim", Values.NONE);
        if (d == Values.NONE) {
          return new PyTuple(ImmutableList.copyOf(ty.shape()));
        }
        return ty.shape().get(TorchLib.axis(Operators.asLong(d, at), ty.rank(), at));
      }
      case "dim" -> {
        return (long) t.tensor(args.get(0), at).type().rank();
      }
      case "numel" -> {
        return t.tensor(args.get(0), at).type().numel();
      }
      case "max", "min" -> {
        return maxMin(t, name, args, kw, at);
      }
      case "argmax", "argmin" -> {
        Args a = Args.bind(name, args, kw, at, "input", "dim=None", "keepdim=False");
        SymTensor x = t.tensor(a.get("input"), at);
        if (a.isNone("dim")) {
          x = t.reshape(x, new long[] {x.type().numel()}, at);
          return t.op(name, List.of(x), Map.of("axis", Attr.of(0L), "keepdims", Attr.of(false)), at);
        }
        return t.op(name, List.of(x), Map.of("axis", Attr.of((long) TorchLib.axis(a.getLong("dim", at), x.type().rank(), at)),
            "keepdims", Attr.of(a.getBool(in, "keepdim", at))), at);
      }
      case "mean", "sum", "any", "all" -> {
        Args a = Args.bind(name, args, kw, at, "input", "dim=None", "keepdim=False", "dtype=None");
        SymTensor x = t.tensor(a.get("input"), at);
        long[] axes;
        if (a.isNone("dim")) {
          axes = new long[x.type().rank()];
          for (int i = 0; i < axes.length; i++) {
            axes[i] = i;
          }
        } else {
          List<Object> ds = a.get("dim") instanceof Long ? List.of(a.get("dim")) : in.iterate(a.get("dim"), at);
          axes = new long[ds.size()];
          for (int i = 0; i < axes.length; i++) {
            axes[i] = TorchLib.axis(Operators.asLong(ds.get(i), at), x.type().rank(), at);
          }
        }
        Map<String, Attr> attrs = Map.of("axes", Attr.ints(axes), "keepdims", Attr.of(a.getBool(in, "keepdim", at)));
        if (name.equals("any") || name.equals("all")) {
          SymTensor b = t.cast(t.cast(x, DType.BOOL, at), DType.F32, at);
          return t.cast(t.op(name.equals("any") ? "reduce_max" : "reduce_min", List.of(b), attrs, at), DType.BOOL, at);
        }
        if (!x.type().dtype().isFloat()) {
          x = name.equals("mean") ? t.cast(x, DType.F32, at) : t.cast(x, DType.I64, at);
        }
        return t.op(name.equals("mean") ? "reduce_mean" : "reduce_sum", List.of(x), attrs, at);
      }
      case "cat", "stack" -> {
        Args a = Args.bind(name, args, kw, at, "tensors", "dim=0");
        List<SymTensor> ts = new ArrayList<>();
        for (Object o : in.iterate(a.get("tensors"), at)) {
          ts.add(t.tensor(o, at));
        }
        if (ts.isEmpty()) {
          throw Interpreter.error(Code.DN0102, at, name + "() of an empty list");
        }
        int rank = ts.get(0).type().rank() + (name.equals("stack") ? 1 : 0);
        int ax = TorchLib.axis(a.getLong("dim", at), rank, at);
        if (name.equals("stack")) {
          List<SymTensor> expanded = new ArrayList<>();
          for (SymTensor x : ts) {
            expanded.add((SymTensor) call(t, "unsqueeze", List.of(x, (long) ax), Map.of(), at));
          }
          ts = expanded;
        }
        return t.op("concat", ts, Map.of("axis", Attr.of((long) ax)), at);
      }
      case "matmul", "mm", "bmm" -> {
        return t.matmul(t.tensor(args.get(0), at), t.tensor(args.get(1), at), at);
      }
      case "linear" -> {
        Args a = Args.bind(name, args, kw, at, "input", "weight", "bias=None");
        List<SymTensor> ops = new ArrayList<>(List.of(t.tensor(a.get("input"), at), t.tensor(a.get("weight"), at)));
        if (!a.isNone("bias")) {
          ops.add(t.tensor(a.get("bias"), at));
        }
        return t.op("linear", ops, Map.of(), at);
      }
      case "where" -> {
        SymTensor c = t.cast(t.tensor(args.get(0), at), DType.BOOL, at);
        Object x = args.get(1);
        Object y = args.get(2);
        SymTensor tx = Operators.isTensorLike(x) ? t.tensor(x, at) : null;
        SymTensor ty = Operators.isTensorLike(y) ? t.tensor(y, at) : null;
        DType dt = tx != null ? tx.type().dtype() : ty != null ? ty.type().dtype() : DType.F32;
        if (tx == null) {
          tx = t.full(Operators.asDouble(x, at), dt, at);
        }
        if (ty == null) {
          ty = t.full(Operators.asDouble(y, at), dt, at);
        }
        return t.op("where", List.of(c, tx, ty), Map.of(), at);
      }
      case "add", "sub", "mul", "div", "maximum", "minimum", "eq", "ne", "gt", "ge", "lt", "le" -> {
        String op = switch (name) {
          case "add" -> "+";
          case "sub" -> "-";
          case "mul" -> "*";
          case "div" -> "/";
          case "eq" -> "==";
          case "ne" -> "!=";
          case "gt" -> ">";
          case "ge" -> ">=";
          case "lt" -> "<";
          case "le" -> "<=";
          default -> name;
        };
        if (name.equals("maximum") || name.equals("minimum")) {
          return t.op(name, List.of(t.tensor(args.get(0), at), t.tensor(args.get(1), at)), Map.of(), at);
        }
        return op.length() <= 2 && "<=>=!=".contains(op) && !op.equals("-") && !op.equals("+")
            && !op.equals("*") && !op.equals("/")
            ? t.compare(op, args.get(0), args.get(1), at) : t.binary(op, args.get(0), args.get(1), at);
      }
      case "adaptive_avg_pool2d" -> {
        Args a = Args.bind(name, args, kw, at, "input", "output_size");
        SymTensor x = t.tensor(a.get("input"), at);
        long[] o = a.getInts(in, "output_size", 2, 1, at);
        return t.op(name, List.of(x), Map.of("output_size", Attr.ints(o)), at);
      }
      case "max_pool2d", "avg_pool2d" -> {
        boolean max = name.equals("max_pool2d");
        Args a = max
            ? Args.bind(name, args, kw, at, "input", "kernel_size", "stride=None", "padding=0", "dilation=1",
                "ceil_mode=False", "return_indices=False")
            : Args.bind(name, args, kw, at, "input", "kernel_size", "stride=None", "padding=0", "ceil_mode=False",
                "count_include_pad=True", "divisor_override=None");
        SymTensor x = t.tensor(a.get("input"), at);
        long[] k = a.getInts(in, "kernel_size", 2, 1, at);
        long[] s = a.isNone("stride") ? k : a.getInts(in, "stride", 2, 1, at);
        long[] p = a.getInts(in, "padding", 2, 0, at);
        if (max && (a.getInts(in, "dilation", 2, at)[0] != 1 || a.getBool(in, "return_indices", at))) {
          throw Interpreter.error(Code.DN0201, at, "max_pool2d with dilation or return_indices is not supported yet");
        }
        if (!max && !a.isNone("divisor_override")) {
          throw Interpreter.error(Code.DN0201, at, "avg_pool2d with divisor_override is not supported yet");
        }
        Map<String, Attr> attrs = new java.util.HashMap<>(Map.of("kernel", Attr.ints(k), "strides", Attr.ints(s),
            "padding", Attr.ints(p[0], p[1], p[0], p[1]), "ceil_mode", Attr.of(a.getBool(in, "ceil_mode", at))));
        if (!max) {
          attrs.put("count_include_pad", Attr.of(a.getBool(in, "count_include_pad", at)));
        }
        return t.op(name, List.of(x), attrs, at);
      }
      case "dropout" -> {
        return args.get(0);
      }
      case "cumsum" -> {
        Args a = Args.bind(name, args, kw, at, "input", "dim", "dtype=None");
        SymTensor x = t.tensor(a.get("input"), at);
        // PyTorch accumulates integers and bools in int64.
        DType dt = !a.isNone("dtype") ? Args.as(DType.class, name, a.get("dtype"), at)
            : x.type().dtype().isFloat() ? x.type().dtype() : DType.I64;
        return t.op(name, List.of(t.cast(x, dt, at)),
            Map.of("axis", Attr.of((long) TorchLib.axis(a.getLong("dim", at), x.type().rank(), at))), at);
      }
      case "gather", "index_select" -> {
        Args a = Args.bind(name, args, kw, at, "input", "dim", "index");
        SymTensor x = t.tensor(a.get("input"), at);
        SymTensor idx = t.tensor(a.get("index"), at);
        if (idx.type().dtype().isFloat() || idx.type().dtype() == DType.BOOL) {
          throw Interpreter.error(Code.DN0102, at, name + "() needs an integer index, got " + idx.type().dtype().numpyName());
        }
        return t.op(name, List.of(x, t.cast(idx, DType.I64, at)),
            Map.of("axis", Attr.of((long) TorchLib.axis(a.getLong("dim", at), x.type().rank(), at))), at);
      }
      case "topk" -> {
        Args a = Args.bind(name, args, kw, at, "input", "k", "dim=-1", "largest=True", "sorted=True");
        SymTensor x = t.tensor(a.get("input"), at);
        int ax = TorchLib.axis(a.getLong("dim", at), x.type().rank(), at);
        long k = a.getLong("k", 0, at);
        if (k > x.type().shape().get(ax)) {
          throw Interpreter.error(Code.DN0202, at, "topk: k=" + k + " is larger than dimension " + ax + " of size "
              + x.type().shape().get(ax));
        }
        // sorted=False lets PyTorch return any order; the sorted order is one of them.
        Map<String, Attr> attrs = Map.of("k", Attr.of(k), "axis", Attr.of((long) ax),
            "largest", Attr.of(a.getBool(in, "largest", at)));
        return PyTuple.of(t.op("topk_values", List.of(x), attrs, at), t.op("topk_indices", List.of(x), attrs, at));
      }
      case "pad" -> {
        Args a = Args.bind(name, args, kw, at, "input", "pad", "mode='constant'", "value=None");
        SymTensor x = t.tensor(a.get("input"), at);
        if (!"constant".equals(a.get("mode"))) {
          throw Interpreter.error(Code.DN0201, at, "F.pad mode '" + a.get("mode") + "' is not supported yet",
              "only mode='constant' is supported");
        }
        List<Object> p = in.iterate(a.get("pad"), at);
        int rank = x.type().rank();
        if (p.size() % 2 != 0 || p.size() / 2 > rank) {
          throw Interpreter.error(Code.DN0102, at, "F.pad: padding length " + p.size()
              + " must be even and at most twice the rank " + rank);
        }
        // F.pad lists (before, after) pairs from the last dimension backwards.
        long[] width = new long[2 * rank];
        for (int i = 0; i < p.size(); i++) {
          long v = Operators.asLong(p.get(i), at);
          if (v < 0) {
            throw Interpreter.error(Code.DN0201, at, "F.pad with negative padding (cropping) is not supported yet");
          }
          width[2 * (rank - 1 - i / 2) + i % 2] = v;
        }
        double value = a.isNone("value") ? 0.0 : a.getDouble("value", at);
        return t.op(name, List.of(x), Map.of("pad_width", Attr.ints(width), "value", Attr.of(value)), at);
      }
      case "normalize" -> {
        Args a = Args.bind(name, args, kw, at, "input", "p=2.0", "dim=1", "eps=1e-12", "out=None");
        SymTensor x = t.tensor(a.get("input"), at);
        if (!x.type().dtype().isFloat()) {
          throw Interpreter.error(Code.DN0102, at, "F.normalize needs a floating-point tensor, got "
              + x.type().dtype().numpyName());
        }
        double p = a.getDouble("p", at);
        if (p != 1.0 && p != 2.0) {
          throw Interpreter.error(Code.DN0201, at, "F.normalize with p=" + p + " is not supported yet", "use p=1 or p=2");
        }
        if (!a.isNone("out")) {
          throw Interpreter.error(Code.DN0201, at, "F.normalize with out= is not supported");
        }
        Map<String, Attr> attrs = Map.of("axes", Attr.ints(TorchLib.axis(a.getLong("dim", at), x.type().rank(), at)),
            "keepdims", Attr.of(true));
        // x / max(‖x‖_p, eps) along dim, as F.normalize computes it.
        SymTensor norm = p == 1.0
            ? t.op("reduce_sum", List.of(t.op("abs", List.of(x), Map.of(), at)), attrs, at)
            : t.op("sqrt", List.of(t.op("reduce_sum", List.of((SymTensor) t.binary("*", x, x, at)), attrs, at)), Map.of(), at);
        SymTensor denom = t.op("maximum", List.of(norm, t.full(a.getDouble("eps", at), x.type().dtype(), at)), Map.of(), at);
        return t.binary("/", x, denom, at);
      }
      case "conv2d" -> {
        Args a = Args.bind(name, args, kw, at, "input", "weight", "bias=None", "stride=1", "padding=0", "dilation=1",
            "groups=1");
        List<SymTensor> ops = new ArrayList<>(List.of(t.tensor(a.get("input"), at), t.tensor(a.get("weight"), at)));
        if (!a.isNone("bias")) {
          ops.add(t.tensor(a.get("bias"), at));
        }
        if (a.get("padding") instanceof String) {
          throw Interpreter.error(Code.DN0201, at, "F.conv2d with a padding string is not supported yet",
              "give the padding as numbers");
        }
        long[] s = a.getInts(in, "stride", 2, 1, at);
        long[] p = a.getInts(in, "padding", 2, 0, at);
        long[] d = a.getInts(in, "dilation", 2, 1, at);
        return t.op(name, ops, Map.of("strides", Attr.ints(s), "padding", Attr.ints(p[0], p[1], p[0], p[1]),
            "dilation", Attr.ints(d), "groups", Attr.of(a.getLong("groups", 1, at))), at);
      }
      case "batch_norm" -> {
        Args a = Args.bind(name, args, kw, at, "input", "running_mean", "running_var", "weight=None", "bias=None",
            "training=False", "momentum=0.1", "eps=1e-5");
        if (a.getBool(in, "training", at)) {
          throw Interpreter.error(Code.DN0201, at, "F.batch_norm with training=True is not supported",
              "compiled models run in eval mode; pass training=False");
        }
        SymTensor x = t.tensor(a.get("input"), at);
        SymTensor mean = t.tensor(a.get("running_mean"), at);
        long[] c = mean.type().dims();
        SymTensor w = a.isNone("weight") ? t.full(1.0, mean.type().dtype(), c, at) : t.tensor(a.get("weight"), at);
        SymTensor b = a.isNone("bias") ? t.full(0.0, mean.type().dtype(), c, at) : t.tensor(a.get("bias"), at);
        return t.op(name, List.of(x, w, b, mean, t.tensor(a.get("running_var"), at)),
            Map.of("eps", Attr.of(a.getDouble("eps", at))), at);
      }
      default -> throw Interpreter.error(Code.DN0201, at, "torch function or tensor method '" + name + "' is not supported yet",
          "see the README's list of supported operations");
    }
  }

  private static Object maxMin(TorchLib t, String name, List<Object> args, Map<String, Object> kw, Span at) {
    Interpreter in = t.interpreter();
    Object other = args.size() > 1 ? args.get(1) : kw.getOrDefault("dim", kw.getOrDefault("other", Values.NONE));
    SymTensor x = t.tensor(args.get(0), at);
    if (Operators.isTensorLike(other)) {
      return t.op(name.equals("max") ? "maximum" : "minimum", List.of(x, t.tensor(other, at)), Map.of(), at);
    }
    String reduce = name.equals("max") ? "reduce_max" : "reduce_min";
    if (other == Values.NONE) {
      long[] axes = new long[x.type().rank()];
      for (int i = 0; i < axes.length; i++) {
        axes[i] = i;
      }
      return t.op(reduce, List.of(x), Map.of("axes", Attr.ints(axes), "keepdims", Attr.of(false)), at);
    }
    int ax = TorchLib.axis(Operators.asLong(other, at), x.type().rank(), at);
    Object keep = args.size() > 2 ? args.get(2) : kw.getOrDefault("keepdim", false);
    boolean keepdim = in.truthy(keep, at);
    SymTensor values = t.op(reduce, List.of(x), Map.of("axes", Attr.ints(ax), "keepdims", Attr.of(keepdim)), at);
    SymTensor indices = t.op(name.equals("max") ? "argmax" : "argmin", List.of(x),
        Map.of("axis", Attr.of((long) ax), "keepdims", Attr.of(keepdim)), at);
    return PyTuple.of(values, indices);
  }

  static long[] resolveShape(TensorType x, List<Object> dims, Span at) {
    long[] shape = new long[dims.size()];
    int infer = -1;
    long known = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = Operators.asLong(dims.get(i), at);
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
        throw Interpreter.error(Code.DN0202, at, "shape " + dims + " is invalid for a tensor of " + x.numel() + " elements");
      }
      shape[infer] = x.numel() / known;
    }
    return shape;
  }

  private static Object creation(TorchLib t, String name, List<Object> args, Map<String, Object> kw, Span at) {
    Interpreter in = t.interpreter();
    DType dt = kw.get("dtype") instanceof DType d ? d : DType.F32;
    long[] shape;
    if (name.endsWith("_like")) {
      TensorType ty = args.get(0) instanceof SymTensor s ? s.type() : Args.as(TensorSlot.class, name, args.get(0), at).type;
      shape = ty.dims();
      if (!(kw.get("dtype") instanceof DType)) {
        dt = ty.dtype();
      }
    } else if (name.equals("tensor") || name.equals("arange") || name.equals("full")) {
      if (name.equals("tensor") && (args.get(0) instanceof Long || args.get(0) instanceof Double || args.get(0) instanceof Boolean)
          && in.staging != null) {
        Object v = args.get(0);
        DType d = kw.get("dtype") instanceof DType k ? k : v instanceof Double ? DType.F32 : v instanceof Boolean ? DType.BOOL : DType.I64;
        return t.full(Operators.asDouble(v, at), d, at);
      }
      if (name.equals("arange") && in.staging != null) {
        Args a = Args.bind(name, args, kw, at, "start", "end=None", "step=1", "dtype=None", "device=None",
            "requires_grad=False");
        double start = a.isNone("end") ? 0 : a.getDouble("start", at);
        double end = a.isNone("end") ? a.getDouble("start", at) : a.getDouble("end", at);
        double step = a.getDouble("step", at);
        if (step == 0) {
          throw Interpreter.error(Code.DN0102, at, "arange step must not be zero");
        }
        boolean integral = args.stream().limit(3).allMatch(v -> v instanceof Long) && !(a.get("start") instanceof Double);
        DType d = a.get("dtype") instanceof DType k ? k : integral ? DType.I64 : DType.F32;
        long n = (long) Math.max(0, Math.ceil((end - start) / step));
        return (SymTensor) in.staging.emit("arange", List.of(), List.of(), Map.of("start", Attr.of(start), "step", Attr.of(step)),
            TensorType.of(d, n), at);
      }
      if (name.equals("full") && in.staging != null) {
        List<Object> dims = in.iterate(args.get(0), at);
        shape = checkShape(dims.stream().mapToLong(o -> Operators.asLong(o, at)).toArray(), name, at);
        return t.full(Operators.asDouble(args.get(1), at), dt, shape, at);
      }
      throw Interpreter.error(Code.DN0201, at, "torch." + name + " with these arguments is not supported yet");
    } else {
      List<Object> dims = args.size() == 1 && (args.get(0) instanceof PyTuple || args.get(0) instanceof PyList)
          ? in.iterate(args.get(0), at) : args;
      shape = checkShape(dims.stream().mapToLong(o -> Operators.asLong(o, at)).toArray(), name, at);
    }
    if (in.staging == null) {
      TensorSlot made = new TensorSlot(TensorType.of(dt, shape), at, false);
      made.fill = name.startsWith("zeros") ? Double.valueOf(0) : name.startsWith("ones") ? Double.valueOf(1) : null;
      return made;
    }
    if (name.startsWith("rand") || name.equals("empty")) {
      throw Interpreter.error(Code.DN0201, at, "torch." + name + " in forward makes the model nondeterministic",
          "compiled models are deterministic; pass random values as an input");
    }
    return t.full(name.startsWith("ones") ? 1.0 : 0.0, dt, shape, at);
  }

  private static long[] checkShape(long[] shape, String fn, Span at) {
    for (long d : shape) {
      if (d < 0) {
        throw Interpreter.error(Code.DN0202, at, "torch." + fn + ": negative dimension " + d + " in size " + java.util.Arrays.toString(shape));
      }
    }
    return shape;
  }
}
