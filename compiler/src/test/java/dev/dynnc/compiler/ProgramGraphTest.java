package dev.dynnc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.ir.Parser;
import dev.dynnc.rewrite.Partitioner;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProgramGraphTest {
  /** An early exit, then a data-dependent loop that doubles x until its sum passes a bound. */
  static final String PROGRAM =
      """
      func @f(%0 "x": f32[1,4]) {
      ^bb0:
        %1 = weight() {name = "w\\" -> evil [label=\\"pwn"} : f32[1,4]
        %2 = add(%0, %1) : f32[1,4]
        %3 = reduce_sum(%2) {axes = [0, 1], keepdims = false} : f32[]
        %4 = item(%3) : f32
        %5 = const() {value = 10.0} : f64
        %6 = gt(%4, %5) : bool
        br %6, ^bb1(), ^bb2(%2)
      ^bb1:
        ret (%2, %4)
      ^bb2(%7: f32[1,4]):
        %8 = add(%7, %7) : f32[1,4]
        %9 = reduce_sum(%8) {axes = [0, 1], keepdims = false} : f32[]
        %10 = item(%9) : f32
        %11 = const() {value = 100.0} : f64
        %12 = lt(%10, %11) : bool
        br %12, ^bb2(%8), ^bb3(%8, %10)
      ^bb3(%13: f32[1,4], %14: f32):
        ret (%13, %14)
      }
      """;

  @Test
  void drawsDecisionsLoopsAndSubgraphs() throws Exception {
    Partitioner.Result parts = Partitioner.partition(Parser.parse(PROGRAM));
    String dot = ProgramGraph.dot(parts);
    assertEquals(2, count(dot, "shape=diamond"), dot);
    assertEquals(2, count(dot, "shape=oval"), dot);
    assertEquals(parts.subgraphs().size(), count(dot, "subgraph cluster_sg"), dot);
    assertTrue(
        dot.contains("bb2_br -> bb2 [label=\"true (loop)\\l\", style=bold, constraint=false];"),
        dot);
    assertTrue(dot.contains("label=\"false\\l\""), dot);
    String svg = new String(Graphviz.render(dot, Graphviz.Format.SVG), StandardCharsets.UTF_8);
    // The hostile weight name stays text inside its label: Graphviz draws exactly dynnc's nodes
    // (entry, 4 blocks, 2 decisions, 2 returns, 2 subgraphs) and no node named evil.
    assertEquals(11, count(svg, "class=\"node\""), svg);
    assertEquals(0, count(svg, "<title>evil</title>"), svg);
    assertTrue(
        svg.contains("{name = &quot;w\\&quot; &#45;&gt; evil [label=\\&quot;pwn&quot;}"), svg);
    assertTrue(svg.contains("<svg"), svg);
    assertTrue(svg.contains("if %6"), svg);
    assertTrue(svg.contains("call sg"), svg);
    byte[] png = Graphviz.render(dot, Graphviz.Format.PNG);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
  }

  /**
   * An unrolled loop with an exit after each of its 200 steps: every step's block calls one
   * subgraph. Linked to all 200 callers, Graphviz's layout did not finish within its 60 s limit
   * (100 steps took more than 100 s); linked to the first caller, it takes a fraction of a second.
   */
  @Test
  void aSubgraphCalledFromManyBlocksIsLinkedToTheFirst() throws Exception {
    int steps = 200;
    StringBuilder p = new StringBuilder("func @f(%0 \"x\": f32[1,4]) {\n^bb0:\n  jump ^bb1(%0)\n");
    int v = 1;
    for (int i = 0; i < steps; i++) {
      int param = v++;
      int sum = v++;
      int twice = v++;
      int item = v++;
      int bound = v++;
      int exit = v++;
      p.append("^bb").append(2 * i + 1).append("(%").append(param).append(": f32[1,4]):\n");
      p.append("  %").append(twice).append(" = add(%").append(param).append(", %").append(param);
      p.append(") : f32[1,4]\n");
      p.append("  %").append(sum).append(" = reduce_sum(%").append(twice);
      p.append(") {axes = [0, 1], keepdims = false} : f32[]\n");
      p.append("  %").append(item).append(" = item(%").append(sum).append(") : f32\n");
      p.append("  %").append(bound).append(" = const() {value = 100.0} : f64\n");
      p.append("  %").append(exit).append(" = gt(%").append(item).append(", %").append(bound);
      p.append(") : bool\n");
      p.append("  br %").append(exit).append(", ^bb").append(2 * i + 2).append("(), ^bb");
      p.append(2 * i + 3).append("(%").append(twice).append(")\n");
      p.append("^bb").append(2 * i + 2).append(":\n  ret (%").append(twice).append(")\n");
    }
    p.append("^bb").append(2 * steps + 1).append("(%").append(v).append(": f32[1,4]):\n");
    p.append("  ret (%").append(v).append(")\n}\n");
    Partitioner.Result parts = Partitioner.partition(Parser.parse(p.toString()));
    assertEquals(1, parts.subgraphs().size(), "the steps' blocks call one subgraph");
    String dot = ProgramGraph.dot(parts);
    assertEquals(1, count(dot, "style=dashed"), dot);
    assertTrue(
        dot.contains(
            "bb1 -> sg0 [style=dashed, arrowhead=none, color=\"#6f8fd8\", constraint=false];"),
        dot);
    assertTrue(dot.contains("called from " + steps + " blocks (linked to the first)"), dot);
    assertEquals(steps, count(dot, "call sg0"), "each block still names the subgraph it calls");
    String svg = new String(Graphviz.render(dot, Graphviz.Format.SVG), StandardCharsets.UTF_8);
    // entry, 402 blocks, 200 decisions, 201 returns and the subgraph
    assertEquals(1 + (2 * steps + 2) + steps + (steps + 1) + 1, count(svg, "class=\"node\""));
  }

  @Test
  void brokenDotIsAnErrorNotAHang() {
    Graphviz.GraphvizException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            Graphviz.GraphvizException.class,
            () -> Graphviz.render("digraph { a -> }", Graphviz.Format.SVG));
    assertTrue(e.getMessage().startsWith("Graphviz's 'dot' failed (exit 1): "), e.getMessage());
  }

  private static int count(String s, String what) {
    Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
