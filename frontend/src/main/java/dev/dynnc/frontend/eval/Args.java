package dev.dynnc.frontend.eval;

import dev.dynnc.diag.Code;
import dev.dynnc.ir.Span;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import dev.dynnc.frontend.eval.Values.PyObject;

/**
 * Binds a library call's arguments to a signature written as {@code "name"} (required) or
 * {@code "name=default"} with defaults None, True, False, ints or floats.
 */
final class Args {
  private static final Object MISSING = new Object();
  private final Map<String, Object> values = new HashMap<>();

  /**
   * The positional arguments of a call of library function {@code fn}, as a list whose {@code get} of an argument that
   * was not given is the caller's located error (DN0102), so library code reads arguments by index with its arity
   * checked, and an index bug inside dynnc itself still surfaces as an internal error.
   */
  static List<Object> positional(String fn, List<Object> args, Span at) {
    return new Positional(fn, args, at);
  }

  private static final class Positional extends java.util.AbstractList<Object> implements java.util.RandomAccess {
    private final String fn;
    private final List<Object> args;
    private final Span at;

    Positional(String fn, List<Object> args, Span at) {
      this.fn = fn;
      this.args = args;
      this.at = at;
    }

    @Override
    public Object get(int i) {
      if (i < 0 || i >= args.size()) {
        throw Interpreter.error(Code.DN0102, at, fn + "() got too few arguments (" + args.size() + " given)",
            "check the call against the function's signature in the PyTorch or Python documentation");
      }
      return args.get(i);
    }

    @Override
    public int size() {
      return args.size();
    }
  }

  /** Argument {@code v} of library function {@code fn} as a {@code type}; anything else is the caller's DN0102. */
  static <T> T as(Class<T> type, String fn, Object v, Span at) {
    if (!type.isInstance(v)) {
      throw Interpreter.error(Code.DN0102, at, fn + "() got " + Builtins.typeName(v) + " where it needs "
          + (type == String.class ? "a str" : type == PyObject.class ? "an object" : "a " + type.getSimpleName()),
          "check the call against the function's signature in the PyTorch or Python documentation");
    }
    return type.cast(v);
  }

  static Args bind(String fn, List<Object> args, Map<String, Object> kwargs, Span at, String... signature) {
    Args out = new Args();
    Map<String, Object> kw = new HashMap<>(kwargs);
    for (int i = 0; i < signature.length; i++) {
      String p = signature[i];
      int eq = p.indexOf('=');
      String name = eq < 0 ? p : p.substring(0, eq);
      Object v;
      if (i < args.size()) {
        v = args.get(i);
        if (kw.containsKey(name)) {
          throw Interpreter.error(Code.DN0102, at, fn + "() got multiple values for argument '" + name + "'");
        }
      } else if (kw.containsKey(name)) {
        v = kw.remove(name);
      } else if (eq >= 0) {
        v = parseDefault(p.substring(eq + 1));
      } else {
        throw Interpreter.error(Code.DN0102, at, fn + "() missing required argument '" + name + "'");
      }
      out.values.put(name, v);
    }
    if (args.size() > signature.length) {
      throw Interpreter.error(Code.DN0102, at, fn + "() takes at most " + signature.length + " arguments (" + args.size() + " given)");
    }
    if (!kw.isEmpty()) {
      throw Interpreter.error(Code.DN0102, at, fn + "() got an unexpected keyword argument '" + kw.keySet().iterator().next() + "'");
    }
    return out;
  }

  private static Object parseDefault(String s) {
    switch (s) {
      case "None":
        return Values.NONE;
      case "True":
        return true;
      case "False":
        return false;
      default:
        if (s.startsWith("'")) {
          return s.substring(1, s.length() - 1);
        }
        return s.contains(".") || s.contains("e") ? (Object) Double.parseDouble(s) : (Object) Long.parseLong(s);
    }
  }

  Object get(String name) {
    return values.get(name);
  }

  boolean isNone(String name) {
    return values.get(name) == Values.NONE;
  }

  long getLong(String name, Span at) {
    return Operators.asLong(values.get(name), at);
  }

  /** An int argument that must be at least {@code min} (sizes, strides, groups). */
  long getLong(String name, long min, Span at) {
    long v = getLong(name, at);
    if (v < min) {
      throw Interpreter.error(Code.DN0102, at, "argument '" + name + "' must be at least " + min + ", got " + v);
    }
    return v;
  }

  /** {@link #getInts(Interpreter, String, int, Span)} with every value at least {@code min}. */
  long[] getInts(Interpreter in, String name, int n, long min, Span at) {
    long[] v = getInts(in, name, n, at);
    for (long x : v) {
      if (x < min) {
        throw Interpreter.error(Code.DN0102, at, "argument '" + name + "' must be at least " + min + ", got " + x);
      }
    }
    return v;
  }

  double getDouble(String name, Span at) {
    Object v = values.get(name);
    if (!(v instanceof Number) && !(v instanceof Boolean)) {
      throw Interpreter.error(Code.DN0102, at, "argument '" + name + "' must be a number, got " + Builtins.typeName(v));
    }
    return Operators.asDouble(v, at);
  }

  boolean getBool(Interpreter in, String name, Span at) {
    return in.truthy(values.get(name), at);
  }

  /** An int or a tuple of ints, expanded to {@code n} values (kernel_size=3 → [3, 3]). */
  long[] getInts(Interpreter in, String name, int n, Span at) {
    Object v = values.get(name);
    if (v instanceof Long || v instanceof Boolean) {
      long[] out = new long[n];
      java.util.Arrays.fill(out, Operators.asLong(v, at));
      return out;
    }
    List<Object> items = in.iterate(v, at);
    if (items.size() != n) {
      throw Interpreter.error(Code.DN0102, at, "argument '" + name + "' needs " + n + " values, got " + items.size());
    }
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = Operators.asLong(items.get(i), at);
    }
    return out;
  }
}
