package dev.dynnc.frontend.eval;

import com.google.common.collect.ImmutableList;
import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.*;
import dev.dynnc.ir.Span;
import dev.dynnc.semantics.PyFloat;
import dev.dynnc.semantics.PyScalar;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Python operators on static values; anything involving a tensor goes to {@link TorchLib}. */
final class Operators {
  private Operators() {}

  static final Object ELLIPSIS =
      new Object() {
        @Override
        public String toString() {
          return "Ellipsis";
        }
      };

  /** A slice value {@code lower:upper:step}; absent parts are {@link Values#NONE}. */
  record SliceValue(Object lower, Object upper, Object step) {}

  /** IR op of a Python binary or comparison operator; empty for operators without one. */
  static java.util.Optional<String> irOp(String op) {
    return java.util.Optional.ofNullable(
        switch (op) {
          case "+" -> "add";
          case "-" -> "sub";
          case "*" -> "mul";
          case "/" -> "div";
          case "//" -> "floor_div";
          case "%" -> "mod";
          case "**" -> "pow";
          case "&" -> "logical_and";
          case "|" -> "logical_or";
          case "<" -> "lt";
          case "<=" -> "le";
          case ">" -> "gt";
          case ">=" -> "ge";
          case "==" -> "eq";
          case "!=" -> "ne";
          default -> null;
        });
  }

  static boolean isTensorLike(Object v) {
    return v instanceof SymTensor || v instanceof TensorSlot;
  }

  static Object binary(Interpreter in, String op, Object a, Object b, Span at) {
    // Text made from run-time values stays such text: "exit " + str(k), "k=%d" % k (to print)
    boolean textA = Builtins.isRunTimeText(a);
    boolean textB = Builtins.isRunTimeText(b);
    if (op.equals("+")
        && (textA || textB)
        && (textA || a instanceof String)
        && (textB || b instanceof String)) {
      return Builtins.runTimeText("'...' + '...'", at);
    }
    if (op.equals("%") && a instanceof String && Builtins.hasRunTimeValue(b)) {
      return Builtins.runTimeText("'...' % ...", at);
    }
    Object selected = in.torch.masked.binary(op, a, b, false, at);
    if (selected != null) {
      return selected;
    }
    Signals.use(a, at);
    Signals.use(b, at);

    if (isTensorLike(a) || isTensorLike(b)) {
      return in.torch.binary(op, a, b, at);
    }
    if (a instanceof HostScalar || b instanceof HostScalar) {
      return in.requireStaging(at).hostBinary(in, op, a, b, at);
    }
    if (a instanceof Boolean x) {
      a = x ? 1L : 0L;
    }
    if (b instanceof Boolean x) {
      b = x ? 1L : 0L;
    }
    if (a instanceof Long x && b instanceof Long y) {
      return intOp(op, x, y, at);
    }
    if (a instanceof Number x && b instanceof Number y) {
      return floatOp(op, x.doubleValue(), y.doubleValue(), at);
    }
    if (op.equals("+")) {
      if (a instanceof String x && b instanceof String y) {
        in.budget.chars((long) x.length() + y.length(), at);
        return x + y;
      }
      if (a instanceof PyList x && b instanceof PyList y) {
        in.budget.slots((long) x.items.size() + y.items.size(), at);
        List<Object> out = new ArrayList<>(x.items);
        out.addAll(y.items);
        return new PyList(out);
      }
      if (a instanceof PyTuple x && b instanceof PyTuple y) {
        in.budget.slots((long) x.items().size() + y.items().size(), at);
        return new PyTuple(ImmutableList.builder().addAll(x.items()).addAll(y.items()).build());
      }
    }
    if (op.equals("*")) {
      if (b instanceof Long n
          && (a instanceof String || a instanceof PyList || a instanceof PyTuple)) {
        return repeat(in, a, n, at);
      }
      if (a instanceof Long n
          && (b instanceof String || b instanceof PyList || b instanceof PyTuple)) {
        return repeat(in, b, n, at);
      }
    }
    if (op.equals("%") && a instanceof String fmt) {
      return Builtins.percentFormat(in, fmt, b, at);
    }
    throw Interpreter.error(
        Code.DN0102,
        at,
        "unsupported operand types for "
            + op
            + ": '"
            + Builtins.typeName(a)
            + "' and '"
            + Builtins.typeName(b)
            + "'");
  }

  /** {@code seq * n}, charged to the budget at its full size before anything is built. */
  private static Object repeat(Interpreter in, Object seq, long n, Span at) {
    long len =
        seq instanceof String s
            ? s.length()
            : seq instanceof PyList l ? l.items.size() : ((PyTuple) seq).items().size();
    long count =
        len == 0 ? 0 : Math.max(0, n); // an empty sequence repeated any number of times is empty
    long total = EvalBudget.times(len, count);
    if (seq instanceof String s) {
      in.budget.chars(total, at);
      return s.repeat((int) count);
    }
    in.budget.slots(total, at);
    List<Object> items = seq instanceof PyList l ? l.items : ((PyTuple) seq).items();
    List<Object> out =
        new ArrayList<>((int) total); // fits: the budget admits far fewer than 2^31 slots
    if (items.size() == 1) {
      out.addAll(
          java.util.Collections.nCopies(
              (int) count, items.get(0))); // [0] * n, the common case, in one fill
    } else {
      for (long i = 0; i < count; i++) {
        out.addAll(items);
      }
    }
    return seq instanceof PyList ? new PyList(out) : new PyTuple(ImmutableList.copyOf(out));
  }

  /**
   * Python int arithmetic on 64 bits; a result that needs more is a diagnostic, never a wrapped
   * value.
   */
  private static Object intOp(String op, long x, long y, Span at) {
    try {
      return exactIntOp(op, x, y, at);
    } catch (ArithmeticException e) {
      throw Interpreter.error(
          Code.DN0108,
          at,
          "integer overflow: " + x + " " + op + " " + y + " does not fit in 64 bits",
          "dynnc evaluates Python ints as 64-bit integers");
    }
  }

  /**
   * A 64-bit int result of {@code f} (one of {@link PyScalar}'s exact operations), or a located
   * diagnostic naming {@code what} when Python's result would need more bits.
   */
  static long exact(java.util.function.LongSupplier f, String what, Span at) {
    try {
      return f.getAsLong();
    } catch (ArithmeticException e) {
      throw Interpreter.error(
          Code.DN0108,
          at,
          what + " does not fit in 64 bits",
          "dynnc evaluates Python ints as 64-bit integers");
    }
  }

  /**
   * The divisor {@code y} of {@code op}, or Python's ZeroDivisionError ("{kind}division by zero").
   */
  private static <T extends Number> T nonZero(String op, T y, String kind, Span at) {
    if (y.doubleValue() == 0) {
      throw Interpreter.error(
          Code.DN0108, at, kind + (op.equals("%") ? "modulo" : "division") + " by zero");
    }
    return y;
  }

  private static Object exactIntOp(String op, long x, long y, Span at) {
    switch (op) {
      case "+":
        return PyScalar.add(x, y);
      case "-":
        return PyScalar.sub(x, y);
      case "*":
        return PyScalar.mul(x, y);
      case "/":
        return PyScalar.div(x, nonZero(op, y, "", at));
      case "//":
        return PyScalar.floorDiv(x, nonZero(op, y, "integer ", at));
      case "%":
        return PyScalar.mod(x, nonZero(op, y, "integer ", at));
      case "**":
        if (y < 0) {
          if (x == 0) {
            throw Interpreter.error(Code.DN0108, at, "0.0 cannot be raised to a negative power");
          }
          return PyScalar.truePow(x, y);
        }
        return PyScalar.pow(x, y);
      case "<<":
        if (y < 0) {
          throw Interpreter.error(Code.DN0108, at, "negative shift count");
        }
        if (y >= 64 || (x << y) >> y != x) {
          throw new ArithmeticException("shift overflow");
        }
        return x << y;
      case ">>":
        if (y < 0) {
          throw Interpreter.error(Code.DN0108, at, "negative shift count");
        }
        return x >> Math.min(y, 63);
      case "&":
        return x & y;
      case "|":
        return x | y;
      case "^":
        return x ^ y;
      default:
        throw Interpreter.error(Code.DN0102, at, "unsupported operator " + op + " on ints");
    }
  }

  private static Object floatOp(String op, double x, double y, Span at) {
    switch (op) {
      case "+":
        return x + y;
      case "-":
        return x - y;
      case "*":
        return x * y;
      case "/":
        return x / nonZero(op, y, "float ", at);
      case "//":
        return PyFloat.floorDiv(x, nonZero(op, y, "float floor ", at));
      case "%":
        return PyFloat.mod(x, nonZero(op, y, "float ", at));
      case "**":
        try {
          return PyFloat.pow(x, y);
        } catch (ArithmeticException e) {
          throw Interpreter.error(Code.DN0108, at, e.getMessage());
        }
      default:
        throw Interpreter.error(Code.DN0102, at, "unsupported operator " + op + " on floats");
    }
  }

  static Object unary(Interpreter in, String op, Object v, Span at) {
    MaskedSelections.Selection sel = in.torch.masked.of(v);
    if (sel != null && !op.equals("not")) {
      return in.torch.masked.unary(op, sel, at);
    }
    Signals.use(v, at);

    if (isTensorLike(v)) {
      return in.torch.unary(op, v, at);
    }
    if (v instanceof HostScalar h) {
      if (op.equals("+")) {
        return v;
      }
      if (op.equals("~") && h.type().dtype().isFloat()) {
        throw Interpreter.error(Code.DN0102, at, "bad operand type for unary ~: 'float'");
      }
      // ~k is -1 - k on Python's ints (and bools: ~True == -2).
      return in.requireStaging(at).hostBinary(in, "-", op.equals("~") ? -1L : 0L, v, at);
    }
    if (v instanceof Boolean b) {
      v = b ? 1L : 0L;
    }
    if (v instanceof Long l) {
      return switch (op) {
        case "-" -> exact(() -> PyScalar.neg(l), "-(" + l + ")", at);
        case "+" -> l;
        default -> ~l;
      };
    }
    if (v instanceof Double d && !op.equals("~")) {
      return op.equals("-") ? -d : d;
    }
    throw Interpreter.error(
        Code.DN0102, at, "bad operand type for unary " + op + ": '" + Builtins.typeName(v) + "'");
  }

  static Object compare(Interpreter in, String op, Object a, Object b, Span at) {
    if (op.equals("is") || op.equals("is not")) {
      // Identity needs no value: `x is None` is fine on a value from a library dynnc does not
      // model.
      for (Object v : new Object[] {a, b}) {
        if (!(v instanceof Values.Opaque)) {
          Signals.use(v, at);
        }
      }
      boolean same = a == b || (a instanceof Boolean && a.equals(b));
      return op.equals("is") == same;
    }
    if (!op.equals("in") && !op.equals("not in")) {
      Object selected = in.torch.masked.binary(op, a, b, true, at);
      if (selected != null) {
        return selected;
      }
    }
    Signals.use(a, at);
    Signals.use(b, at);

    if (op.equals("in") || op.equals("not in")) {
      Object found = contains(in, b, a, at);
      if (found instanceof Boolean f) {
        return op.equals("in") == f;
      }
      return op.equals("in") ? found : in.requireStaging(at).not(in, found, at);
    }
    if (isTensorLike(a) || isTensorLike(b)) {
      return in.torch.compare(op, a, b, at);
    }
    if (a instanceof HostScalar || b instanceof HostScalar) {
      return in.requireStaging(at).hostCompare(in, op, a, b, at);
    }
    if (op.equals("==")) {
      return pyEquals(a, b, in.budget, at);
    }
    if (op.equals("!=")) {
      return !pyEquals(a, b, in.budget, at);
    }
    if (a instanceof String x && b instanceof String y) {
      in.budget.work(Math.min(x.length(), y.length()), at);
    }
    return ordered(op, a, b, at);
  }

  /**
   * Python's {@code <, <=, >, >=}: numbers compare as IEEE values (every comparison with NaN is
   * false), strings by code point, tuples by their first unequal items, then by length.
   */
  private static boolean ordered(String op, Object a, Object b, Span at) {
    if ((a instanceof Number || a instanceof Boolean)
        && (b instanceof Number || b instanceof Boolean)) {
      return PyScalar.compare(irOp(op).orElseThrow(), a, b);
    }
    if (a instanceof String x && b instanceof String y) {
      return holds(op, x.compareTo(y));
    }
    if (a instanceof PyTuple x && b instanceof PyTuple y) {
      for (int i = 0; i < Math.min(x.items().size(), y.items().size()); i++) {
        if (!pyEquals(x.items().get(i), y.items().get(i))) {
          return ordered(op, x.items().get(i), y.items().get(i), at);
        }
      }
      return holds(op, Integer.compare(x.items().size(), y.items().size()));
    }
    throw Interpreter.error(
        Code.DN0102,
        at,
        "cannot order '" + Builtins.typeName(a) + "' and '" + Builtins.typeName(b) + "'");
  }

  private static boolean holds(String op, int c) {
    return switch (op) {
      case "<" -> c < 0;
      case "<=" -> c <= 0;
      case ">" -> c > 0;
      default -> c >= 0;
    };
  }

  /**
   * Python {@code ==} on values whose comparison costs little: numbers, strings, short containers.
   */
  static boolean pyEquals(Object a, Object b) {
    return pyEquals(a, b, null, Span.NONE);
  }

  /** Python {@code ==}, charging every element compared to {@code budget} (unless null). */
  static boolean pyEquals(Object a, Object b, EvalBudget budget, Span at) {
    if (a instanceof Number || a instanceof Boolean) {
      if (b instanceof Number || b instanceof Boolean) {
        return PyScalar.compare("eq", a, b);
      }
      return false;
    }
    if (a instanceof PyList x && b instanceof PyList y) {
      return listEquals(x.items, y.items, budget, at);
    }
    if (a instanceof PyTuple x && b instanceof PyTuple y) {
      return listEquals(x.items(), y.items(), budget, at);
    }
    if (budget != null
        && a instanceof String x
        && b instanceof String y
        && x.length() == y.length()) {
      budget.work(x.length(), at);
    }
    return Objects.equals(a, b) || a == b;
  }

  private static boolean listEquals(List<Object> a, List<Object> b, EvalBudget budget, Span at) {
    if (a.size() != b.size()) {
      return false;
    }
    if (budget != null) {
      budget.work(a.size(), at);
    }
    for (int i = 0; i < a.size(); i++) {
      if (!pyEquals(a.get(i), b.get(i), budget, at)) {
        return false;
      }
    }
    return true;
  }

  static double toDouble(Object v) {
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    return ((Number) v).doubleValue();
  }

  private static boolean numeric(Object v) {
    return Interpreter.isDynamic(v)
        || isTensorLike(v)
        || v instanceof Long
        || v instanceof Double
        || v instanceof Boolean;
  }

  /**
   * {@code item in container}: a Python bool, or a run-time bool where the item or an element is a
   * run-time value ({@code k in (1, 2)} with {@code k = int(t.argmax())}): Python's {@code any(e is
   * item or e == item for e in container)}, with == on the device or the host.
   */
  private static Object contains(Interpreter in, Object container, Object item, Span at) {
    if (container instanceof String s && item instanceof String x) {
      in.budget.work(searchCost(s, x), at);
      return s.contains(x);
    }
    if (container instanceof PyObject o && o.module != null) {
      if (Interpreter.isDynamic(item)) {
        throw Interpreter.error(
            Code.DN0201,
            at,
            "testing whether a run-time value is a key of a module container is not supported");
      }
      return o.module.modules.containsKey(item);
    }
    if (container instanceof PyDict d && !Interpreter.isDynamic(item)) {
      return d.map.containsKey(key(item, at));
    }
    List<Object> items =
        container instanceof PyDict d ? new ArrayList<>(d.map.keySet()) : in.iterate(container, at);
    in.budget.work(items.size(), at);
    List<Object> dynamic = new ArrayList<>();
    for (Object o : items) {
      if (o == item) {
        return true;
      }
      if (Interpreter.isDynamic(o) || Interpreter.isDynamic(item)) {
        if (numeric(o) && numeric(item)) { // a number never equals a string, None, a list...
          dynamic.add(compare(in, "==", item, o, at));
        }
      } else if (pyEquals(o, item, in.budget, at)) {
        return true;
      }
    }
    return dynamic.isEmpty() ? false : Builtins.anyOrAll(in, dynamic, true, at);
  }

  /**
   * The work of finding {@code needle} in {@code haystack}: the JDK's search compares up to the
   * needle's length at every position.
   */
  static long searchCost(String haystack, String needle) {
    return EvalBudget.times(haystack.length() + 1L, Math.max(1, needle.length()));
  }

  static Object and(Interpreter in, Object a, Object b, Span at) {
    if (Interpreter.isDynamic(a) || Interpreter.isDynamic(b)) {
      return in.requireStaging(at).logical(in, "logical_and", a, b, at);
    }
    return in.truthy(a, at) ? b : a;
  }

  static Object or(Interpreter in, Object a, Object b, Span at) {
    if (Interpreter.isDynamic(a) || Interpreter.isDynamic(b)) {
      return in.requireStaging(at).logical(in, "logical_or", a, b, at);
    }
    return in.truthy(a, at) ? a : b;
  }

  /** Normalizes dict keys so 1, 1.0 and True hash alike as in Python. */
  static Object key(Object k, Span at) {
    if (k instanceof HostScalar) {
      // Python hashes the number, known only at run time: a compile-time dict cannot be searched
      throw Interpreter.error(
          Code.DN0201,
          at,
          "a value known only at run time (from .item() or int(tensor)) used as a dict key",
          "keep the values in a list or tuple and index it (values[k]), or branch with if");
    }
    if (k instanceof Boolean b) {
      return b ? 1L : 0L;
    }
    if (k instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
      return d.longValue();
    }
    return k;
  }

  static int index(Object idx, int size, Span at) {
    if (!(idx instanceof Long) && !(idx instanceof Boolean)) {
      throw Interpreter.error(
          Code.DN0102, at, "indices must be integers, not '" + Builtins.typeName(idx) + "'");
    }
    long i = idx instanceof Boolean b ? (b ? 1 : 0) : (Long) idx;
    if (i < 0) {
      i += size;
    }
    if (i < 0 || i >= size) {
      throw Interpreter.error(
          Code.DN0109, at, "index " + idx + " is out of range for length " + size);
    }
    return (int) i;
  }

  /** Resolves a static slice against a length, Python style: start, stop, step. */
  static long[] resolveSlice(SliceValue s, long len, Span at) {
    long step = s.step() == Values.NONE ? 1 : asLong(s.step(), at);
    if (step == 0) {
      throw Interpreter.error(Code.DN0103, at, "slice step cannot be zero");
    }
    long lo = step > 0 ? 0 : len - 1;
    long hi = step > 0 ? len : -1;
    if (s.lower() != Values.NONE) {
      lo = clampIndex(asLong(s.lower(), at), len, step);
    }
    if (s.upper() != Values.NONE) {
      hi = clampIndex(asLong(s.upper(), at), len, step);
    }
    return new long[] {lo, hi, step};
  }

  private static long clampIndex(long i, long len, long step) {
    if (i < 0) {
      i += len;
      if (i < 0) {
        i = step > 0 ? 0 : -1;
      }
    } else if (i >= len) {
      i = step > 0 ? len : len - 1;
    }
    return i;
  }

  /**
   * A float from an int, bool or float argument; anything else is the caller's DN0102 (not a
   * ClassCastException).
   */
  static double asDouble(Object v, Span at) {
    if (v instanceof Number || v instanceof Boolean) {
      return toDouble(v);
    }
    throw Interpreter.error(
        Code.DN0102, at, "expected a number, got '" + Builtins.typeName(v) + "'");
  }

  static long asLong(Object v, Span at) {
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    throw Interpreter.error(Code.DN0102, at, "expected an int, got '" + Builtins.typeName(v) + "'");
  }

  /** The most items of a list or tuple indexed by a run-time int: one branch each. */
  static final int MAX_RUN_TIME_ITEMS = 64;

  static Object subscript(Interpreter in, Object v, Object idx, Span at) {
    Signals.use(v, at);
    Signals.use(idx, at);

    if (isTensorLike(v)) {
      return in.torch.index(v, idx, at);
    }
    if (v instanceof PyDict d) {
      Object k = key(idx, at);
      if (!d.map.containsKey(k) && d.defaultFactory != null) {
        Object made =
            d.defaultFactory == Values.NONE
                ? null
                : in.call(d.defaultFactory, List.of(), java.util.Map.of(), at);
        if (made != null) {
          d.map.put(k, made);
          return made;
        }
      }
      if (!d.map.containsKey(k)) {
        throw Interpreter.error(
            Code.DN0109, at, "key " + Builtins.repr(in, idx) + " is not in the dict");
      }
      return Interpreter.checkPoison(d.map.get(k), "the dict entry " + Builtins.repr(in, idx), at);
    }
    if (v instanceof PyObject o && o.module != null) {
      return in.torch.moduleGetItem(o, idx, at);
    }
    List<Object> items;
    if (v instanceof PyList l) {
      items = l.items;
    } else if (v instanceof PyTuple t) {
      items = t.items();
    } else if (v instanceof String s) {
      items = in.iterate(s, at);
    } else if (v instanceof PyRange r) {
      items = in.iterate(r, at);
    } else {
      throw Interpreter.error(
          Code.DN0102, at, "'" + Builtins.typeName(v) + "' object is not subscriptable");
    }
    if (idx instanceof HostScalar h
        && !items.isEmpty()
        && items.stream().allMatch(x -> x instanceof PyObject o && o.module != null)) {
      return ModuleDispatch.pick(items, h, at); // a plain list of modules, called with it
    }
    if (idx instanceof HostScalar h
        && (v instanceof PyList || v instanceof PyTuple)
        && !items.isEmpty()) {
      // thresholds[k], feats[k]: one branch per item on the run-time index, joined as after an
      // if/elif chain; an index out of range raises at run time (IndexError in Python)
      if (h.type().dtype().isFloat()) {
        throw Interpreter.error(
            Code.DN0102,
            at,
            Builtins.typeName(v) + " indices must be integers or slices, not a run-time float");
      }
      if (items.size() > MAX_RUN_TIME_ITEMS) {
        throw Interpreter.error(
            Code.DN0201,
            at,
            "a "
                + Builtins.typeName(v)
                + " of "
                + items.size()
                + " items indexed by a run-time int (one branch per item; at most "
                + MAX_RUN_TIME_ITEMS
                + ")",
            "keep numbers in a tensor and index that: torch.tensor(values)[k]");
      }
      List<Object> snapshot = List.copyOf(items);
      in.decisions.condition("list index", at, h, true, false);
      return in.requireStaging(at)
          .dynamicChoice(
              in,
              h,
              snapshot.size(),
              i -> Interpreter.checkPoison(snapshot.get(i), "item " + i, at),
              at);
    }
    if (idx instanceof SliceValue s) {
      long[] r = resolveSlice(s, items.size(), at);
      in.budget.slots(
          Math.max(
              0, r[2] > 0 ? (r[1] - r[0] + r[2] - 1) / r[2] : (r[0] - r[1] - r[2] - 1) / -r[2]),
          at);
      List<Object> out = new ArrayList<>();
      for (long i = r[0]; r[2] > 0 ? i < r[1] : i > r[1]; i += r[2]) {
        out.add(items.get((int) i));
      }
      if (v instanceof String) {
        return String.join("", out.stream().map(String.class::cast).toList());
      }
      return v instanceof PyList ? new PyList(out) : new PyTuple(ImmutableList.copyOf(out));
    }
    return Interpreter.checkPoison(items.get(index(idx, items.size(), at)), "item " + idx, at);
  }
}
