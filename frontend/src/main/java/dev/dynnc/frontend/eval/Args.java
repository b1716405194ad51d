package dev.dynnc.frontend.eval;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.PyObject;
import dev.dynnc.ir.Span;
import java.util.List;

/**
 * Argument helpers for the Python builtins and module methods that are not in the {@link
 * TorchRegistry} (whose calls {@link BoundArgs} binds to their schemas): an arity-checked
 * positional list and a checked cast.
 */
final class Args {
  private Args() {}

  /**
   * The positional arguments of a call of library function {@code fn}, as a list whose {@code get}
   * of an argument that was not given is the caller's located error (DN0102), so library code reads
   * arguments by index with its arity checked, and an index bug inside dynnc itself still surfaces
   * as an internal error.
   */
  static List<Object> positional(String fn, List<Object> args, Span at) {
    return new Positional(fn, args, at);
  }

  private static final class Positional extends java.util.AbstractList<Object>
      implements java.util.RandomAccess {
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
        throw Interpreter.error(
            Code.DN0102,
            at,
            fn + "() got too few arguments (" + args.size() + " given)",
            "check the call against the function's signature in the PyTorch or Python documentation");
      }
      return args.get(i);
    }

    @Override
    public int size() {
      return args.size();
    }
  }

  /**
   * Argument {@code v} of library function {@code fn} as a {@code type}; anything else is the
   * caller's DN0102.
   */
  static <T> T as(Class<T> type, String fn, Object v, Span at) {
    if (!type.isInstance(v)) {
      throw Interpreter.error(
          Code.DN0102,
          at,
          fn
              + "() got "
              + Builtins.typeName(v)
              + " where it needs "
              + (type == String.class
                  ? "a str"
                  : type == PyObject.class ? "an object" : "a " + type.getSimpleName()),
          "check the call against the function's signature in the PyTorch or Python documentation");
    }
    return type.cast(v);
  }
}
