package dev.dynnc.ir;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.dynnc.ir.Type.ScalarType;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The op catalogue: for every op name, its operand rules, required attributes and result type.
 *
 * <p>{@link #infer} is the single source of shape and dtype rules: the frontend calls it to type
 * the ops it emits and the {@link Verifier} calls it to check every op's declared type. Ops whose
 * result is declared rather than computed ({@code weight}, {@code const}, {@code full}) return the
 * declared type after checking its kind.
 */
public final class OpRegistry {
  private OpRegistry() {}

  /** Thrown when operands or attributes do not fit an op; the message is user-facing. */
  public static final class TypeError extends Exception {
    public TypeError(String message) {
      super(message);
    }
  }

  /** Elementwise binary ops; on two host scalars they are host ops. */
  public static final Set<String> BINARY =
      Set.of("add", "sub", "mul", "div", "floor_div", "mod", "pow", "maximum", "minimum");

  /** Comparisons and logic; result dtype bool. */
  public static final Set<String> COMPARE =
      Set.of("ge", "gt", "le", "lt", "eq", "ne", "logical_and", "logical_or");

  public static final Set<String> UNARY =
      Set.of("relu", "sigmoid", "tanh", "exp", "log", "sqrt", "abs", "neg", "logical_not", "erf");

  public static final Set<String> REDUCE = Set.of("reduce_max", "reduce_min", "reduce_sum", "reduce_mean");

  /** Ops whose result type is written in the program, not inferred. */
  public static final Set<String> DECLARED = Set.of("weight", "const", "full", "input", "arange");

  private static final Map<String, List<String>> REQUIRED_ATTRS =
      ImmutableMap.<String, List<String>>builder()
          .put("weight", List.of("name"))
          .put("const", List.of("value"))
          .put("full", List.of("value"))
          .put("conv2d", List.of("strides", "padding", "dilation", "groups"))
          .put("batch_norm", List.of("eps"))
          .put("layer_norm", List.of("eps"))
          .put("broadcast_to", List.of("shape"))
          .put("arange", List.of("start", "step"))
          .put("max_pool2d", List.of("kernel", "strides", "padding", "ceil_mode"))
          .put("avg_pool2d", List.of("kernel", "strides", "padding", "ceil_mode", "count_include_pad"))
          .put("adaptive_avg_pool2d", List.of("output_size"))
          .put("reshape", List.of("shape"))
          .put("transpose", List.of("perm"))
          .put("softmax", List.of("axis"))
          .put("log_softmax", List.of("axis"))
          .put("argmax", List.of("axis", "keepdims"))
          .put("argmin", List.of("axis", "keepdims"))
          .put("concat", List.of("axis"))
          .put("cast", List.of("dtype"))
          .put("clip", List.of("min", "max"))
          .put("strided_slice", List.of("begin", "end", "strides"))
          .put("reduce_max", List.of("axes", "keepdims"))
          .put("reduce_min", List.of("axes", "keepdims"))
          .put("reduce_sum", List.of("axes", "keepdims"))
          .put("reduce_mean", List.of("axes", "keepdims"))
          .put("cumsum", List.of("axis"))
          .put("gather", List.of("axis"))
          .put("index_select", List.of("axis"))
          .put("topk_values", List.of("k", "axis", "largest"))
          .put("topk_indices", List.of("k", "axis", "largest"))
          .put("pad", List.of("pad_width", "value"))
          .build();

  public static boolean isKnown(String name) {
    return BINARY.contains(name)
        || COMPARE.contains(name)
        || UNARY.contains(name)
        || REQUIRED_ATTRS.containsKey(name)
        || Set.of("linear", "matmul", "item", "where", "embedding").contains(name);
  }

  /** Computes the result type of {@code name} applied to operands with attributes. */
  public static Type infer(String name, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    try {
      return inferUnchecked(name, in, attrs, declared);
    } catch (IllegalArgumentException | ClassCastException e) {
      // A negative computed dimension or an attribute of the wrong kind: a type error, not a crash.
      throw new TypeError("op '" + name + "': " + e.getMessage());
    }
  }

  private static Type inferUnchecked(String name, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    if (!isKnown(name)) {
      throw new TypeError("unknown op '" + name + "'");
    }
    for (String a : REQUIRED_ATTRS.getOrDefault(name, List.of())) {
      if (!attrs.containsKey(a)) {
        throw new TypeError("op '" + name + "' needs attribute '" + a + "'");
      }
    }
    if (DECLARED.contains(name)) {
      return inferDeclared(name, in, attrs, declared);
    }
    if (BINARY.contains(name) || COMPARE.contains(name)) {
      arity(name, in, 2, 2);
      return elementwise(name, in.get(0), in.get(1), COMPARE.contains(name));
    }
    if (UNARY.contains(name)) {
      arity(name, in, 1, 1);
      Type t = in.get(0);
      if (name.equals("logical_not")) {
        return t instanceof TensorType tt ? tt.withDtype(DType.BOOL) : new ScalarType(DType.BOOL);
      }
      return t;
    }
    if (REDUCE.contains(name)) {
      TensorType x = tensors(name, in, 1, 1).get(0);
      return reduce(x, ((Attr.IntsAttr) attrs.get("axes")).toArray(), bool(attrs, "keepdims"), x.dtype());
    }
    switch (name) {
      case "item": {
        TensorType x = tensors(name, in, 1, 1).get(0);
        if (x.numel() != 1) {
          throw new TypeError("item() needs a tensor with one element, got shape " + x.shape());
        }
        return new ScalarType(x.dtype());
      }
      case "conv2d": {
        List<TensorType> t = tensors(name, in, 2, 3);
        TensorType x = t.get(0);
        TensorType w = t.get(1);
        if (x.rank() != 4 || w.rank() != 4) {
          throw new TypeError("conv2d expects a 4-d input and weight, got " + x + " and " + w);
        }
        long[] s = ints(attrs, "strides");
        long[] p = ints(attrs, "padding");
        long[] d = ints(attrs, "dilation");
        long groups = ((Attr.IntAttr) attrs.get("groups")).value();
        long cin = x.shape().get(1);
        if (cin != w.shape().get(1) * groups) {
          throw new TypeError(
              "conv2d: input has " + cin + " channels but weight " + w + " with groups=" + groups
                  + " expects " + w.shape().get(1) * groups);
        }
        if (t.size() == 3 && (t.get(2).rank() != 1 || !t.get(2).shape().get(0).equals(w.shape().get(0)))) {
          throw new TypeError("conv2d: bias " + t.get(2) + " does not match " + w.shape().get(0) + " output channels");
        }
        long h = window(x.shape().get(2), w.shape().get(2), s[0], p[0] + p[2], d[0], false);
        long wd = window(x.shape().get(3), w.shape().get(3), s[1], p[1] + p[3], d[1], false);
        return TensorType.of(x.dtype(), x.shape().get(0), w.shape().get(0), h, wd);
      }
      case "batch_norm": {
        List<TensorType> t = tensors(name, in, 5, 5);
        TensorType x = t.get(0);
        if (x.rank() < 2) {
          throw new TypeError("batch_norm expects at least a 2-d input, got " + x);
        }
        for (int i = 1; i < 5; i++) {
          if (t.get(i).rank() != 1 || !t.get(i).shape().get(0).equals(x.shape().get(1))) {
            throw new TypeError("batch_norm: statistics " + t.get(i) + " do not match " + x.shape().get(1) + " channels");
          }
        }
        return x;
      }
      case "broadcast_to": {
        TensorType x = tensors(name, in, 1, 1).get(0);
        long[] shape = ints(attrs, "shape");
        TensorType target = TensorType.of(x.dtype(), shape);
        if (x.rank() > shape.length || !broadcast(name, x, target, x.dtype()).equals(target)) {
          throw new TypeError("cannot expand " + x + " to " + attrs.get("shape"));
        }
        return target;
      }
      case "layer_norm": {
        // Normalizes over the last dimension; gamma and beta have its size.
        List<TensorType> t = tensors(name, in, 3, 3);
        TensorType x = t.get(0);
        if (x.rank() < 1) {
          throw new TypeError("layer_norm expects at least a 1-d input, got " + x);
        }
        long d = x.shape().get(x.rank() - 1);
        for (int i = 1; i < 3; i++) {
          if (t.get(i).rank() != 1 || t.get(i).shape().get(0) != d) {
            throw new TypeError("layer_norm: " + t.get(i) + " does not match the normalized size " + d);
          }
        }
        return x;
      }
      case "embedding": {
        // Rows of the weight table selected by integer indices: indices.shape + [dim].
        List<TensorType> t = tensors(name, in, 2, 2);
        TensorType w = t.get(0);
        TensorType idx = t.get(1);
        if (w.rank() != 2) {
          throw new TypeError("embedding table must be 2-d, got " + w);
        }
        if (idx.dtype().isFloat() || idx.dtype() == DType.BOOL) {
          throw new TypeError("embedding indices must be integers, got " + idx);
        }
        List<Long> shape = new ArrayList<>(idx.shape());
        shape.add(w.shape().get(1));
        return new TensorType(w.dtype(), ImmutableList.copyOf(shape));
      }
      case "linear": {
        List<TensorType> t = tensors(name, in, 2, 3);
        TensorType x = t.get(0);
        TensorType w = t.get(1);
        if (w.rank() != 2 || x.rank() < 1 || !x.shape().get(x.rank() - 1).equals(w.shape().get(1))) {
          throw new TypeError("linear: input " + x + " does not fit weight " + w);
        }
        List<Long> shape = new ArrayList<>(x.shape().subList(0, x.rank() - 1));
        shape.add(w.shape().get(0));
        return new TensorType(x.dtype(), ImmutableList.copyOf(shape));
      }
      case "matmul": {
        List<TensorType> t = tensors(name, in, 2, 2);
        TensorType a = t.get(0);
        TensorType b = t.get(1);
        if (a.rank() < 2 || b.rank() < 2 || !a.shape().get(a.rank() - 1).equals(b.shape().get(b.rank() - 2))) {
          throw new TypeError("matmul: shapes " + a.shape() + " and " + b.shape() + " do not fit");
        }
        if (a.rank() != b.rank() || !a.shape().subList(0, a.rank() - 2).equals(b.shape().subList(0, b.rank() - 2))) {
          throw new TypeError("matmul: batch dimensions of " + a.shape() + " and " + b.shape() + " differ");
        }
        List<Long> shape = new ArrayList<>(a.shape().subList(0, a.rank() - 1));
        shape.add(b.shape().get(b.rank() - 1));
        return new TensorType(a.dtype(), ImmutableList.copyOf(shape));
      }
      case "max_pool2d":
      case "avg_pool2d": {
        TensorType x = tensors(name, in, 1, 1).get(0);
        if (x.rank() != 4) {
          throw new TypeError(name + " expects a 4-d input, got " + x);
        }
        long[] k = ints(attrs, "kernel");
        long[] s = ints(attrs, "strides");
        long[] p = ints(attrs, "padding");
        boolean ceil = bool(attrs, "ceil_mode");
        long h = window(x.shape().get(2), k[0], s[0], p[0] + p[2], 1, ceil);
        long w = window(x.shape().get(3), k[1], s[1], p[1] + p[3], 1, ceil);
        return TensorType.of(x.dtype(), x.shape().get(0), x.shape().get(1), h, w);
      }
      case "adaptive_avg_pool2d": {
        TensorType x = tensors(name, in, 1, 1).get(0);
        long[] o = ints(attrs, "output_size");
        if (x.rank() != 4 || o.length != 2) {
          throw new TypeError("adaptive_avg_pool2d expects a 4-d input and 2 output sizes");
        }
        return TensorType.of(x.dtype(), x.shape().get(0), x.shape().get(1), o[0], o[1]);
      }
      case "reshape": {
        TensorType x = tensors(name, in, 1, 1).get(0);
        long[] shape = ints(attrs, "shape");
        long n = 1;
        for (long d : shape) {
          if (d < 0) {
            throw new TypeError("reshape: shape " + attrs.get("shape") + " must be fully resolved");
          }
          n *= d;
        }
        if (n != x.numel()) {
          throw new TypeError("cannot reshape " + x + " (" + x.numel() + " elements) to " + attrs.get("shape"));
        }
        return TensorType.of(x.dtype(), shape);
      }
      case "transpose": {
        TensorType x = tensors(name, in, 1, 1).get(0);
        long[] perm = ints(attrs, "perm");
        if (perm.length != x.rank()) {
          throw new TypeError("transpose: permutation " + attrs.get("perm") + " does not fit " + x);
        }
        long[] out = new long[perm.length];
        boolean[] seen = new boolean[perm.length];
        for (int i = 0; i < perm.length; i++) {
          if (perm[i] < 0 || perm[i] >= perm.length || seen[(int) perm[i]]) {
            throw new TypeError("transpose: " + attrs.get("perm") + " is not a permutation");
          }
          seen[(int) perm[i]] = true;
          out[i] = x.shape().get((int) perm[i]);
        }
        return TensorType.of(x.dtype(), out);
      }
      case "softmax":
      case "log_softmax": {
        TensorType x = tensors(name, in, 1, 1).get(0);
        axis(x, ((Attr.IntAttr) attrs.get("axis")).value());
        return x;
      }
      case "argmax":
      case "argmin": {
        TensorType x = tensors(name, in, 1, 1).get(0);
        long axis = ((Attr.IntAttr) attrs.get("axis")).value();
        return reduce(x, new long[] {axis}, bool(attrs, "keepdims"), DType.I64);
      }
      case "concat": {
        List<TensorType> t = tensors(name, in, 1, Integer.MAX_VALUE);
        int axis = axis(t.get(0), ((Attr.IntAttr) attrs.get("axis")).value());
        long total = 0;
        for (TensorType x : t) {
          if (x.rank() != t.get(0).rank() || x.dtype() != t.get(0).dtype()) {
            throw new TypeError("concat: " + x + " does not fit " + t.get(0));
          }
          for (int i = 0; i < x.rank(); i++) {
            if (i != axis && !x.shape().get(i).equals(t.get(0).shape().get(i))) {
              throw new TypeError("concat: " + x + " differs from " + t.get(0) + " outside axis " + axis);
            }
          }
          total += x.shape().get(axis);
        }
        List<Long> shape = new ArrayList<>(t.get(0).shape());
        shape.set(axis, total);
        return new TensorType(t.get(0).dtype(), ImmutableList.copyOf(shape));
      }
      case "cast": {
        DType to = DType.fromIrName(((Attr.StrAttr) attrs.get("dtype")).value());
        arity(name, in, 1, 1);
        return in.get(0) instanceof TensorType tt ? tt.withDtype(to) : new ScalarType(to);
      }
      case "clip":
        return tensors(name, in, 1, 1).get(0);
      case "where": {
        List<TensorType> t = tensors(name, in, 3, 3);
        Type ab = elementwise(name, t.get(1), t.get(2), false);
        return broadcast(name, t.get(0), (TensorType) ab, ((TensorType) ab).dtype());
      }
      case "strided_slice": {
        TensorType x = tensors(name, in, 1, 1).get(0);
        long[] b = ints(attrs, "begin");
        long[] e = ints(attrs, "end");
        long[] s = ints(attrs, "strides");
        if (b.length != x.rank() || e.length != x.rank() || s.length != x.rank()) {
          throw new TypeError("strided_slice: begin/end/strides must have one entry per dimension of " + x);
        }
        long[] out = new long[x.rank()];
        for (int i = 0; i < x.rank(); i++) {
          if (s[i] <= 0 || b[i] < 0 || e[i] > x.shape().get(i) || b[i] > e[i]) {
            throw new TypeError("strided_slice: slice " + b[i] + ":" + e[i] + ":" + s[i] + " out of range for " + x);
          }
          out[i] = (e[i] - b[i] + s[i] - 1) / s[i];
        }
        return TensorType.of(x.dtype(), out);
      }
      case "cumsum": {
        TensorType x = tensors(name, in, 1, 1).get(0);
        axis(x, ((Attr.IntAttr) attrs.get("axis")).value());
        return x;
      }
      case "gather": {
        List<TensorType> t = tensors(name, in, 2, 2);
        TensorType x = t.get(0);
        TensorType idx = t.get(1);
        int ax = axis(x, ((Attr.IntAttr) attrs.get("axis")).value());
        if (idx.dtype().isFloat() || idx.rank() != x.rank()) {
          throw new TypeError("gather: index " + idx + " must be an integer tensor of the rank of " + x);
        }
        for (int i = 0; i < x.rank(); i++) {
          if (i != ax && idx.shape().get(i) > x.shape().get(i)) {
            throw new TypeError("gather: index " + idx + " is larger than " + x + " outside dimension " + ax);
          }
        }
        return idx.withDtype(x.dtype());
      }
      case "index_select": {
        List<TensorType> t = tensors(name, in, 2, 2);
        TensorType x = t.get(0);
        TensorType idx = t.get(1);
        int ax = axis(x, ((Attr.IntAttr) attrs.get("axis")).value());
        if (idx.dtype().isFloat() || idx.rank() > 1) {
          throw new TypeError("index_select: index " + idx + " must be a 1-d integer tensor");
        }
        List<Long> shape = new ArrayList<>(x.shape());
        shape.set(ax, idx.numel());
        return new TensorType(x.dtype(), ImmutableList.copyOf(shape));
      }
      case "topk_values":
      case "topk_indices": {
        TensorType x = tensors(name, in, 1, 1).get(0);
        int ax = axis(x, ((Attr.IntAttr) attrs.get("axis")).value());
        long k = ((Attr.IntAttr) attrs.get("k")).value();
        if (k < 0 || k > x.shape().get(ax)) {
          throw new TypeError("topk: k=" + k + " is out of range for dimension " + ax + " of " + x);
        }
        List<Long> shape = new ArrayList<>(x.shape());
        shape.set(ax, k);
        return new TensorType(name.equals("topk_values") ? x.dtype() : DType.I64, ImmutableList.copyOf(shape));
      }
      case "pad": {
        TensorType x = tensors(name, in, 1, 1).get(0);
        long[] w = ints(attrs, "pad_width");
        if (w.length != 2 * x.rank()) {
          throw new TypeError("pad: pad_width " + attrs.get("pad_width") + " needs two entries per dimension of " + x);
        }
        long[] out = new long[x.rank()];
        for (int i = 0; i < out.length; i++) {
          if (w[2 * i] < 0 || w[2 * i + 1] < 0) {
            throw new TypeError("pad: negative padding " + attrs.get("pad_width"));
          }
          out[i] = x.shape().get(i) + w[2 * i] + w[2 * i + 1];
        }
        return TensorType.of(x.dtype(), out);
      }
      default:
        throw new TypeError("no type rule for op '" + name + "'");
    }
  }

  private static Type inferDeclared(String name, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    if (!in.isEmpty()) {
      throw new TypeError("op '" + name + "' takes no operands");
    }
    if (declared == null) {
      throw new TypeError("op '" + name + "' needs a declared type");
    }
    boolean scalar = name.equals("const");
    if (scalar != (declared instanceof ScalarType)) {
      throw new TypeError("op '" + name + "' must have a " + (scalar ? "host scalar" : "tensor") + " type");
    }
    if (name.equals("weight") && !(attrs.get("name") instanceof Attr.StrAttr)) {
      throw new TypeError("weight name must be a string");
    }
    if (name.equals("arange") && ((TensorType) declared).rank() != 1) {
      throw new TypeError("arange makes a 1-d tensor, declared " + declared);
    }
    return declared;
  }

  private static Type elementwise(String name, Type a, Type b, boolean boolResult) throws TypeError {
    if (a instanceof ScalarType sa && b instanceof ScalarType sb) {
      DType d = boolResult ? DType.BOOL : promote(sa.dtype(), sb.dtype());
      return new ScalarType(d);
    }
    if (a instanceof TensorType ta && b instanceof TensorType tb) {
      if (ta.dtype() != tb.dtype()) {
        throw new TypeError(name + ": operand dtypes differ (" + ta + " and " + tb + ")");
      }
      return broadcast(name, ta, tb, boolResult ? DType.BOOL : ta.dtype());
    }
    throw new TypeError(name + ": cannot mix a host scalar and a tensor (" + a + ", " + b + ")");
  }

  private static DType promote(DType a, DType b) {
    if (a == DType.F64 || b == DType.F64) {
      return DType.F64;
    }
    if (a == DType.F32 || b == DType.F32) {
      return DType.F32;
    }
    if (a == DType.I64 || b == DType.I64) {
      return DType.I64;
    }
    if (a == DType.I32 || b == DType.I32) {
      return DType.I32;
    }
    return a;
  }

  /** Numpy broadcasting of two shapes. */
  public static TensorType broadcast(String name, TensorType a, TensorType b, DType dtype) throws TypeError {
    int rank = Math.max(a.rank(), b.rank());
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      int ia = a.rank() - rank + i;
      int ib = b.rank() - rank + i;
      long da = ia >= 0 ? a.shape().get(ia) : 1;
      long db = ib >= 0 ? b.shape().get(ib) : 1;
      if (da != db && da != 1 && db != 1) {
        throw new TypeError(name + ": shapes " + a.shape() + " and " + b.shape() + " do not broadcast");
      }
      out[i] = da == 1 ? db : da;
    }
    return TensorType.of(dtype, out);
  }

  private static TensorType reduce(TensorType x, long[] axes, boolean keepdims, DType dtype) throws TypeError {
    boolean[] reduced = new boolean[x.rank()];
    for (long a : axes) {
      reduced[axis(x, a)] = true;
    }
    List<Long> shape = new ArrayList<>();
    for (int i = 0; i < x.rank(); i++) {
      if (!reduced[i]) {
        shape.add(x.shape().get(i));
      } else if (keepdims) {
        shape.add(1L);
      }
    }
    return new TensorType(dtype, ImmutableList.copyOf(shape));
  }

  private static int axis(TensorType x, long axis) throws TypeError {
    if (axis < 0 || axis >= Math.max(1, x.rank())) {
      throw new TypeError("axis " + axis + " is out of range for " + x);
    }
    return (int) axis;
  }

  private static long window(long in, long k, long s, long pad, long dil, boolean ceil) throws TypeError {
    if (s <= 0 || k <= 0 || dil <= 0 || pad < 0) {
      throw new TypeError("window needs positive kernel, stride and dilation and non-negative padding (kernel "
          + k + ", stride " + s + ", dilation " + dil + ", padding " + pad + ")");
    }
    long eff = dil * (k - 1) + 1;
    long num = in + pad - eff;
    if (num < 0) {
      throw new TypeError("window of size " + k + " does not fit an input of size " + in + " (padding " + pad + ")");
    }
    long out = (ceil ? (num + s - 1) / s : num / s) + 1;
    // PyTorch rule: with ceil_mode the last window must start inside the input or left padding.
    if (ceil && (out - 1) * s >= in + pad / 2) {
      out--;
    }
    return out;
  }

  private static long[] ints(Map<String, Attr> attrs, String key) throws TypeError {
    if (!(attrs.get(key) instanceof Attr.IntsAttr l)) {
      throw new TypeError("attribute '" + key + "' must be a list of ints");
    }
    return l.toArray();
  }

  private static boolean bool(Map<String, Attr> attrs, String key) throws TypeError {
    if (!(attrs.get(key) instanceof Attr.BoolAttr b)) {
      throw new TypeError("attribute '" + key + "' must be a bool");
    }
    return b.value();
  }

  private static void arity(String name, List<Type> in, int min, int max) throws TypeError {
    if (in.size() < min || in.size() > max) {
      throw new TypeError(
          "op '" + name + "' takes " + (min == max ? min : min + ".." + max) + " operands, got " + in.size());
    }
  }

  private static List<TensorType> tensors(String name, List<Type> in, int min, int max) throws TypeError {
    arity(name, in, min, max);
    List<TensorType> out = new ArrayList<>();
    for (Type t : in) {
      if (!(t instanceof TensorType tt)) {
        throw new TypeError("op '" + name + "' needs tensor operands, got host scalar " + t);
      }
      out.add(tt);
    }
    return out;
  }
}
