package dev.dynnc.frontend.eval;

import static dev.dynnc.frontend.eval.TorchRegistry.Space.TENSOR;
import static dev.dynnc.frontend.eval.TorchRegistry.Space.TORCH;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.PyList;
import dev.dynnc.frontend.eval.Values.PyTuple;
import dev.dynnc.frontend.eval.Values.SymTensor;
import dev.dynnc.ir.Span;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Names a sweep of common research-code expressions found missing (2026-12-04), each written with
 * functions dynnc already lowers: {@code rsub}, {@code deg2rad}/{@code rad2deg}, {@code sgn},
 * {@code isposinf}/{@code isneginf}/{@code isreal}, {@code msort}, {@code inner}, {@code ger},
 * {@code addr}, {@code column_stack}, {@code dstack}, {@code atleast_1d/2d/3d}, {@code xlogy},
 * {@code float_power}, {@code diff} and {@code tensordot}.
 */
final class MoreFunctions {
  private MoreFunctions() {}

  static void declare(TorchRegistry r) {
    elementwise(r);
    shapes(r);
    products(r);
    more(r);
  }

  private static final Values.NamedTupleType AMINMAX =
      new Values.NamedTupleType(
          "torch.return_types.aminmax",
          com.google.common.collect.ImmutableList.of("min", "max"),
          Map.of());

  /** The second batch: isin, aminmax, rot90, triu/tril_indices, take, cross, sinc and friends. */
  private static void more(TorchRegistry r) {
    r.def(
            "isin(Tensor|Number elements, Tensor|Number test_elements, *, bool assume_unique=False,"
                + " bool invert=False) -> Tensor")
        .in(TORCH)
        .note("each element compared with every test element (NaN is in nothing)")
        .to(
            (t, a, at) -> {
              SymTensor e = t.tensor(t.operandAs(a.raw("elements"), elementType(t, a, at), at), at);
              SymTensor test = t.operandAs(a.raw("test_elements"), elementType(t, a, at), at);
              long n = Math.max(1, test.type().numel());
              SymTensor flat = t.reshape(test, new long[] {n}, at);
              long[] d = e.type().dims();
              long[] spread = java.util.Arrays.copyOf(d, d.length + 1);
              spread[d.length] = 1;
              Object eq = t.compare("==", t.reshape(e, spread, at), flat, at);
              Object any = call(t, "any", at, eq, (long) d.length);
              return a.bool("invert") ? call(t, "logical_not", at, any) : any;
            });
    r.def("aminmax(Tensor input, *, int? dim=None, bool keepdim=False) -> Any")
        .in(TORCH, TENSOR)
        .note("the named tuple (min, max)")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              Map<String, Object> kw = new java.util.HashMap<>();
              kw.put("keepdim", a.bool("keepdim"));
              Object lo;
              Object hi;
              if (a.isNone("dim")) {
                lo = t.call("amin", List.of(x), Map.of(), at);
                hi = t.call("amax", List.of(x), Map.of(), at);
                if (a.bool("keepdim")) {
                  long[] ones = new long[x.type().rank()];
                  java.util.Arrays.fill(ones, 1);
                  lo = t.reshape(t.tensor(lo, at), ones, at);
                  hi = t.reshape(t.tensor(hi, at), ones, at);
                }
              } else {
                kw.put("dim", a.integer("dim"));
                lo = t.call("amin", List.of(x), kw, at);
                hi = t.call("amax", List.of(x), kw, at);
              }
              return new PyTuple(com.google.common.collect.ImmutableList.of(lo, hi), AMINMAX);
            });
    r.def("rot90(Tensor input, int k=1, int[]? dims=None) -> Tensor")
        .in(TORCH, TENSOR)
        .note("k quarter turns from dims[0] towards dims[1]")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              long[] dims = a.isNone("dims") ? new long[] {0, 1} : a.ints("dims");
              int rank = x.type().rank();
              if (dims.length != 2 || rank < 2) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "expected total rotation dims == 2 and total dims >= 2, but got rotation dims "
                        + dims.length
                        + " and total dims "
                        + rank);
              }
              long d0 = dims[0] < 0 ? dims[0] + rank : dims[0];
              long d1 = dims[1] < 0 ? dims[1] + rank : dims[1];
              if (d0 == d1 || d0 < 0 || d1 < 0 || d0 >= rank || d1 >= rank) {
                throw Interpreter.error(
                    Code.DN0202, at, "rot90: the two dims must differ and lie in the tensor");
              }
              long k = Math.floorMod(a.integer("k"), 4);
              return switch ((int) k) {
                case 1 -> call(t, "transpose", at, flip(t, x, List.of(d1), at), d0, d1);
                case 2 -> flip(t, x, List.of(d0, d1), at);
                case 3 -> call(t, "transpose", at, flip(t, x, List.of(d0), at), d0, d1);
                default -> call(t, "clone", at, x);
              };
            });
    for (String part : List.of("triu", "tril")) {
      r.def(
              part
                  + "_indices(int row, int col, int offset=0, *, ScalarType? dtype=None,"
                  + " Any? device=None, Any? layout=None) -> Tensor")
          .in(TORCH)
          .note("a constant 2 x N tensor of int64 (or dtype) indices, row by row")
          .to(
              (t, a, at) -> {
                long rows = a.integer("row");
                long cols = a.integer("col");
                long offset = a.integer("offset");
                List<Object> is = new ArrayList<>();
                List<Object> js = new ArrayList<>();
                for (long i = 0; i < rows; i++) {
                  for (long j = 0; j < cols; j++) {
                    boolean in = part.equals("triu") ? j - i >= offset : j - i <= offset;
                    if (in) {
                      is.add(i);
                      js.add(j);
                    }
                  }
                }
                if (is.isEmpty() || is.size() > 1 << 16) {
                  throw Interpreter.error(
                      Code.DN0201,
                      at,
                      part
                          + "_indices("
                          + rows
                          + ", "
                          + cols
                          + ", "
                          + offset
                          + ") selects "
                          + is.size()
                          + " positions; compiled tensors need 1 to 65536");
                }
                DType dt = a.dtype("dtype") == null ? DType.I64 : a.dtype("dtype");
                return TensorWrites.literal(
                    t,
                    new PyList(new ArrayList<>(List.of(new PyList(is), new PyList(js)))),
                    dt,
                    at);
              });
    }
    r.def("take(Tensor input, Tensor index) -> Tensor")
        .in(TORCH, TENSOR)
        .note("the flattened input read at index (negative from the end; out of range raises)")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              SymTensor flat = t.reshape(x, new long[] {x.type().numel()}, at);
              return t.index(flat, a.tensor("index"), at);
            });
    r.def("cross(Tensor input, Tensor other, int? dim=None) -> Tensor")
        .in(TORCH, TENSOR)
        .note("dim defaults to the first dimension of size 3, as torch.cross")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              SymTensor y = a.tensor("other");
              int rank = x.type().rank();
              int dim = -1;
              if (a.isNone("dim")) {
                for (int i = 0; i < rank && dim < 0; i++) {
                  if (x.type().dims()[i] == 3) {
                    dim = i;
                  }
                }
              } else {
                dim = a.axis("dim", rank);
              }
              if (dim < 0
                  || x.type().dims()[dim] != 3
                  || y.type().rank() != rank
                  || y.type().dims()[dim] != 3) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "cross(): inputs dimension " + (dim < 0 ? "-1" : dim) + " must have length 3");
              }
              SymTensor[] u = new SymTensor[3];
              SymTensor[] v = new SymTensor[3];
              for (int i = 0; i < 3; i++) {
                u[i] = Recurrent.slice(t, x, dim, i, i + 1, at);
                v[i] = Recurrent.slice(t, y, dim, i, i + 1, at);
              }
              List<Object> parts = new ArrayList<>();
              for (int i = 0; i < 3; i++) {
                int j = (i + 1) % 3;
                int k = (i + 2) % 3;
                parts.add(
                    t.binary(
                        "-", t.binary("*", u[j], v[k], at), t.binary("*", u[k], v[j], at), at));
              }
              return call(t, "cat", at, new PyList(parts), (long) dim);
            });
    r.def("sinc(Tensor input) -> Tensor")
        .in(TORCH, TENSOR)
        .note("sin(pi x) / (pi x), 1 at 0")
        .to(
            (t, a, at) -> {
              SymTensor x = floating(t, a.tensor("input"), at);
              Object px = t.binary("*", x, Math.PI, at);
              Object q = t.binary("/", call(t, "sin", at, px), px, at);
              return call(t, "where", at, t.compare("==", x, 0.0, at), 1.0, q);
            });
    r.def("vdot(Tensor input, Tensor other) -> Tensor")
        .in(TORCH, TENSOR)
        .note("dot, for real tensors")
        .to((t, a, at) -> call(t, "dot", at, a.tensor("input"), a.tensor("other")));
    r.def("adjoint(Tensor input) -> Tensor")
        .in(TORCH, TENSOR)
        .note("the last two dimensions swapped (real tensors)")
        .to((t, a, at) -> call(t, "transpose", at, a.tensor("input"), -2L, -1L));
    r.def("detach_(Tensor input) -> Tensor")
        .in(TENSOR)
        .note("the tensor itself: compiled models keep no gradients")
        .to((t, a, at) -> a.raw("input"));
    r.def("chain_matmul(Any... matrices) -> Tensor")
        .in(TORCH)
        .note("the product of the matrices, left to right")
        .to(
            (t, a, at) -> {
              @SuppressWarnings("unchecked")
              List<Object> ms = (List<Object>) a.raw("matrices");
              if (ms.isEmpty()) {
                throw Interpreter.error(
                    Code.DN0202, at, "chain_matmul(): Expected one or more matrices");
              }
              SymTensor out = t.tensor(ms.get(0), at);
              for (Object m : ms.subList(1, ms.size())) {
                out = t.matmul(out, t.tensor(m, at), at);
              }
              return out;
            });
    r.def("result_type(Any tensor1, Any tensor2) -> Any")
        .in(TORCH)
        .atConstruction()
        .to((t, a, at) -> t.resultType(List.of(a.raw("tensor1"), a.raw("tensor2")), at));
    r.def("promote_types(ScalarType type1, ScalarType type2) -> Any")
        .in(TORCH)
        .atConstruction()
        .to((t, a, at) -> TorchLib.promote(a.dtype("type1"), a.dtype("type2")));
  }

  /** The dtype isin compares in: the two operands promoted. */
  private static DType elementType(TorchLib t, BoundArgs a, Span at) {
    return t.resultType(List.of(a.raw("elements"), a.raw("test_elements")), at);
  }

  private static Object flip(TorchLib t, SymTensor x, List<Long> dims, Span at) {
    return call(t, "flip", at, x, PyTuple.of(dims.toArray()));
  }

  private static Object call(TorchLib t, String fn, Span at, Object... args) {
    return t.call(fn, List.of(args), Map.of(), at);
  }

  private static SymTensor floating(TorchLib t, SymTensor x, Span at) {
    return x.type().dtype().isFloat() ? x : t.cast(x, DType.F32, at);
  }

  private static void elementwise(TorchRegistry r) {
    r.def("rsub(Tensor input, Tensor|Number other, *, Number alpha=1) -> Tensor")
        .in(TORCH)
        .note("other - alpha * input")
        .to(
            (t, a, at) ->
                t.binary(
                    "-", a.raw("other"), t.binary("*", a.raw("alpha"), a.raw("input"), at), at));
    for (String[] conv :
        new String[][] {{"deg2rad", "0.017453292519943295"}, {"rad2deg", "57.29577951308232"}}) {
      double k = Double.parseDouble(conv[1]);
      r.def(conv[0] + "(Tensor input) -> Tensor")
          .in(TORCH, TENSOR)
          .to((t, a, at) -> t.binary("*", floating(t, a.tensor("input"), at), k, at));
    }
    r.def("sgn(Tensor input) -> Tensor")
        .in(TORCH, TENSOR)
        .note("sign, for real tensors")
        .to((t, a, at) -> call(t, "sign", at, a.tensor("input")));
    for (String[] inf : new String[][] {{"isposinf", "inf"}, {"isneginf", "-inf"}}) {
      double v = inf[1].equals("inf") ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
      r.def(inf[0] + "(Tensor input) -> Tensor")
          .in(TORCH, TENSOR)
          .to(
              (t, a, at) -> {
                SymTensor x = a.tensor("input");
                return x.type().dtype().isFloat()
                    ? t.compare("==", x, v, at)
                    : t.full(0, DType.BOOL, x.type().dims(), at);
              });
    }
    r.def("isreal(Tensor input) -> Tensor")
        .in(TORCH, TENSOR)
        .note("true everywhere: dynnc's tensors are real")
        .to((t, a, at) -> t.full(1, DType.BOOL, a.tensor("input").type().dims(), at));
    r.def("xlogy(Tensor|Number input, Tensor|Number other) -> Tensor")
        .in(TORCH, TENSOR)
        .note("input * log(other), 0 where input is 0 unless other is NaN")
        .to(
            (t, a, at) -> {
              DType dt = t.resultType(List.of(a.raw("input"), a.raw("other")), at);
              dt = dt.isFloat() ? dt : DType.F32;
              SymTensor x = t.operandAs(a.raw("input"), dt, at);
              SymTensor y = t.operandAs(a.raw("other"), dt, at);
              Object product = t.binary("*", x, call(t, "log", at, y), at);
              Object zeroed = call(t, "where", at, t.compare("==", x, 0.0, at), 0.0, product);
              return call(t, "where", at, call(t, "isnan", at, y), Double.NaN, zeroed);
            });
    r.def("float_power(Tensor|Number input, Tensor|Number exponent) -> Tensor")
        .in(TORCH, TENSOR)
        .note("pow in float64")
        .to(
            (t, a, at) ->
                call(
                    t,
                    "pow",
                    at,
                    t.operandAs(a.raw("input"), DType.F64, at),
                    t.operandAs(a.raw("exponent"), DType.F64, at)));
    r.def(
            "diff(Tensor input, int n=1, int dim=-1, Tensor? prepend=None, Tensor? append=None)"
                + " -> Tensor")
        .in(TORCH, TENSOR)
        .note("the n-th forward difference along dim; a logical xor for bool tensors")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              int dim = a.axis("dim", x.type().rank());
              List<Object> parts = new ArrayList<>();
              if (!a.isNone("prepend")) {
                parts.add(a.tensor("prepend"));
              }
              parts.add(x);
              if (!a.isNone("append")) {
                parts.add(a.tensor("append"));
              }
              if (parts.size() > 1) {
                x = t.tensor(call(t, "cat", at, new PyList(parts), (long) dim), at);
              }
              long n = a.integer("n");
              if (n < 0) {
                throw Interpreter.error(Code.DN0202, at, "order must be non-negative but got " + n);
              }
              for (long k = 0; k < n && x.type().dims()[dim] > 0; k++) {
                long len = x.type().dims()[dim];
                if (len <= 1) {
                  throw Interpreter.error(
                      Code.DN0201,
                      at,
                      "diff() would leave an empty dimension, which compiled tensors cannot have");
                }
                SymTensor hi = Recurrent.slice(t, x, dim, 1, len, at);
                SymTensor lo = Recurrent.slice(t, x, dim, 0, len - 1, at);
                x =
                    x.type().dtype() == DType.BOOL
                        ? t.tensor(t.compare("!=", hi, lo, at), at)
                        : t.tensor(t.binary("-", hi, lo, at), at);
              }
              return x;
            });
  }

  private static void shapes(TorchRegistry r) {
    r.def("msort(Tensor input) -> Tensor")
        .in(TORCH, TENSOR)
        .note("sort along dimension 0")
        .to((t, a, at) -> ((PyTuple) call(t, "sort", at, a.tensor("input"), 0L)).items().get(0));
    for (int k = 1; k <= 3; k++) {
      int rank = k;
      r.def("atleast_" + k + "d(Any... tensors) -> Any")
          .in(TORCH)
          .to(
              (t, a, at) -> {
                @SuppressWarnings("unchecked")
                List<Object> args = (List<Object>) a.raw("tensors");
                List<Object> items =
                    args.size() == 1
                            && (args.get(0) instanceof PyList || args.get(0) instanceof PyTuple)
                        ? items(args.get(0))
                        : args;
                List<Object> out = new ArrayList<>();
                for (Object v : items) {
                  out.add(atLeast(t, t.tensor(v, at), rank, at));
                }
                return args.size() == 1
                        && out.size() == 1
                        && !(args.get(0) instanceof PyList || args.get(0) instanceof PyTuple)
                    ? out.get(0)
                    : PyTuple.of(out.toArray());
              });
    }
    r.def("column_stack(Tensor[] tensors) -> Tensor")
        .in(TORCH)
        .note("0-d and 1-d tensors as columns, then cat along dimension 1")
        .to(
            (t, a, at) -> {
              List<Object> items = new ArrayList<>();
              for (SymTensor x : a.tensors("tensors")) {
                items.add(
                    x.type().rank() <= 1
                        ? t.reshape(x, new long[] {Math.max(1, x.type().numel()), 1}, at)
                        : x);
              }
              return call(t, "cat", at, new PyList(items), 1L);
            });
    r.def("dstack(Tensor[] tensors) -> Tensor")
        .in(TORCH)
        .note("cat along dimension 2 of the tensors made at least 3-d")
        .to(
            (t, a, at) -> {
              List<Object> items = new ArrayList<>();
              for (SymTensor x : a.tensors("tensors")) {
                items.add(atLeast(t, x, 3, at));
              }
              return call(t, "cat", at, new PyList(items), 2L);
            });
  }

  /** torch.atleast_Nd: 0-d to [1...], 1-d [n] to [1, n] or [1, n, 1], 2-d [m, n] to [m, n, 1]. */
  private static SymTensor atLeast(TorchLib t, SymTensor x, int rank, Span at) {
    long[] d = x.type().dims();
    if (d.length >= rank) {
      return x;
    }
    long[] shape =
        switch (rank) {
          case 1 -> new long[] {1};
          case 2 -> d.length == 0 ? new long[] {1, 1} : new long[] {1, d[0]};
          default ->
              d.length == 0
                  ? new long[] {1, 1, 1}
                  : d.length == 1 ? new long[] {1, d[0], 1} : new long[] {d[0], d[1], 1};
        };
    return t.reshape(x, shape, at);
  }

  private static void products(TorchRegistry r) {
    r.def("ger(Tensor input, Tensor vec2) -> Tensor")
        .in(TORCH, TENSOR)
        .note("outer")
        .to((t, a, at) -> call(t, "outer", at, a.tensor("input"), a.tensor("vec2")));
    r.def(
            "addr(Tensor input, Tensor vec1, Tensor vec2, *, Scalar beta=1, Scalar alpha=1)"
                + " -> Tensor")
        .in(TORCH, TENSOR)
        .note("beta * input + alpha * outer(vec1, vec2); beta=0 ignores input (its NaN too)")
        .to(
            (t, a, at) -> {
              Object outer =
                  t.binary(
                      "*",
                      a.raw("alpha"),
                      call(t, "outer", at, a.tensor("vec1"), a.tensor("vec2")),
                      at);
              if (Operators.toDouble(a.raw("beta")) == 0) {
                SymTensor o = t.tensor(outer, at);
                return t.binary(
                    "+", o, t.full(0, o.type().dtype(), a.tensor("input").type().dims(), at), at);
              }
              return t.binary("+", t.binary("*", a.raw("beta"), a.tensor("input"), at), outer, at);
            });
    r.def("inner(Tensor input, Tensor other) -> Tensor")
        .in(TORCH, TENSOR)
        .note("the product over the last dimensions: input.shape[:-1] + other.shape[:-1]")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              SymTensor y = a.tensor("other");
              if (x.type().rank() == 0 || y.type().rank() == 0) {
                return t.binary("*", x, y, at);
              }
              return tensordot(
                  t, x, y, new long[] {x.type().rank() - 1}, new long[] {y.type().rank() - 1}, at);
            });
    r.def("tensordot(Tensor a, Tensor b, Any dims=2) -> Tensor")
        .in(TORCH)
        .note("dims an int (the last dims of a with the first of b) or two lists of dims")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("a");
              SymTensor y = a.tensor("b");
              Object dims = a.raw("dims");
              long[] da;
              long[] db;
              if (dims instanceof Long n) {
                if (n < 0 || n > x.type().rank() || n > y.type().rank()) {
                  throw Interpreter.error(
                      Code.DN0202,
                      at,
                      "tensordot expects dims >= 0 and within both ranks, but got dims=" + n);
                }
                da = new long[(int) (long) n];
                db = new long[(int) (long) n];
                for (int i = 0; i < n; i++) {
                  da[i] = x.type().rank() - n + i;
                  db[i] = i;
                }
              } else {
                List<Object> pair = items(dims);
                if (pair.size() != 2) {
                  throw Interpreter.error(
                      Code.DN0102, at, "tensordot: dims must be an int or two lists of dimensions");
                }
                da = dimList(t, pair.get(0), x.type().rank(), at);
                db = dimList(t, pair.get(1), y.type().rank(), at);
              }
              return tensordot(t, x, y, da, db, at);
            });
  }

  /** The items of a list or tuple; anything else is one item. */
  private static List<Object> items(Object v) {
    return v instanceof PyList l
        ? new ArrayList<>(l.items)
        : v instanceof PyTuple tu ? tu.items() : List.of(v);
  }

  private static long[] dimList(TorchLib t, Object v, int rank, Span at) {
    List<Object> items = v instanceof Long ? List.of(v) : items(v);
    long[] out = new long[items.size()];
    for (int i = 0; i < out.length; i++) {
      long d = Operators.asLong(items.get(i), at);
      if (d < -rank || d >= rank) {
        throw Interpreter.error(
            Code.DN0202, at, "tensordot: dimension " + d + " is out of range for rank " + rank);
      }
      out[i] = d < 0 ? d + rank : d;
    }
    return out;
  }

  /**
   * Contracts dims {@code da} of x with {@code db} of y: x's other dims first, then y's, as one
   * matmul of x permuted to [free, contracted] and y to [contracted, free].
   */
  private static SymTensor tensordot(
      TorchLib t, SymTensor x, SymTensor y, long[] da, long[] db, Span at) {
    if (da.length != db.length) {
      throw Interpreter.error(Code.DN0202, at, "both dimension lists should have same length");
    }
    long k = 1;
    for (int i = 0; i < da.length; i++) {
      long sa = x.type().dims()[(int) da[i]];
      long sb = y.type().dims()[(int) db[i]];
      if (sa != sb) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "contracted dimensions need to match, but first has size "
                + sa
                + " in dim "
                + da[i]
                + " and second has size "
                + sb
                + " in dim "
                + db[i]);
      }
      k *= sa;
    }
    List<Object> permX = new ArrayList<>();
    List<Long> outShape = new ArrayList<>();
    long m = 1;
    for (long d = 0; d < x.type().rank(); d++) {
      if (!contains(da, d)) {
        permX.add(d);
        outShape.add(x.type().dims()[(int) d]);
        m *= x.type().dims()[(int) d];
      }
    }
    for (long d : da) {
      permX.add(d);
    }
    List<Object> permY = new ArrayList<>();
    for (long d : db) {
      permY.add(d);
    }
    long n = 1;
    for (long d = 0; d < y.type().rank(); d++) {
      if (!contains(db, d)) {
        permY.add(d);
        outShape.add(y.type().dims()[(int) d]);
        n *= y.type().dims()[(int) d];
      }
    }
    SymTensor px = permute(t, x, permX, at);
    SymTensor py = permute(t, y, permY, at);
    SymTensor product =
        t.matmul(t.reshape(px, new long[] {m, k}, at), t.reshape(py, new long[] {k, n}, at), at);
    return t.reshape(product, outShape.stream().mapToLong(Long::longValue).toArray(), at);
  }

  private static boolean contains(long[] xs, long v) {
    for (long x : xs) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }

  private static SymTensor permute(TorchLib t, SymTensor x, List<Object> order, Span at) {
    return x.type().rank() == 0
        ? x
        : t.tensor(call(t, "permute", at, x, PyTuple.of(order.toArray())), at);
  }
}
