package dev.dynnc.frontend.testing;

import dev.dynnc.frontend.ast.Expr;
import dev.dynnc.ir.Span;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Renders AST records like Python's {@code ast.dump}: {@code Name(id='x')}, spans left out, so
 * parser tests can state the expected tree in one readable line.
 */
public final class AstDump {
  private AstDump() {}

  public static String dump(Object node) {
    if (node == null) {
      return "null";
    } else if (node instanceof Span) {
      return "";
    } else if (node instanceof String s) {
      return "'"
          + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\t", "\\t")
          + "'";
    } else if (node instanceof Optional<?> o) {
      return o.isPresent() ? dump(o.get()) : "None";
    } else if (node instanceof List<?> l) {
      return l.stream().map(AstDump::dump).collect(Collectors.joining(", ", "[", "]"));
    } else if (node == Expr.Const.NONE) {
      return "None";
    } else if (node == Expr.Const.ELLIPSIS) {
      return "...";
    } else if (node instanceof Record r) {
      StringBuilder sb = new StringBuilder(r.getClass().getSimpleName()).append('(');
      boolean first = true;
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        if (c.getType() == Span.class) {
          continue;
        }
        Object v;
        try {
          v = c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
        if (!first) {
          sb.append(", ");
        }
        first = false;
        sb.append(c.getName()).append('=').append(dump(v));
      }
      return sb.append(')').toString();
    }
    return String.valueOf(node);
  }
}
