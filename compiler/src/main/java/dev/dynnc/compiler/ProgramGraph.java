package dev.dynnc.compiler;

import dev.dynnc.ir.BlockId;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Printer;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Terminator;
import dev.dynnc.rewrite.HostPlan;
import dev.dynnc.rewrite.Partitioner;
import dev.dynnc.rewrite.SubgraphPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Draws a partitioned program as a Graphviz DOT graph: what the compiler did with a model.
 *
 * <p>Each host block is a box that names the subgraph it calls and the host ops it runs; a
 * data-dependent decision is a diamond with its source line, its two edges labelled true and false;
 * a return is an oval. Every unique subgraph is a cluster listing its ops with their shapes, linked
 * by dashed edges to the blocks that call it (to the first of them only when more than {@link
 * #MAX_LINKED_SITES} do). An edge that goes back to an earlier block (a loop) is drawn bold and
 * labelled {@code loop}. Layout is Graphviz's.
 *
 * <p>Model text (weight names, file names, dict keys) appears only inside quoted labels, escaped,
 * so a hostile name cannot change the graph's structure.
 */
public final class ProgramGraph {
  /** Ops listed per subgraph; the rest are counted. */
  static final int MAX_OPS_SHOWN = 40;

  /**
   * The most call sites of one subgraph that are all linked to it. A subgraph called from more
   * blocks (an unrolled loop's body, cut into pieces or with an exit per step) is linked to its
   * first caller only, without constraining the layout; every block's label still names the
   * subgraph it calls. Edges from hundreds of ranks to one node made Graphviz's layout take more
   * than 100 s for 100 unrolled steps with an exit each (0.1 s linked once; 500 steps 1.6 s).
   */
  static final int MAX_LINKED_SITES = 4;

  private ProgramGraph() {}

  public static String dot(Partitioner.Result parts) {
    HostPlan hp = parts.host();
    StringBuilder s = new StringBuilder();
    s.append("digraph dynnc {\n");
    s.append("  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=11, labeljust=l];\n");
    s.append("  node [fontname=\"Helvetica\", fontsize=10];\n");
    s.append("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    s.append("  entry [shape=point, label=\"\"];\n");
    Map<BlockId, Integer> order = new HashMap<>();
    for (HostPlan.HostBlock b : hp.blocks()) {
      order.put(new BlockId(b.index()), b.index());
    }
    for (HostPlan.HostBlock b : hp.blocks()) {
      String id = "bb" + b.index();
      List<String> lines = new ArrayList<>();
      lines.add("^bb" + b.index());
      b.call()
          .ifPresent(
              c ->
                  lines.add(
                      "call sg"
                          + c.subgraph()
                          + " ("
                          + c.args().size()
                          + " in, "
                          + c.results().size()
                          + " out)"));
      for (Op op : b.hostOps()) {
        lines.add("host: " + Printer.op(op));
      }
      s.append("  ")
          .append(id)
          .append(" [shape=box, style=rounded, label=")
          .append(label(lines))
          .append("];\n");
      Terminator t = b.terminator();
      if (t instanceof Terminator.Branch br) {
        String d = id + "_br";
        s.append("  ")
            .append(d)
            .append(" [shape=diamond, style=filled, fillcolor=\"#ffe9a8\", label=")
            .append(label(List.of("if " + br.condition() + where(br.span()))))
            .append("];\n");
        s.append("  ").append(id).append(" -> ").append(d).append(";\n");
        edge(s, d, br.ifTrue(), "true", b.index(), order);
        edge(s, d, br.ifFalse(), "false", b.index(), order);
      } else if (t instanceof Terminator.Jump j) {
        edge(s, id, j.target(), "", b.index(), order);
      } else if (t instanceof Terminator.Return r) {
        String ret = id + "_ret";
        s.append("  ")
            .append(ret)
            .append(" [shape=oval, style=filled, fillcolor=\"#d9f2d9\", label=")
            .append(label(List.of("return" + where(r.span()))))
            .append("];\n");
        s.append("  ").append(id).append(" -> ").append(ret).append(";\n");
      }
    }
    if (!hp.blocks().isEmpty()) {
      s.append("  entry -> bb").append(hp.blocks().get(0).index()).append(";\n");
    }
    Map<Integer, Integer> sites = new HashMap<>();
    for (HostPlan.HostBlock b : hp.blocks()) {
      b.call().ifPresent(c -> sites.merge(c.subgraph(), 1, Integer::sum));
    }
    Set<Integer> drawn = new HashSet<>();
    for (SubgraphPlan sg : parts.subgraphs()) {
      if (!drawn.add(sg.index())) {
        continue;
      }
      s.append("  subgraph cluster_sg").append(sg.index()).append(" {\n");
      s.append("    style=filled; fillcolor=\"#e8f0fe\"; color=\"#6f8fd8\";\n");
      s.append("    label=")
          .append(
              label(
                  List.of(
                      "subgraph sg"
                          + sg.index()
                          + " (TVM): "
                          + sg.ops().size()
                          + " ops, "
                          + sg.inputs().size()
                          + " inputs, "
                          + sg.outputs().size()
                          + " outputs"
                          + (sites.getOrDefault(sg.index(), 0) > MAX_LINKED_SITES
                              ? ", called from "
                                  + sites.get(sg.index())
                                  + " blocks (linked to the first)"
                              : ""))))
          .append(";\n");
      List<String> ops = new ArrayList<>();
      for (int i = 0; i < sg.ops().size() && i < MAX_OPS_SHOWN; i++) {
        Op op = sg.ops().get(i);
        ops.add(Printer.op(op));
      }
      if (sg.ops().size() > MAX_OPS_SHOWN) {
        ops.add("... " + (sg.ops().size() - MAX_OPS_SHOWN) + " more");
      }
      s.append("    sg")
          .append(sg.index())
          .append(" [shape=note, label=")
          .append(label(ops))
          .append("];\n");
      s.append("  }\n");
    }
    Set<Integer> linked = new HashSet<>();
    for (HostPlan.HostBlock b : hp.blocks()) {
      b.call()
          .ifPresent(
              c -> {
                boolean many = sites.get(c.subgraph()) > MAX_LINKED_SITES;
                if (many && !linked.add(c.subgraph())) {
                  return; // the block's own label names the subgraph it calls
                }
                s.append("  bb")
                    .append(b.index())
                    .append(" -> sg")
                    .append(c.subgraph())
                    .append(" [style=dashed, arrowhead=none, color=\"#6f8fd8\"")
                    .append(many ? ", constraint=false" : "")
                    .append("];\n");
              });
    }
    s.append("}\n");
    return s.toString();
  }

  private static void edge(
      StringBuilder s,
      String from,
      BlockId to,
      String text,
      int fromIndex,
      Map<BlockId, Integer> order) {
    boolean back = order.getOrDefault(to, Integer.MAX_VALUE) <= fromIndex;
    List<String> attrs = new ArrayList<>();
    String l = back ? (text.isEmpty() ? "loop" : text + " (loop)") : text;
    if (!l.isEmpty()) {
      attrs.add("label=" + label(List.of(l)));
    }
    if (back) {
      attrs.add("style=bold");
      attrs.add("constraint=false");
    }
    s.append("  ")
        .append(from)
        .append(" -> bb")
        .append(to.index())
        .append(attrs.isEmpty() ? "" : " [" + String.join(", ", attrs) + "]")
        .append(";\n");
  }

  private static String where(Span span) {
    return span.isKnown() ? "\n" + span.file() + ":" + span.line() + ":" + span.column() : "";
  }

  /**
   * A DOT quoted string, left-justified lines; quotes, backslashes and control characters escaped.
   */
  static String label(List<String> lines) {
    StringBuilder b = new StringBuilder("\"");
    for (String line : lines) {
      for (String part : line.split("\n", -1)) {
        for (int i = 0; i < part.length(); i++) {
          char c = part.charAt(i);
          if (c == '"' || c == '\\') {
            b.append('\\').append(c);
          } else if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
        b.append("\\l");
      }
    }
    return b.append('"').toString();
  }
}
