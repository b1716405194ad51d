package dev.dynnc.frontend.eval;

import com.google.common.collect.ImmutableList;
import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.BoundMethod;
import dev.dynnc.frontend.eval.Values.Builtin;
import dev.dynnc.frontend.eval.Values.NamedTupleType;
import dev.dynnc.frontend.eval.Values.PyClass;
import dev.dynnc.frontend.eval.Values.PyDict;
import dev.dynnc.frontend.eval.Values.PyList;
import dev.dynnc.frontend.eval.Values.PyObject;
import dev.dynnc.frontend.eval.Values.PyTuple;
import dev.dynnc.ir.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Configuration classes as research code declares them: {@code @dataclasses.dataclass} (with {@code
 * field(default=..., default_factory=...)}, {@code __post_init__}, {@code asdict}, {@code replace})
 * and {@code class Out(typing.NamedTuple)} with annotated fields.
 *
 * <p>A class's fields are its annotated names in the order of its body ({@link
 * PyClass#annotations}), after those of the dataclasses it derives from, as in Python.
 */
final class DataModels {
  private DataModels() {}

  /** {@code typing.NamedTuple} as a base class: the class statement makes a namedtuple type. */
  static final PyClass NAMED_TUPLE =
      new PyClass("NamedTuple", "typing.NamedTuple", List.of(), null);

  /** What {@code dataclasses.field(...)} returns: a field's default or default factory. */
  record FieldSpec(Object defaultValue, Object factory) {}

  /** Marks a dataclass: its class dict holds its field names under this key. */
  private static final String FIELDS = "__dataclass_fields__";

  /** The {@code typing} names dynnc models; every other typing name stays opaque. */
  static void fillTyping(Map<String, Object> m) {
    m.put("NamedTuple", NAMED_TUPLE);
    m.put("TYPE_CHECKING", false);
  }

  /** The {@code dataclasses} names dynnc models. */
  static void fillDataclasses(Map<String, Object> m) {
    m.put("dataclass", new Builtin("dataclass", DataModels::dataclass));
    m.put("field", new Builtin("field", DataModels::field));
    m.put("asdict", new Builtin("asdict", DataModels::asdict));
    m.put("replace", new Builtin("replace", DataModels::replace));
    m.put(
        "is_dataclass",
        new Builtin(
            "is_dataclass",
            (in, a, kw, at) ->
                a.size() == 1
                    && (a.get(0) instanceof PyClass c
                        ? c.lookup(FIELDS) != null
                        : a.get(0) instanceof PyObject o && o.cls.lookup(FIELDS) != null)));
  }

  /**
   * The namedtuple type of {@code class NAME(NamedTuple)} whose body ran into {@code cls}: the
   * annotated names are the fields, their class-level values the defaults.
   */
  static NamedTupleType namedTuple(PyClass cls, Span at) {
    Map<String, Object> defaults = new HashMap<>();
    boolean defaulted = false;
    for (String name : cls.annotations) {
      if (cls.dict.containsKey(name)) {
        defaults.put(name, cls.dict.get(name));
        defaulted = true;
      } else if (defaulted) {
        throw Interpreter.error(
            Code.DN0102,
            at,
            "non-default namedtuple field '" + name + "' cannot follow default fields");
      }
    }
    return new NamedTupleType(cls.name, ImmutableList.copyOf(cls.annotations), defaults);
  }

  private static Object dataclass(Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    if (a.size() == 1 && a.get(0) instanceof PyClass cls) {
      return apply(cls, at);
    }
    if (!a.isEmpty()) {
      throw Interpreter.error(
          Code.DN0102, at, "dataclass() takes a class, got " + Builtins.typeName(a.get(0)));
    }
    // @dataclass(frozen=True, eq=False, ...): the options change nothing dynnc compiles.
    return new Builtin(
        "dataclass",
        (in2, a2, kw2, at2) -> {
          if (a2.size() != 1 || !(a2.get(0) instanceof PyClass cls)) {
            throw Interpreter.error(Code.DN0102, at2, "dataclass(...) decorates a class");
          }
          return apply(cls, at2);
        });
  }

  /** Makes {@code cls} a dataclass: its fields, their class attributes and its __init__. */
  private static PyClass apply(PyClass cls, Span at) {
    List<String> names = new ArrayList<>();
    List<PyClass> mro = cls.mro();
    for (int i = mro.size() - 1; i >= 0; i--) {
      PyClass c = mro.get(i);
      if (c == cls || c.dict.get(FIELDS) instanceof PyTuple) {
        for (String n : c.annotations) {
          names.remove(n);
          names.add(n);
        }
      }
    }
    Map<String, FieldSpec> specs = new LinkedHashMap<>();
    boolean defaulted = false;
    for (String n : names) {
      Object v = cls.lookup(n);
      FieldSpec spec =
          v instanceof FieldSpec fs
              ? fs
              : v == null ? new FieldSpec(null, null) : new FieldSpec(v, null);
      if (v instanceof FieldSpec fs && cls.dict.get(n) == v) {
        if (fs.defaultValue() != null) {
          cls.dict.put(n, fs.defaultValue());
        } else {
          cls.dict.remove(n);
        }
      }
      boolean hasDefault = spec.defaultValue() != null || spec.factory() != null;
      if (!hasDefault && defaulted) {
        throw Interpreter.error(
            Code.DN0102,
            at,
            "non-default argument '" + n + "' follows default argument in dataclass " + cls.name);
      }
      defaulted |= hasDefault;
      specs.put(n, spec);
    }
    cls.dict.put(FIELDS, new PyTuple(ImmutableList.copyOf(names)));
    if (!cls.dict.containsKey("__init__")) {
      cls.dict.put(
          "__init__",
          new Builtin("__init__", (in, a, kw, at2) -> init(in, cls, specs, a, kw, at2)));
    }
    return cls;
  }

  private static Object init(
      Interpreter in,
      PyClass cls,
      Map<String, FieldSpec> specs,
      List<Object> a,
      Map<String, Object> kw,
      Span at) {
    PyObject self = (PyObject) a.get(0);
    List<String> names = new ArrayList<>(specs.keySet());
    if (a.size() - 1 > names.size()) {
      throw Interpreter.error(
          Code.DN0102,
          at,
          cls.name
              + "() takes "
              + names.size()
              + " positional argument(s) but "
              + (a.size() - 1)
              + " were given");
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 1; i < a.size(); i++) {
      values.put(names.get(i - 1), a.get(i));
    }
    for (Map.Entry<String, Object> e : kw.entrySet()) {
      if (!specs.containsKey(e.getKey())) {
        throw Interpreter.error(
            Code.DN0102,
            at,
            cls.name + "() got an unexpected keyword argument '" + e.getKey() + "'");
      }
      if (values.containsKey(e.getKey())) {
        throw Interpreter.error(
            Code.DN0102, at, cls.name + "() got multiple values for argument '" + e.getKey() + "'");
      }
      values.put(e.getKey(), e.getValue());
    }
    for (Map.Entry<String, FieldSpec> e : specs.entrySet()) {
      String n = e.getKey();
      Object v = values.get(n);
      if (v == null) {
        FieldSpec s = e.getValue();
        if (s.factory() != null) {
          v = in.call(s.factory(), List.of(), Map.of(), at);
        } else if (s.defaultValue() != null) {
          v = s.defaultValue();
        } else {
          throw Interpreter.error(
              Code.DN0102, at, cls.name + "() missing required argument '" + n + "'");
        }
      }
      self.dict.put(n, v);
    }
    Object post = cls.lookup("__post_init__");
    if (post != null) {
      in.call(new BoundMethod(self, post), List.of(), Map.of(), at);
    }
    return Values.NONE;
  }

  private static Object field(Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    if (!a.isEmpty()) {
      throw Interpreter.error(Code.DN0102, at, "field() takes keyword arguments only");
    }
    Object d = kw.get("default");
    Object f = kw.get("default_factory");
    if (d != null && f != null) {
      throw Interpreter.error(Code.DN0102, at, "cannot specify both default and default_factory");
    }
    return new FieldSpec(d, f);
  }

  private static Object asdict(Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    if (a.size() != 1 || !(a.get(0) instanceof PyObject o) || o.cls.lookup(FIELDS) == null) {
      throw Interpreter.error(Code.DN0102, at, "asdict() should be called on dataclass instances");
    }
    return copyOut(o);
  }

  /** asdict's recursive copy: dataclass instances become dicts, lists, tuples and dicts copies. */
  private static Object copyOut(Object v) {
    if (v instanceof PyObject o && o.cls.lookup(FIELDS) instanceof PyTuple names) {
      PyDict d = new PyDict();
      for (Object n : names.items()) {
        d.map.put(n, copyOut(o.dict.get((String) n)));
      }
      return d;
    } else if (v instanceof PyList l) {
      return new PyList(new ArrayList<>(l.items.stream().map(DataModels::copyOut).toList()));
    } else if (v instanceof PyTuple t && t.fields() == null) {
      return new PyTuple(
          ImmutableList.copyOf(t.items().stream().map(DataModels::copyOut).toList()));
    } else if (v instanceof PyDict d) {
      PyDict out = new PyDict();
      d.map.forEach((k, x) -> out.map.put(k, copyOut(x)));
      return out;
    }
    return v;
  }

  private static Object replace(Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    if (a.size() != 1
        || !(a.get(0) instanceof PyObject o)
        || !(o.cls.lookup(FIELDS) instanceof PyTuple names)) {
      throw Interpreter.error(Code.DN0102, at, "replace() should be called on dataclass instances");
    }
    Map<String, Object> args = new LinkedHashMap<>();
    for (Object n : names.items()) {
      args.put((String) n, o.dict.get((String) n));
    }
    for (Map.Entry<String, Object> e : kw.entrySet()) {
      if (!args.containsKey(e.getKey())) {
        throw Interpreter.error(
            Code.DN0102,
            at,
            o.cls.name + "() got an unexpected keyword argument '" + e.getKey() + "'");
      }
      args.put(e.getKey(), e.getValue());
    }
    return in.instantiate(o.cls, List.of(), args, at);
  }
}
