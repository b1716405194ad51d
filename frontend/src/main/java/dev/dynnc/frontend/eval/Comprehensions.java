package dev.dynnc.frontend.eval;

import com.google.common.collect.ImmutableList;
import dev.dynnc.frontend.ast.Expr;
import dev.dynnc.frontend.eval.Values.*;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/** List, set, dict comprehensions and generator expressions (evaluated eagerly, own scope). */
final class Comprehensions {
  private Comprehensions() {}

  static Object eval(Interpreter in, Expr.Comprehension c, Interpreter.Frame outer) {
    // The comprehension has its own scope that sees the enclosing one (Python 3 semantics).
    Interpreter.Frame f =
        new Interpreter.Frame(
            new HashMap<>(),
            outer.globals,
            new Scope(outer.locals, outer.closure),
            outer.moduleName,
            outer.function,
            false);
    f.enclosing = outer.enclosing != null ? outer.enclosing : outer;
    List<Object> items = new ArrayList<>();
    PyDict dict = new PyDict();
    loop(in, c, f, 0, items, dict);
    return switch (c.kind()) {
      case DICT -> dict;
      case LIST, SET -> new PyList(items);
      case GENERATOR -> new PyTuple(ImmutableList.copyOf(items));
    };
  }

  private static void loop(
      Interpreter in,
      Expr.Comprehension c,
      Interpreter.Frame f,
      int level,
      List<Object> items,
      PyDict dict) {
    if (level == c.generators().size()) {
      if (c.kind() == Expr.CompKind.DICT) {
        dict.map.put(Operators.key(in.eval(c.elt(), f), c.span()), in.eval(c.value().get(), f));
      } else {
        Object v = in.eval(c.elt(), f);
        if (c.kind() != Expr.CompKind.SET || !items.contains(v)) {
          items.add(v);
        }
      }
      return;
    }
    Expr.CompFor g = c.generators().get(level);
    Object iterable = in.eval(g.iter(), level == 0 ? f : f);
    outer:
    for (Object v : in.iterate(iterable, g.iter().span())) {
      in.step(g.iter().span());
      in.assign(g.target(), v, f);
      for (Expr cond : g.ifs()) {
        Object t = in.foldCondition(in.eval(cond, f));
        if (Interpreter.isDynamic(t)) {
          throw Interpreter.error(
              dev.dynnc.diag.Code.DN0203,
              cond.span(),
              "a comprehension filter depends on tensor data",
              "filter with a static condition");
        }
        if (!in.truthy(t, cond.span())) {
          continue outer;
        }
      }
      loop(in, c, f, level + 1, items, dict);
    }
  }
}
