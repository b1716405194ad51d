package dev.dynnc.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.ir.Function;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.Parser;
import dev.dynnc.ir.ValueId;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionerTest {
  static final String EARLY_EXIT =
      """
      func @forward(%0 "x": f32[1,10]) {
      ^bb0:
        %1 = softmax(%0) {axis = 1} : f32[1,10]
        %2 = reduce_max(%1) {axes = [1], keepdims = false} : f32[1]
        %4 = item(%2) : f32
        %5 = const() {value = 0.9} : f64
        %6 = ge(%4, %5) : bool
        br %6, ^bb1(), ^bb2()
      ^bb1:
        %7 = const() {value = 0} : i64
        ret (%1, %7)
      ^bb2:
        %8 = relu(%0) : f32[1,10]
        %10 = relu(%8) : f32[1,10]
        ret %10
      }
      """;

  @Test
  void eachBlockDeviceOpsFormOneSubgraphWithLiveInsAndLiveOuts() throws Exception {
    Partitioner.Result r = Partitioner.partition(Parser.parse(EARLY_EXIT));
    assertEquals(2, r.subgraphs().size());
    SubgraphPlan first = r.subgraphs().get(0);
    assertEquals(List.of(new ValueId(0)), first.inputs().stream().map(Param::id).toList());
    // %1 is returned by ^bb1 and %2 is read back by the host: both leave the subgraph.
    assertEquals(List.of(new ValueId(1), new ValueId(2)), first.outputs());
    SubgraphPlan second = r.subgraphs().get(1);
    assertEquals(List.of(new ValueId(10)), second.outputs(), "%8 is used only inside the subgraph");
    HostPlan hp = r.host();
    assertEquals(3, hp.blocks().size());
    assertTrue(hp.blocks().get(1).call().isEmpty(), "^bb1 computes nothing on the device");
    assertEquals(
        List.of("const", "item", "ge").stream().sorted().toList(),
        hp.blocks().get(0).hostOps().stream().map(o -> o.name()).sorted().toList());
  }

  @Test
  void identicalSubgraphsCompileOnce() throws Exception {
    Function two =
        Parser.parse(
            """
        func @forward(%0 "x": f32[4]) {
        ^bb0:
          %9 = reduce_max(%0) {axes = [0], keepdims = false} : f32[]
          %1 = item(%9) : f32
          %2 = const() {value = 0.0} : f64
          %3 = gt(%1, %2) : bool
          br %3, ^bb1(), ^bb2()
        ^bb1:
          %4 = exp(%0) : f32[4] loc("a.py":1:1)
          ret %4
        ^bb2:
          %5 = exp(%0) : f32[4] loc("a.py":9:9)
          ret %5
        }
        """);
    Partitioner.Result r = Partitioner.partition(two);
    assertEquals(
        2, r.subgraphs().size(), "the reduce and one exp subgraph, shared by both branches");
    assertEquals(1, r.host().blocks().get(1).call().get().subgraph());
    assertEquals(1, r.host().blocks().get(2).call().get().subgraph());
  }

  /** A head that both sides of a branch run, in two subgraphs; its weight is {@code type}. */
  static Function sharedHead(String type) throws Exception {
    return Parser.parse(
        """
        func @forward(%0 "x": f32[1,N]) {
        ^bb0:
          %1 = reduce_max(%0) {axes = [0, 1], keepdims = false} : f32[]
          %2 = item(%1) : f32
          %3 = const() {value = 0.0} : f64
          %4 = gt(%2, %3) : bool
          br %4, ^bb1(), ^bb2()
        ^bb1:
          %5 = weight() {name = "head.weight"} : T
          %6 = linear(%0, %5) : f32[1,N]
          ret %6
        ^bb2:
          %7 = relu(%0) : f32[1,N]
          %8 = weight() {name = "head.weight"} : T
          %9 = linear(%7, %8) : f32[1,N]
          ret %9
        }
        """
            .replace("T", type)
            .replace("N", type.replaceAll(".*,(\\d+)\\]", "$1")));
  }

  @Test
  void onlyWeightsOfAtLeastShareMinBytesAreShared() throws Exception {
    // 4x4 floats (64 bytes): compiled into both subgraphs as a constant, which TVM pre-packs.
    Partitioner.Result small = Partitioner.partition(sharedHead("f32[4,4]"));
    assertEquals(3, small.subgraphs().size());
    for (SubgraphPlan sg : small.subgraphs()) {
      assertEquals(List.of(), sg.sharedWeights(), "subgraph " + sg.index());
    }
    assertEquals(
        2,
        small.subgraphs().stream()
            .filter(sg -> sg.ops().stream().anyMatch(op -> op.name().equals("weight")))
            .count());
    // The same weight with the threshold at 0, and a 128x128 one (64 KiB) by default: one input
    // of both subgraphs, stored once.
    for (Partitioner.Result r :
        List.of(
            Partitioner.partition(sharedHead("f32[4,4]"), 0),
            Partitioner.partition(sharedHead("f32[128,128]")))) {
      List<String> shared =
          r.subgraphs().stream()
              .flatMap(sg -> sg.sharedWeights().stream())
              .map(SubgraphPlan.SharedWeight::key)
              .toList();
      assertEquals(List.of("head.weight", "head.weight"), shared);
      assertTrue(
          r.subgraphs().stream()
              .flatMap(sg -> sg.ops().stream())
              .noneMatch(op -> op.name().equals("weight")));
    }
    assertTrue(
        128 * 128 * 4 >= Partitioner.SHARE_MIN_BYTES && 4 * 4 * 4 < Partitioner.SHARE_MIN_BYTES);
  }
}
