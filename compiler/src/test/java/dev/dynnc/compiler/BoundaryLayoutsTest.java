package dev.dynnc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.compiler.BoundaryLayouts.Port;
import dev.dynnc.compiler.BoundaryLayouts.Query;
import dev.dynnc.ir.Parser;
import dev.dynnc.rewrite.Partitioner;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which activations may travel between subgraphs in a blocked layout, and which layout each gets
 * ({@link BoundaryLayouts}), on hand-written programs with made-up answers from TVM.
 */
class BoundaryLayoutsTest {
  /**
   * sg0 computes h and its maximum (read by the host); sg1, under a branch, transforms h; the join
   * takes h or sg1's result, and sg2 computes the returned value from it.
   */
  static final String SKIP =
      """
      func @forward(%0 "x": f32[1,16,8,8]) {
      ^bb0:
        %1 = weight() {name = "w"} : f32[16,16,3,3]
        %2 = conv2d(%0, %1) {dilation = [1, 1], groups = 1, padding = [1, 1, 1, 1], strides = [1, 1]} : f32[1,16,8,8]
        %3 = reduce_max(%2) {axes = [0, 1, 2, 3], keepdims = false} : f32[]
        %4 = item(%3) : f32
        %5 = const() {value = 1.0} : f64
        %6 = gt(%4, %5) : bool
        br %6, ^bb1(), ^bb2()
      ^bb1:
        %7 = weight() {name = "w1"} : f32[16,16,3,3]
        %8 = conv2d(%2, %7) {dilation = [1, 1], groups = 1, padding = [1, 1, 1, 1], strides = [1, 1]} : f32[1,16,8,8]
        jump ^bb3(%8)
      ^bb2:
        jump ^bb3(%2)
      ^bb3(%9: f32[1,16,8,8]):
        %10 = weight() {name = "w2"} : f32[16,16,3,3]
        %11 = conv2d(%9, %10) {dilation = [1, 1], groups = 1, padding = [1, 1, 1, 1], strides = [1, 1]} : f32[1,16,8,8]
        ret (%11)
      }
      """;

  static Partitioner.Result parts(String ir) {
    try {
      return Partitioner.partition(Parser.parse(ir));
    } catch (Parser.ParseException e) {
      throw new AssertionError(e);
    }
  }

  static Query q(List<String> in, List<String> out) {
    return new Query(in, out);
  }

  @Test
  void theJoinTiesBothProducersAndEveryReaderIntoOneClass() {
    Partitioner.Result p = parts(SKIP);
    assertEquals(3, p.subgraphs().size());
    List<List<Port>> classes = BoundaryLayouts.candidateClasses(p);
    // h, sg1's result and the join's parameter: sg0's and sg1's outputs, sg1's and sg2's inputs.
    // sg0's maximum (read by the host) and sg2's result (returned) are not candidates.
    assertEquals(
        List.of(
            List.of(
                new Port(0, false, 0),
                new Port(1, false, 0),
                new Port(1, true, 0),
                new Port(2, true, 0))),
        classes);
    assertEquals(List.of(0, 1, 2), List.copyOf(BoundaryLayouts.subgraphsToQuery(classes)));
  }

  @Test
  void theClassTakesTheLayoutThatLeavesFewestTransforms() {
    Partitioner.Result p = parts(SKIP);
    List<List<Port>> classes = BoundaryLayouts.candidateClasses(p);
    BoundaryLayouts.Plan plan =
        BoundaryLayouts.choose(
            p,
            classes,
            Map.of(
                0, q(Arrays.asList((String) null), Arrays.asList("NCHW16c", null)),
                1, q(List.of("NCHW16c"), List.of("NCHW16c")),
                2, q(List.of("NCHW8c"), Arrays.asList((String) null))));
    assertEquals("NCHW16c", plan.output(0, 0));
    assertNull(plan.output(0, 1), "the host reads the maximum");
    assertNull(plan.input(0, 0), "the function's input comes from the user");
    assertEquals("NCHW16c", plan.input(1, 0));
    assertEquals("NCHW16c", plan.output(1, 0));
    // sg2 wanted NCHW8c: it converts from the class's layout, one transform instead of two.
    assertEquals("NCHW16c", plan.input(2, 0));
    assertNull(plan.output(2, 0), "the returned value stays NCHW");
    assertEquals(4, plan.blockedPorts());
  }

  @Test
  void nchwWinsTiesAndClassesTvmWasNotAskedAbout() {
    Partitioner.Result p = parts(SKIP);
    List<List<Port>> classes = BoundaryLayouts.candidateClasses(p);
    // NCHW costs 2 (sg0's output, sg1's input), NCHW16c 2 (sg1's output, sg2's input).
    BoundaryLayouts.Plan tie =
        BoundaryLayouts.choose(
            p,
            classes,
            Map.of(
                0, q(Arrays.asList((String) null), Arrays.asList("NCHW16c", null)),
                1, q(List.of("NCHW16c"), Arrays.asList((String) null)),
                2, q(Arrays.asList((String) null), Arrays.asList((String) null))));
    assertEquals(0, tie.blockedPorts());
    // No answer for sg1 (its query failed): its class stays as the IR has it.
    BoundaryLayouts.Plan partial =
        BoundaryLayouts.choose(
            p,
            classes,
            Map.of(
                0, q(Arrays.asList((String) null), Arrays.asList("NCHW16c", null)),
                2, q(List.of("NCHW16c"), Arrays.asList((String) null))));
    assertEquals(0, partial.blockedPorts());
  }

  @Test
  void aPortThatTakesAnyLayoutCostsNothing() {
    Partitioner.Result p = parts(SKIP);
    List<List<Port>> classes = BoundaryLayouts.candidateClasses(p);
    // The tie above, but sg2 pools the join's value (any layout) instead of wanting NCHW: NCHW
    // costs 2 (sg0's output, sg1's input), NCHW16c 1 (sg1's output).
    BoundaryLayouts.Plan plan =
        BoundaryLayouts.choose(
            p,
            classes,
            Map.of(
                0, q(Arrays.asList((String) null), Arrays.asList("NCHW16c", null)),
                1, q(List.of("NCHW16c"), Arrays.asList((String) null)),
                2, q(List.of(BoundaryLayouts.ANY), Arrays.asList((String) null))));
    assertEquals("NCHW16c", plan.input(2, 0));
    assertEquals(4, plan.blockedPorts());
    // Ports that take any layout are no candidate themselves: a class of them alone stays NCHW.
    BoundaryLayouts.Plan none =
        BoundaryLayouts.choose(
            p,
            classes,
            Map.of(
                0, q(Arrays.asList((String) null), Arrays.asList(BoundaryLayouts.ANY, null)),
                1, q(List.of(BoundaryLayouts.ANY), List.of(BoundaryLayouts.ANY)),
                2, q(List.of(BoundaryLayouts.ANY), Arrays.asList((String) null))));
    assertEquals(0, none.blockedPorts());
  }

  @Test
  void aLayoutThatDoesNotBlockTheChannelsIsIgnored() {
    Partitioner.Result p = parts(SKIP);
    // 16 channels do not split into blocks of 12: whatever TVM said, the class stays NCHW.
    BoundaryLayouts.Plan plan =
        BoundaryLayouts.choose(
            p,
            BoundaryLayouts.candidateClasses(p),
            Map.of(
                0, q(Arrays.asList((String) null), Arrays.asList("NCHW12c", null)),
                1, q(List.of("NCHW12c"), List.of("NCHW12c")),
                2, q(List.of("NCHW12c"), Arrays.asList((String) null))));
    assertEquals(0, plan.blockedPorts());
  }

  @Test
  void anActivationTheHostAlsoReturnsStaysNchw() {
    String returned = SKIP.replace("ret (%11)", "ret (%11, %9)");
    assertTrue(BoundaryLayouts.candidateClasses(parts(returned)).isEmpty());
  }

  @Test
  void aLoopBodysInputAndOutputShareTheCarriedValuesClass() {
    String loop =
        """
        func @forward(%0 "x": f32[1,8,4,4]) {
        ^bb0:
          %1 = weight() {name = "w"} : f32[8,8,3,3]
          %2 = conv2d(%0, %1) {dilation = [1, 1], groups = 1, padding = [1, 1, 1, 1], strides = [1, 1]} : f32[1,8,4,4]
          jump ^bb1(%2)
        ^bb1(%3: f32[1,8,4,4]):
          %4 = weight() {name = "w1"} : f32[8,8,3,3]
          %5 = conv2d(%3, %4) {dilation = [1, 1], groups = 1, padding = [1, 1, 1, 1], strides = [1, 1]} : f32[1,8,4,4]
          %6 = reduce_max(%5) {axes = [0, 1, 2, 3], keepdims = false} : f32[]
          %7 = item(%6) : f32
          %8 = const() {value = 1.0} : f64
          %9 = gt(%7, %8) : bool
          br %9, ^bb1(%5), ^bb2()
        ^bb2:
          %10 = weight() {name = "w2"} : f32[8,8,3,3]
          %11 = conv2d(%5, %10) {dilation = [1, 1], groups = 1, padding = [1, 1, 1, 1], strides = [1, 1]} : f32[1,8,4,4]
          ret (%11)
        }
        """;
    Partitioner.Result p = parts(loop);
    List<List<Port>> classes = BoundaryLayouts.candidateClasses(p);
    assertEquals(1, classes.size(), classes.toString());
    assertTrue(
        classes
            .get(0)
            .containsAll(
                List.of(
                    new Port(0, false, 0),
                    new Port(1, true, 0),
                    new Port(1, false, 0),
                    new Port(2, true, 0))),
        classes.toString());
    BoundaryLayouts.Plan plan =
        BoundaryLayouts.choose(
            p,
            classes,
            Map.of(
                0, q(List.of(), List.of("NCHW8c")),
                1, q(List.of("NCHW8c"), Arrays.asList("NCHW8c", null)),
                2, q(List.of("NCHW8c"), Arrays.asList((String) null))));
    assertEquals("NCHW8c", plan.input(1, 0));
    assertEquals("NCHW8c", plan.output(1, 0));
    assertNull(plan.output(1, 1), "the loop's condition is read by the host");
  }

  @Test
  void tvmsAnswerIsReadDefensively() {
    Query q =
        BoundaryLayouts.parseQuery(
            "{\"inputs\": [\"NCHW16c\", \"NHWC\", null, 3, \"NCHW0c\", \"any\", \"ANY\"],"
                + " \"outputs\": \"x\"}");
    assertEquals(
        Arrays.asList("NCHW16c", null, null, null, null, BoundaryLayouts.ANY, null), q.inputs());
    assertEquals(List.of(), q.outputs());
    assertEquals(List.of(), BoundaryLayouts.parseQuery("not json").inputs());
    assertEquals(List.of(), BoundaryLayouts.parseQuery("[1]").outputs());
  }

  @Test
  void blockedShapes() {
    assertArrayEquals(
        new long[] {1, 2, 8, 8, 16}, BoundaryLayouts.shape(new long[] {1, 32, 8, 8}, "NCHW16c"));
    assertArrayEquals(
        new long[] {1, 32, 8, 8}, BoundaryLayouts.shape(new long[] {1, 32, 8, 8}, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> BoundaryLayouts.shape(new long[] {1, 12, 8, 8}, "NCHW8c"));
    assertThrows(
        IllegalArgumentException.class, () -> BoundaryLayouts.shape(new long[] {1, 16}, "NCHW8c"));
  }
}
