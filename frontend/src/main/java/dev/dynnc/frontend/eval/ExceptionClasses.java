package dev.dynnc.frontend.eval;

import com.google.common.collect.ImmutableList;
import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.Builtin;
import dev.dynnc.frontend.eval.Values.PyClass;
import dev.dynnc.frontend.eval.Values.PyObject;
import dev.dynnc.frontend.eval.Values.PyTuple;
import dev.dynnc.ir.Span;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Python's built-in exception classes as bases of a model's own exception classes ({@code class
 * HighwayException(Exception)}), which early-exit models raise to leave a stack of layers with a
 * result (rule TRY in {@link Staging}).
 *
 * <p>Each built-in exception named in {@link PyLibrary#EXCEPTIONS} has one class here, derived as
 * in Python (KeyError from LookupError from Exception from BaseException); its {@code __init__}
 * keeps its arguments as {@code self.args}, as {@code BaseException.__init__} does.
 */
final class ExceptionClasses {
  private ExceptionClasses() {}

  private static final Map<String, PyClass> BASES = new ConcurrentHashMap<>();

  /** The class of the built-in exception {@code name} (a key of {@link PyLibrary#EXCEPTIONS}). */
  static PyClass base(String name) {
    PyClass known = BASES.get(name);
    if (known != null) {
      return known;
    }
    String parent = PyLibrary.EXCEPTIONS.get(name);
    List<PyClass> bases = parent == null || parent.isEmpty() ? List.of() : List.of(base(parent));
    PyClass cls = new PyClass(name, name, bases, null);
    cls.dict.put("__init__", new Builtin("__init__", ExceptionClasses::init));
    PyClass raced = BASES.putIfAbsent(name, cls);
    return raced != null ? raced : cls;
  }

  /** Whether {@code cls} derives from a built-in exception class. */
  static boolean derives(PyClass cls) {
    return builtinAncestor(cls) != null;
  }

  /** The nearest built-in exception class {@code cls} derives from (its name), or null. */
  static String builtinAncestor(PyClass cls) {
    for (PyClass c : cls.mro()) {
      if (BASES.get(c.name) == c) {
        return c.name;
      }
    }
    return null;
  }

  /**
   * Whether an {@code except} clause naming {@code handler} (a class, a built-in exception, a tuple
   * of them, or null for a bare {@code except:}) takes an exception of class {@code raised}.
   */
  static boolean handles(Object handler, PyClass raised) {
    if (handler == null) {
      return true;
    }
    if (handler instanceof PyTuple t) {
      return t.items().stream().anyMatch(h -> handles(h, raised));
    }
    if (handler instanceof PyClass pc) {
      return raised.isSubclassOf(pc);
    }
    if (handler instanceof Builtin b && PyLibrary.EXCEPTIONS.containsKey(b.name())) {
      return raised.isSubclassOf(base(b.name()));
    }
    return false;
  }

  private static Object init(
      Interpreter in, List<Object> args, Map<String, Object> kwargs, Span at) {
    if (args.isEmpty() || !(args.get(0) instanceof PyObject self)) {
      throw Interpreter.error(
          Code.DN0102, at, "Exception.__init__ needs an exception object as its first argument");
    }
    if (!kwargs.isEmpty()) {
      throw Interpreter.error(
          Code.DN0102,
          at,
          "Exception.__init__ takes no keyword arguments, got '"
              + kwargs.keySet().iterator().next()
              + "'");
    }
    self.dict.put("args", new PyTuple(ImmutableList.copyOf(args.subList(1, args.size()))));
    return Values.NONE;
  }
}
