package dev.dynnc.frontend.eval;

import com.google.common.collect.ImmutableList;
import dev.dynnc.diag.Code;
import dev.dynnc.frontend.ast.Expr;
import dev.dynnc.frontend.eval.Values.*;
import dev.dynnc.ir.Span;
import dev.dynnc.semantics.DType;
import dev.dynnc.semantics.PyFloat;
import dev.dynnc.semantics.PyScalar;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Python's builtin functions, the math module and methods of str, list and dict. */
final class Builtins {
  private Builtins() {}

  static Map<String, Object> create(Interpreter in) {
    Map<String, Object> b = new HashMap<>();
    def(
        b,
        "range",
        (it, a, kw, at) -> {
          if (a.stream().anyMatch(x -> x instanceof HostScalar)) {
            return runTimeRange(a, at);
          }
          long start = 0;
          long stop;
          long step = 1;
          if (a.size() == 1) {
            stop = intArg(a.get(0), at);
          } else if (a.size() >= 2) {
            start = intArg(a.get(0), at);
            stop = intArg(a.get(1), at);
            if (a.size() > 2) {
              step = intArg(a.get(2), at);
            }
          } else {
            throw Interpreter.error(Code.DN0102, at, "range expected at least 1 argument");
          }
          if (step == 0) {
            throw Interpreter.error(Code.DN0103, at, "range() step must not be zero");
          }
          return new PyRange(start, stop, step);
        });
    def(
        b,
        "len",
        (it, a, kw, at) -> {
          Object v = one(a, "len", at);
          if (v instanceof String s) {
            return (long) s.codePointCount(0, s.length());
          }
          if (v instanceof PyDict d) {
            return (long) d.map.size();
          }
          if (v instanceof PyList l) {
            return (long) l.items.size();
          }
          if (v instanceof PyTuple t) {
            return (long) t.items().size();
          }
          if (v instanceof PyRange r) {
            return r.length();
          }
          if (v instanceof SymTensor || v instanceof TensorSlot) {
            return it.torch.len(v, at);
          }
          if (v instanceof PyObject o && o.cls.lookup("__len__") != null) {
            return Operators.asLong(
                it.call(new BoundMethod(o, o.cls.lookup("__len__")), List.of(), Map.of(), at), at);
          }
          return (long) it.iterate(v, at).size();
        });
    def(
        b,
        "enumerate",
        (it, a, kw, at) -> {
          long start =
              a.size() > 1
                  ? intArg(a.get(1), at)
                  : kw.containsKey("start") ? intArg(kw.get("start"), at) : 0;
          List<Object> items = it.iterate(a.get(0), at);
          it.budget.boxes(items.size(), at);
          List<Object> out = new ArrayList<>();
          for (Object v : items) {
            out.add(PyTuple.of(start++, v));
          }
          return new PyList(out);
        });
    def(
        b,
        "zip",
        (it, a, kw, at) -> {
          List<List<Object>> lists = new ArrayList<>();
          int n = Integer.MAX_VALUE;
          for (Object v : a) {
            List<Object> l = it.iterate(v, at);
            lists.add(l);
            n = Math.min(n, l.size());
          }
          it.budget.boxes(EvalBudget.times(lists.isEmpty() ? 0 : n, lists.size()), at);
          List<Object> out = new ArrayList<>();
          for (int i = 0; i < (lists.isEmpty() ? 0 : n); i++) {
            List<Object> row = new ArrayList<>();
            for (List<Object> l : lists) {
              row.add(l.get(i));
            }
            out.add(new PyTuple(ImmutableList.copyOf(row)));
          }
          return new PyList(out);
        });
    def(
        b,
        "int",
        (it, a, kw, at) -> {
          if (a.isEmpty()) {
            return 0L;
          }
          Object v = a.get(0);
          if (v instanceof Long || v instanceof Boolean) {
            return Operators.asLong(v, at);
          }
          if (v instanceof Double d) {
            return toInt(() -> PyScalar.trunc(d), "int", d, at);
          }
          if (v instanceof String s) {
            it.budget.work(s.length(), at);
            try {
              return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
              throw Interpreter.error(
                  Code.DN0103, at, "invalid literal for int() with base 10: " + repr(it, s));
            }
          }
          if (v instanceof HostScalar h) {
            return it.requireStaging(at).hostCast(it, h, dev.dynnc.semantics.DType.I64, at);
          }
          if (v instanceof SymTensor t) {
            return it.torch.item(t, at);
          }
          if (v instanceof TensorSlot) {
            throw TorchLib.unknownAtConstruction(at);
          }
          throw Interpreter.error(
              Code.DN0102, at, "int() argument must be a number, not '" + typeName(v) + "'");
        });
    def(
        b,
        "float",
        (it, a, kw, at) -> {
          if (a.isEmpty()) {
            return 0.0;
          }
          Object v = a.get(0);
          if (v instanceof Number || v instanceof Boolean) {
            return Operators.asDouble(v, at);
          }
          if (v instanceof String s) {
            it.budget.work(s.length(), at);
            String t = s.trim().toLowerCase();
            if (t.equals("inf") || t.equals("+inf")) {
              return Double.POSITIVE_INFINITY;
            }
            if (t.equals("-inf")) {
              return Double.NEGATIVE_INFINITY;
            }
            if (t.equals("nan")) {
              return Double.NaN;
            }
            try {
              return Double.parseDouble(t);
            } catch (NumberFormatException e) {
              throw Interpreter.error(
                  Code.DN0103, at, "could not convert string to float: " + repr(it, s));
            }
          }
          if (v instanceof HostScalar h) {
            return it.requireStaging(at).hostCast(it, h, dev.dynnc.semantics.DType.F64, at);
          }
          if (v instanceof SymTensor t) {
            return it.torch.item(t, at);
          }
          if (v instanceof TensorSlot) {
            throw TorchLib.unknownAtConstruction(at);
          }
          throw Interpreter.error(
              Code.DN0102, at, "float() argument must be a number, not '" + typeName(v) + "'");
        });
    def(
        b,
        "bool",
        (it, a, kw, at) -> {
          if (a.isEmpty()) {
            return false;
          }
          // bool(t.item()) or bool(t): a run-time bool, as an if statement's test would be
          Object v = it.foldCondition(a.get(0));
          return Interpreter.isDynamic(v)
              ? it.requireStaging(at).toHostBool(it, v, at)
              : it.truthy(v, at);
        });
    def(
        b,
        "str",
        (it, a, kw, at) ->
            a.isEmpty()
                ? ""
                : hasRunTimeValue(a.get(0)) ? runTimeText("str(...)", at) : str(it, a.get(0)));
    def(
        b,
        "repr",
        (it, a, kw, at) -> {
          Object v = one(a, "repr", at);
          return hasRunTimeValue(v) ? runTimeText("repr(...)", at) : repr(it, v);
        });
    def(
        b,
        "list",
        (it, a, kw, at) -> new PyList(a.isEmpty() ? List.of() : it.iterate(a.get(0), at)));
    def(
        b,
        "tuple",
        (it, a, kw, at) ->
            new PyTuple(ImmutableList.copyOf(a.isEmpty() ? List.of() : it.iterate(a.get(0), at))));
    def(
        b,
        "set",
        (it, a, kw, at) -> {
          List<Object> out = new ArrayList<>();
          for (Object o : a.isEmpty() ? List.of() : it.iterate(a.get(0), at)) {
            it.budget.work(out.size(), at);
            if (!out.contains(o)) {
              out.add(o);
            }
          }
          return new PyList(out);
        });
    def(
        b,
        "dict",
        (it, a, kw, at) -> {
          PyDict d = new PyDict();
          if (!a.isEmpty()) {
            if (a.get(0) instanceof PyDict src) {
              it.budget.slots(2L * src.map.size(), at);
              d.map.putAll(src.map);
            } else {
              List<Object> pairs = it.iterate(a.get(0), at);
              it.budget.slots(2L * pairs.size(), at);
              for (Object pair : pairs) {
                List<Object> kv = it.iterate(pair, at);
                if (kv.size() != 2) {
                  throw Interpreter.error(
                      Code.DN0103,
                      at,
                      "dictionary update sequence element has length "
                          + kv.size()
                          + "; 2 is required");
                }
                d.map.put(Operators.key(kv.get(0), at), kv.get(1));
              }
            }
          }
          d.map.putAll(kw);
          return d;
        });
    def(
        b,
        "sum",
        (it, a, kw, at) -> {
          Object acc = a.size() > 1 ? a.get(1) : kw.getOrDefault("start", 0L);
          for (Object v : it.iterate(a.get(0), at)) {
            acc = Operators.binary(it, "+", acc, v, at);
          }
          return acc;
        });
    def(b, "min", (it, a, kw, at) -> extreme(it, a, kw, at, true));
    def(b, "max", (it, a, kw, at) -> extreme(it, a, kw, at, false));
    def(
        b,
        "abs",
        (it, a, kw, at) -> {
          Object v = one(a, "abs", at);
          if (v instanceof Long l) {
            return Operators.exact(() -> PyScalar.abs(l), "abs(" + l + ")", at);
          }
          if (v instanceof Double d) {
            return Math.abs(d);
          }
          if (v instanceof HostScalar h && h.type().dtype() != dev.dynnc.semantics.DType.BOOL) {
            return it.requireStaging(at).hostAbs(it, h, at);
          }
          return it.torch.call("abs", List.of(v), Map.of(), at);
        });
    def(
        b,
        "round",
        (it, a, kw, at) -> {
          Object digits = a.size() > 1 ? a.get(1) : kw.getOrDefault("ndigits", Values.NONE);
          boolean hasDigits = digits != Values.NONE;
          if (a.get(0) instanceof HostScalar || digits instanceof HostScalar) {
            return it.requireStaging(at).hostRound(it, a.get(0), hasDigits ? digits : null, at);
          }
          if (a.get(0) instanceof Long || a.get(0) instanceof Boolean) {
            long x =
                Operators.asLong(a.get(0), at); // round(int) is the int itself, even beyond 2**53
            return !hasDigits
                ? x
                : Operators.exact(
                    () -> PyScalar.round(x, intArg(digits, at)), "round(" + x + ")", at);
          }
          double v = Operators.asDouble(a.get(0), at);
          if (hasDigits) {
            // CPython rounds the float's exact binary value, half to even: round(2.675, 2) is 2.67
            return PyFloat.round(v, intArg(digits, at));
          }
          return toInt(() -> PyScalar.round(v), "round", v, at);
        });
    def(
        b,
        "isinstance",
        (it, a, kw, at) -> {
          Signals.use(a.get(0), at); // an unmodelled library's value: its class is unknown
          return isinstance(it, a.get(0), a.get(1));
        });
    def(
        b,
        "issubclass",
        (it, a, kw, at) ->
            a.get(0) instanceof PyClass c && a.get(1) instanceof PyClass d && c.isSubclassOf(d));
    def(
        b,
        "getattr",
        (it, a, kw, at) -> {
          String name = attrName(a, "getattr", at);
          if (a.size() > 2) {
            try {
              return Attributes.get(it, a.get(0), name, at);
            } catch (dev.dynnc.diag.DiagnosticException e) {
              return a.get(2);
            }
          }
          return Attributes.get(it, a.get(0), name, at);
        });
    def(
        b,
        "setattr",
        (it, a, kw, at) -> {
          Attributes.set(it, a.get(0), attrName(a, "setattr", at), a.get(2), at);
          return Values.NONE;
        });
    def(
        b,
        "hasattr",
        (it, a, kw, at) -> {
          try {
            Attributes.get(it, a.get(0), attrName(a, "hasattr", at), at);
            return true;
          } catch (dev.dynnc.diag.DiagnosticException e) {
            return false;
          }
        });
    def(b, "print", (it, a, kw, at) -> Values.NONE);
    def(b, "sorted", (it, a, kw, at) -> sorted(it, it.iterate(a.get(0), at), kw, at));
    def(
        b,
        "filter",
        (it, a, kw, at) -> {
          List<Object> out = new ArrayList<>();
          for (Object v : it.iterate(a.get(1), at)) {
            if (it.truthy(
                a.get(0) == Values.NONE ? v : it.call(a.get(0), List.of(v), Map.of(), at), at)) {
              out.add(v);
            }
          }
          return new PyList(out);
        });
    def(
        b,
        "callable",
        (it, a, kw, at) -> {
          Object v = one(a, "callable", at);
          return v instanceof PyFunction
              || v instanceof Builtin
              || v instanceof BoundMethod
              || v instanceof PyClass
              || v instanceof NamedTupleType
              || v instanceof Opaque
              || v instanceof PyObject o && (o.module != null || o.cls.lookup("__call__") != null);
        });
    def(b, "vars", (it, a, kw, at) -> Attributes.get(it, one(a, "vars", at), "__dict__", at));
    // An iterator is a fresh list that next() consumes from the front:
    // next(iter(self.parameters())).
    def(b, "iter", (it, a, kw, at) -> new PyList(it.iterate(one(a, "iter", at), at)));
    def(
        b,
        "next",
        (it, a, kw, at) -> {
          PyList l = Args.as(PyList.class, "next", a.get(0), at);
          if (l.items.isEmpty()) {
            if (a.size() > 1) {
              return a.get(1);
            }
            throw Interpreter.error(
                Code.DN0109, at, "next() of an exhausted iterator (StopIteration)");
          }
          it.budget.work(l.items.size(), at);
          return l.items.remove(0);
        });
    def(
        b,
        "ord",
        (it, a, kw, at) -> {
          String s = Args.as(String.class, "ord", one(a, "ord", at), at);
          if (s.codePointCount(0, s.length()) != 1) {
            throw Interpreter.error(
                Code.DN0102,
                at,
                "ord() expected a character, but string of length " + s.length() + " found");
          }
          return (long) s.codePointAt(0);
        });
    def(
        b,
        "chr",
        (it, a, kw, at) -> {
          long c = intArg(one(a, "chr", at), at);
          if (c < 0 || c > Character.MAX_CODE_POINT) {
            throw Interpreter.error(Code.DN0103, at, "chr() arg not in range(0x110000)");
          }
          return new String(Character.toChars((int) c));
        });
    def(
        b,
        "reversed",
        (it, a, kw, at) -> {
          List<Object> l = new ArrayList<>(it.iterate(a.get(0), at));
          Collections.reverse(l);
          return new PyList(l);
        });
    def(b, "any", (it, a, kw, at) -> anyOrAll(it, it.iterate(a.get(0), at), true, at));
    def(b, "all", (it, a, kw, at) -> anyOrAll(it, it.iterate(a.get(0), at), false, at));
    def(
        b,
        "map",
        (it, a, kw, at) -> {
          a.get(1); // map() needs at least one iterable
          List<List<Object>> lists = new ArrayList<>();
          int n = Integer.MAX_VALUE;
          for (Object v : a.subList(1, a.size())) {
            lists.add(it.iterate(v, at));
            n = Math.min(n, lists.get(lists.size() - 1).size());
          }
          it.budget.slots(n, at);
          List<Object> out = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            List<Object> args = new ArrayList<>();
            for (List<Object> l : lists) {
              args.add(l.get(i));
            }
            out.add(it.call(a.get(0), args, Map.of(), at));
          }
          return new PyList(out);
        });
    def(
        b,
        "super",
        (it, a, kw, at) -> {
          if (a.size() != 2 || !(a.get(0) instanceof PyClass c)) {
            throw Interpreter.error(Code.DN0102, at, "super() takes a class and an instance");
          }
          return new Super(c, a.get(1));
        });
    def(
        b,
        "object",
        (it, a, kw, at) -> new PyObject(new PyClass("object", "object", List.of(), null)));
    def(
        b,
        "type",
        (it, a, kw, at) -> {
          Object v = one(a, "type", at);
          if (v instanceof PyObject o) {
            return o.cls;
          }
          if (v instanceof PyDict d && d.cls != null) {
            return d.cls;
          }
          if (v instanceof PyTuple t && t.fields() != null) {
            return t.fields();
          }
          if (v instanceof HostScalar h) { // the class of the Python number it will be
            DType d = h.type().dtype();
            return it.builtins.get(d == DType.BOOL ? "bool" : d.isFloat() ? "float" : "int");
          }
          // `type(x) is int`: the class of a builtin value is the builtin itself.
          Object cls =
              switch (typeName(v)) {
                case "int", "float", "bool", "str", "list", "tuple", "dict", "range" ->
                    it.builtins.get(typeName(v));
                case "Tensor" -> it.torch.libraryModule("torch").attrs.get("Tensor");
                default -> null;
              };
          return cls != null ? cls : typeName(v);
        });
    def(b, "id", (it, a, kw, at) -> (long) System.identityHashCode(a.get(0)));
    def(b, "pow", (it, a, kw, at) -> Operators.binary(it, "**", a.get(0), a.get(1), at));
    def(
        b,
        "divmod",
        (it, a, kw, at) ->
            PyTuple.of(
                Operators.binary(it, "//", a.get(0), a.get(1), at),
                Operators.binary(it, "%", a.get(0), a.get(1), at)));
    for (String exc : PyLibrary.EXCEPTIONS.keySet()) {
      // An exception value is its message as CPython prints it; only 'raise' looks at it.
      def(
          b,
          exc,
          (it, a, kw, at) ->
              exc
                  + (a.isEmpty()
                      ? ""
                      : ": "
                          + (hasRunTimeValue(a.get(0))
                              ? "(a message made from values known only at run time)"
                              : str(it, a.get(0)))));
    }
    b.put("NotImplemented", Values.NONE);
    for (String name :
        List.of(
            "print",
            "isinstance",
            "issubclass",
            "getattr",
            "hasattr",
            "setattr",
            "id",
            "callable")) {
      in.opaqueTolerant.add((Builtin) b.get(name));
    }
    return b;
  }

  static Map<String, Object> mathModule() {
    Map<String, Object> m = new HashMap<>();
    m.put("pi", Math.PI);
    m.put("e", Math.E);
    m.put("inf", Double.POSITIVE_INFINITY);
    m.put("nan", Double.NaN);
    math(m, "sqrt", PyFloat::sqrt);
    math(m, "exp", PyFloat::exp);
    math(m, "log2", PyFloat::log2);
    math(m, "log10", PyFloat::log10);
    math(m, "sin", PyFloat::sin);
    math(m, "cos", PyFloat::cos);
    math(m, "tanh", PyFloat::tanh);
    math(m, "fabs", Math::abs);
    def(
        m,
        "log",
        (it, a, kw, at) -> {
          Object x = one(a.subList(0, Math.min(1, a.size())), "log", at);
          Object lx = mathOf(it, "log", PyFloat::log, x, at);
          if (a.size() < 2) {
            return lx;
          }
          Object lb = mathOf(it, "log", PyFloat::log, a.get(1), at);
          if (lb instanceof Double d && d == 0.0) {
            throw Interpreter.error(Code.DN0108, at, "float division by zero");
          }
          return Operators.binary(it, "/", lx, lb, at);
        });
    m.put("tau", 2 * Math.PI);
    math(m, "tan", PyFloat::tan);
    math(m, "asin", PyFloat::asin);
    math(m, "acos", PyFloat::acos);
    math(m, "atan", PyFloat::atan);
    math(m, "sinh", PyFloat::sinh);
    math(m, "cosh", PyFloat::cosh);
    math(m, "log1p", PyFloat::log1p);
    math(m, "expm1", PyFloat::expm1);
    math(m, "degrees", Math::toDegrees);
    math(m, "radians", Math::toRadians);
    def(
        m,
        "atan2",
        (it, a, kw, at) ->
            Math.atan2(Operators.asDouble(a.get(0), at), Operators.asDouble(a.get(1), at)));
    def(
        m,
        "hypot",
        (it, a, kw, at) ->
            Math.hypot(Operators.asDouble(a.get(0), at), Operators.asDouble(a.get(1), at)));
    def(
        m,
        "copysign",
        (it, a, kw, at) ->
            Math.copySign(Operators.asDouble(a.get(0), at), Operators.asDouble(a.get(1), at)));
    for (String f : List.of("isnan", "isinf", "isfinite")) {
      def(
          m,
          f,
          (it, a, kw, at) -> {
            Object v = one(a, f, at);
            if (v instanceof HostScalar h) {
              // ints are finite; a float: x != x, abs(x) == inf, abs(x) < inf
              if (!h.type().dtype().isFloat()) {
                return f.equals("isfinite");
              }
              Staging st = it.requireStaging(at);
              return f.equals("isnan")
                  ? st.hostCompare(it, "!=", h, h, at)
                  : st.hostCompare(
                      it,
                      f.equals("isinf") ? "==" : "<",
                      st.hostAbs(it, h, at),
                      Double.POSITIVE_INFINITY,
                      at);
            }
            double x = Operators.asDouble(v, at);
            return f.equals("isnan")
                ? Double.isNaN(x)
                : f.equals("isinf") ? Double.isInfinite(x) : Double.isFinite(x);
          });
    }
    for (String f : List.of("floor", "ceil", "trunc")) {
      def(
          m,
          f,
          (it, a, kw, at) -> {
            if (a.get(0) instanceof Long || a.get(0) instanceof Boolean) {
              return Operators.asLong(a.get(0), at);
            }
            if (a.get(0) instanceof HostScalar h) {
              return it.requireStaging(at).hostMath(it, f, h, at);
            }
            double v = Operators.asDouble(a.get(0), at);
            double r =
                f.equals("floor")
                    ? Math.floor(v)
                    : f.equals("ceil") ? Math.ceil(v) : v < 0 ? Math.ceil(v) : Math.floor(v);
            return toInt(() -> PyScalar.trunc(r), "math." + f, v, at);
          });
    }
    def(
        m,
        "pow",
        (it, a, kw, at) ->
            Math.pow(Operators.asDouble(a.get(0), at), Operators.asDouble(a.get(1), at)));
    def(
        m,
        "isclose",
        (it, a, kw, at) -> {
          double x = Operators.asDouble(a.get(0), at);
          double y = Operators.asDouble(a.get(1), at);
          double rel = Operators.asDouble(kw.getOrDefault("rel_tol", 1e-9), at);
          double abs = Operators.asDouble(kw.getOrDefault("abs_tol", 0.0), at);
          return x == y
              || Double.isFinite(x)
                  && Double.isFinite(y)
                  && Math.abs(x - y) <= Math.max(rel * Math.max(Math.abs(x), Math.abs(y)), abs);
        });
    def(
        m,
        "factorial",
        (it, a, kw, at) -> {
          long n = intArg(a.get(0), at);
          if (n < 0) {
            throw Interpreter.error(Code.DN0103, at, "factorial() not defined for negative values");
          }
          long r = 1;
          for (long i = 2; i <= n; i++) {
            long k = i;
            long acc = r;
            r = Operators.exact(() -> Math.multiplyExact(acc, k), "math.factorial(" + n + ")", at);
          }
          return r;
        });
    def(
        m,
        "comb",
        (it, a, kw, at) -> {
          long n = intArg(a.get(0), at);
          long k = intArg(a.get(1), at);
          if (n < 0 || k < 0) {
            throw Interpreter.error(Code.DN0103, at, "n and k must be non-negative integers");
          }
          java.math.BigInteger r = java.math.BigInteger.ONE;
          for (long i = 0; i < Math.min(k, n - k) && k <= n; i++) {
            it.budget.work(1, at);
            r =
                r.multiply(java.math.BigInteger.valueOf(n - i))
                    .divide(java.math.BigInteger.valueOf(i + 1));
          }
          if (k > n) {
            return 0L;
          }
          if (r.bitLength() > 63) {
            throw Interpreter.error(
                Code.DN0108, at, "math.comb(" + n + ", " + k + ") does not fit in 64 bits");
          }
          return r.longValue();
        });
    def(
        m,
        "prod",
        (it, a, kw, at) -> {
          Object acc = 1L;
          for (Object v : it.iterate(a.get(0), at)) {
            acc = Operators.binary(it, "*", acc, v, at);
          }
          return acc;
        });
    def(
        m,
        "gcd",
        (it, a, kw, at) ->
            java.math.BigInteger.valueOf(intArg(a.get(0), at))
                .gcd(java.math.BigInteger.valueOf(intArg(a.get(1), at)))
                .longValue());
    return m;
  }

  /** A math function of one float, raising CPython's errors ({@link PyFloat}). */
  @FunctionalInterface
  interface FloatFunction {
    double apply(double x) throws ArithmeticException;
  }

  private static void math(Map<String, Object> m, String name, FloatFunction f) {
    def(m, name, (it, a, kw, at) -> mathOf(it, name, f, one(a, name, at), at));
  }

  /**
   * {@code math.<name>(v)}: of a number, computed now (CPython's domain and range errors are DN0108
   * here); of a run-time scalar, a host op that computes and checks it at run time.
   */
  private static Object mathOf(Interpreter it, String name, FloatFunction f, Object v, Span at) {
    if (v instanceof HostScalar h) {
      Staging st = it.requireStaging(at);
      if (name.equals("fabs")) {
        return st.hostAbs(it, st.hostCast(it, h, dev.dynnc.semantics.DType.F64, at), at);
      }
      if (name.equals("degrees") || name.equals("radians")) {
        return st.hostBinary(
            it,
            "*",
            st.hostCast(it, h, dev.dynnc.semantics.DType.F64, at),
            name.equals("degrees") ? 180.0 / Math.PI : Math.PI / 180.0,
            at);
      }
      return st.hostMath(it, name, h, at);
    }
    if (!(v instanceof Number) && !(v instanceof Boolean)) {
      throw Interpreter.error(
          Code.DN0102,
          at,
          "math." + name + "() needs a number, got '" + typeName(v) + "'",
          "use torch." + name + " for tensors");
    }
    try {
      return f.apply(Operators.asDouble(v, at));
    } catch (ArithmeticException e) {
      throw Interpreter.error(Code.DN0108, at, "math." + name + ": " + e.getMessage());
    }
  }

  private static String attrName(List<Object> a, String fn, Span at) {
    if (a.size() < 2) {
      throw Interpreter.error(
          Code.DN0102,
          at,
          fn + "() takes an object and an attribute name (" + a.size() + " given)");
    }
    if (!(a.get(1) instanceof String s)) {
      throw Interpreter.error(
          Code.DN0102,
          at,
          fn + "(): attribute name must be a string, not '" + typeName(a.get(1)) + "'");
    }
    return s;
  }

  static void def(Map<String, Object> m, String name, BuiltinImpl impl) {
    m.put(name, new Builtin(name, impl));
  }

  private static Object one(List<Object> a, String name, Span at) {
    if (a.size() != 1) {
      throw Interpreter.error(
          Code.DN0102, at, name + "() takes exactly one argument (" + a.size() + " given)");
    }
    return a.get(0);
  }

  /** {@code range(...)} with a run-time int bound: for a for loop over it (see execFor). */
  private static RunTimeRange runTimeRange(List<Object> a, Span at) {
    if (a.size() > 3) {
      throw Interpreter.error(
          Code.DN0102, at, "range expected at most 3 arguments, got " + a.size());
    }
    for (Object x : a) {
      if (x instanceof HostScalar h && h.type().dtype().isFloat()) {
        throw Interpreter.error(
            Code.DN0102, at, "'float' object cannot be interpreted as an integer");
      }
      if (!(x instanceof HostScalar)) {
        intArg(x, at);
      }
    }
    Object step = a.size() == 3 ? a.get(2) : 1L;
    if (step instanceof HostScalar) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "a range whose step is known only at run time is not supported",
          "give the step as a number; the bounds may be run-time ints");
    }
    long s = intArg(step, at);
    if (s == 0) {
      throw Interpreter.error(Code.DN0103, at, "range() step must not be zero");
    }
    return new RunTimeRange(a.size() == 1 ? 0L : a.get(0), a.get(a.size() == 1 ? 0 : 1), s);
  }

  static long intArg(Object v, Span at) {
    return Operators.asLong(v, at);
  }

  /**
   * A float made an int by {@code f} ({@code int()} or {@code round()}), or CPython's error for
   * NaN, infinities and ints beyond 64 bits.
   */
  private static long toInt(java.util.function.LongSupplier f, String fn, double v, Span at) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      throw Interpreter.error(
          Code.DN0108,
          at,
          "cannot convert float " + (Double.isNaN(v) ? "NaN" : "infinity") + " to integer");
    }
    return Operators.exact(f, fn + "(" + v + ")", at);
  }

  /**
   * True for an int or float that the host can take the min or max of: same kind as {@code other}.
   */
  private static boolean hostNumber(Object v, boolean isFloat) {
    return v instanceof HostScalar h
        ? h.type().dtype() != dev.dynnc.semantics.DType.BOOL
            && h.type().dtype().isFloat() == isFloat
        : isFloat ? v instanceof Double : v instanceof Long;
  }

  private static boolean isFloatNumber(Object v) {
    return v instanceof HostScalar h ? h.type().dtype().isFloat() : v instanceof Double;
  }

  private static Object extreme(
      Interpreter it, List<Object> a, Map<String, Object> kw, Span at, boolean min) {
    List<Object> items = a.size() == 1 ? it.iterate(a.get(0), at) : a;
    if (items.isEmpty() && kw.containsKey("default")) {
      return kw.get("default");
    }
    if (items.isEmpty()) {
      throw Interpreter.error(Code.DN0103, at, (min ? "min" : "max") + "() of an empty sequence");
    }
    Object key = kw.getOrDefault("key", Values.NONE);
    if (key != Values.NONE) {
      // With a key: the first item whose key is strictly better wins, as in CPython.
      Object best = items.get(0);
      Object bestKey = it.call(key, List.of(best), Map.of(), at);
      for (Object v : items.subList(1, items.size())) {
        Object k = it.call(key, List.of(v), Map.of(), at);
        Object better = it.foldCondition(Operators.compare(it, min ? "<" : ">", k, bestKey, at));
        if (Interpreter.isDynamic(better)) {
          // A key known at run time (o.sum().item()): the pick is a data-dependent branch whose
          // sides carry (item, key), joined like the values of a conditional expression.
          Object cand = new PyTuple(ImmutableList.of(v, k));
          Object kept = new PyTuple(ImmutableList.of(best, bestKey));
          Object pair =
              it.requireStaging(at)
                  .branchValue(it, it.frames.peek(), better, () -> cand, () -> kept, false, at);
          if (!(pair instanceof PyTuple t)
              || t.items().stream().anyMatch(x -> x instanceof Values.Poison)) {
            throw Interpreter.error(
                Code.DN0205,
                at,
                (min ? "min" : "max")
                    + "() with a key known only at run time picks among items of different kinds",
                "the items must be tensors of one shape (or numbers of one type)");
          }
          best = t.items().get(0);
          bestKey = t.items().get(1);
          continue;
        }
        if (it.truthy(better, at)) {
          best = v;
          bestKey = k;
        }
      }
      return best;
    }
    Object best = items.get(0);
    for (Object v : items.subList(1, items.size())) {
      if (Operators.isTensorLike(v) || Operators.isTensorLike(best)) {
        best = it.torch.call(min ? "minimum" : "maximum", List.of(best, v), Map.of(), at);
        continue;
      }
      // CPython's rule: a later item replaces the best only when it compares strictly better, so
      // a NaN is kept only when it comes first (max(1.0, nan) is 1.0, max(nan, 1.0) is nan).
      Object better = Operators.compare(it, min ? "<" : ">", v, best, at);
      if (Interpreter.isDynamic(better)) {
        // Two ints or two floats: the host's minimum/maximum keep CPython's rule (see PyFloat.max).
        // An int with a float is refused: Python's result keeps the winner's type, unknown until
        // run time.
        boolean fp = isFloatNumber(best);
        if (hostNumber(best, fp) && hostNumber(v, fp)) {
          best = it.requireStaging(at).hostExtreme(it, min ? "minimum" : "maximum", best, v, at);
          continue;
        }
        throw Interpreter.error(
            Code.DN0201,
            at,
            "min/max of a run-time int with a float is not supported",
            "convert both with int() or float() first");
      }
      if (it.truthy(better, at)) {
        best = v;
      }
    }
    return best;
  }

  /**
   * {@code sorted(items, key=, reverse=)}: stable, and with reverse=True equal items keep their
   * order, as in CPython.
   */
  static PyList sorted(Interpreter it, List<Object> items, Map<String, Object> kw, Span at) {
    List<Object> l = new ArrayList<>(items);
    it.budget.work(EvalBudget.times(l.size(), 64 - Long.numberOfLeadingZeros(l.size())), at);
    Object key = kw.getOrDefault("key", Values.NONE);
    boolean reverse = kw.containsKey("reverse") && it.truthy(kw.get("reverse"), at);
    List<Object[]> pairs = new ArrayList<>();
    for (Object v : l) {
      pairs.add(new Object[] {v, key == Values.NONE ? v : it.call(key, List.of(v), Map.of(), at)});
    }
    java.util.Comparator<Object[]> order =
        (x, y) ->
            Operators.pyEquals(x[1], y[1], it.budget, at)
                ? 0
                : it.truthy(Operators.compare(it, "<", x[1], y[1], at), at) ? -1 : 1;
    pairs.sort(reverse ? order.reversed() : order);
    return new PyList(new ArrayList<>(pairs.stream().map(p -> p[0]).toList()));
  }

  static boolean isinstance(Interpreter in, Object v, Object cls) {
    if (cls instanceof PyTuple t) {
      return t.items().stream().anyMatch(c -> isinstance(in, v, c));
    }
    if (cls instanceof PyClass c) {
      return v instanceof PyObject o && o.cls.isSubclassOf(c)
          || v instanceof PyDict d && d.cls != null && d.cls.isSubclassOf(c);
    }
    if (cls instanceof NamedTupleType nt) {
      return v instanceof PyTuple t && t.fields() == nt;
    }
    if (cls instanceof Builtin b) {
      return switch (b.name()) {
        case "Iterable" ->
            v instanceof PyList
                || v instanceof PyTuple
                || v instanceof PyDict
                || v instanceof String
                || v instanceof PyRange
                || v instanceof SymTensor
                || v instanceof TensorSlot
                || v instanceof PyObject o && o.cls.nearestLayer() instanceof NnLayers.Container;
        case "Sequence" ->
            v instanceof PyList
                || v instanceof PyTuple
                || v instanceof String
                || v instanceof PyRange;
        case "Mapping" -> v instanceof PyDict;
        case "Callable" ->
            v instanceof PyFunction
                || v instanceof Builtin
                || v instanceof BoundMethod
                || v instanceof PyClass
                || v instanceof PyObject o && o.module != null;
        // a run-time scalar is the Python number .item() or int()/float()/bool() returns
        case "int" ->
            v instanceof Long || v instanceof Boolean || hostKind(v, DType.I64, DType.BOOL);
        case "float" -> v instanceof Double || hostKind(v, DType.F64, DType.F32);
        case "bool" -> v instanceof Boolean || hostKind(v, DType.BOOL, DType.BOOL);
        case "str" -> v instanceof String;
        case "list" -> v instanceof PyList;
        case "tuple" -> v instanceof PyTuple;
        case "dict" -> v instanceof PyDict;
        case "object" -> true;
        case "Tensor" -> v instanceof SymTensor || v instanceof TensorSlot;
        default -> false;
      };
    }
    return false;
  }

  /**
   * {@code any(items)} ({@code any}) or {@code all(items)}: a compile-time bool, or a run-time one
   * where items are tensors or run-time scalars ({@code any(e.item() > t for e in exits)}). A
   * compile-time item that decides the answer decides it whatever the run-time items are.
   */
  static Object anyOrAll(Interpreter it, List<Object> items, boolean any, Span at) {
    Object acc = null;
    for (Object v : items) {
      Object folded = it.foldCondition(v);
      if (Interpreter.isDynamic(folded)) {
        Staging s = it.requireStaging(at);
        Object h = s.toHostBool(it, folded, at);
        acc = acc == null ? h : s.logical(it, any ? "logical_or" : "logical_and", acc, h, at);
      } else if (it.truthy(folded, at) == any) {
        return any;
      }
    }
    return acc == null ? !any : acc;
  }

  /** Whether {@code v} is a run-time scalar of one of two dtypes. */
  private static boolean hostKind(Object v, DType a, DType b) {
    return v instanceof HostScalar h && (h.type().dtype() == a || h.type().dtype() == b);
  }

  static String typeName(Object v) {
    if (v == null || v == Values.NONE) {
      return "NoneType";
    } else if (v instanceof Long) {
      return "int";
    } else if (v instanceof Double) {
      return "float";
    } else if (v instanceof Boolean) {
      return "bool";
    } else if (v instanceof String) {
      return "str";
    } else if (v instanceof PyList) {
      return "list";
    } else if (v instanceof PyTuple) {
      return "tuple";
    } else if (v instanceof PyDict d) {
      return d.cls != null ? d.cls.name : "dict";
    } else if (v instanceof PyRange || v instanceof RunTimeRange) {
      return "range";
    } else if (v instanceof PyFunction || v instanceof Builtin || v instanceof BoundMethod) {
      return "function";
    } else if (v instanceof PyClass || v instanceof NamedTupleType) {
      return "type";
    } else if (v instanceof Opaque o) {
      return o.name();
    } else if (v instanceof PyObject o) {
      return o.cls.name;
    } else if (v instanceof PyNamespace) {
      return "module";
    } else if (v instanceof SymTensor || v instanceof TensorSlot) {
      return "Tensor";
    } else if (v instanceof ModuleDispatch.Choice) {
      return "module picked by a run-time index";
    } else if (v instanceof HostScalar) {
      return "run-time scalar";
    }
    return v.getClass().getSimpleName();
  }

  static String str(Interpreter in, Object v) {
    if (v instanceof String s) {
      return s;
    }
    return repr(in, v);
  }

  /**
   * Python's repr, charged to the budget piece by piece so that the repr of a huge value is
   * refused, not built.
   */
  static String repr(Interpreter in, Object v) {
    StringBuilder sb = new StringBuilder();
    appendRepr(in, v, sb);
    return sb.toString();
  }

  private static void appendRepr(Interpreter in, Object v, StringBuilder sb) {
    if (v instanceof Opaque o) {
      throw o.useError(
          in.budget.current()); // its text is unknown: a name or key made from it would be wrong
    }
    if (v instanceof PyList l) {
      appendItems(in, l.items, "[", "]", sb);
    } else if (v instanceof PyTuple t) {
      appendItems(in, t.items(), "(", t.items().size() == 1 ? ",)" : ")", sb);
    } else if (v instanceof PyDict d) {
      append(in, "{", sb);
      boolean first = true;
      for (Map.Entry<Object, Object> e : d.map.entrySet()) {
        append(in, first ? "" : ", ", sb);
        first = false;
        appendRepr(in, e.getKey(), sb);
        append(in, ": ", sb);
        appendRepr(in, e.getValue(), sb);
      }
      append(in, "}", sb);
    } else {
      append(in, scalarRepr(v), sb);
    }
  }

  private static void appendItems(
      Interpreter in, List<Object> items, String open, String close, StringBuilder sb) {
    append(in, open, sb);
    for (int i = 0; i < items.size(); i++) {
      append(in, i == 0 ? "" : ", ", sb);
      appendRepr(in, items.get(i), sb);
    }
    append(in, close, sb);
  }

  private static void append(Interpreter in, String part, StringBuilder sb) {
    in.budget.chars(part.length(), in.budget.current());
    sb.append(part);
  }

  private static String scalarRepr(Object v) {
    if (v instanceof String s) {
      return "'" + s + "'";
    } else if (v instanceof Boolean b) {
      return b ? "True" : "False";
    } else if (v instanceof Double d) {
      if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e16) {
        return String.valueOf(d.longValue()) + ".0";
      }
      return Double.isInfinite(d)
          ? (d > 0 ? "inf" : "-inf")
          : Double.isNaN(d) ? "nan" : String.valueOf(d);
    }
    return String.valueOf(v);
  }

  // ------------------------------------------------------------------------------------------
  // Formatting

  /**
   * The detail of a string made from a run-time value: its text is known only when the model runs,
   * so it may be printed or logged (print ignores it) but not used where its text matters.
   */
  static final String RUN_TIME_TEXT = "text made from a value known only at run time";

  /** A string made from a run-time value ({@code f"exit {k}"}, {@code str(t.item())}). */
  static Opaque runTimeText(String what, Span at) {
    return new Opaque(what, at, false, RUN_TIME_TEXT, null);
  }

  static boolean isRunTimeText(Object v) {
    return v instanceof Opaque o && RUN_TIME_TEXT.equals(o.detail());
  }

  /** Whether {@code v} is, or a container holds, a tensor or scalar known only at run time. */
  static boolean hasRunTimeValue(Object v) {
    return hasRunTimeValue(v, 0);
  }

  private static boolean hasRunTimeValue(Object v, int depth) {
    if (Interpreter.isDynamic(v) || isRunTimeText(v)) {
      return true;
    }
    if (depth > 8) {
      return false;
    }
    java.util.Collection<?> items =
        v instanceof PyList l
            ? l.items
            : v instanceof PyTuple t ? t.items() : v instanceof PyDict d ? d.map.values() : null;
    return items != null && items.stream().anyMatch(x -> hasRunTimeValue(x, depth + 1));
  }

  /** An f-string's value: a string, or run-time text where a part is a run-time value. */
  static Object fString(Interpreter in, Expr.FStr fs, Interpreter.Frame f) {
    List<Object> values = new ArrayList<>();
    for (Expr.FPart p : fs.parts()) {
      if (p.expr().isPresent()) {
        values.add(in.eval(p.expr().get(), f));
      }
    }
    if (values.stream().anyMatch(Builtins::hasRunTimeValue)) {
      return runTimeText("f-string", fs.span());
    }
    return formatFString(in, fs, f, values.iterator());
  }

  private static String formatFString(
      Interpreter in, Expr.FStr fs, Interpreter.Frame f, java.util.Iterator<Object> values) {
    StringBuilder sb = new StringBuilder();
    for (Expr.FPart p : fs.parts()) {
      if (p.literal().isPresent()) {
        sb.append(p.literal().get());
        continue;
      }
      Object v = values.next();
      if (p.conversion().isPresent() && p.conversion().get().equals("r")) {
        v = repr(in, v);
      }
      String spec = "";
      if (p.spec().isPresent()) {
        Object sv = fString(in, (Expr.FStr) p.spec().get(), f);
        if (!(sv instanceof String str)) {
          throw ((Opaque) sv).useError(fs.span()); // a format spec known only at run time
        }
        spec = str;
      }
      sb.append(formatValue(in, v, spec, fs.span()));
    }
    return sb.toString();
  }

  static String formatValue(Interpreter in, Object v, String spec, Span at) {
    if (spec.isEmpty()) {
      return str(in, v);
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "(?:(.)?([<>^=]))?([+\\- ])?(0)?(\\d+)?(,)?(?:\\.(\\d+))?([bcdeEfFgGnosxX%])?")
            .matcher(spec);
    if (!m.matches()) {
      throw Interpreter.error(Code.DN0110, at, "unsupported format spec '" + spec + "'");
    }
    String type = m.group(8);
    String prec = m.group(7);
    // Width and precision are charged before anything is padded or printed: '{:>1000000000}' is
    // refused here.
    long width = digits(m.group(5));
    in.budget.chars(digits(prec), at);
    in.budget.chars(width, at);
    String body;
    if (type == null) {
      body =
          prec != null && v instanceof Double d ? String.format("%." + prec + "g", d) : str(in, v);
    } else {
      body =
          switch (type) {
            case "d", "n" -> String.valueOf(Operators.asLong(v, at));
            case "f", "F" ->
                String.format("%." + (prec == null ? "6" : prec) + "f", Operators.asDouble(v, at));
            case "e", "E" ->
                String.format("%." + (prec == null ? "6" : prec) + type, Operators.asDouble(v, at));
            case "g", "G" ->
                String.format("%." + (prec == null ? "6" : prec) + "g", Operators.asDouble(v, at));
            case "x" -> Long.toHexString(Operators.asLong(v, at));
            case "%" ->
                String.format(
                    "%." + (prec == null ? "6" : prec) + "f%%", Operators.asDouble(v, at) * 100);
            default -> str(in, v);
          };
    }
    if (body.length() >= width) {
      return body;
    }
    String fill = m.group(1) != null ? m.group(1) : m.group(4) != null ? "0" : " ";
    String align = m.group(2) != null ? m.group(2) : (v instanceof Number ? ">" : "<");
    int pad = (int) (width - body.length());
    return switch (align) {
      case "<" -> body + fill.repeat(pad);
      case "^" -> fill.repeat(pad / 2) + body + fill.repeat(pad - pad / 2);
      default -> fill.repeat(pad) + body;
    };
  }

  /**
   * Parses an optional run of decimal digits from a format spec; 0 when absent, Long.MAX_VALUE when
   * too long.
   */
  private static long digits(String d) {
    if (d == null) {
      return 0;
    }
    return d.length() > 18 ? Long.MAX_VALUE : Long.parseLong(d);
  }

  static String strFormat(
      Interpreter in, String fmt, List<Object> args, Map<String, Object> kwargs, Span at) {
    in.budget.chars(fmt.length(), at);
    StringBuilder sb = new StringBuilder();
    int auto = 0;
    for (int i = 0; i < fmt.length(); i++) {
      char c = fmt.charAt(i);
      if (c == '{' && i + 1 < fmt.length() && fmt.charAt(i + 1) == '{') {
        sb.append('{');
        i++;
      } else if (c == '}' && i + 1 < fmt.length() && fmt.charAt(i + 1) == '}') {
        sb.append('}');
        i++;
      } else if (c == '{') {
        int end = fmt.indexOf('}', i);
        if (end < 0) {
          throw Interpreter.error(Code.DN0110, at, "single '{' in format string");
        }
        String field = fmt.substring(i + 1, end);
        String spec = "";
        int colon = field.indexOf(':');
        if (colon >= 0) {
          spec = field.substring(colon + 1);
          field = field.substring(0, colon);
        }
        boolean reprConv = field.endsWith("!r");
        if (field.contains("!")) {
          field = field.substring(0, field.indexOf('!'));
        }
        Object v;
        if (field.isEmpty()) {
          if (auto >= args.size()) {
            throw Interpreter.error(
                Code.DN0110,
                at,
                "replacement index " + auto + " out of range for positional args tuple");
          }
          v = args.get(auto++);
        } else if (field.chars().allMatch(Character::isDigit)) {
          // Nine digits cannot overflow an int; any longer index is out of range anyway.
          int k = field.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(field);
          if (k >= args.size()) {
            throw Interpreter.error(
                Code.DN0110,
                at,
                "replacement index " + field + " out of range for positional args tuple");
          }
          v = args.get(k);
        } else {
          if (!kwargs.containsKey(field)) {
            throw Interpreter.error(
                Code.DN0110,
                at,
                "format string names '" + field + "' but no such argument was given");
          }
          v = kwargs.get(field);
        }
        sb.append(formatValue(in, reprConv ? repr(in, v) : v, spec, at));
        i = end;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  static String percentFormat(Interpreter in, String fmt, Object args, Span at) {
    List<Object> values = args instanceof PyTuple t ? t.items() : List.of(args);
    StringBuilder sb = new StringBuilder();
    int k = 0;
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("%([-+ 0]*)(\\d+)?(?:\\.(\\d+))?([sdifgrx%])").matcher(fmt);
    int last = 0;
    while (m.find()) {
      sb.append(fmt, last, m.start());
      last = m.end();
      String type = m.group(4);
      if (type.equals("%")) {
        sb.append('%');
        continue;
      }
      if (k >= values.size()) {
        throw Interpreter.error(Code.DN0110, at, "not enough arguments for format string");
      }
      Object v = values.get(k++);
      in.budget.chars(digits(m.group(2)), at);
      in.budget.chars(digits(m.group(3)), at);
      String javaFmt =
          "%"
              + m.group(1)
              + (m.group(2) == null ? "" : m.group(2))
              + (m.group(3) == null ? "" : "." + m.group(3));
      sb.append(
          switch (type) {
            case "d", "i" ->
                String.format(
                    javaFmt + "d",
                    Operators.asLong(v instanceof Double d ? (Object) d.longValue() : v, at));
            case "f", "g" -> String.format(javaFmt + type, Operators.asDouble(v, at));
            case "x" -> String.format(javaFmt + "x", Operators.asLong(v, at));
            case "r" -> String.format(javaFmt + "s", repr(in, v));
            default -> String.format(javaFmt + "s", str(in, v));
          });
    }
    sb.append(fmt.substring(last));
    return sb.toString();
  }

  // ------------------------------------------------------------------------------------------
  // Methods of builtin types

  static Object method(Interpreter in, Object obj, String name, Span at) {
    if (obj instanceof String s) {
      return switch (name) {
        case "format" ->
            bound(
                "format",
                (it, a, kw, at2) ->
                    a.stream().anyMatch(Builtins::hasRunTimeValue)
                            || kw.values().stream().anyMatch(Builtins::hasRunTimeValue)
                        ? runTimeText("'...'.format(...)", at2)
                        : strFormat(it, s, a, kw, at2));
        case "join" -> bound("join", (it, a, kw, at2) -> join(it, s, a.get(0), at2));
        case "upper" ->
            bound(
                "upper",
                (it, a, kw, at2) -> {
                  it.budget.chars(s.length(), at2);
                  return s.toUpperCase();
                });
        case "lower" ->
            bound(
                "lower",
                (it, a, kw, at2) -> {
                  it.budget.chars(s.length(), at2);
                  return s.toLowerCase();
                });
        case "strip", "lstrip", "rstrip" ->
            bound(
                name,
                (it, a, kw, at2) -> {
                  it.budget.chars(s.length(), at2);
                  String chars =
                      a.isEmpty() || a.get(0) == Values.NONE
                          ? null
                          : Args.as(String.class, name, a.get(0), at2);
                  it.budget.work(
                      EvalBudget.times(s.length(), chars == null ? 1 : Math.max(1, chars.length())),
                      at2);
                  int lo = 0;
                  int hi = s.length();
                  while (!name.equals("rstrip") && lo < hi && strippable(s.charAt(lo), chars)) {
                    lo++;
                  }
                  while (!name.equals("lstrip") && hi > lo && strippable(s.charAt(hi - 1), chars)) {
                    hi--;
                  }
                  return s.substring(lo, hi);
                });
        case "startswith", "endswith" ->
            bound(
                name,
                (it, a, kw, at2) -> {
                  List<Object> options =
                      a.get(0) instanceof PyTuple t ? t.items() : List.of(a.get(0));
                  for (Object o : options) {
                    String x = Args.as(String.class, name, o, at2);
                    if (name.equals("startswith") ? s.startsWith(x) : s.endsWith(x)) {
                      return true;
                    }
                  }
                  return false;
                });
        case "find", "rfind", "index", "rindex" ->
            bound(
                name,
                (it, a, kw, at2) -> {
                  String x = Args.as(String.class, name, a.get(0), at2);
                  it.budget.work(Operators.searchCost(s, x), at2);
                  int i = name.startsWith("r") ? s.lastIndexOf(x) : s.indexOf(x);
                  if (i < 0 && name.endsWith("index")) {
                    throw Interpreter.error(Code.DN0103, at2, "substring not found");
                  }
                  return i < 0 ? -1L : (long) s.codePointCount(0, i);
                });
        case "count" ->
            bound(
                name,
                (it, a, kw, at2) -> {
                  String x = Args.as(String.class, name, a.get(0), at2);
                  it.budget.work(Operators.searchCost(s, x), at2);
                  if (x.isEmpty()) {
                    return s.codePointCount(0, s.length()) + 1L;
                  }
                  long n = 0;
                  for (int i = s.indexOf(x); i >= 0; i = s.indexOf(x, i + x.length())) {
                    n++;
                  }
                  return n;
                });
        case "isdigit",
            "isnumeric",
            "isdecimal",
            "isalpha",
            "isalnum",
            "isspace",
            "isupper",
            "islower",
            "isidentifier" ->
            bound(
                name,
                (it, a, kw, at2) -> {
                  it.budget.work(s.length(), at2);
                  return stringTest(s, name);
                });
        case "title", "capitalize", "swapcase", "casefold" ->
            bound(
                name,
                (it, a, kw, at2) -> {
                  it.budget.chars(s.length(), at2);
                  return recase(s, name);
                });
        case "zfill", "center", "ljust", "rjust" ->
            bound(
                name,
                (it, a, kw, at2) -> {
                  long width = intArg(a.get(0), at2);
                  String fill =
                      a.size() > 1
                          ? Args.as(String.class, name, a.get(1), at2)
                          : name.equals("zfill") ? "0" : " ";
                  it.budget.chars(Math.max(width, s.length()), at2);
                  int pad = (int) Math.max(0, width - s.length());
                  if (name.equals("zfill")
                      && !s.isEmpty()
                      && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
                    return s.charAt(0) + "0".repeat(pad) + s.substring(1);
                  }
                  return switch (name) {
                    case "ljust" -> s + fill.repeat(pad);
                    case "center" -> { // CPython puts the odd fill character on the left when the
                      // width is odd
                      int left = pad / 2 + (int) (pad & width & 1);
                      yield fill.repeat(left) + s + fill.repeat(pad - left);
                    }
                    default -> fill.repeat(pad) + s;
                  };
                });
        case "partition", "rpartition" ->
            bound(
                name,
                (it, a, kw, at2) -> {
                  String sep = Args.as(String.class, name, a.get(0), at2);
                  it.budget.work(Operators.searchCost(s, sep), at2);
                  it.budget.chars(s.length(), at2);
                  int i = name.equals("partition") ? s.indexOf(sep) : s.lastIndexOf(sep);
                  if (i < 0) {
                    return name.equals("partition") ? PyTuple.of(s, "", "") : PyTuple.of("", "", s);
                  }
                  return PyTuple.of(s.substring(0, i), sep, s.substring(i + sep.length()));
                });
        case "splitlines" ->
            bound(
                name,
                (it, a, kw, at2) -> {
                  it.budget.chars(s.length(), at2);
                  it.budget.slots(s.length() + 1L, at2);
                  List<Object> lines = new ArrayList<>(List.of(s.split("\r\n|\n|\r", -1)));
                  if (!lines.isEmpty() && lines.get(lines.size() - 1).equals("")) {
                    lines.remove(lines.size() - 1);
                  }
                  return new PyList(lines);
                });
        case "replace" ->
            bound(
                "replace",
                (it, a, kw, at2) ->
                    replace(
                        it,
                        s,
                        Args.as(String.class, "replace", a.get(0), at2),
                        Args.as(String.class, "replace", a.get(1), at2),
                        at2));
        case "split", "rsplit" ->
            bound(
                name,
                (it, a, kw, at2) -> {
                  BoundArgs b =
                      BoundArgs.bind(
                          Schema.parse(name + "(str? sep=None, int maxsplit=-1) -> Any"),
                          it,
                          a,
                          kw,
                          at2);
                  String sep = b.isNone("sep") ? null : b.str("sep");
                  if (sep != null && sep.isEmpty()) {
                    throw Interpreter.error(Code.DN0103, at2, "empty separator");
                  }
                  it.budget.work(sep == null ? s.length() : Operators.searchCost(s, sep), at2);
                  it.budget.chars(s.length(), at2);
                  it.budget.slots(s.length() + 1L, at2);
                  return new PyList(split(s, sep, b.integer("maxsplit"), name.equals("rsplit")));
                });
        default -> null;
      };
    }
    if (obj instanceof PyList l) {
      return switch (name) {
        case "append" ->
            bound(
                "append",
                (it, a, kw, at2) -> {
                  l.items.add(a.get(0));
                  return Values.NONE;
                });
        case "extend" ->
            bound(
                "extend",
                (it, a, kw, at2) -> {
                  List<Object> more = it.iterate(a.get(0), at2);
                  it.budget.slots(more.size(), at2);
                  l.items.addAll(more);
                  return Values.NONE;
                });
        case "insert" ->
            bound(
                "insert",
                (it, a, kw, at2) -> {
                  long i = intArg(a.get(0), at2);
                  it.budget.work(l.items.size(), at2);
                  l.items.add(
                      (int) Math.max(0, Math.min(l.items.size(), i < 0 ? i + l.items.size() : i)),
                      a.get(1));
                  return Values.NONE;
                });
        case "pop" ->
            bound(
                "pop",
                (it, a, kw, at2) -> {
                  it.budget.work(l.items.size(), at2);
                  return l.items.remove(
                      a.isEmpty()
                          ? l.items.size() - 1
                          : Operators.index(a.get(0), l.items.size(), at2));
                });
        case "index" ->
            bound("index", (it, a, kw, at2) -> indexOf(it, l.items, a.get(0), "list", at2));
        case "reverse" ->
            bound(
                "reverse",
                (it, a, kw, at2) -> {
                  it.budget.work(l.items.size(), at2);
                  Collections.reverse(l.items);
                  return Values.NONE;
                });
        case "copy" ->
            bound(
                "copy",
                (it, a, kw, at2) -> {
                  it.budget.slots(l.items.size(), at2);
                  return new PyList(l.items);
                });
        case "count" -> bound("count", (it, a, kw, at2) -> count(it, l.items, a.get(0), at2));
        case "clear" ->
            bound(
                "clear",
                (it, a, kw, at2) -> {
                  arity("list.clear", a, kw, 0, at2);
                  if (l.items instanceof Journal.Tracked tracked) {
                    it.stateUse.cleared(tracked, at2);
                  }
                  l.items.clear();
                  return Values.NONE;
                });
        case "remove" ->
            bound(
                "remove",
                (it, a, kw, at2) -> {
                  arity("list.remove", a, kw, 1, at2);
                  searchable(a.get(0), at2);
                  it.budget.work(l.items.size(), at2);
                  for (int i = 0; i < l.items.size(); i++) {
                    Object item = l.items.get(i);
                    if (item == a.get(0) || Operators.pyEquals(item, a.get(0), it.budget, at2)) {
                      l.items.remove(i);
                      return Values.NONE;
                    }
                  }
                  throw Interpreter.error(Code.DN0109, at2, "list.remove(x): x not in list");
                });
        case "sort" ->
            bound(
                "sort",
                (it, a, kw, at2) -> {
                  arity("list.sort", a, Map.of(), 0, at2);
                  List<Object> out = sorted(it, new ArrayList<>(l.items), kw, at2).items;
                  l.items.clear();
                  l.items.addAll(out);
                  return Values.NONE;
                });
        default -> null;
      };
    }
    if (obj instanceof PyTuple t) {
      return switch (name) {
        case "index" ->
            bound("index", (it, a, kw, at2) -> indexOf(it, t.items(), a.get(0), "tuple", at2));
        case "count" -> bound("count", (it, a, kw, at2) -> count(it, t.items(), a.get(0), at2));
        default -> null;
      };
    }
    if (obj instanceof PyDict d) {
      return switch (name) {
        case "items" ->
            bound(
                "items",
                (it, a, kw, at2) -> {
                  it.budget.boxes(d.map.size(), at2);
                  return new PyList(
                      d.map.entrySet().stream()
                          .map(e -> (Object) PyTuple.of(e.getKey(), e.getValue()))
                          .toList());
                });
        case "keys" ->
            bound(
                "keys",
                (it, a, kw, at2) -> {
                  it.budget.slots(d.map.size(), at2);
                  return new PyList(new ArrayList<>(d.map.keySet()));
                });
        case "values" ->
            bound(
                "values",
                (it, a, kw, at2) -> {
                  it.budget.slots(d.map.size(), at2);
                  return new PyList(new ArrayList<>(d.map.values()));
                });
        case "get" ->
            bound(
                "get",
                (it, a, kw, at2) ->
                    d.map.getOrDefault(
                        Operators.key(a.get(0), at2), a.size() > 1 ? a.get(1) : Values.NONE));
        case "pop" ->
            bound(
                "pop",
                (it, a, kw, at2) -> {
                  Object k = Operators.key(a.get(0), at2);
                  if (d.map.containsKey(k)) {
                    return d.map.remove(k);
                  }
                  if (a.size() > 1) {
                    return a.get(1);
                  }
                  throw Interpreter.error(
                      Code.DN0109, at2, "key " + repr(it, a.get(0)) + " is not in the dict");
                });
        case "clear" ->
            bound(
                "clear",
                (it, a, kw, at2) -> {
                  arity("dict.clear", a, kw, 0, at2);
                  if (d.map instanceof Journal.Tracked tracked) {
                    it.stateUse.cleared(tracked, at2);
                  }
                  d.map.clear();
                  return Values.NONE;
                });
        case "setdefault" ->
            bound(
                "setdefault",
                (it, a, kw, at2) ->
                    d.map.computeIfAbsent(
                        Operators.key(a.get(0), at2), k -> a.size() > 1 ? a.get(1) : Values.NONE));
        case "update" ->
            bound(
                "update",
                (it, a, kw, at2) -> {
                  if (!a.isEmpty() && a.get(0) instanceof PyDict o) {
                    it.budget.slots(2L * o.map.size(), at2);
                    d.map.putAll(o.map);
                  }
                  d.map.putAll(kw);
                  return Values.NONE;
                });
        case "copy" ->
            bound(
                "copy",
                (it, a, kw, at2) -> {
                  it.budget.slots(2L * d.map.size(), at2);
                  PyDict c = new PyDict();
                  c.map.putAll(d.map);
                  return c;
                });
        default -> null;
      };
    }
    return null;
  }

  private static boolean strippable(char c, String chars) {
    return chars == null ? Character.isWhitespace(c) : chars.indexOf(c) >= 0;
  }

  private static boolean stringTest(String s, String test) {
    if (test.equals("isidentifier")) {
      return Interpreter.isModuleName(s) && !s.contains(".");
    }
    if (s.isEmpty()) {
      return false;
    }
    boolean cased = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          switch (test) {
            case "isdigit", "isnumeric", "isdecimal" -> Character.isDigit(c);
            case "isalpha" -> Character.isLetter(c);
            case "isalnum" -> Character.isLetterOrDigit(c);
            case "isspace" -> Character.isWhitespace(c);
            case "isupper" -> !Character.isLowerCase(c);
            default -> !Character.isUpperCase(c);
          };
      cased |= Character.isUpperCase(c) || Character.isLowerCase(c);
      if (!ok) {
        return false;
      }
    }
    return !test.equals("isupper") && !test.equals("islower") || cased;
  }

  private static String recase(String s, String how) {
    StringBuilder sb = new StringBuilder();
    boolean startOfWord = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      sb.append(
          switch (how) {
            case "title" -> startOfWord ? Character.toUpperCase(c) : Character.toLowerCase(c);
            case "capitalize" -> i == 0 ? Character.toUpperCase(c) : Character.toLowerCase(c);
            case "swapcase" ->
                Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
            default -> Character.toLowerCase(c);
          });
      startOfWord = !Character.isLetter(c);
    }
    return sb.toString();
  }

  /**
   * {@code str.split} and {@code str.rsplit}: by runs of whitespace when {@code sep} is null, at
   * most maxsplit times.
   */
  private static List<Object> split(String s, String sep, long maxsplit, boolean fromRight) {
    List<Object> parts = new ArrayList<>();
    if (sep == null) {
      String[] words = s.strip().isEmpty() ? new String[0] : s.strip().split("\\s+");
      if (maxsplit < 0 || words.length <= maxsplit + 1) {
        parts.addAll(List.of(words));
        return parts;
      }
      // Keep the unsplit rest as it is written.
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\S+").matcher(s);
      List<int[]> spans = new ArrayList<>();
      while (m.find()) {
        spans.add(new int[] {m.start(), m.end()});
      }
      int k = (int) maxsplit;
      if (fromRight) {
        parts.add(s.substring(spans.get(0)[0], spans.get(spans.size() - k - 1)[1]));
        spans
            .subList(spans.size() - k, spans.size())
            .forEach(sp -> parts.add(s.substring(sp[0], sp[1])));
      } else {
        spans.subList(0, k).forEach(sp -> parts.add(s.substring(sp[0], sp[1])));
        parts.add(s.substring(spans.get(k)[0], spans.get(spans.size() - 1)[1]));
      }
      return parts;
    }
    List<Object> all = new ArrayList<>(List.of(s.split(java.util.regex.Pattern.quote(sep), -1)));
    if (maxsplit < 0 || all.size() <= maxsplit + 1) {
      return all;
    }
    int k = (int) maxsplit;
    if (fromRight) {
      parts.add(
          String.join(
              sep, all.subList(0, all.size() - k).stream().map(String.class::cast).toList()));
      parts.addAll(all.subList(all.size() - k, all.size()));
    } else {
      parts.addAll(all.subList(0, k));
      parts.add(
          String.join(sep, all.subList(k, all.size()).stream().map(String.class::cast).toList()));
    }
    return parts;
  }

  /** {@code sep.join(iterable)}: the result's length is charged before it is built. */
  private static String join(Interpreter in, String sep, Object iterable, Span at) {
    List<String> parts = new ArrayList<>();
    long length = 0;
    for (Object x : in.iterate(iterable, at)) {
      String part = str(in, x);
      length += part.length() + (parts.isEmpty() ? 0 : sep.length());
      in.budget.work(1, at);
      parts.add(part);
    }
    in.budget.chars(length, at);
    return String.join(sep, parts);
  }

  /**
   * {@code s.replace(old, new)}: counts the occurrences first (charging the search), then charges
   * the result's length, which can be far larger than {@code s}, before building it.
   */
  private static String replace(Interpreter in, String s, String old, String replacement, Span at) {
    in.budget.work(Operators.searchCost(s, old), at);
    long count = 0;
    if (old.isEmpty()) {
      count =
          s.length()
              + 1L; // Python inserts the replacement between every character and at both ends
    } else {
      for (int i = s.indexOf(old); i >= 0; i = s.indexOf(old, i + old.length())) {
        count++;
      }
    }
    in.budget.chars(
        s.length() + EvalBudget.times(count, replacement.length() - (long) old.length()), at);
    return s.replace(old, replacement);
  }

  /** {@code seq.count(x)}: one unit of work per element, more for elements compared deeply. */
  private static long count(Interpreter in, List<Object> items, Object x, Span at) {
    searchable(x, at);
    in.budget.work(items.size(), at);
    long n = 0;
    for (Object item : items) {
      if (item == x || Operators.pyEquals(item, x, in.budget, at)) {
        n++;
      }
    }
    return n;
  }

  /** {@code list.index(x)} or {@code tuple.index(x)}: the first item that is or equals x. */
  private static long indexOf(Interpreter in, List<Object> items, Object x, String kind, Span at) {
    searchable(x, at);
    in.budget.work(items.size(), at);
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) == x || Operators.pyEquals(items.get(i), x, in.budget, at)) {
        return i;
      }
    }
    throw Interpreter.error(
        Code.DN0109,
        at,
        kind.equals("list") ? repr(in, x) + " is not in list" : "tuple.index(x): x not in tuple");
  }

  /** Refuses searching a compile-time container for a number known only at run time. */
  private static void searchable(Object x, Span at) {
    if (x instanceof HostScalar) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "searching a list or tuple for a value known only at run time (from .item() or"
              + " int(tensor)) is not supported",
          "compare with each item (k == a), or keep the values in a tensor");
    }
  }

  /** Python's TypeError for a method given the wrong number of arguments. */
  private static void arity(String fn, List<Object> a, Map<String, Object> kw, int n, Span at) {
    if (!kw.isEmpty()) {
      throw Interpreter.error(Code.DN0102, at, fn + "() takes no keyword arguments");
    }
    if (a.size() != n) {
      throw Interpreter.error(
          Code.DN0102,
          at,
          n == 0
              ? fn + "() takes no arguments (" + a.size() + " given)"
              : fn + "() takes exactly one argument (" + a.size() + " given)");
    }
  }

  private static Builtin bound(String name, BuiltinImpl impl) {
    return new Builtin(name, impl);
  }

  static LinkedHashMap<String, Object> kwargsOf(Map<String, Object> kw) {
    return new LinkedHashMap<>(kw);
  }
}
