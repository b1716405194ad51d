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
