package dev.dynnc.frontend.eval;

import static dev.dynnc.frontend.eval.TorchRegistry.Space.TENSOR;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.Builtin;
import dev.dynnc.frontend.eval.Values.HostScalar;
import dev.dynnc.frontend.eval.Values.Opaque;
import dev.dynnc.frontend.eval.Values.SymTensor;
import dev.dynnc.ir.Span;
import dev.dynnc.semantics.DType;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code x[mask]} with a bool mask known only at run time: its shape depends on the data, so it is
 * no tensor dynnc can compute. It is kept as the pair (x, mask), an {@link Opaque} value whose
 * every other use is the located error, and taken where the result does not depend on the
 * selection's shape:
 *
 * <ul>
 *   <li>as the value of a write at the same mask, {@code out[m] = logits[m]} (batch-wise early
 *       exits), which is {@code where(m, logits, out)};
 *   <li>in elementwise arithmetic and comparisons with numbers, run-time scalars, tensors that
 *       broadcast over the selected dimensions' trailing ones, and selections by the same mask
 *       ({@code out[m] = logits[m] * 2}, {@code x[m] > 0}), computed on the whole tensor;
 *   <li>reduced whole: {@code sum()}, {@code mean()}, {@code any()}, {@code all()}, {@code numel()}
 *       and {@code len()}, over the selected elements only.
 * </ul>
 */
final class MaskedSelections {
  /** A selection: the tensor indexed and the mask (its shape is a prefix of the tensor's). */
  record Selection(SymTensor base, SymTensor mask) {
    int trailing() {
      return base.type().rank() - mask.type().rank();
    }
  }

  /** The detail of a selection's {@link Opaque}, which {@link Opaque#useError} recognizes. */
  static final String DETAIL = "a selection by a run-time bool mask";

  static final String HINT =
      "dynnc takes x[mask] as the value written at the same mask (out[m] = x[m]), in elementwise"
          + " arithmetic and comparisons, and whole in sum(), mean(), any(), all(), numel() and"
          + " len(); otherwise keep the shape with torch.where(mask, x, 0)";

  private static final Set<String> ELEMENTWISE =
      Set.of(
          "float", "double", "long", "int", "bool", "abs", "exp", "log", "sqrt", "sigmoid", "tanh",
          "relu", "neg", "clone", "detach", "square", "sign", "floor", "ceil", "round", "cpu");

  private final Map<Opaque, Selection> selections = new IdentityHashMap<>();
  private final TorchLib t;

  MaskedSelections(TorchLib t) {
    this.t = t;
  }

  /** {@code base[mask]}; a mask whose shape is not a prefix of the tensor's is PyTorch's error. */
  Opaque select(SymTensor base, SymTensor mask, Span at) {
    List<Long> ms = mask.type().shape();
    List<Long> bs = base.type().shape();
    if (ms.size() > bs.size() || !bs.subList(0, ms.size()).equals(ms)) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "The shape of the mask " + ms + " does not match the shape of the indexed tensor " + bs);
    }
    return wrap(new Selection(base, mask), at);
  }

  private Opaque wrap(Selection s, Span at) {
    Opaque o = new Opaque("t[mask]", at, false, DETAIL, null);
    selections.put(o, s);
    return o;
  }

  /** The selection {@code v} is, or null. */
  Selection of(Object v) {
    return v instanceof Opaque o ? selections.get(o) : null;
  }

  /** The mask shaped to broadcast over the base: its dimensions, then ones. */
  SymTensor condition(Selection s, Span at) {
    long[] shape = Arrays.copyOf(s.mask().type().dims(), s.base().type().rank());
    Arrays.fill(shape, s.mask().type().rank(), shape.length, 1L);
    return t.reshape(s.mask(), shape, at);
  }

  /**
   * {@code a op b} where one or both are selections (null when neither is): the op on the whole
   * tensors, selected by the same mask.
   */
  Object binary(String op, Object a, Object b, boolean compare, Span at) {
    Selection sa = of(a);
    Selection sb = of(b);
    if (sa == null && sb == null) {
      return null;
    }
    Selection s = sa != null ? sa : sb;
    if (sa != null && sb != null && !sa.mask().id().equals(sb.mask().id())) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "combining selections by two different run-time masks is not supported",
          "their shapes depend on the data; combine the whole tensors and select once");
    }
    Object x = sa != null ? sa.base() : operand(a, s, at);
    Object y = sb != null ? sb.base() : operand(b, s, at);
    Object r = compare ? t.compare(op, x, y, at) : t.binary(op, x, y, at);
    return wrap(new Selection(t.tensor(r, at), s.mask()), at);
  }

  /** The other operand of an elementwise op with a selection: it must broadcast the same way. */
  private Object operand(Object v, Selection s, Span at) {
    Signals.use(v, at);
    if (v instanceof Long
        || v instanceof Double
        || v instanceof Boolean
        || v instanceof HostScalar) {
      return v;
    }
    if (Operators.isTensorLike(v)) {
      SymTensor x = t.tensor(v, at);
      if (x.type().rank() > s.trailing()) {
        throw Interpreter.error(
            Code.DN0201,
            at,
            "a tensor of "
                + x.type().rank()
                + " dimensions combined with a selection by a run-time mask is not supported",
            "the selection's first dimension depends on the data; only tensors of at most "
                + s.trailing()
                + " dimensions broadcast over its other ones");
      }
      return x;
    }
    throw Interpreter.error(
        Code.DN0102,
        at,
        "unsupported operand type for a tensor selection: '" + Builtins.typeName(v) + "'");
  }

  /** {@code -x[m]}, {@code ~x[m]}. */
  Object unary(String op, Selection s, Span at) {
    return wrap(new Selection(t.tensor(t.unary(op, s.base(), at), at), s.mask()), at);
  }

  /** A method of a selection, or the located error for anything else. */
  Object attribute(Opaque o, Selection s, String name, Span at) {
    if (ELEMENTWISE.contains(name)) {
      return new Builtin(
          name,
          (it, a, kw, at2) -> {
            noArguments(name, a, kw, at2);
            Object r = t.call(TENSOR, name, List.of(s.base()), Map.of(), at2);
            return wrap(new Selection(t.tensor(r, at2), s.mask()), at2);
          });
    }
    switch (name) {
      case "sum":
      case "mean":
      case "any":
      case "all":
      case "numel":
        return new Builtin(
            name,
            (it, a, kw, at2) -> {
              noArguments(name, a, kw, at2);
              return reduce(name, s, at2);
            });
      default:
        throw o.useError(at);
    }
  }

  private static void noArguments(String name, List<Object> a, Map<String, Object> kw, Span at) {
    if (!a.isEmpty() || !kw.isEmpty()) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          name + "() with arguments of a selection by a run-time mask is not supported",
          "reduce the selection whole (sum(), mean(), any(), all()), or the whole tensor with"
              + " torch.where(mask, x, 0)");
    }
  }

  private long trailingNumel(Selection s) {
    long n = 1;
    for (Long d : s.base().type().shape().subList(s.mask().type().rank(), s.base().type().rank())) {
      n *= d;
    }
    return n;
  }

  /** How many elements the selection has, as a 0-d int64 tensor. */
  private SymTensor count(Selection s, Span at) {
    SymTensor rows = t.tensor(t.call(TENSOR, "sum", List.of(s.mask()), Map.of(), at), at);
    long n = trailingNumel(s);
    return n == 1 ? rows : t.tensor(t.binary("*", rows, n, at), at);
  }

  /** The number of rows (the selection's first dimension) as a run-time int: {@code len(x[m])}. */
  Object len(Selection s, Span at) {
    if (s.base().type().rank() == 0) {
      throw Interpreter.error(Code.DN0202, at, "len() of a 0-d tensor");
    }
    SymTensor rows = t.tensor(t.call(TENSOR, "sum", List.of(s.mask()), Map.of(), at), at);
    return t.item(rows, at);
  }

  private Object reduce(String name, Selection s, Span at) {
    SymTensor cond = condition(s, at);
    SymTensor x = s.base();
    DType dt = x.type().dtype();
    switch (name) {
      case "numel":
        return t.item(count(s, at), at);
      case "any":
      case "all":
        {
          SymTensor truth = t.cast(x, DType.BOOL, at);
          SymTensor v =
              name.equals("any")
                  ? t.op("logical_and", List.of(cond, truth), Map.of(), at)
                  : t.op(
                      "logical_or",
                      List.of(t.op("logical_not", List.of(cond), Map.of(), at), truth),
                      Map.of(),
                      at);
          return t.call(TENSOR, name, List.of(v), Map.of(), at);
        }
      default:
        break;
    }
    if (name.equals("mean") && !dt.isFloat()) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "mean(): could not infer output dtype. Input dtype must be either a floating point or"
              + " complex dtype. Got: "
              + dt.numpyName());
    }
    Object zero = dt == DType.BOOL ? Boolean.FALSE : dt.isFloat() ? (Object) 0.0 : (Object) 0L;
    SymTensor kept = t.tensor(t.call("where", List.of(cond, x, zero), Map.of(), at), at);
    SymTensor sum = t.tensor(t.call(TENSOR, "sum", List.of(kept), Map.of(), at), at);
    if (name.equals("sum")) {
      return sum;
    }
    // the mean of no elements is 0 / 0: NaN, as PyTorch's
    return t.binary("/", sum, t.cast(count(s, at), dt, at), at);
  }

  /**
   * {@code base[mask] = value} (or {@code +=} with accumulate) where the value is a selection:
   * {@code where(mask, value's tensor, base)}; null when the value is no selection.
   */
  SymTensor write(SymTensor base, SymTensor mask, Object value, boolean accumulate, Span at) {
    Selection s = of(value);
    if (s == null) {
      return null;
    }
    if (!s.mask().id().equals(mask.id())) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "writing a selection by one run-time mask at another mask is not supported",
          "the two selections' sizes depend on the data; write out[m] = x[m] with one mask");
    }
    List<Long> ts = base.type().shape();
    List<Long> vs = s.base().type().shape();
    boolean fits = vs.size() == ts.size();
    for (int d = mask.type().rank(); fits && d < ts.size(); d++) {
      fits = vs.get(d).equals(ts.get(d)) || vs.get(d) == 1;
    }
    if (!fits || !ts.subList(0, mask.type().rank()).equals(mask.type().shape())) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "shape mismatch: a selection of a tensor of shape "
              + vs
              + " cannot be written at a mask of shape "
              + mask.type().shape()
              + " into a tensor of shape "
              + ts);
    }
    SymTensor v = t.cast(s.base(), base.type().dtype(), at);
    if (accumulate) {
      v = t.op("add", List.of(base, v), Map.of(), at);
    }
    return t.tensor(t.call("where", List.of(condition(s, at), v, base), Map.of(), at), at);
  }
}
