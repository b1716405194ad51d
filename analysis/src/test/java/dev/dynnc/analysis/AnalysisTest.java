package dev.dynnc.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.ir.BlockId;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.OpPosition;
import dev.dynnc.ir.Parser;
import dev.dynnc.ir.ValueId;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnalysisTest {
  static final String DIAMOND =
      """
      func @f(%0 "x": f32[1]) {
      ^bb0:
        %1 = item(%0) : f32
        %2 = const() {value = 0.5} : f64
        %3 = const() {value = 2} : i64
        %4 = mul(%3, %3) : i64
        %5 = gt(%1, %2) : bool
        br %5, ^bb1(), ^bb2()
      ^bb1:
        %6 = relu(%0) : f32[1]
        jump ^bb3(%6)
      ^bb2:
        ret %0
      ^bb3(%7: f32[1]):
        ret (%7, %4)
      }
      """;

  @Test
  void cfgDominatorsAndPostDominators() throws Exception {
    Function f = Parser.parse(DIAMOND);
    Cfg cfg = Analyses.cfg(f);
    assertSame(cfg, Analyses.cfg(f), "analyses are cached per function");
    assertEquals(1, cfg.idom(3));
    assertEquals(0, cfg.idom(2));
    assertTrue(cfg.dominates(1, 3));
    assertTrue(cfg.postDominates(3, 1));
    assertFalse(cfg.postDominates(3, 0), "^bb2 returns without reaching ^bb3");
    assertEquals(-1, cfg.ipostdom(0));
    assertEquals(1, cfg.predecessors(3).length);
  }

  @Test
  void valuesAreClassifiedStaticHostDevice() throws Exception {
    ValueInfo v = Analyses.values(Parser.parse(DIAMOND));
    assertEquals(Placement.DEVICE, v.placement(new ValueId(0)));
    assertEquals(Placement.HOST, v.placement(new ValueId(1)), "read back from the device");
    assertEquals(Placement.STATIC, v.placement(new ValueId(4)), "arithmetic on constants");
    assertEquals(Placement.HOST, v.placement(new ValueId(5)), "depends on a device value");
    assertEquals(Placement.DEVICE, v.placement(new ValueId(7)));
    assertEquals(2, v.uses(new ValueId(3)).size());
  }

  /**
   * A data-dependent loop: ^bb1 is the header (a tensor, a counter and a loop-invariant bound as
   * parameters), the body ^bb2 jumps back to it.
   */
  static final String LOOP =
      """
      func @f(%0 "x": f32[1,4]) {
      ^bb0:
        %1 = const() {value = 0} : i64
        %2 = const() {value = 3} : i64
        jump ^bb1(%0, %1, %2)
      ^bb1(%3: f32[1,4], %4: i64, %5: i64):
        %6 = reduce_max(%3) {axes = [0, 1], keepdims = false} : f32[]
        %7 = item(%6) : f32
        %8 = const() {value = 0.5} : f64
        %9 = gt(%7, %8) : bool
        %10 = lt(%4, %5) : bool
        %11 = logical_and(%9, %10) : bool
        br %11, ^bb2(), ^bb3()
      ^bb2:
        %12 = tanh(%3) : f32[1,4]
        %13 = const() {value = 1} : i64
        %14 = add(%4, %13) : i64
        %15 = mul(%5, %13) : i64
        jump ^bb1(%12, %14, %5)
      ^bb3:
        %16 = relu(%0) : f32[1,4]
        ret (%3, %16, %4)
      }
      """;

  @Test
  void classificationIsAFixpointAroundBackEdges() throws Exception {
    ValueInfo v = Analyses.values(Parser.parse(LOOP));
    assertEquals(Placement.DEVICE, v.placement(new ValueId(3)), "tensor block parameter");
    assertEquals(
        Placement.HOST,
        v.placement(new ValueId(4)),
        "the counter's first value is a constant, but the back edge brings a new one");
    assertEquals(Placement.HOST, v.placement(new ValueId(14)), "computed from the counter");
    assertEquals(
        Placement.STATIC,
        v.placement(new ValueId(5)),
        "the bound reaches the header as the same constant, or as itself around the loop");
    assertEquals(Placement.STATIC, v.placement(new ValueId(15)), "arithmetic on the bound");
    assertEquals(Placement.HOST, v.placement(new ValueId(10)), "compares the counter");
    assertEquals(Placement.HOST, v.placement(new ValueId(11)));
  }

  @Test
  void parameterIsStaticOnlyWhenEveryIncomingValueIsTheSameConstant() throws Exception {
    String src =
        """
        func @f(%0 "x": f32[1]) {
        ^bb0:
          %1 = item(%0) : f32
          %2 = const() {value = 0.5} : f64
          %3 = gt(%1, %2) : bool
          %4 = const() {value = 7} : i64
          %5 = const() {value = 7} : i64
          %6 = const() {value = 8} : i64
          br %3, ^bb1(%4, %4), ^bb1(%5, %6)
        ^bb1(%7: i64, %8: i64):
          ret (%7, %8)
        }
        """;
    ValueInfo v = Analyses.values(Parser.parse(src));
    assertEquals(Placement.STATIC, v.placement(new ValueId(7)), "7 on both edges");
    assertEquals(Placement.HOST, v.placement(new ValueId(8)), "7 on one edge, 8 on the other");
  }

  @Test
  void livenessCoversTheWholeLoop() throws Exception {
    Function f = Parser.parse(LOOP);
    Liveness l = Liveness.of(f);
    ValueId x = new ValueId(0);
    // x is read after the loop, so it is live on every block of the loop, header and body.
    assertTrue(l.liveIn(1).contains(x));
    assertTrue(l.liveIn(2).contains(x));
    assertTrue(l.liveOut(2).contains(x), "live around the back edge");
    assertFalse(l.liveIn(1).contains(new ValueId(3)), "a block's own parameter is not live-in");
    assertTrue(l.liveIn(2).contains(new ValueId(3)), "read by the body");
    assertFalse(l.liveIn(3).contains(new ValueId(12)));
    // In the body, %3 dies at tanh (step 0) and %12 is passed back to the header.
    assertEquals(java.util.Set.of(new ValueId(3)), l.diesAt(2, 0));
    assertFalse(l.liveOut(2).contains(new ValueId(3)));
    assertTrue(l.liveOut(2).contains(new ValueId(12)), "an edge argument is read on the edge");
    // %15 is never read: it dies where it is defined.
    assertTrue(l.diesAt(2, 3).contains(new ValueId(15)));
    // ^bb3's relu reads x for the last time.
    assertTrue(l.diesAt(3, 0).contains(x));
    assertEquals(java.util.Set.of(), l.deadParams(1));
    assertFalse(l.liveOut(3).contains(new ValueId(3)), "nothing is live after a return");
  }

  @Test
  void cutEverywhereCountsLoopPiecesPerIteration() throws Exception {
    CutEverywhere loop = CutEverywhere.of(Parser.parse(LOOP));
    assertEquals(1, loop.straight(), "the relu after the loop");
    assertEquals(2, loop.perIteration(), "the header's reduce_max and the body's tanh");
    assertEquals(1 + 2 * 5, loop.withIterations(5));
    CutEverywhere diamond = CutEverywhere.of(Parser.parse(DIAMOND));
    assertEquals(new CutEverywhere(1, 0), diamond, "only ^bb1 runs a device op");
  }

  static final String STRAIGHT =
      """
      func @f(%0 "x": f32[1,4]) {
      ^bb0:
        %1 = relu(%0) : f32[1,4]
        %2 = const() {value = 2} : i64
        %3 = tanh(%1) : f32[1,4]
        %4 = relu(%3) : f32[1,4]
        ret (%4, %2)
      }
      """;

  static OpPosition at(int block, int index) {
    return new OpPosition(new BlockId(block), index);
  }

  @Test
  void cutEverywhereSplitsBlocksAtTheirCutPoints() throws Exception {
    Function f = Parser.parse(STRAIGHT);
    assertEquals(new CutEverywhere(1, 0), CutEverywhere.of(f, List.of()));
    // [relu] [const] [tanh relu]: the host-only piece runs no device op.
    assertEquals(new CutEverywhere(2, 0), CutEverywhere.of(f, List.of(at(0, 1), at(0, 2))));
    // Cuts at a block's ends, repeated cuts and cuts with no device op between them add nothing.
    assertEquals(
        new CutEverywhere(2, 0),
        CutEverywhere.of(f, List.of(at(0, 0), at(0, 1), at(0, 1), at(0, 2), at(0, 5))));
    assertEquals(
        new CutEverywhere(3, 0), CutEverywhere.of(f, List.of(at(0, 1), at(0, 2), at(0, 3))));
    // In a loop: a cut after the header's reduce_max, before the exit block's relu or after the
    // body's tanh leaves each block one device piece.
    Function loop = Parser.parse(LOOP);
    assertEquals(
        new CutEverywhere(1, 2), CutEverywhere.of(loop, List.of(at(1, 1), at(3, 0), at(2, 1))));
  }
}
