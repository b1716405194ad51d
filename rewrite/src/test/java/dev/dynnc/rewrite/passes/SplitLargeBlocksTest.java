package dev.dynnc.rewrite.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dynnc.ir.Function;
import dev.dynnc.ir.Parser;
import dev.dynnc.ir.Printer;
import dev.dynnc.ir.Verifier;
import dev.dynnc.rewrite.Partitioner;
import dev.dynnc.rewrite.PassContext;
import dev.dynnc.rewrite.Pipeline;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SplitLargeBlocks} with small budgets, on programs small enough to read. */
class SplitLargeBlocksTest {
  /**
   * Eight device ops besides the weight in ^bb0, budget 4, so two cuts. The first may fall before
   * the 3rd, 4th or 5th op: the tanh %3 crosses all three (the add %7 reads it), so it falls where
   * nothing else does, before %4, not at the latest place. The second may fall before %6, %7 or %8
   * and falls before %8, where only %7 crosses. The second piece gets its own copy of the weight
   * (%14); %3, which later pieces and ^bb2 read, is an output of the first. The host ops and the
   * branch go to the last piece; ^bb1 and ^bb2 become ^bb3 and ^bb4.
   */
  static final String LINE =
      """
      func @forward(%0 "x": f32[1,8]) {
      ^bb0:
        %1 = weight() {name = "fc.weight"} : f32[8,8]
        %2 = linear(%0, %1) : f32[1,8]
        %3 = tanh(%2) : f32[1,8]
        %4 = linear(%3, %1) : f32[1,8]
        %5 = tanh(%4) : f32[1,8]
        %6 = linear(%5, %1) : f32[1,8]
        %7 = add(%6, %3) : f32[1,8]
        %8 = sigmoid(%7) : f32[1,8]
        %9 = reduce_max(%8) {axes = [0, 1], keepdims = false} : f32[]
        %10 = item(%9) : f32
        %11 = const() {value = 0.5} : f64
        %12 = gt(%10, %11) : bool
        br %12, ^bb1(), ^bb2()
      ^bb1:
        ret %8
      ^bb2:
        %13 = neg(%3) : f32[1,8]
        ret %13
      }
      """;

  @Test
  void cutsWhereLeastCrossesAndCopiesWeights() throws Exception {
    Function out = run(LINE, 4);
    assertEquals(
        """
        func @forward(%0 "x": f32[1,8]) {
        ^bb0:
          %1 = weight() {name = "fc.weight"} : f32[8,8]
          %2 = linear(%0, %1) : f32[1,8]
          %3 = tanh(%2) : f32[1,8]
          jump ^bb1()
        ^bb1:
          %14 = weight() {name = "fc.weight"} : f32[8,8]
          %4 = linear(%3, %14) : f32[1,8]
          %5 = tanh(%4) : f32[1,8]
          %6 = linear(%5, %14) : f32[1,8]
          %7 = add(%6, %3) : f32[1,8]
          jump ^bb2()
        ^bb2:
          %8 = sigmoid(%7) : f32[1,8]
          %9 = reduce_max(%8) {axes = [0, 1], keepdims = false} : f32[]
          %10 = item(%9) : f32
          %11 = const() {value = 0.5} : f64
          %12 = gt(%10, %11) : bool
          br %12, ^bb3(), ^bb4()
        ^bb3:
          ret %8
        ^bb4:
          %13 = neg(%3) : f32[1,8]
          ret %13
        }
        """,
        Printer.print(out));
  }

  /**
   * A loop header keeps its parameter and its back edge; the piece after it ends the loop's body.
   * Blocks after the split one are renumbered, targets with them.
   */
  @Test
  void splitsALoopBlockAndRenumbersTheRest() throws Exception {
    Function out =
        run(
            """
            func @forward(%0 "x": f32[1,8]) {
            ^bb0:
              jump ^bb1(%0)
            ^bb1(%1: f32[1,8]):
              %2 = tanh(%1) : f32[1,8]
              %3 = exp(%2) : f32[1,8]
              %4 = tanh(%3) : f32[1,8]
              %5 = reduce_max(%4) {axes = [0, 1], keepdims = false} : f32[]
              %6 = item(%5) : f32
              %7 = const() {value = 0.5} : f64
              %8 = gt(%6, %7) : bool
              br %8, ^bb1(%4), ^bb2()
            ^bb2:
              ret %4
            }
            """,
            2);
    assertEquals(
        """
        func @forward(%0 "x": f32[1,8]) {
        ^bb0:
          jump ^bb1(%0)
        ^bb1(%1: f32[1,8]):
          %2 = tanh(%1) : f32[1,8]
          %3 = exp(%2) : f32[1,8]
          jump ^bb2()
        ^bb2:
          %4 = tanh(%3) : f32[1,8]
          %5 = reduce_max(%4) {axes = [0, 1], keepdims = false} : f32[]
          %6 = item(%5) : f32
          %7 = const() {value = 0.5} : f64
          %8 = gt(%6, %7) : bool
          br %8, ^bb1(%4), ^bb3()
        ^bb3:
          ret %4
        }
        """,
        Printer.print(out));
  }

  @Test
  void leavesBlocksWithinTheBudgetAlone() throws Exception {
    Function in = Parser.parse(LINE);
    assertSame(in, new SplitLargeBlocks(8).run(in, PassContext.CHECKED));
    assertSame(in, new SplitLargeBlocks().run(in, PassContext.CHECKED));
    assertThrows(IllegalArgumentException.class, () -> new SplitLargeBlocks(1));
  }

  /**
   * Every piece becomes a subgraph of at most the budget's device ops besides weights, and the
   * pieces that read the weight each compile it in as a constant.
   */
  @Test
  void eachPieceIsASubgraphWithinTheBudget() throws Exception {
    Partitioner.Result parts = Partitioner.partition(run(LINE, 4));
    assertEquals(4, parts.subgraphs().size());
    for (var sg : parts.subgraphs()) {
      long compute = sg.ops().stream().filter(op -> !SplitLargeBlocks.isSource(op)).count();
      assertEquals(true, compute <= 4, "sg" + sg.index() + " has " + compute + " ops");
    }
    assertEquals(
        List.of(1L, 1L, 0L, 0L),
        parts.subgraphs().stream()
            .map(sg -> sg.ops().stream().filter(op -> op.name().equals("weight")).count())
            .toList());
  }

  /**
   * A recurrent step over the 12 time steps of the input, each slicing its step out of x ({@code
   * x[:, t]}): 4 ops a step, budget 8, so pieces of two steps. Without windows each piece slices
   * other steps of x and no two pieces are alike. With them, a window piece first cuts x into one
   * window per piece (its two steps), each piece slices steps 0 and 1 of its window, and the pieces
   * compile into few subgraphs called from every piece.
   */
  @Test
  void piecesSlicingASequenceReadWindowsAndAreAlike() throws Exception {
    StringBuilder ir =
        new StringBuilder(
            "func @forward(%0 \"x\": f32[1,12,4]) {\n^bb0:\n"
                + "  %1 = full() {value = 0.0} : f32[1,4]\n");
    int h = 1;
    int v = 2;
    for (int t = 0; t < 12; t++) {
      ir.append("  %").append(v).append(" = strided_slice(%0) {begin = [0, ").append(t);
      ir.append(", 0], end = [1, ")
          .append(t + 1)
          .append(", 4], strides = [1, 1, 1]} : f32[1,1,4]\n");
      ir.append("  %").append(v + 1).append(" = reshape(%").append(v);
      ir.append(") {shape = [1, 4]} : f32[1,4]\n");
      ir.append("  %").append(v + 2).append(" = add(%").append(v + 1).append(", %").append(h);
      ir.append(") : f32[1,4]\n");
      ir.append("  %").append(v + 3).append(" = tanh(%").append(v + 2).append(") : f32[1,4]\n");
      h = v + 3;
      v += 4;
    }
    ir.append("  ret %").append(h).append("\n}\n");
    Function out = run(ir.toString(), 8);
    // The window piece: one slice of x per later piece, nothing else.
    var windows = out.blocks().get(0).ops();
    assertEquals(6, windows.size(), Printer.print(out));
    for (var op : windows) {
      assertEquals("strided_slice", op.name());
      assertEquals(List.of(new dev.dynnc.ir.ValueId(0)), op.operands());
    }
    assertEquals(
        List.of(0L, 2L, 0L),
        java.util.Arrays.stream(windows.get(1).intsAttr("begin")).boxed().toList());
    assertEquals(
        List.of(1L, 4L, 4L),
        java.util.Arrays.stream(windows.get(1).intsAttr("end")).boxed().toList());
    // Every later piece slices only its own window, at steps 0 and 1.
    for (int p = 1; p < out.blocks().size(); p++) {
      for (var op : out.blocks().get(p).ops()) {
        if (op.name().equals("strided_slice")) {
          assertEquals(false, op.operands().get(0).index() == 0, Printer.print(out));
          long step = op.intsAttr("begin")[1];
          assertEquals(true, step == 0 || step == 1, Printer.print(out));
        }
      }
    }
    Partitioner.Result parts = Partitioner.partition(out);
    assertEquals(7, out.blocks().size());
    // The window piece, the first step piece (it also defines the zeros), and one for the rest.
    assertEquals(3, parts.subgraphs().size());
  }

  /**
   * Two stacked recurrences of 12 steps, the second reading each step's output of the first (as a
   * two-layer LSTM's second layer does): the second has 3 ops a step, budget 8. The first layer's
   * outputs cross every cut into the second layer wherever it falls, so only the second layer's own
   * values decide: it is cut at step boundaries and its pieces are alike. Counting the first
   * layer's outputs as well, each later cut looked cheaper (one fewer pending output), so every
   * piece was cut at the budget's end, 8 ops, out of step with the 3-op steps.
   */
  @Test
  void aStretchReadingEarlierValuesIsCutInStepWithItsLoop() throws Exception {
    StringBuilder ir = new StringBuilder("func @forward(%0 \"x\": f32[1,4]) {\n^bb0:\n");
    int v = 1;
    int a = 0;
    int[] first = new int[12];
    for (int t = 0; t < 12; t++) {
      ir.append("  %").append(v).append(" = add(%").append(a).append(", %0) : f32[1,4]\n");
      ir.append("  %").append(v + 1).append(" = tanh(%").append(v).append(") : f32[1,4]\n");
      a = v + 1;
      first[t] = a;
      v += 2;
    }
    int b = 0;
    for (int t = 0; t < 12; t++) {
      ir.append("  %").append(v).append(" = concat(%").append(b).append(", %").append(first[t]);
      ir.append(") {axis = 1} : f32[1,8]\n");
      ir.append("  %").append(v + 1).append(" = tanh(%").append(v).append(") : f32[1,8]\n");
      ir.append("  %").append(v + 2).append(" = strided_slice(%").append(v + 1);
      ir.append(") {begin = [0, 2], end = [1, 6], strides = [1, 1]} : f32[1,4]\n");
      b = v + 2;
      v += 3;
    }
    ir.append("  ret %").append(b).append("\n}\n");
    Function out = run(ir.toString(), 8);
    List<Integer> sizes =
        out.blocks().stream()
            .map(bl -> (int) bl.ops().stream().filter(op -> !SplitLargeBlocks.isSource(op)).count())
            .toList();
    // The first layer in pieces of 8 ops (4 steps), the second of 6 (2 steps).
    assertEquals(List.of(8, 8, 8, 6, 6, 6, 6, 6, 6), sizes, Printer.print(out));
    Partitioner.Result parts = Partitioner.partition(out);
    // One subgraph per layer for the pieces of whole steps, one for the piece where they meet.
    assertEquals(3, parts.subgraphs().size(), Printer.print(out));
  }

  @Test
  void runsLastInThePipeline() throws Exception {
    // After every pass that merges or moves blocks; only the cuts at uploads come after it.
    assertEquals(
        List.of("split-large-blocks", "split-at-uploads"),
        Pipeline.PASSES.subList(Pipeline.PASSES.size() - 2, Pipeline.PASSES.size()).stream()
            .map(dev.dynnc.rewrite.Pass::name)
            .toList());
  }

  private static Function run(String ir, int budget) throws Exception {
    Function in = Parser.parse(ir);
    assertEquals(List.of(), Verifier.verify(in), "input does not verify");
    Function out = new SplitLargeBlocks(budget).run(in, PassContext.CHECKED);
    assertEquals(List.of(), Verifier.verify(out), "output does not verify");
    assertEquals(out, Parser.parse(Printer.print(out)), "printed output does not parse back");
    return out;
  }
}
