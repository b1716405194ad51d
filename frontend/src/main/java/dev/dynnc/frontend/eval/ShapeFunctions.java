package dev.dynnc.frontend.eval;

import static dev.dynnc.frontend.eval.TorchRegistry.Space.TENSOR;
import static dev.dynnc.frontend.eval.TorchRegistry.Space.TORCH;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.PyList;
import dev.dynnc.frontend.eval.Values.PyTuple;
import dev.dynnc.frontend.eval.Values.SymTensor;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Functions that rearrange, sort and contract tensors: {@code einsum} (lowered to transposes,
 * reshapes, batch matmuls and sums), {@code sort}/{@code argsort} (the IR's topk over a whole
 * dimension), flips, rolls, triangles, moved and tiled dimensions, broadcasts and repeats; the
 * products {@code outer}, {@code dot}, {@code mv}, {@code addmm}, {@code baddbmm}, {@code addcmul},
 * {@code addcdiv} and {@code lerp}; {@code remainder}, {@code fmod}, {@code floor_divide}, {@code
 * round}, {@code tan}, {@code exp2} and {@code nan_to_num}; and {@code eye} and {@code linspace}.
 * Each is PyTorch's semantics on static shapes, composed from the IR's ops.
 */
final class ShapeFunctions {
  private ShapeFunctions() {}

  static void declare(TorchRegistry r) {
    einsum(r);
    sorting(r);
    rearranging(r);
    products(r);
    arithmetic(r);
    creation(r);
  }

  // ------------------------------------------------------------------------------------------
  // einsum

  private static void einsum(TorchRegistry r) {
    r.def("einsum(Any equation, Any... operands) -> Tensor")
        .in(TORCH)
        .note(
            "floating-point operands of one dtype; implicit output, '...' and any number of"
                + " operands (contracted left to right); a subscript repeated within one operand"
                + " (a diagonal, 'ii->i') is not supported")
        .to(
            (t, a, at) -> {
              Object eq = a.raw("equation");
              if (Operators.isTensorLike(eq)) {
                throw Interpreter.error(
                    Code.DN0201,
                    at,
                    "einsum's sublist format (operand, [subscripts], ...) is not supported yet",
                    "write the equation as a string, as in torch.einsum('ij,jk->ik', a, b)");
              }
              if (!(eq instanceof String equation)) {
                throw Interpreter.error(
                    Code.DN0102,
                    at,
                    "einsum(): argument 'equation' (position 1) must be str, not "
                        + Builtins.typeName(eq));
              }
              @SuppressWarnings("unchecked")
              List<Object> given = (List<Object>) a.raw("operands");
              if (given.size() == 1
                  && (given.get(0) instanceof PyList || given.get(0) instanceof PyTuple)) {
                given = t.interpreter().iterate(given.get(0), at);
              }
              if (given.isEmpty()) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "einsum(): must specify the equation string and at least one operand, or at"
                        + " least one operand and its subscripts list");
              }
              List<SymTensor> operands = new ArrayList<>();
              for (int i = 0; i < given.size(); i++) {
                if (!Operators.isTensorLike(given.get(i))) {
                  throw Interpreter.error(
                      Code.DN0102,
                      at,
                      "expected Tensor as element "
                          + i
                          + " in argument 1, but got "
                          + Builtins.typeName(given.get(i)));
                }
                operands.add(t.tensor(given.get(i), at));
              }
              return new Einsum(t, equation, operands, at).lower();
            });
  }

  /**
   * One einsum call. Subscripts are numbered as PyTorch numbers them (A-Z 0..25, a-z 26..51); the
   * dimensions an ellipsis covers get labels from 52 on, right-aligned across the operands as they
   * broadcast.
   */
  private static final class Einsum {
    private static final int ELLIPSIS = -1;
    private static final int FIRST_ELLIPSIS_LABEL = 52;

    private final TorchLib t;
    private final String equation;
    private final List<SymTensor> operands;
    private final Span at;

    /** Each operand's subscripts as written, ELLIPSIS where '...' stands. */
    private final List<List<Integer>> written = new ArrayList<>();

    /** The size of every label, broadcast over the operands. */
    private final Map<Integer, Long> sizes = new HashMap<>();

    /** How many dimensions the broadcast ellipsis covers. */
    private int ellipsisRank;

    Einsum(TorchLib t, String equation, List<SymTensor> operands, Span at) {
      this.t = t;
      this.equation = equation;
      this.operands = operands;
      this.at = at;
    }

    /** A labelled tensor: {@code labels.get(i)} names dimension i of {@code x}. */
    private record Term(SymTensor x, List<Integer> labels) {
      long size(int label) {
        return x.type().shape().get(labels.indexOf(label));
      }
    }

    SymTensor lower() {
      int arrow = equation.indexOf("->");
      parseInputs(arrow < 0 ? equation : equation.substring(0, arrow));
      DType dt = operands.get(0).type().dtype();
      for (SymTensor x : operands) {
        if (x.type().dtype() != dt) {
          throw Interpreter.error(
              Code.DN0201,
              at,
              "einsum of operands of different dtypes ("
                  + dt.numpyName()
                  + " and "
                  + x.type().dtype().numpyName()
                  + ") is not supported yet",
              "cast the operands to one floating-point dtype");
        }
      }
      if (!dt.isFloat()) {
        throw Interpreter.error(
            Code.DN0201,
            at,
            "einsum of " + dt.numpyName() + " tensors is not supported yet",
            "cast the operands with .float() first");
      }
      List<Term> terms = new ArrayList<>();
      for (int k = 0; k < operands.size(); k++) {
        terms.add(new Term(operands.get(k), labelsOf(k)));
      }
      List<Integer> out = arrow < 0 ? implicitOutput(terms) : parseOutput(arrow);
      Set<Integer> outSet = new HashSet<>(out);
      Term acc = terms.get(0);
      if (terms.size() == 1) {
        acc = sumOut(acc, l -> !outSet.contains(l));
      }
      for (int k = 1; k < terms.size(); k++) {
        Set<Integer> keep = new HashSet<>(outSet);
        for (int j = k + 1; j < terms.size(); j++) {
          keep.addAll(terms.get(j).labels());
        }
        acc = contract(acc, terms.get(k), keep);
      }
      return permute(acc, out).x();
    }

    // Parsing, with PyTorch's checks and messages.

    private void parseInputs(String lhs) {
      List<Integer> labels = new ArrayList<>();
      int dots = 0;
      int op = 0;
      for (int i = 0; i < lhs.length(); i++) {
        char c = lhs.charAt(i);
        if (c == '.') {
          if (labels.contains(ELLIPSIS)) {
            throw shape(
                "einsum(): found '.' for operand "
                    + op
                    + " for which an ellipsis was already found");
          }
          if (++dots == 3) {
            labels.add(ELLIPSIS);
            dots = 0;
          }
          continue;
        }
        if (dots > 0) {
          throw notEllipsis(op);
        }
        if (c == ',') {
          finishOperand(op, labels);
          if (op + 1 >= operands.size()) {
            throw shape("einsum(): fewer operands were provided than specified in the equation");
          }
          op++;
          labels = new ArrayList<>();
        } else if (c != ' ') {
          labels.add(letter(c, i));
        }
      }
      if (dots > 0) {
        throw notEllipsis(op);
      }
      finishOperand(op, labels);
      if (op + 1 < operands.size()) {
        throw shape("einsum(): more operands were provided than specified in the equation");
      }
      // The broadcast ellipsis, then every label's size, checked operand by operand.
      for (int k = 0; k < operands.size(); k++) {
        List<Integer> w = written.get(k);
        if (w.contains(ELLIPSIS)) {
          ellipsisRank = Math.max(ellipsisRank, operands.get(k).type().rank() - (w.size() - 1));
        }
      }
      for (int k = 0; k < operands.size(); k++) {
        List<Integer> labels2 = labelsOf(k);
        List<Long> shape = operands.get(k).type().shape();
        for (int d = 0; d < labels2.size(); d++) {
          int l = labels2.get(d);
          long s = shape.get(d);
          Long seen = sizes.get(l);
          if (seen == null || seen == 1) {
            sizes.put(l, s);
          } else if (s != seen && s != 1) {
            if (l >= FIRST_ELLIPSIS_LABEL) {
              throw shape(
                  "einsum(): dimension "
                      + (d - written.get(k).indexOf(ELLIPSIS))
                      + " covered by ellipsis in operand "
                      + k
                      + " has size "
                      + s
                      + " which does not broadcast with previously seen ellipsis with size "
                      + seen
                      + " for the respective dimension");
            }
            throw shape(
                "einsum(): subscript "
                    + name(l)
                    + " has size "
                    + s
                    + " for operand "
                    + k
                    + " which does not broadcast with previously seen size "
                    + seen);
          }
        }
      }
    }

    private void finishOperand(int op, List<Integer> labels) {
      int rank = operands.get(op).type().rank();
      boolean ellipsis = labels.contains(ELLIPSIS);
      int n = labels.size() - (ellipsis ? 1 : 0);
      if (ellipsis && n > rank) {
        throw shape(
            "einsum(): the number of subscripts in the equation ("
                + n
                + ") is more than the number of dimensions ("
                + rank
                + ") for operand "
                + op);
      }
      if (!ellipsis && n != rank) {
        throw shape(
            "einsum(): the number of subscripts in the equation ("
                + n
                + ") does not match the number of dimensions ("
                + rank
                + ") for operand "
                + op
                + " and no ellipsis was given");
      }
      Set<Integer> seen = new HashSet<>();
      for (int l : labels) {
        if (l != ELLIPSIS && !seen.add(l)) {
          throw Interpreter.error(
              Code.DN0201,
              at,
              "einsum with subscript "
                  + name(l)
                  + " repeated in operand "
                  + op
                  + " (a diagonal or trace) is not supported yet",
              "multiply by torch.eye(n) and sum over one of the two dimensions instead");
        }
      }
      written.add(labels);
    }

    /** Operand k's label for each of its dimensions, the ellipsis expanded (right-aligned). */
    private List<Integer> labelsOf(int k) {
      List<Integer> w = written.get(k);
      int covered = operands.get(k).type().rank() - (w.size() - (w.contains(ELLIPSIS) ? 1 : 0));
      List<Integer> out = new ArrayList<>();
      for (int l : w) {
        if (l == ELLIPSIS) {
          for (int e = ellipsisRank - covered; e < ellipsisRank; e++) {
            out.add(FIRST_ELLIPSIS_LABEL + e);
          }
        } else {
          out.add(l);
        }
      }
      return out;
    }

    private List<Integer> parseOutput(int arrow) {
      String rhs = equation.substring(arrow + 2);
      List<Integer> out = new ArrayList<>();
      boolean ellipsis = false;
      int dots = 0;
      for (int i = 0; i < rhs.length(); i++) {
        char c = rhs.charAt(i);
        if (c == '.') {
          if (ellipsis) {
            throw shape("einsum(): found '.' for output but an ellipsis (...) was already found");
          }
          if (++dots == 3) {
            ellipsis = true;
            dots = 0;
            for (int e = 0; e < ellipsisRank; e++) {
              out.add(FIRST_ELLIPSIS_LABEL + e);
            }
          }
          continue;
        }
        if (dots > 0) {
          throw shape("einsum(): found '.' for output that is not part of any ellipsis (...)");
        }
        if (c == ' ') {
          continue;
        }
        int l = letter(c, arrow + 2 + i);
        if (!sizes.containsKey(l)) {
          throw shape(
              "einsum(): output subscript "
                  + c
                  + " does not appear in the equation for any input operand");
        }
        if (out.contains(l)) {
          throw shape("einsum(): output subscript " + c + " appears more than once in the output");
        }
        out.add(l);
      }
      if (dots > 0) {
        throw shape("einsum(): found '.' for output that is not part of any ellipsis (...)");
      }
      return out;
    }

    /** The ellipsis dimensions, then the subscripts that appear once, in alphabetical order. */
    private List<Integer> implicitOutput(List<Term> terms) {
      List<Integer> out = new ArrayList<>();
      for (int e = 0; e < ellipsisRank; e++) {
        out.add(FIRST_ELLIPSIS_LABEL + e);
      }
      Map<Integer, Integer> count = new HashMap<>();
      for (List<Integer> w : written) {
        for (int l : w) {
          if (l != ELLIPSIS) {
            count.merge(l, 1, Integer::sum);
          }
        }
      }
      for (int l : new TreeSet<>(count.keySet())) {
        if (count.get(l) == 1) {
          out.add(l);
        }
      }
      return out;
    }

    private int letter(char c, int index) {
      if (c >= 'A' && c <= 'Z') {
        return c - 'A';
      }
      if (c >= 'a' && c <= 'z') {
        return 26 + c - 'a';
      }
      throw shape(
          "einsum(): invalid subscript given at index "
              + index
              + " in the equation string, subscripts must be in [a-zA-Z]");
    }

    private static String name(int label) {
      return String.valueOf((char) (label < 26 ? 'A' + label : 'a' + label - 26));
    }

    private RuntimeException notEllipsis(int op) {
      return shape("einsum(): found '.' for operand " + op + " that is not part of any ellipsis");
    }

    private RuntimeException shape(String message) {
      return Interpreter.error(Code.DN0202, at, message);
    }

    // Lowering.

    /**
     * a · b over their shared labels: those in {@code keep} stay (batch), the others are summed
     * (contracted); a label of one operand only is summed first unless it is kept.
     */
    private Term contract(Term a0, Term b0, Set<Integer> keep) {
      Term a = sumOut(a0, l -> !b0.labels().contains(l) && !keep.contains(l));
      Term b = sumOut(b0, l -> !a0.labels().contains(l) && !keep.contains(l));
      List<Integer> batch = new ArrayList<>();
      List<Integer> contracted = new ArrayList<>();
      List<Integer> left = new ArrayList<>();
      List<Integer> right = new ArrayList<>();
      for (int l : a.labels()) {
        (b.labels().contains(l) ? keep.contains(l) ? batch : contracted : left).add(l);
      }
      for (int l : b.labels()) {
        if (!a.labels().contains(l)) {
          right.add(l);
        }
      }
      if (contracted.isEmpty()) {
        // An elementwise product, broadcasting: a as [batch, left, 1...], b as [batch, 1...,
        // right].
        Term ta = permute(a, concat(batch, left));
        Term tb = permute(b, concat(batch, right));
        long[] sa = new long[batch.size() + left.size() + right.size()];
        long[] sb = new long[sa.length];
        Arrays.fill(sa, 1);
        Arrays.fill(sb, 1);
        for (int i = 0; i < batch.size(); i++) {
          sa[i] = ta.size(batch.get(i));
          sb[i] = tb.size(batch.get(i));
        }
        for (int i = 0; i < left.size(); i++) {
          sa[batch.size() + i] = ta.size(left.get(i));
        }
        for (int i = 0; i < right.size(); i++) {
          sb[batch.size() + left.size() + i] = tb.size(right.get(i));
        }
        SymTensor product =
            (SymTensor) t.binary("*", t.reshape(ta.x(), sa, at), t.reshape(tb.x(), sb, at), at);
        return new Term(product, concat(batch, left, right));
      }
      // A batch matmul: [batch, left, contracted] x [batch, contracted, right].
      SymTensor xa = fill(permute(a, concat(batch, left, contracted)));
      SymTensor xb = fill(permute(b, concat(batch, contracted, right)));
      long pb = product(batch);
      long pl = product(left);
      long pc = product(contracted);
      long pr = product(right);
      SymTensor m =
          t.op(
              "matmul",
              List.of(
                  t.reshape(xa, new long[] {pb, pl, pc}, at),
                  t.reshape(xb, new long[] {pb, pc, pr}, at)),
              Map.of(),
              at);
      List<Integer> labels = concat(batch, left, right);
      return new Term(t.reshape(m, dims(labels), at), labels);
    }

    /** Sums the dimensions whose labels pass {@code drop}. */
    private Term sumOut(Term x, java.util.function.IntPredicate drop) {
      List<Long> axes = new ArrayList<>();
      List<Integer> rest = new ArrayList<>();
      for (int i = 0; i < x.labels().size(); i++) {
        if (drop.test(x.labels().get(i))) {
          axes.add((long) i);
        } else {
          rest.add(x.labels().get(i));
        }
      }
      if (axes.isEmpty()) {
        return x;
      }
      SymTensor s =
          t.op(
              "reduce_sum",
              List.of(x.x()),
              Map.of(
                  "axes",
                  Attr.ints(axes.stream().mapToLong(Long::longValue).toArray()),
                  "keepdims",
                  Attr.of(false)),
              at);
      return new Term(s, rest);
    }

    private Term permute(Term x, List<Integer> order) {
      long[] perm = new long[order.size()];
      boolean identity = true;
      for (int i = 0; i < perm.length; i++) {
        perm[i] = x.labels().indexOf(order.get(i));
        identity &= perm[i] == i;
      }
      if (identity) {
        return x;
      }
      return new Term(
          t.op("transpose", List.of(x.x()), Map.of("perm", Attr.ints(perm)), at), order);
    }

    /** x with its size-1 dimensions broadcast to their labels' sizes. */
    private SymTensor fill(Term x) {
      long[] full = dims(x.labels());
      return TensorFunctions.expand(t, x.x(), full, at);
    }

    private long[] dims(List<Integer> labels) {
      return labels.stream().mapToLong(sizes::get).toArray();
    }

    private long product(List<Integer> labels) {
      long p = 1;
      for (int l : labels) {
        p *= sizes.get(l);
      }
      return p;
    }

    @SafeVarargs
    private static List<Integer> concat(List<Integer>... parts) {
      List<Integer> out = new ArrayList<>();
      for (List<Integer> p : parts) {
        out.addAll(p);
      }
      return out;
    }
  }

  // ------------------------------------------------------------------------------------------
  // sort, argsort

  private static void sorting(TorchRegistry r) {
    String note =
        "as topk over the whole dimension; NaN sorts above every number, and -0.0 below 0.0;"
            + " equal elements may come in another order than PyTorch's unless stable=True";
    r.def(
            "sort(Tensor input, int dim=-1, bool descending=False, *, bool? stable=None) ->"
                + " (Tensor, Tensor)")
        .in(TORCH, TENSOR)
        .note(note)
        .to(
            (t, a, at) -> {
              SymTensor[] vi = sort(t, a, true, at);
              return TensorFunctions.valuesIndices("sort", vi[0], vi[1]);
            });
    r.def(
            "argsort(Tensor input, int dim=-1, bool descending=False, *, bool? stable=None) -> Tensor")
        .in(TORCH, TENSOR)
        .note(note)
        .to((t, a, at) -> sort(t, a, false, at)[1]);
  }

  /** Sorted values (when asked for) and their int64 indices along {@code dim}. */
  private static SymTensor[] sort(TorchLib t, BoundArgs a, boolean values, Span at) {
    SymTensor x = a.tensor("input");
    if (x.type().rank() == 0) {
      // A 0-d tensor takes dim -1 or 0, as PyTorch's.
      TorchLib.axis(a.integer("dim"), 1, at);
      return new SymTensor[] {x, t.full(0, DType.I64, at)};
    }
    int ax = a.axis("dim", x.type().rank());
    DType dt = x.type().dtype();
    // Bools sort as the integers 0 and 1.
    SymTensor keys = dt == DType.BOOL ? t.cast(x, DType.I32, at) : x;
    Map<String, Attr> attrs =
        Map.of(
            "k",
            Attr.of(x.type().shape().get(ax)),
            "axis",
            Attr.of((long) ax),
            "largest",
            Attr.of(a.bool("descending")));
    SymTensor v = values ? t.cast(t.op("topk_values", List.of(keys), attrs, at), dt, at) : null;
    return new SymTensor[] {v, t.op("topk_indices", List.of(keys), attrs, at)};
  }

  // ------------------------------------------------------------------------------------------
  // flip, roll, tril, triu, movedim, tile, broadcast_to, repeat_interleave

  private static void rearranging(TorchRegistry r) {
    TorchRegistry.Impl flip =
        (t, a, at) -> {
          SymTensor x = a.tensor("input");
          if (a.schema().params().get(1).kind() == Schema.Kind.INT_LIST
              && !a.schema().params().get(1).varargs()
              && a.given("dims") instanceof Long) {
            throw Interpreter.error(
                Code.DN0102,
                at,
                "flip(): argument 'dims' (position 2) must be tuple of ints, not int");
          }
          int rank = x.type().rank();
          Set<Integer> axes = new LinkedHashSet<>();
          for (long d : a.ints("dims")) {
            int ax = TorchLib.axis(d, rank, at);
            if (!axes.add(ax)) {
              throw Interpreter.error(
                  Code.DN0202, at, "dim " + ax + " appears multiple times in the list of dims");
            }
          }
          for (int ax : axes) {
            x = flip(t, x, ax, at);
          }
          return x;
        };
    r.def("flip(Tensor input, int[] dims) -> Tensor")
        .in(TORCH)
        .note("as index_select with the indices reversed")
        .to(flip);
    r.def("flip(Tensor input, int... dims) -> Tensor")
        .in(TENSOR)
        .note("as index_select with the indices reversed")
        .to(flip);
    r.def("roll(Tensor input, int[] shifts, int[]? dims=None) -> Tensor")
        .in(TORCH, TENSOR)
        .note("no dims rolls the flattened tensor")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              long[] shifts = a.ints("shifts");
              long[] dims = a.isNone("dims") ? new long[0] : a.ints("dims");
              if (shifts.length == 0) {
                throw Interpreter.error(Code.DN0202, at, "`shifts` required");
              }
              if (dims.length == 0 && shifts.length == 1) {
                long[] shape = x.type().dims();
                SymTensor flat = t.reshape(x, new long[] {x.type().numel()}, at);
                return t.reshape(roll(t, flat, 0, shifts[0], at), shape, at);
              }
              if (shifts.length != dims.length) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "shifts and dimensions must align. shifts: "
                        + shifts.length
                        + ", dims:"
                        + dims.length);
              }
              for (int i = 0; i < dims.length; i++) {
                x = roll(t, x, TorchLib.axis(dims[i], x.type().rank(), at), shifts[i], at);
              }
              return x;
            });
    for (String name : List.of("tril", "triu")) {
      r.def(name + "(Tensor input, int diagonal=0) -> Tensor")
          .in(TORCH, TENSOR)
          .to(
              (t, a, at) -> {
                SymTensor x = a.tensor("input");
                int rank = x.type().rank();
                if (rank < 2) {
                  throw Interpreter.error(
                      Code.DN0202,
                      at,
                      name + ": input tensor must have at least 2 dimensions, got " + rank);
                }
                long n = x.type().shape().get(rank - 2);
                long m = x.type().shape().get(rank - 1);
                // column - row, compared with the diagonal: an [n, m] mask broadcast over x.
                SymTensor rows =
                    t.reshape(arange(t, 0, 1, n, DType.I64, at), new long[] {n, 1}, at);
                SymTensor cols =
                    t.reshape(arange(t, 0, 1, m, DType.I64, at), new long[] {1, m}, at);
                Object offset = t.binary("-", cols, rows, at);
                SymTensor keep =
                    (SymTensor)
                        t.compare(
                            name.equals("tril") ? "<=" : ">=", offset, a.integer("diagonal"), at);
                return t.op(
                    "where", List.of(keep, x, t.full(0, x.type().dtype(), at)), Map.of(), at);
              });
    }
    for (String name : List.of("movedim", "moveaxis")) {
      r.def(name + "(Tensor input, int[] source, int[] destination) -> Tensor")
          .in(TORCH, TENSOR)
          .to(
              (t, a, at) -> {
                SymTensor x = a.tensor("input");
                return t.op(
                    "transpose",
                    List.of(x),
                    Map.of(
                        "perm",
                        Attr.ints(
                            moved(
                                x.type().rank(),
                                a.ints("source"),
                                a.ints("destination"),
                                name,
                                at))),
                    at);
              });
    }
    TorchRegistry.Impl tile =
        (t, a, at) -> {
          SymTensor x = a.tensor("input");
          long[] dims = a.ints("dims");
          int rank = x.type().rank();
          long[] reps = dims;
          if (dims.length < rank) {
            // Missing leading repeats are 1s.
            reps = new long[rank];
            Arrays.fill(reps, 1);
            System.arraycopy(dims, 0, reps, rank - dims.length, dims.length);
          }
          return MathFunctions.repeat(t, x, reps, "tile", at);
        };
    r.def("tile(Tensor input, int[] dims) -> Tensor").in(TORCH).to(tile);
    r.def("tile(Tensor input, int... dims) -> Tensor").in(TENSOR).to(tile);
    TorchRegistry.Impl broadcastTo =
        (t, a, at) -> {
          SymTensor x = a.tensor("input");
          return TensorFunctions.expand(t, x, expandedShape(x.type(), a.ints("size"), at), at);
        };
    r.def("broadcast_to(Tensor input, int[] size) -> Tensor").in(TORCH).to(broadcastTo);
    r.def("broadcast_to(Tensor input, int... size) -> Tensor").in(TENSOR).to(broadcastTo);
    r.def(
            "repeat_interleave(Tensor input, Any? repeats=None, int? dim=None, *, int?"
                + " output_size=None) -> Tensor")
        .in(TORCH, TENSOR)
        .note("repeats an int; no dim repeats the flattened tensor")
        .to(
            (t, a, at) -> {
              Object reps = a.raw("repeats");
              if (reps == Values.NONE || Operators.isTensorLike(reps)) {
                throw Interpreter.error(
                    Code.DN0201,
                    at,
                    "repeat_interleave with a tensor of repeats is not supported yet: the result's"
                        + " shape depends on the data",
                    "pass the number of repeats as an int");
              }
              if (!(reps instanceof Long || reps instanceof Boolean)) {
                throw Interpreter.error(
                    Code.DN0102,
                    at,
                    "repeat_interleave(): argument 'repeats' must be Tensor or int, not "
                        + Builtins.typeName(reps));
              }
              long n = Operators.asLong(reps, at);
              if (n < 0) {
                throw Interpreter.error(Code.DN0202, at, "repeats can not be negative");
              }
              if (n == 0) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "repeat_interleave: repeats 0 is not supported: compiled tensors have no"
                        + " zero-sized dimensions");
              }
              SymTensor x = a.tensor("input");
              int ax;
              if (a.isNone("dim")) {
                x = t.reshape(x, new long[] {x.type().numel()}, at);
                ax = 0;
              } else {
                ax = a.axis("dim", x.type().rank());
                if (x.type().rank() == 0) {
                  x = t.reshape(x, new long[] {1}, at);
                }
              }
              long size = x.type().shape().get(ax);
              if (!a.isNone("output_size") && a.integer("output_size") != size * n) {
                throw Interpreter.error(
                    Code.DN0202, at, "allocated size does not match required size");
              }
              // x with a dimension of n after ax (broadcast), merged into ax.
              List<Long> spread = new ArrayList<>(x.type().shape());
              spread.add(ax + 1, 1L);
              List<Long> wide = new ArrayList<>(spread);
              wide.set(ax + 1, n);
              List<Long> out = new ArrayList<>(x.type().shape());
              out.set(ax, size * n);
              SymTensor s = t.reshape(x, toArray(spread), at);
              return t.reshape(TensorFunctions.expand(t, s, toArray(wide), at), toArray(out), at);
            });
  }

  /** x with its last two dimensions swapped (Tensor.mT). */
  static SymTensor matrixTranspose(TorchLib t, SymTensor x, Span at) {
    int rank = x.type().rank();
    long[] perm = new long[rank];
    for (int i = 0; i < rank; i++) {
      perm[i] = i;
    }
    perm[rank - 2] = rank - 1;
    perm[rank - 1] = rank - 2;
    return t.op("transpose", List.of(x), Map.of("perm", Attr.ints(perm)), at);
  }

  /** x reversed along ax. */
  private static SymTensor flip(TorchLib t, SymTensor x, int ax, Span at) {
    long n = x.type().shape().get(ax);
    if (n == 1) {
      return x;
    }
    return t.op(
        "index_select",
        List.of(x, arange(t, n - 1, -1, n, DType.I64, at)),
        Map.of("axis", Attr.of((long) ax)),
        at);
  }

  /** x rolled by {@code shift} along ax: element i moves to (i + shift) mod n. */
  private static SymTensor roll(TorchLib t, SymTensor x, int ax, long shift, Span at) {
    long n = x.type().shape().get(ax);
    long s = Math.floorMod(shift, n);
    if (s == 0) {
      return x;
    }
    SymTensor tail = Recurrent.slice(t, x, ax, n - s, n, at);
    SymTensor head = Recurrent.slice(t, x, ax, 0, n - s, at);
    return t.op("concat", List.of(tail, head), Map.of("axis", Attr.of((long) ax)), at);
  }

  /** The transpose that moves dimensions {@code source} to {@code destination}, as movedim. */
  private static long[] moved(int rank, long[] source, long[] destination, String fn, Span at) {
    if (source.length != destination.length) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          fn
              + ": Invalid source or destination dims: source ("
              + Arrays.toString(source)
              + " dims) should contain the same number of dims as destination ("
              + Arrays.toString(destination)
              + " dims)");
    }
    long[] perm = new long[rank];
    Arrays.fill(perm, -1);
    boolean[] used = new boolean[rank];
    Set<Integer> dests = new HashSet<>();
    for (int i = 0; i < source.length; i++) {
      int s = TorchLib.axis(source[i], rank, at);
      int d = TorchLib.axis(destination[i], rank, at);
      if (used[s]) {
        throw Interpreter.error(
            Code.DN0202, at, fn + ": repeated dim in `source` (" + Arrays.toString(source) + ")");
      }
      if (!dests.add(d)) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            fn + ": repeated dim in `destination` (" + Arrays.toString(destination) + ")");
      }
      used[s] = true;
      perm[d] = s;
    }
    // The other dimensions keep their order in the free places.
    int next = 0;
    for (int i = 0; i < rank; i++) {
      if (perm[i] < 0) {
        while (used[next]) {
          next++;
        }
        perm[i] = next++;
      }
    }
    return perm;
  }

  /** The shape {@code x} broadcasts to for {@code size} (-1 keeps a size), checked as expand. */
  private static long[] expandedShape(TensorType x, long[] size, Span at) {
    int rank = x.rank();
    if (size.length < rank) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "broadcast_to: the number of sizes provided ("
              + size.length
              + ") must be greater or equal to the number of dimensions in the tensor ("
              + rank
              + ")");
    }
    long[] out = size.clone();
    int lead = size.length - rank;
    for (int i = 0; i < size.length; i++) {
      if (i < lead) {
        if (size[i] < 0) {
          throw Interpreter.error(
              Code.DN0202,
              at,
              "The expanded size of the tensor ("
                  + size[i]
                  + ") isn't allowed in a leading, non-existing dimension "
                  + i);
        }
      } else {
        long have = x.shape().get(i - lead);
        if (size[i] == -1) {
          out[i] = have;
        } else if (size[i] != have && have != 1) {
          throw Interpreter.error(
              Code.DN0202,
              at,
              "The expanded size of the tensor ("
                  + size[i]
                  + ") must match the existing size ("
                  + have
                  + ") at non-singleton dimension "
                  + i
                  + ".  Target sizes: "
                  + Arrays.toString(size)
                  + ".  Tensor sizes: "
                  + x.shape());
        }
      }
      if (out[i] <= 0) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "broadcast_to: size "
                + out[i]
                + " is not supported: compiled tensors have no zero-sized dimensions");
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // outer, dot, mv, addmm, baddbmm, addcmul, addcdiv, lerp

  private static void products(TorchRegistry r) {
    r.def("outer(Tensor input, Tensor vec2) -> Tensor")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              SymTensor y = a.tensor("vec2");
              vector("outer", x, "self", at);
              vector("outer", y, "vec2", at);
              long n = x.type().numel();
              long m = y.type().numel();
              return t.binary(
                  "*",
                  t.reshape(x, new long[] {n, 1}, at),
                  t.reshape(y, new long[] {1, m}, at),
                  at);
            });
    r.def("dot(Tensor input, Tensor tensor) -> Tensor")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              SymTensor y = a.tensor("tensor");
              if (x.type().rank() != 1 || y.type().rank() != 1) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "1D tensors expected, but got "
                        + x.type().rank()
                        + "D and "
                        + y.type().rank()
                        + "D tensors");
              }
              if (x.type().numel() != y.type().numel()) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "inconsistent tensor size, expected tensor ["
                        + x.type().numel()
                        + "] and src ["
                        + y.type().numel()
                        + "] to have the same number of elements, but got "
                        + x.type().numel()
                        + " and "
                        + y.type().numel()
                        + " elements respectively");
              }
              if (x.type().dtype() != y.type().dtype()) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "dot : expected both vectors to have same dtype, but found "
                        + scalarName(x.type().dtype())
                        + " and "
                        + scalarName(y.type().dtype()));
              }
              notBool("dot", x, at);
              return t.op(
                  "reduce_sum",
                  List.of((SymTensor) t.binary("*", x, y, at)),
                  Map.of("axes", Attr.ints(0), "keepdims", Attr.of(false)),
                  at);
            });
    r.def("mv(Tensor input, Tensor vec) -> Tensor")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor m = a.tensor("input");
              SymTensor v = a.tensor("vec");
              if (m.type().rank() != 2 || v.type().rank() != 1) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "vector + matrix @ vector expected, got 1, "
                        + m.type().rank()
                        + ", "
                        + v.type().rank());
              }
              if (m.type().shape().get(1) != v.type().numel()) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "size mismatch, got "
                        + m.type().shape().get(0)
                        + ", "
                        + m.type().shape().get(0)
                        + "x"
                        + m.type().shape().get(1)
                        + ","
                        + v.type().numel());
              }
              sameDtype(m, v, at);
              notBool("mv", m, at);
              return t.matmul(m, v, at);
            });
    r.def(
            "addmm(Tensor input, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1) ->"
                + " Tensor")
        .in(TORCH, TENSOR)
        .note("floating-point tensors; beta=0 ignores input (its NaN too), as PyTorch")
        .to(
            (t, a, at) -> {
              SymTensor m1 = a.tensor("mat1");
              SymTensor m2 = a.tensor("mat2");
              for (String name : List.of("mat1", "mat2")) {
                int rank = a.tensorType(name).rank();
                if (rank != 2) {
                  throw Interpreter.error(
                      Code.DN0202, at, name + " must be a matrix, got " + rank + "-D tensor");
                }
              }
              List<Long> s1 = m1.type().shape();
              List<Long> s2 = m2.type().shape();
              if (!s1.get(1).equals(s2.get(0))) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "mat1 and mat2 shapes cannot be multiplied ("
                        + s1.get(0)
                        + "x"
                        + s1.get(1)
                        + " and "
                        + s2.get(0)
                        + "x"
                        + s2.get(1)
                        + ")");
              }
              return addProduct(t, a, "addmm", m1, m2, new long[] {s1.get(0), s2.get(1)}, at);
            });
    r.def(
            "baddbmm(Tensor input, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1)"
                + " -> Tensor")
        .in(TORCH, TENSOR)
        .note("floating-point tensors; beta=0 ignores input (its NaN too), as PyTorch")
        .to(
            (t, a, at) -> {
              SymTensor b1 = a.tensor("batch1");
              SymTensor b2 = a.tensor("batch2");
              for (String name : List.of("batch1", "batch2")) {
                if (a.tensorType(name).rank() != 3) {
                  throw Interpreter.error(Code.DN0202, at, name + " must be a 3D tensor");
                }
              }
              List<Long> s1 = b1.type().shape();
              List<Long> s2 = b2.type().shape();
              if (!s1.get(0).equals(s2.get(0)) || !s1.get(2).equals(s2.get(1))) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "Expected size for first two dimensions of batch2 tensor to be: ["
                        + s1.get(0)
                        + ", "
                        + s1.get(2)
                        + "] but got: ["
                        + s2.get(0)
                        + ", "
                        + s2.get(1)
                        + "].");
              }
              return addProduct(
                  t, a, "baddbmm", b1, b2, new long[] {s1.get(0), s1.get(1), s2.get(2)}, at);
            });
    for (String name : List.of("addcmul", "addcdiv")) {
      r.def(name + "(Tensor input, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor")
          .in(TORCH, TENSOR)
          .note("the three tensors of one dtype")
          .to(
              (t, a, at) -> {
                SymTensor x = a.tensor("input");
                SymTensor t1 = a.tensor("tensor1");
                SymTensor t2 = a.tensor("tensor2");
                DType dt = x.type().dtype();
                if (name.equals("addcdiv")
                    && !t1.type().dtype().isFloat()
                    && !t2.type().dtype().isFloat()) {
                  throw Interpreter.error(
                      Code.DN0202,
                      at,
                      "Integer division with addcdiv is no longer supported, and in a future"
                          + " release addcdiv will perform a true division of tensor1 and"
                          + " tensor2.",
                      "use input + value * torch.trunc(tensor1 / tensor2) for the historic"
                          + " behavior, or cast to float");
                }
                Object value = a.raw("value");
                if (t1.type().dtype() != dt
                    || t2.type().dtype() != dt
                    || !dt.isFloat() && value instanceof Double) {
                  throw Interpreter.error(
                      Code.DN0201,
                      at,
                      name
                          + " of "
                          + dt.numpyName()
                          + ", "
                          + t1.type().dtype().numpyName()
                          + " and "
                          + t2.type().dtype().numpyName()
                          + " tensors with value="
                          + value
                          + " is not supported yet",
                      "cast the three tensors to one floating-point dtype");
                }
                // As PyTorch's kernel: input + value * tensor1 * tensor2 (or / tensor2).
                Object scaled =
                    Operators.toDouble(value) == 1.0 ? t1 : t.binary("*", value, t1, at);
                return t.binary(
                    "+", x, t.binary(name.equals("addcmul") ? "*" : "/", scaled, t2, at), at);
              });
    }
    r.def("lerp(Tensor input, Tensor end, Tensor|Scalar weight) -> Tensor")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              SymTensor end = a.tensor("end");
              Object w = a.raw("weight");
              DType dt = x.type().dtype();
              if (!dt.isFloat()) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "\"lerp_kernel_"
                        + (Operators.isTensorLike(w) ? "tensor" : "scalar")
                        + "\" not implemented for '"
                        + scalarName(dt)
                        + "'");
              }
              if (end.type().dtype() != dt) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "expected dtype "
                        + dt.numpyName()
                        + " for `end` but got dtype "
                        + end.type().dtype().numpyName());
              }
              SymTensor diff = (SymTensor) t.binary("-", end, x, at);
              if (!Operators.isTensorLike(w)) {
                // PyTorch's two forms, exact at weight 0 and weight 1.
                double weight = Operators.toDouble(w);
                return Math.abs(weight) < 0.5
                    ? t.binary("+", x, t.binary("*", weight, diff, at), at)
                    : t.binary("-", end, t.binary("*", diff, 1.0 - weight, at), at);
              }
              SymTensor wt = t.tensor(w, at);
              if (wt.type().dtype() != dt) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "expected dtype "
                        + dt.numpyName()
                        + " for `weight` but got dtype "
                        + wt.type().dtype().numpyName());
              }
              Object low = t.binary("+", x, t.binary("*", wt, diff, at), at);
              Object high =
                  t.binary("-", end, t.binary("*", diff, t.binary("-", 1.0, wt, at), at), at);
              SymTensor small =
                  (SymTensor) t.compare("<", t.op("abs", List.of(wt), Map.of(), at), 0.5, at);
              return TensorFunctions.where(t, small, low, high, at);
            });
  }

  /** beta * input + alpha * (m1 @ m2), input broadcast to {@code shape}, as addmm/baddbmm. */
  private static Object addProduct(
      TorchLib t, BoundArgs a, String fn, SymTensor m1, SymTensor m2, long[] shape, Span at) {
    SymTensor x = a.tensor("input");
    DType dt = m1.type().dtype();
    if (m2.type().dtype() != dt) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "expected scalar type " + scalarName(dt) + " but found " + scalarName(m2.type().dtype()));
    }
    if (x.type().dtype() != dt) {
      throw Interpreter.error(Code.DN0202, at, "self and mat2 must have the same dtype");
    }
    if (!dt.isFloat()) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          fn + " of " + dt.numpyName() + " tensors is not supported yet",
          "cast the tensors with .float() first");
    }
    long[] target = expandedShape(x.type(), shape, at);
    double alpha = a.real("alpha");
    double beta = a.real("beta");
    Object product = t.matmul(m1, m2, at);
    if (alpha != 1.0) {
      product = t.binary("*", product, alpha, at);
    }
    if (beta == 0.0) {
      return product;
    }
    Object input = TensorFunctions.expand(t, x, target, at);
    if (beta != 1.0) {
      input = t.binary("*", input, beta, at);
    }
    return t.binary("+", input, product, at);
  }

  private static void vector(String fn, SymTensor x, String name, Span at) {
    if (x.type().rank() != 1) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          fn + ": Expected 1-D argument " + name + ", but got " + x.type().rank() + "-D");
    }
  }

  private static void sameDtype(SymTensor x, SymTensor y, Span at) {
    if (x.type().dtype() != y.type().dtype()) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "expected scalar type "
              + scalarName(x.type().dtype())
              + " but found "
              + scalarName(y.type().dtype()));
    }
  }

  private static void notBool(String fn, SymTensor x, Span at) {
    if (x.type().dtype() == DType.BOOL) {
      throw Interpreter.error(Code.DN0202, at, "\"" + fn + "\" not implemented for 'Bool'");
    }
  }

  /** The name PyTorch's C++ messages give a dtype (Float, Long, ...). */
  static String scalarName(DType dt) {
    return switch (dt.numpyName()) {
      case "float32" -> "Float";
      case "float64" -> "Double";
      case "float16" -> "Half";
      case "int64" -> "Long";
      case "int32" -> "Int";
      case "int16" -> "Short";
      case "int8" -> "Char";
      case "uint8" -> "Byte";
      case "bool" -> "Bool";
      default -> dt.numpyName();
    };
  }

  // ------------------------------------------------------------------------------------------
  // remainder, fmod, floor_divide, round, tan, exp2, nan_to_num

  private static void arithmetic(TorchRegistry r) {
    String divNote =
        "an integer division by zero raises ZeroDivisionError, as in PyTorch; an infinite float"
            + " divisor"
            + " gives NaN";
    r.def("remainder(Tensor|Scalar input, Tensor|Scalar other) -> Tensor")
        .in(TORCH)
        .note("the sign of the divisor, as a - b * floor(a / b); " + divNote)
        .to((t, a, at) -> division(t, "remainder", a, at));
    r.def("remainder(Tensor input, Tensor|Scalar other) -> Tensor")
        .in(TENSOR)
        .note("the sign of the divisor, as a - b * floor(a / b); " + divNote)
        .to((t, a, at) -> division(t, "remainder", a, at));
    r.def("fmod(Tensor input, Tensor|Scalar other) -> Tensor")
        .in(TORCH, TENSOR)
        .note("the sign of the dividend; " + divNote)
        .to((t, a, at) -> division(t, "fmod", a, at));
    r.def("floor_divide(Tensor input, Tensor|Scalar other) -> Tensor")
        .in(TORCH, TENSOR)
        .note("rounds toward negative infinity; " + divNote)
        .to((t, a, at) -> division(t, "floor_divide", a, at));
    r.def("round(Tensor input, *, int decimals=0) -> Tensor")
        .in(TORCH, TENSOR)
        .note("halves to even")
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              long decimals = a.integer("decimals");
              DType dt = x.type().dtype();
              if (!dt.isFloat()) {
                if (dt == DType.BOOL || decimals != 0) {
                  throw Interpreter.error(
                      Code.DN0202,
                      at,
                      "\"round"
                          + (dt == DType.BOOL ? "_vml" : "")
                          + "_cpu\" not implemented for '"
                          + scalarName(dt)
                          + "'");
                }
                return x;
              }
              if (decimals == 0) {
                return roundHalfEven(t, x, at);
              }
              // As PyTorch: round(x * 10^d) / 10^d, or round(x / 10^-d) * 10^-d.
              double scale = Math.pow(10, Math.abs(decimals));
              boolean up = decimals > 0;
              SymTensor scaled = (SymTensor) t.binary(up ? "*" : "/", x, scale, at);
              return t.binary(up ? "/" : "*", roundHalfEven(t, scaled, at), scale, at);
            });
    r.def("tan(Tensor input) -> Tensor")
        .in(TORCH, TENSOR)
        .note("as sin(x) / cos(x)")
        .to(
            (t, a, at) -> {
              SymTensor x = toFloat(t, a.tensor("input"), at);
              return t.binary(
                  "/",
                  t.op("sin", List.of(x), Map.of(), at),
                  t.op("cos", List.of(x), Map.of(), at),
                  at);
            });
    r.def("exp2(Tensor input) -> Tensor")
        .in(TORCH, TENSOR)
        .note("as 2 ** x")
        .to((t, a, at) -> t.binary("**", 2.0, toFloat(t, a.tensor("input"), at), at));
    r.def(
            "nan_to_num(Tensor input, float? nan=0.0, float? posinf=None, float? neginf=None) ->"
                + " Tensor")
        .in(TORCH, TENSOR)
        .to(
            (t, a, at) -> {
              SymTensor x = a.tensor("input");
              DType dt = x.type().dtype();
              if (!dt.isFloat()) {
                return x;
              }
              double largest = dt == DType.F64 ? Double.MAX_VALUE : Float.MAX_VALUE;
              double nan = a.isNone("nan") ? 0.0 : a.real("nan");
              double pos = a.isNone("posinf") ? largest : a.real("posinf");
              double neg = a.isNone("neginf") ? -largest : a.real("neginf");
              Object out =
                  TensorFunctions.where(
                      t, (SymTensor) t.compare("==", x, Double.POSITIVE_INFINITY, at), pos, x, at);
              out =
                  TensorFunctions.where(
                      t,
                      (SymTensor) t.compare("==", x, Double.NEGATIVE_INFINITY, at),
                      neg,
                      out,
                      at);
              return TensorFunctions.where(t, (SymTensor) t.compare("!=", x, x, at), nan, out, at);
            });
  }

  /** remainder, fmod or floor_divide of the bound input and other, PyTorch's promotion. */
  private static Object division(TorchLib t, String fn, BoundArgs a, Span at) {
    Object x = a.raw("input");
    Object y = a.raw("other");
    for (Object v : List.of(x, y)) {
      if (Operators.isTensorLike(v) && t.tensor(v, at).type().dtype() == DType.BOOL) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "\""
                + (fn.equals("floor_divide") ? "div_floor" : fn)
                + "_cpu\" not implemented for 'Bool'");
      }
    }
    if (!Operators.isTensorLike(x) && !Operators.isTensorLike(y)) {
      throw Interpreter.error(
          Code.DN0102, at, fn + "() needs a tensor, got two numbers", "use Python's % or //");
    }
    boolean integral =
        !(Operators.isTensorLike(x)
                ? t.tensor(x, at).type().dtype().isFloat()
                : x instanceof Double)
            && !(Operators.isTensorLike(y)
                ? t.tensor(y, at).type().dtype().isFloat()
                : y instanceof Double);
    if (integral && !Operators.isTensorLike(y) && Operators.toDouble(y) == 0) {
      throw Interpreter.error(Code.DN0202, at, "ZeroDivisionError");
    }
    if (fn.equals("floor_divide")) {
      return t.binary("//", x, y, at);
    }
    SymTensor rem = (SymTensor) t.binary("%", x, y, at);
    if (fn.equals("remainder")) {
      return rem;
    }
    // fmod has the sign of the dividend: the floored remainder, less the divisor where the two
    // signs differ.
    SymTensor differ =
        t.op(
            "logical_and",
            List.of(
                (SymTensor) t.compare("!=", rem, 0L, at),
                (SymTensor)
                    t.compare("!=", t.compare("<", rem, 0L, at), t.compare("<", x, 0L, at), at)),
            Map.of(),
            at);
    return TensorFunctions.where(t, differ, t.binary("-", rem, y, at), rem, at);
  }

  /**
   * x rounded to the nearest integer, halves to even: floor(x) plus one where the fraction x -
   * floor(x) (exact) is above one half, or is one half and floor(x) is odd.
   */
  private static SymTensor roundHalfEven(TorchLib t, SymTensor x, Span at) {
    SymTensor fl = t.op("floor", List.of(x), Map.of(), at);
    SymTensor frac = (SymTensor) t.binary("-", x, fl, at);
    SymTensor odd = (SymTensor) t.compare("==", t.binary("%", fl, 2.0, at), 1.0, at);
    SymTensor half = (SymTensor) t.compare("==", frac, 0.5, at);
    SymTensor up =
        t.op(
            "logical_or",
            List.of(
                (SymTensor) t.compare(">", frac, 0.5, at),
                t.op("logical_and", List.of(half, odd), Map.of(), at)),
            Map.of(),
            at);
    return (SymTensor) t.binary("+", fl, t.cast(up, x.type().dtype(), at), at);
  }

  private static SymTensor toFloat(TorchLib t, SymTensor x, Span at) {
    return x.type().dtype().isFloat() ? x : t.cast(x, DType.F32, at);
  }

  // ------------------------------------------------------------------------------------------
  // eye, linspace

  private static void creation(TorchRegistry r) {
    r.def(
            "eye(int n, int? m=None, *, ScalarType? dtype=None, Device? device=None, bool"
                + " requires_grad=False) -> Tensor")
        .in(TORCH)
        .atConstruction()
        .note("in forward, a constant; in __init__ a tensor whose values the checkpoint gives")
        .to(
            (t, a, at) -> {
              long n = a.integer("n");
              long m = a.isNone("m") ? n : a.integer("m");
              for (long d : new long[] {n, m}) {
                if (d < 0) {
                  throw Interpreter.error(
                      Code.DN0202,
                      at,
                      (d == n ? "n" : "m") + " must be greater or equal to 0, got " + d);
                }
                if (d == 0) {
                  throw Interpreter.error(
                      Code.DN0202,
                      at,
                      "torch.eye: size 0 is not supported: compiled tensors have no zero-sized"
                          + " dimensions");
                }
              }
              DType dt = a.dtype("dtype") != null ? a.dtype("dtype") : DType.F32;
              if (t.interpreter().staging == null) {
                return new Values.TensorSlot(TensorType.of(dt, n, m), at, false);
              }
              SymTensor rows = t.reshape(arange(t, 0, 1, n, DType.I64, at), new long[] {n, 1}, at);
              SymTensor cols = t.reshape(arange(t, 0, 1, m, DType.I64, at), new long[] {1, m}, at);
              return t.cast((SymTensor) t.compare("==", rows, cols, at), dt, at);
            });
    r.def(
            "linspace(Scalar start, Scalar end, int steps, *, ScalarType? dtype=None, Device?"
                + " device=None, bool requires_grad=False) -> Tensor")
        .in(TORCH)
        .atConstruction()
        .note(
            "floating-point dtypes; in forward, a constant; in __init__ a tensor whose values"
                + " the checkpoint gives")
        .to(
            (t, a, at) -> {
              long steps = a.integer("steps");
              if (steps < 0) {
                throw Interpreter.error(Code.DN0202, at, "number of steps must be non-negative");
              }
              if (steps == 0) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "torch.linspace: 0 steps is not supported: compiled tensors have no"
                        + " zero-sized dimensions");
              }
              DType dt = a.dtype("dtype") != null ? a.dtype("dtype") : DType.F32;
              if (!dt.isFloat()) {
                throw Interpreter.error(
                    Code.DN0201,
                    at,
                    "torch.linspace with dtype " + dt.numpyName() + " is not supported yet",
                    "make it in floating point and cast the result");
              }
              if (t.interpreter().staging == null) {
                return new Values.TensorSlot(TensorType.of(dt, steps), at, false);
              }
              double start = a.real("start");
              double end = a.real("end");
              double step = steps == 1 ? 0 : (end - start) / (steps - 1);
              return arange(t, start, step, steps, dt, at);
            });
  }

  /** start, start + step, ... (n values) of dtype dt; a constant of the compiled code. */
  static SymTensor arange(TorchLib t, double start, double step, long n, DType dt, Span at) {
    return (SymTensor)
        t.staging(at)
            .emit(
                "arange",
                List.of(),
                List.of(),
                Map.of("start", Attr.of(start), "step", Attr.of(step)),
                TensorType.of(dt, n),
                at);
  }

  private static long[] toArray(List<Long> xs) {
    return xs.stream().mapToLong(Long::longValue).toArray();
  }
}
