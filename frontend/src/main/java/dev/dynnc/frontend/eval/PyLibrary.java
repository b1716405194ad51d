package dev.dynnc.frontend.eval;

import com.google.common.collect.ImmutableList;
import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostic;
import dev.dynnc.frontend.eval.Values.*;
import dev.dynnc.ir.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The modules of Python's standard library that model construction code uses, with CPython's
 * semantics: copy, types, argparse.Namespace, collections, functools, itertools and operator;
 * warnings and logging are accepted with no effect. Also the torch names without effect on
 * inference (torch.autograd.Variable, torch.jit's decorators, torch.cuda's queries). Every
 * container built here is charged to the {@link EvalBudget} before it is made.
 */
final class PyLibrary {
  /** The builtin exception classes and their base class, for {@code except} clauses. */
  static final Map<String, String> EXCEPTIONS =
      Map.ofEntries(
          Map.entry("BaseException", ""),
          Map.entry("Exception", "BaseException"),
          Map.entry("ArithmeticError", "Exception"),
          Map.entry("ZeroDivisionError", "ArithmeticError"),
          Map.entry("OverflowError", "ArithmeticError"),
          Map.entry("LookupError", "Exception"),
          Map.entry("KeyError", "LookupError"),
          Map.entry("IndexError", "LookupError"),
          Map.entry("ValueError", "Exception"),
          Map.entry("TypeError", "Exception"),
          Map.entry("RuntimeError", "Exception"),
          Map.entry("NotImplementedError", "RuntimeError"),
          Map.entry("AttributeError", "Exception"),
          Map.entry("NameError", "Exception"),
          Map.entry("ImportError", "Exception"),
          Map.entry("ModuleNotFoundError", "ImportError"),
          Map.entry("StopIteration", "Exception"),
          Map.entry("AssertionError", "Exception"),
          Map.entry("Warning", "Exception"),
          Map.entry("UserWarning", "Warning"),
          Map.entry("DeprecationWarning", "Warning"),
          Map.entry("FutureWarning", "Warning"),
          Map.entry("RuntimeWarning", "Warning"));

  private final Map<String, PyNamespace> modules = new HashMap<>();

  /** Attributes of library functions that have some ({@code itertools.chain.from_iterable}). */
  private final Map<Builtin, Map<String, Object>> functionAttributes = new IdentityHashMap<>();

  PyLibrary(Interpreter in) {
    module(
        "copy",
        m -> {
          def(m, "copy", (it, a, kw, at) -> shallowCopy(it, a.get(0), at));
          def(m, "deepcopy", (it, a, kw, at) -> new DeepCopy(it, at).copy(a.get(0)));
        });
    PyClass simple = namespaceClass("SimpleNamespace", "types.SimpleNamespace");
    module("types", m -> m.put("SimpleNamespace", simple));
    // argparse: Namespace is modelled; the parser is opaque (it reads the command line, which a
    // model never sees).
    // typing: NamedTuple classes are modelled, the other names (Optional, List, ...) stay opaque;
    // dataclasses: the decorator, field, asdict, replace.
    PyNamespace typing = new PyNamespace("typing", new HashMap<>(), true);
    DataModels.fillTyping(typing.attrs);
    modules.put("typing", typing);
    PyNamespace dataclasses = new PyNamespace("dataclasses", new HashMap<>(), true);
    DataModels.fillDataclasses(dataclasses.attrs);
    modules.put("dataclasses", dataclasses);
    PyNamespace argparse = new PyNamespace("argparse", new HashMap<>(), true);
    argparse.attrs.put("Namespace", namespaceClass("Namespace", "argparse.Namespace"));
    modules.put("argparse", argparse);
    module(
        "collections",
        m -> {
          def(m, "OrderedDict", (it, a, kw, at) -> it.call(it.builtins.get("dict"), a, kw, at));
          def(
              m,
              "defaultdict",
              (it, a, kw, at) -> {
                PyDict d =
                    a.size() > 1
                        ? (PyDict) it.call(it.builtins.get("dict"), a.subList(1, a.size()), kw, at)
                        : (PyDict) it.call(it.builtins.get("dict"), List.of(), kw, at);
                d.defaultFactory = a.isEmpty() ? Values.NONE : a.get(0);
                return d;
              });
          def(m, "namedtuple", PyLibrary::namedtuple);
          PyNamespace abc = new PyNamespace("collections.abc", new HashMap<>(), false);
          for (String name : List.of("Iterable", "Sequence", "Mapping", "Callable")) {
            def(
                abc.attrs,
                name,
                (it, a, kw, at) -> {
                  throw Interpreter.error(
                      Code.DN0102, at, "collections.abc." + name + " is an abstract class");
                });
          }
          m.put("abc", abc);
          modules.put("collections.abc", abc);
        });
    module(
        "functools",
        m -> {
          // partial stores what it is given: a factory of an unmodelled library (an optimizer)
          // waits in it unused.
          in.opaqueTolerant.add(
              def(
                  m,
                  "partial",
                  (it, a, kw, at) -> {
                    Object fn = a.get(0);
                    List<Object> bound = List.copyOf(a.subList(1, a.size()));
                    Map<String, Object> boundKw = Map.copyOf(kw);
                    return new Builtin(
                        "partial",
                        (it2, a2, kw2, at2) -> {
                          List<Object> all = new ArrayList<>(bound);
                          all.addAll(a2);
                          Map<String, Object> allKw = new LinkedHashMap<>(boundKw);
                          allKw.putAll(kw2);
                          return it2.call(fn, all, allKw, at2);
                        });
                  }));
          def(
              m,
              "reduce",
              (it, a, kw, at) -> {
                List<Object> items = it.iterate(a.get(1), at);
                if (items.isEmpty() && a.size() < 3) {
                  throw Interpreter.error(
                      Code.DN0103, at, "reduce() of empty iterable with no initial value");
                }
                Object acc = a.size() > 2 ? a.get(2) : items.get(0);
                for (Object v : a.size() > 2 ? items : items.subList(1, items.size())) {
                  acc = it.call(a.get(0), List.of(acc, v), Map.of(), at);
                }
                return acc;
              });
          // Decorators that change nothing a compiled model sees.
          // (@lru_cache is used bare and with arguments; @wraps(f) always takes the wrapped
          // function first.)
          for (String deco : List.of("wraps", "lru_cache", "cache")) {
            def(
                m,
                deco,
                (it, a, kw, at) ->
                    !deco.equals("wraps") && a.size() == 1 && isFunction(a.get(0))
                        ? a.get(0)
                        : new Builtin(deco, (it2, a2, kw2, at2) -> a2.get(0)));
          }
        });
    module(
        "itertools",
        m -> {
          Builtin chain = def(m, "chain", (it, a, kw, at) -> chain(it, a, at));
          functionAttributes.put(
              chain,
              Map.of(
                  "from_iterable",
                  new Builtin(
                      "from_iterable",
                      (it, a, kw, at) -> chain(it, it.iterate(a.get(0), at), at))));
          def(m, "product", PyLibrary::product);
          def(
              m,
              "accumulate",
              (it, a, kw, at) -> {
                Object fn = a.size() > 1 ? a.get(1) : kw.getOrDefault("func", Values.NONE);
                List<Object> out = new ArrayList<>();
                Object acc = kw.getOrDefault("initial", Values.NONE);
                if (acc != Values.NONE) {
                  out.add(acc);
                }
                for (Object v : it.iterate(a.get(0), at)) {
                  acc =
                      out.isEmpty()
                          ? v
                          : fn == Values.NONE
                              ? Operators.binary(it, "+", acc, v, at)
                              : it.call(fn, List.of(acc, v), Map.of(), at);
                  out.add(acc);
                }
                it.budget.slots(out.size(), at);
                return new PyList(out);
              });
          def(
              m,
              "repeat",
              (it, a, kw, at) -> {
                Object times = a.size() > 1 ? a.get(1) : kw.get("times");
                if (times == null) {
                  throw Interpreter.error(
                      Code.DN0103,
                      at,
                      "itertools.repeat without a count never ends",
                      "dynnc evaluates construction code eagerly: write repeat(x, n)");
                }
                long n = Math.max(0, Operators.asLong(times, at));
                it.budget.slots(n, at);
                return new PyList(
                    new ArrayList<>(
                        java.util.Collections.nCopies(
                            (int) Math.min(n, Integer.MAX_VALUE), a.get(0))));
              });
          def(
              m,
              "islice",
              (it, a, kw, at) -> {
                List<Object> items = it.iterate(a.get(0), at);
                Object start = a.size() > 2 ? a.get(1) : Values.NONE;
                Object stop = a.size() > 2 ? a.get(2) : a.get(1);
                Object step = a.size() > 3 ? a.get(3) : Values.NONE;
                return Operators.subscript(
                    it, new PyList(items), new Operators.SliceValue(start, stop, step), at);
              });
          def(
              m,
              "combinations",
              (it, a, kw, at) -> {
                List<Object> items = it.iterate(a.get(0), at);
                List<Object> out = new ArrayList<>();
                combinations(
                    it,
                    items,
                    (int) Math.min(Operators.asLong(a.get(1), at), items.size() + 1L),
                    0,
                    new ArrayList<>(),
                    out,
                    at);
                return new PyList(out);
              });
        });
    module(
        "operator",
        m -> {
          for (String[] op :
              new String[][] {
                {"add", "+"},
                {"sub", "-"},
                {"mul", "*"},
                {"truediv", "/"},
                {"floordiv", "//"},
                {"mod", "%"},
                {"pow", "**"},
                {"matmul", "@"},
                {"and_", "&"},
                {"or_", "|"},
                {"xor", "^"},
                {"lshift", "<<"},
                {"rshift", ">>"}
              }) {
            def(m, op[0], (it, a, kw, at) -> Operators.binary(it, op[1], a.get(0), a.get(1), at));
          }
          for (String[] op :
              new String[][] {
                {"eq", "=="},
                {"ne", "!="},
                {"lt", "<"},
                {"le", "<="},
                {"gt", ">"},
                {"ge", ">="},
                {"contains", "in"},
                {"is_", "is"},
                {"is_not", "is not"}
              }) {
            boolean swap = op[0].equals("contains");
            def(
                m,
                op[0],
                (it, a, kw, at) ->
                    Operators.compare(it, op[1], a.get(swap ? 1 : 0), a.get(swap ? 0 : 1), at));
          }
          def(m, "neg", (it, a, kw, at) -> Operators.unary(it, "-", a.get(0), at));
          def(m, "pos", (it, a, kw, at) -> Operators.unary(it, "+", a.get(0), at));
          def(m, "not_", (it, a, kw, at) -> !it.truthy(a.get(0), at));
          def(m, "truth", (it, a, kw, at) -> it.truthy(a.get(0), at));
          def(m, "index", (it, a, kw, at) -> Operators.asLong(a.get(0), at));
          def(m, "getitem", (it, a, kw, at) -> Operators.subscript(it, a.get(0), a.get(1), at));
          def(
              m,
              "itemgetter",
              (it, a, kw, at) -> {
                List<Object> keys = List.copyOf(a);
                return new Builtin(
                    "itemgetter",
                    (it2, a2, kw2, at2) ->
                        keys.size() == 1
                            ? Operators.subscript(it2, a2.get(0), keys.get(0), at2)
                            : new PyTuple(
                                keys.stream()
                                    .map(k -> Operators.subscript(it2, a2.get(0), k, at2))
                                    .collect(ImmutableList.toImmutableList())));
              });
          def(
              m,
              "attrgetter",
              (it, a, kw, at) -> {
                List<String> names =
                    a.stream().map(n -> Args.as(String.class, "attrgetter", n, at)).toList();
                return new Builtin(
                    "attrgetter",
                    (it2, a2, kw2, at2) -> {
                      List<Object> out = new ArrayList<>();
                      for (String dotted : names) {
                        Object v = a2.get(0);
                        for (String part : dotted.split("\\.", -1)) {
                          v = Attributes.get(it2, v, part, at2);
                        }
                        out.add(v);
                      }
                      return out.size() == 1 ? out.get(0) : new PyTuple(ImmutableList.copyOf(out));
                    });
              });
        });
    module(
        "warnings",
        m -> {
          for (String f :
              List.of(
                  "warn", "filterwarnings", "simplefilter", "resetwarnings", "catch_warnings")) {
            noEffect(in, m, f);
          }
        });
    PyNamespace logger = new PyNamespace("logging.Logger", new HashMap<>(), false);
    for (String f :
        List.of(
            "debug",
            "info",
            "warning",
            "warn",
            "error",
            "exception",
            "critical",
            "log",
            "setLevel",
            "addHandler",
            "removeHandler",
            "setFormatter",
            "addFilter")) {
      noEffect(in, logger.attrs, f);
    }
    logger.attrs.put("handlers", new PyList(new ArrayList<>()));
    module(
        "logging",
        m -> {
          m.putAll(logger.attrs);
          m.remove("handlers");
          for (String f :
              List.of("getLogger", "StreamHandler", "FileHandler", "Formatter", "basicConfig")) {
            Builtin b = new Builtin(f, (it, a, kw, at) -> logger);
            in.opaqueTolerant.add(b);
            m.put(f, b);
          }
          long level = 0;
          for (String name : List.of("NOTSET", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")) {
            m.put(name, level);
            level += 10;
          }
        });
    module("numpy", Numpy::fill);
    installTorch(in);
  }

  /**
   * The error detail for {@code name} of library module {@code ns} when the module is modelled only
   * in part (numpy), or null.
   */
  String unmodelled(PyNamespace ns, String name) {
    return ns.name.equals("numpy") && modules.get("numpy") == ns
        ? Numpy.unmodelled(ns.attrs, name)
        : null;
  }

  /** The library module {@code dotted}, or null when it is not one of these. */
  PyNamespace module(String dotted) {
    return modules.get(dotted);
  }

  private void module(String name, java.util.function.Consumer<Map<String, Object>> fill) {
    Map<String, Object> attrs = new HashMap<>();
    fill.accept(attrs);
    modules.put(name, new PyNamespace(name, attrs, false));
  }

  private static Builtin def(Map<String, Object> m, String name, BuiltinImpl impl) {
    Builtin b = new Builtin(name, impl);
    m.put(name, b);
    return b;
  }

  /**
   * A function that does nothing and takes any values, including those of unmodelled libraries
   * (logging, warnings).
   */
  private static void noEffect(Interpreter in, Map<String, Object> m, String name) {
    in.opaqueTolerant.add(def(m, name, (it, a, kw, at) -> Values.NONE));
  }

  private static boolean isFunction(Object v) {
    return v instanceof PyFunction || v instanceof BoundMethod || v instanceof Builtin;
  }

  /** An attribute of a library function ({@code itertools.chain.from_iterable}), or null. */
  Object functionAttribute(Builtin b, String name) {
    Map<String, Object> attrs = functionAttributes.get(b);
    return attrs == null ? null : attrs.get(name);
  }

  // ------------------------------------------------------------------------------------------
  // torch names without effect on inference

  private static void installTorch(Interpreter in) {
    PyNamespace torch = in.torch.libraryModule("torch");
    // A Variable is its tensor: autograd has no effect on inference.
    PyNamespace autograd = new PyNamespace("torch.autograd", new HashMap<>(), true);
    def(autograd.attrs, "Variable", (it, a, kw, at) -> a.get(0));
    torch.attrs.put("autograd", autograd);
    PyNamespace jit = new PyNamespace("torch.jit", new HashMap<>(), true);
    for (String deco : List.of("ignore", "unused", "export")) {
      // @torch.jit.ignore, @torch.jit.ignore(drop=True): the function is kept as it is.
      def(
          jit.attrs,
          deco,
          (it, a, kw, at) ->
              a.size() == 1 && isFunction(a.get(0))
                  ? a.get(0)
                  : new Builtin(deco, (it2, a2, kw2, at2) -> a2.get(0)));
    }
    for (String query : List.of("is_scripting", "is_tracing")) {
      def(jit.attrs, query, (it, a, kw, at) -> false);
    }
    torch.attrs.put("jit", jit);
    PyNamespace cuda = new PyNamespace("torch.cuda", new HashMap<>(), true);
    def(cuda.attrs, "is_available", (it, a, kw, at) -> false);
    def(cuda.attrs, "device_count", (it, a, kw, at) -> 0L);
    torch.attrs.put("cuda", cuda);
  }

  // ------------------------------------------------------------------------------------------
  // exceptions

  /**
   * The exception class CPython raises for the error {@code d} reports, for {@code except} clauses.
   */
  static String exceptionOf(Diagnostic d) {
    String m = d.message();
    return switch (d.code()) {
      case DN0100 -> "NameError";
      case DN0101 -> "AttributeError";
      case DN0102, DN0105 -> "TypeError";
      case DN0103, DN0110 -> "ValueError";
      case DN0104 -> "ModuleNotFoundError";
      case DN0108 ->
          m.contains("by zero")
              ? "ZeroDivisionError"
              : m.contains("NaN") ? "ValueError" : "OverflowError";
      case DN0109 ->
          m.startsWith("key") || m.contains("in ModuleDict")
              ? "KeyError"
              : m.contains("is not in list") ? "ValueError" : "IndexError";
      case DN0111 -> m.startsWith("assertion failed") ? "AssertionError" : "Exception";
      default -> "RuntimeError";
    };
  }

  /**
   * Whether an {@code except} clause naming {@code cls} (a class or a tuple of them) handles
   * exception {@code type}.
   */
  static boolean handles(Object cls, String type) {
    if (cls instanceof PyTuple t) {
      return t.items().stream().anyMatch(c -> handles(c, type));
    }
    if (!(cls instanceof Builtin b) || !EXCEPTIONS.containsKey(b.name())) {
      return false; // an unmodelled library's exception class: dynnc never raises it
    }
    for (String c = type; c != null && !c.isEmpty(); c = EXCEPTIONS.get(c)) {
      if (c.equals(b.name())) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------------------------------
  // copy

  private static Object shallowCopy(Interpreter in, Object v, Span at) {
    Signals.use(v, at);
    if (v instanceof PyList l) {
      in.budget.slots(l.items.size(), at);
      return new PyList(l.items);
    } else if (v instanceof PyDict d) {
      in.budget.slots(2L * d.map.size(), at);
      PyDict c = new PyDict();
      c.map.putAll(d.map);
      c.defaultFactory = d.defaultFactory;
      c.cls = d.cls;
      return c;
    } else if (v instanceof PyObject o) {
      in.budget.slots(o.dict.size(), at);
      PyObject c = new PyObject(o.cls);
      c.dict.putAll(o.dict);
      c.module =
          o.module; // as in PyTorch: a shallow copy shares the module's children, parameters and
      // buffers
      Attention.afterCopy(in, c);
      return c;
    }
    return v;
  }

  /** {@code copy.deepcopy(v)}, for library layers that clone a module (TransformerEncoder). */
  static Object deepcopy(Interpreter in, Object v, Span at) {
    return new DeepCopy(in, at).copy(v);
  }

  /**
   * {@code copy.deepcopy}: containers, namespaces and modules copied with a memo, as CPython's
   * protocol does.
   */
  private static final class DeepCopy {
    private final Interpreter in;
    private final Span at;
    private final Map<Object, Object> memo = new IdentityHashMap<>();

    DeepCopy(Interpreter in, Span at) {
      this.in = in;
      this.at = at;
    }

    Object copy(Object v) {
      Signals.use(v, at);
      Interpreter.checkPoison(v, "the value", at);
      Object done = memo.get(v);
      if (done != null) {
        return done;
      }
      in.budget.work(1, at);
      if (v instanceof PyList l) {
        in.budget.slots(l.items.size(), at);
        PyList c = new PyList(new ArrayList<>());
        memo.put(v, c);
        for (Object x : l.items) {
          c.items.add(copy(x));
        }
        return c;
      } else if (v instanceof PyTuple t) {
        in.budget.slots(t.items().size(), at);
        List<Object> items = new ArrayList<>();
        for (Object x : t.items()) {
          items.add(copy(x));
        }
        return new PyTuple(ImmutableList.copyOf(items), t.fields());
      } else if (v instanceof PyDict d) {
        in.budget.slots(2L * d.map.size(), at);
        PyDict c = new PyDict();
        memo.put(v, c);
        c.defaultFactory = d.defaultFactory;
        c.cls = d.cls;
        for (Map.Entry<Object, Object> e : d.map.entrySet()) {
          c.map.put(e.getKey(), copy(e.getValue()));
        }
        return c;
      } else if (v instanceof PyObject o) {
        if (o.module != null && in.staging != null) {
          throw Interpreter.error(
              Code.DN0200,
              at,
              "copy.deepcopy of a module in forward is not supported",
              "a copy made in forward would have weights that are not in the checkpoint; make copies in __init__");
        }
        PyObject c = new PyObject(o.cls);
        memo.put(v, c);
        in.budget.slots(o.dict.size(), at);
        for (Map.Entry<String, Object> e : o.dict.entrySet()) {
          c.dict.put(e.getKey(), copy(e.getValue()));
        }
        if (o.module != null) {
          c.module = new ModuleState(o.module.createdAt());
          for (Map.Entry<String, Object> e : o.module.modules.entrySet()) {
            c.module.modules.put(e.getKey(), copy(e.getValue()));
          }
          for (Map.Entry<String, TensorSlot> e : o.module.parameters.entrySet()) {
            c.module.parameters.put(e.getKey(), (TensorSlot) copy(e.getValue()));
          }
          for (Map.Entry<String, TensorSlot> e : o.module.buffers.entrySet()) {
            c.module.buffers.put(e.getKey(), (TensorSlot) copy(e.getValue()));
          }
          c.module.weightNorms.putAll(o.module.weightNorms);
          c.module.spectralNorms.putAll(o.module.spectralNorms);
          Attention.afterCopy(in, c);
        }
        return c;
      } else if (v instanceof TensorSlot s) {
        TensorSlot c = new TensorSlot(s.type, s.createdAt, s.isParameter);
        memo.put(v, c);
        return c;
      } else if (v instanceof BoundMethod bm) {
        return new BoundMethod(copy(bm.self()), bm.function());
      } else if (v instanceof Super) {
        throw Interpreter.error(
            Code.DN0102, at, "copy.deepcopy of a 'super' object is not supported");
      }
      // Numbers, strings, None, functions, classes, modules and run-time values (which are
      // immutable) are atomic.
      return v;
    }
  }

  // ------------------------------------------------------------------------------------------
  // types.SimpleNamespace and argparse.Namespace

  /** A namespace class: {@code Namespace(a=1, b=2)} has attributes a and b. */
  private static PyClass namespaceClass(String name, String qualified) {
    PyClass c = new PyClass(name, qualified, List.of(), null);
    c.dict.put(
        "__init__",
        new Builtin(
            "__init__",
            (it, a, kw, at) -> {
              PyObject self = Args.as(PyObject.class, name, a.get(0), at);
              if (a.size() > 2 || a.size() == 2 && !(a.get(1) instanceof PyDict)) {
                throw Interpreter.error(Code.DN0102, at, name + "() takes no positional arguments");
              }
              if (a.size() == 2) {
                for (Map.Entry<Object, Object> e : ((PyDict) a.get(1)).map.entrySet()) {
                  self.dict.put(Args.as(String.class, name, e.getKey(), at), e.getValue());
                }
              }
              self.dict.putAll(kw);
              return Values.NONE;
            }));
    return c;
  }

  // ------------------------------------------------------------------------------------------
  // collections.namedtuple

  private static Object namedtuple(
      Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    String name = Args.as(String.class, "namedtuple", a.get(0), at);
    Object spec = a.size() > 1 ? a.get(1) : kw.get("field_names");
    List<String> fields = new ArrayList<>();
    if (spec instanceof String s) {
      in.budget.work(s.length(), at);
      for (String f : s.replace(',', ' ').trim().split("\\s+")) {
        if (!f.isEmpty()) {
          fields.add(f);
        }
      }
    } else {
      for (Object f : in.iterate(spec, at)) {
        fields.add(Args.as(String.class, "namedtuple", f, at));
      }
    }
    for (String f : fields) {
      if (!Interpreter.isModuleName(f) || f.contains(".") || f.startsWith("_")) {
        throw Interpreter.error(
            Code.DN0103,
            at,
            "namedtuple field names must be identifiers not starting with '_': "
                + Builtins.repr(in, f));
      }
      if (fields.indexOf(f) != fields.lastIndexOf(f)) {
        throw Interpreter.error(
            Code.DN0103, at, "encountered duplicate field name: " + Builtins.repr(in, f));
      }
    }
    Map<String, Object> defaults = new HashMap<>();
    Object d = kw.getOrDefault("defaults", Values.NONE);
    if (d != Values.NONE) {
      List<Object> ds = in.iterate(d, at);
      if (ds.size() > fields.size()) {
        throw Interpreter.error(Code.DN0103, at, "got more default values than field names");
      }
      for (int i = 0; i < ds.size(); i++) {
        defaults.put(fields.get(fields.size() - ds.size() + i), ds.get(i));
      }
    }
    return new NamedTupleType(name, ImmutableList.copyOf(fields), defaults);
  }

  static PyTuple makeNamedTuple(
      Interpreter in, NamedTupleType t, List<Object> a, Map<String, Object> kw, Span at) {
    if (a.size() > t.fields().size()) {
      throw Interpreter.error(
          Code.DN0102,
          at,
          t.name()
              + "() takes "
              + t.fields().size()
              + " positional arguments but "
              + a.size()
              + " were given");
    }
    List<Object> items = new ArrayList<>();
    for (int i = 0; i < t.fields().size(); i++) {
      String f = t.fields().get(i);
      if (i < a.size()) {
        if (kw.containsKey(f)) {
          throw Interpreter.error(
              Code.DN0102, at, t.name() + "() got multiple values for argument '" + f + "'");
        }
        items.add(a.get(i));
      } else if (kw.containsKey(f)) {
        items.add(kw.get(f));
      } else if (t.defaults().containsKey(f)) {
        items.add(t.defaults().get(f));
      } else {
        throw Interpreter.error(
            Code.DN0102, at, t.name() + "() missing required argument '" + f + "'");
      }
    }
    for (String k : kw.keySet()) {
      if (!t.fields().contains(k)) {
        throw Interpreter.error(
            Code.DN0102, at, t.name() + "() got an unexpected keyword argument '" + k + "'");
      }
    }
    return new PyTuple(ImmutableList.copyOf(items), t);
  }

  /** A field or method of a namedtuple value, or null. */
  static Object namedTupleAttribute(PyTuple t, String name) {
    NamedTupleType type = t.fields();
    int i = type.fields().indexOf(name);
    if (i >= 0) {
      return t.items().get(i);
    }
    return switch (name) {
      case "_fields" -> new PyTuple(ImmutableList.copyOf(type.fields()));
      case "_asdict" ->
          new Builtin(
              name,
              (it, a, kw, at) -> {
                PyDict d = new PyDict();
                for (int k = 0; k < type.fields().size(); k++) {
                  d.map.put(type.fields().get(k), t.items().get(k));
                }
                return d;
              });
      case "_replace" ->
          new Builtin(
              name,
              (it, a, kw, at) -> {
                Map<String, Object> all = new LinkedHashMap<>();
                for (int k = 0; k < type.fields().size(); k++) {
                  all.put(type.fields().get(k), t.items().get(k));
                }
                for (String k : kw.keySet()) {
                  if (!all.containsKey(k)) {
                    throw Interpreter.error(
                        Code.DN0103, at, "got unexpected field name: '" + k + "'");
                  }
                }
                all.putAll(kw);
                return makeNamedTuple(it, type, List.of(), all, at);
              });
      default -> null;
    };
  }

  // ------------------------------------------------------------------------------------------
  // itertools

  private static PyList chain(Interpreter in, List<Object> iterables, Span at) {
    List<Object> out = new ArrayList<>();
    for (Object x : iterables) {
      List<Object> items = in.iterate(x, at);
      in.budget.slots(items.size(), at);
      out.addAll(items);
    }
    return new PyList(out);
  }

  private static Object product(Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    List<List<Object>> pools = new ArrayList<>();
    long repeat = kw.containsKey("repeat") ? Operators.asLong(kw.get("repeat"), at) : 1;
    for (long r = 0; r < repeat; r++) {
      for (Object x : a) {
        pools.add(in.iterate(x, at));
      }
    }
    long total = 1;
    for (List<Object> p : pools) {
      total = EvalBudget.times(total, p.size());
    }
    in.budget.boxes(EvalBudget.times(total, Math.max(1, pools.size())), at);
    List<Object> out = new ArrayList<>();
    out.add(PyTuple.of());
    for (List<Object> pool : pools) {
      List<Object> next = new ArrayList<>();
      for (Object prefix : out) {
        for (Object x : pool) {
          next.add(
              new PyTuple(
                  ImmutableList.builder().addAll(((PyTuple) prefix).items()).add(x).build()));
        }
      }
      out = next;
    }
    return new PyList(out);
  }

  private static void combinations(
      Interpreter in,
      List<Object> items,
      int r,
      int from,
      List<Object> prefix,
      List<Object> out,
      Span at) {
    if (prefix.size() == r) {
      in.budget.boxes(r + 1L, at);
      out.add(new PyTuple(ImmutableList.copyOf(prefix)));
      return;
    }
    for (int i = from; i < items.size(); i++) {
      prefix.add(items.get(i));
      combinations(in, items, r, i + 1, prefix, out, at);
      prefix.remove(prefix.size() - 1);
    }
  }
}
