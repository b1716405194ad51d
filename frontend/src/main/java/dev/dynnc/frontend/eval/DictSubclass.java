package dev.dynnc.frontend.eval;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.BoundMethod;
import dev.dynnc.frontend.eval.Values.Builtin;
import dev.dynnc.frontend.eval.Values.PyClass;
import dev.dynnc.frontend.eval.Values.PyDict;
import dev.dynnc.frontend.eval.Values.PyFunction;
import dev.dynnc.ir.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Classes deriving from {@code dict} in construction code, such as the attribute dict that holds a
 * config ({@code class AttrDict(dict)} with {@code __getattr__} and {@code __setattr__ =
 * dict.__setitem__}). An instance is a {@link PyDict} that remembers its class: the dict's methods
 * work on it, its class's methods are found first, and a missing attribute goes to the class's
 * {@code __getattr__}, as in CPython.
 */
final class DictSubclass {
  private DictSubclass() {}

  /** {@code dict} as a base class: {@code __init__} and the item methods its subclasses call. */
  static final PyClass BASE = new PyClass("dict", "dict", List.of(), null);

  static {
    BASE.dict.put("__init__", new Builtin("__init__", DictSubclass::init));
    for (String name : List.of("__setitem__", "__getitem__", "__contains__", "__delitem__")) {
      BASE.dict.put(name, new Builtin(name, (it, a, kw, at) -> item(it, name, a, at)));
    }
  }

  /** Whether {@code cls} derives from dict. */
  static boolean derives(PyClass cls) {
    return cls.isSubclassOf(BASE);
  }

  /** {@code dict.X} read from the builtin dict itself (e.g. {@code dict.__setitem__}), or null. */
  static Object unboundMethod(String name) {
    Object v = BASE.dict.get(name);
    if (v != null) {
      return v;
    }
    return switch (name) {
      case "get", "update", "keys", "items", "values", "pop", "setdefault", "copy" ->
          new Builtin(
              name,
              (it, a, kw, at) -> {
                if (a.isEmpty() || !(a.get(0) instanceof PyDict d)) {
                  throw Interpreter.error(
                      Code.DN0102, at, "dict." + name + " needs a dict as its first argument");
                }
                return it.call(Builtins.method(it, d, name, at), a.subList(1, a.size()), kw, at);
              });
      default -> null;
    };
  }

  /** Calls {@code cls(...)}: an empty dict of that class, then its {@code __init__}. */
  static PyDict instantiate(
      Interpreter in, PyClass cls, List<Object> args, Map<String, Object> kw, Span at) {
    PyDict d = new PyDict();
    d.cls = cls;
    in.call(new BoundMethod(d, cls.lookup("__init__")), args, kw, at);
    return d;
  }

  private static Object init(Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    PyDict self = (PyDict) a.get(0);
    PyDict made = (PyDict) in.call(in.builtins.get("dict"), a.subList(1, a.size()), kw, at);
    self.map.putAll(made.map);
    return Values.NONE;
  }

  private static Object item(Interpreter in, String name, List<Object> a, Span at) {
    if (a.isEmpty() || !(a.get(0) instanceof PyDict d)) {
      throw Interpreter.error(
          Code.DN0102, at, "dict." + name + " needs a dict as its first argument");
    }
    int want = name.equals("__setitem__") ? 3 : 2;
    if (a.size() != want) {
      throw Interpreter.error(
          Code.DN0102,
          at,
          "dict." + name + " takes " + want + " arguments (" + a.size() + " given)");
    }
    Object key = Operators.key(a.get(1), at);
    switch (name) {
      case "__setitem__" -> {
        d.map.put(key, a.get(2));
        return Values.NONE;
      }
      case "__contains__" -> {
        return d.map.containsKey(key);
      }
      default -> {
        if (!d.map.containsKey(key)) {
          throw Interpreter.error(
              Code.DN0109, at, "key " + Builtins.repr(in, a.get(1)) + " is not in the dict");
        }
        return name.equals("__delitem__") ? d.map.remove(key) : d.map.get(key);
      }
    }
  }

  /**
   * {@code obj.name} on an instance: the class's attributes (methods bound), then the dict's
   * methods, then the class's {@code __getattr__}.
   */
  static Object get(Interpreter in, PyDict d, String name, Span at) {
    Object cv = d.cls.lookup(name);
    if (cv != null && !(BASE.dict.containsKey(name) && BASE.dict.get(name) == cv)) {
      return cv instanceof PyFunction || cv instanceof Builtin ? new BoundMethod(d, cv) : cv;
    }
    if (name.equals("__class__")) {
      return d.cls;
    }
    Object m = Builtins.method(in, d, name, at);
    if (m != null) {
      return m;
    }
    Object hook = d.cls.lookup("__getattr__");
    if (hook != null) {
      return in.call(new BoundMethod(d, hook), new ArrayList<>(List.of(name)), Map.of(), at);
    }
    throw Interpreter.error(
        Code.DN0101, at, "'" + d.cls.name + "' object has no attribute '" + name + "'");
  }

  /** {@code obj.name = v} on an instance: through the class's {@code __setattr__}. */
  static void set(Interpreter in, PyDict d, String name, Object v, Span at) {
    Object hook = d.cls.lookup("__setattr__");
    if (hook == null) {
      throw Interpreter.error(
          Code.DN0101,
          at,
          "cannot set attribute '"
              + name
              + "' on a '"
              + d.cls.name
              + "': dynnc supports attributes of dict subclasses through __setattr__ only",
          "define __setattr__ = dict.__setitem__ in the class, or write obj['" + name + "'] = ...");
    }
    in.call(hook, new ArrayList<>(List.of(d, name, v)), Map.of(), at);
  }
}
