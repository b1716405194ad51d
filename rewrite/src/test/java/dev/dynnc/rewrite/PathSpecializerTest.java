package dev.dynnc.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Parser;
import dev.dynnc.ir.Verifier;
import java.util.List;
import org.junit.jupiter.api.Test;

class PathSpecializerTest {
  /**
   * A loop: a guard, a rotated body with a back edge, and a counter carried as a block argument.
   */
  static final String LOOP =
      """
      func @forward(%0 "x": f32[1,4]) {
      ^bb0:
        %1 = weight() {name = "fc.weight"} : f32[4,4]
        %2 = linear(%0, %1) : f32[1,4]
        jump ^bb1(%2)
      ^bb1(%3: f32[1,4]):
        %4 = tanh(%3) : f32[1,4]
        %6 = reduce_max(%4) {axes = [0, 1], keepdims = false} : f32[]
        %7 = item(%6) : f32
        %8 = const() {value = 0.5} : f64
        %9 = gt(%7, %8) : bool
        %10 = const() {value = 0} : i64
        br %9, ^bb2(%4, %10), ^bb4(%4, %10)
      ^bb2(%11: f32[1,4], %12: i64):
        %13 = weight() {name = "fc.weight"} : f32[4,4]
        %14 = linear(%11, %13) : f32[1,4]
        jump ^bb3(%14)
      ^bb3(%15: f32[1,4]):
        %16 = tanh(%15) : f32[1,4]
        %17 = reduce_max(%16) {axes = [0, 1], keepdims = false} : f32[]
        %18 = item(%17) : f32
        %19 = gt(%18, %8) : bool
        %20 = const() {value = 1} : i64
        %21 = add(%12, %20) : i64
        br %19, ^bb2(%16, %21), ^bb4(%16, %21)
      ^bb4(%22: f32[1,4], %23: i64):
        ret (%22, %23)
      }
      """;

  private static List<String> names(Function f) {
    return f.blocks().get(0).ops().stream().map(Op::name).toList();
  }

  @Test
  void earlyExitPathKeepsOnlyWhatItsResultNeeds() throws Exception {
    Function f =
        PathSpecializer.specialize(Parser.parse(PartitionerTest.EARLY_EXIT), List.of(0, 2));
    assertTrue(Verifier.verify(f).isEmpty(), Verifier.verify(f).toString());
    assertEquals(1, f.blocks().size());
    assertEquals(List.of("relu", "relu"), names(f), "the confidence and its read-back are gone");
    Function exit =
        PathSpecializer.specialize(Parser.parse(PartitionerTest.EARLY_EXIT), List.of(0, 1));
    assertEquals(List.of("softmax", "const"), names(exit));
  }

  @Test
  void loopPathIsUnrolledIntoOneSubgraph() throws Exception {
    // The guard, then two trips round the loop, then the exit.
    Function raw = PathSpecializer.specialize(Parser.parse(LOOP), List.of(0, 1, 2, 3, 2, 3, 4));
    assertTrue(Verifier.verify(raw).isEmpty(), Verifier.verify(raw).toString());
    Function f = Pipeline.run(raw, PassContext.DEFAULT);
    assertEquals(3, names(f).stream().filter("linear"::equals).count());
    assertEquals(3, names(f).stream().filter("tanh"::equals).count());
    assertTrue(!names(f).contains("item") && !names(f).contains("gt"), names(f).toString());
    Partitioner.Result r = Partitioner.partition(f);
    assertEquals(1, r.subgraphs().size(), "the whole path is one static graph");
    assertEquals(1, r.host().blocks().size());
    // The counter's two increments are on the path: folded to the constant 2.
    Op counter =
        f.blocks().get(0).ops().stream()
            .filter(o -> o.result().equals(f.blocks().get(0).terminator().uses().get(1)))
            .findFirst()
            .orElseThrow();
    assertEquals("const", counter.name());
    assertEquals(2L, counter.intAttr("value"));
  }

  @Test
  void decisionOracleKeepsEveryTakenConditionAfterTheResult() throws Exception {
    List<Integer> path = List.of(0, 1, 2, 3, 2, 3, 4);
    Function raw = PathSpecializer.specialize(Parser.parse(LOOP), path, true);
    assertTrue(Verifier.verify(raw).isEmpty(), Verifier.verify(raw).toString());
    Function f = Pipeline.run(raw, PassContext.DEFAULT);
    // The guard and the two back edges: three conditions, each read back from its tanh.
    assertEquals(3, names(f).stream().filter("item"::equals).count(), names(f).toString());
    assertEquals(3, names(f).stream().filter("gt"::equals).count(), names(f).toString());
    dev.dynnc.ir.Terminator.Return ret =
        (dev.dynnc.ir.Terminator.Return) f.blocks().get(0).terminator();
    dev.dynnc.ir.OutputTree.TupleNode top = (dev.dynnc.ir.OutputTree.TupleNode) ret.value();
    assertEquals(4, top.items().size(), "(result, guard, back edge, back edge)");
    assertEquals(2, top.items().get(0).leaves().size(), "the model's own result comes first");
    Partitioner.Result r = Partitioner.partition(f);
    assertEquals(1, r.subgraphs().size(), "the path with its decisions is still one static graph");
    // Without the flag nothing changes.
    assertEquals(
        PathSpecializer.specialize(Parser.parse(LOOP), path).toString(),
        PathSpecializer.specialize(Parser.parse(LOOP), path, false).toString());
  }

  @Test
  void pathsThatDoNotFitAreRefusedWithTheStep() throws Exception {
    Function loop = Parser.parse(LOOP);
    assertEquals(
        "the block path starts at block 1, not at the entry block 0",
        assertThrows(
                IllegalArgumentException.class,
                () -> PathSpecializer.specialize(loop, List.of(1, 2)))
            .getMessage());
    assertEquals(
        "step 2 of the block path: block 1 does not continue to block 3 (its successors: [2, 4])",
        assertThrows(
                IllegalArgumentException.class,
                () -> PathSpecializer.specialize(loop, List.of(0, 1, 3, 4)))
            .getMessage());
    assertEquals(
        "the block path ends at block 3, which does not return",
        assertThrows(
                IllegalArgumentException.class,
                () -> PathSpecializer.specialize(loop, List.of(0, 1, 2, 3)))
            .getMessage());
    assertEquals(
        "step 2 of the block path: block 4 returns, but the path goes on",
        assertThrows(
                IllegalArgumentException.class,
                () -> PathSpecializer.specialize(loop, List.of(0, 1, 4, 4)))
            .getMessage());
    assertEquals(
        "step 1 of the block path: block 0 does not continue to block 9 (its successors: [1])",
        assertThrows(
                IllegalArgumentException.class,
                () -> PathSpecializer.specialize(loop, List.of(0, 9)))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> PathSpecializer.specialize(loop, List.of()));
  }

  @Test
  void parsesCommaSeparatedBlockNumbersOnly() {
    assertEquals(List.of(0, 2, 2, 5), PathSpecializer.parsePath("0,2, 2,5"));
    for (String bad : new String[] {"", "0,,1", "0;1", "-1", "0,1x", "1234567890"}) {
      assertThrows(IllegalArgumentException.class, () -> PathSpecializer.parsePath(bad), bad);
    }
  }
}
