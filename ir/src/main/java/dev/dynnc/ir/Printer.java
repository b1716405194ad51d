package dev.dynnc.ir;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes a {@link Function} in the IR text format that {@link Parser} reads back.
 *
 * <pre>
 * func @forward(%0 "x": f32[1,3,32,32]) {
 * ^bb0:
 *   %1 = weight() {name = "conv.weight"} : f32[16,3,3,3] loc("model.py":12:8)
 *   %2 = conv2d(%0, %1) {dilation = [1, 1], groups = 1, padding = [1, 1, 1, 1], strides = [1, 1]} : f32[1,16,32,32] loc("model.py":20:12)
 *   br %9, ^bb1(), ^bb2() loc("model.py":22:8)
 * ^bb1:
 *   ret (%5, %10) loc("model.py":23:12)
 * }
 * </pre>
 */
public final class Printer {
  private Printer() {}

  public static String print(Function f) {
    StringBuilder sb = new StringBuilder();
    sb.append("func @").append(f.name()).append('(');
    for (int i = 0; i < f.params().size(); i++) {
      Param p = f.params().get(i);
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(p.id())
          .append(' ')
          .append(Attr.quote(f.inputNames().get(i)))
          .append(": ")
          .append(p.type());
    }
    sb.append(") {\n");
    for (Block b : f.blocks()) {
      sb.append(b.id());
      if (!b.params().isEmpty()) {
        sb.append(
            b.params().stream()
                .map(p -> p.id() + ": " + p.type())
                .collect(Collectors.joining(", ", "(", ")")));
      }
      sb.append(":\n");
      for (Op op : b.ops()) {
        sb.append("  ").append(op(op)).append('\n');
      }
      sb.append("  ").append(terminatorLine(b.terminator())).append('\n');
    }
    sb.append("}\n");
    return sb.toString();
  }

  /**
   * One op as a block prints it, without indentation, e.g. {@code %2 = relu(%1) : f32[1]
   * loc("m.py":3:9)}.
   */
  public static String op(Op op) {
    StringBuilder sb = new StringBuilder();
    sb.append(op.result()).append(" = ").append(op.name());
    sb.append(
        op.operands().stream().map(ValueId::toString).collect(Collectors.joining(", ", "(", ")")));
    if (!op.attrs().isEmpty()) {
      sb.append(' ').append(attrs(op.attrs()));
    }
    return sb.append(" : ").append(op.type()).append(loc(op.span())).toString();
  }

  /** A terminator as a block prints it, location included, e.g. {@code br %3, ^bb1(), ^bb2()}. */
  public static String terminatorLine(Terminator t) {
    return terminator(t) + loc(t.span());
  }

  static String attrs(Map<String, Attr> attrs) {
    return attrs.entrySet().stream()
        .map(e -> e.getKey() + " = " + e.getValue())
        .collect(Collectors.joining(", ", "{", "}"));
  }

  static String terminator(Terminator t) {
    if (t instanceof Terminator.Jump j) {
      return "jump " + target(j.target(), j.args());
    } else if (t instanceof Terminator.Branch b) {
      return "br "
          + b.condition()
          + ", "
          + target(b.ifTrue(), b.trueArgs())
          + ", "
          + target(b.ifFalse(), b.falseArgs());
    }
    return "ret " + tree(((Terminator.Return) t).value());
  }

  private static String target(BlockId id, List<ValueId> args) {
    return id + args.stream().map(ValueId::toString).collect(Collectors.joining(", ", "(", ")"));
  }

  static String tree(OutputTree t) {
    if (t instanceof OutputTree.Leaf l) {
      return l.value().toString();
    } else if (t instanceof OutputTree.TupleNode n) {
      return n.items().size() == 1
          ? "(" + tree(n.items().get(0)) + ",)"
          : n.items().stream().map(Printer::tree).collect(Collectors.joining(", ", "(", ")"));
    } else if (t instanceof OutputTree.ListNode n) {
      return n.items().stream().map(Printer::tree).collect(Collectors.joining(", ", "[", "]"));
    } else if (t instanceof OutputTree.DictNode n) {
      StringBuilder sb = new StringBuilder("{");
      for (int i = 0; i < n.keys().size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        sb.append(Attr.quote(n.keys().get(i))).append(": ").append(tree(n.items().get(i)));
      }
      return sb.append('}').toString();
    }
    return "None";
  }

  private static String loc(Span s) {
    return s.isKnown()
        ? " loc(" + Attr.quote(s.file()) + ":" + s.line() + ":" + s.column() + ")"
        : "";
  }
}
