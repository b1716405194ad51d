package dev.dynnc.rewrite.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Parser;
import dev.dynnc.ir.Printer;
import dev.dynnc.ir.Verifier;
import dev.dynnc.rewrite.HostPlan;
import dev.dynnc.rewrite.Partitioner;
import dev.dynnc.rewrite.PassContext;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SplitAtUploads} and how the partitioner runs uploads: a scalar read back from the block's
 * own subgraph cuts the block; a scalar of an earlier block, and host arithmetic on it, run before
 * the call.
 */
class SplitAtUploadsTest {
  /**
   * ^bb0 reads an argmax back (%3) and indexes with it (%5): the host has %3 only after ^bb0's
   * subgraph ran, so %5 and what follows go to a new block. In ^bb1 (now ^bb2), the counter %7 of
   * ^bb0 times 2 is uploaded: no cut, and the multiplication runs before the call.
   */
  static final String PROGRAM =
      """
      func @forward(%0 "x": f32[8]) {
      ^bb0:
        %1 = tanh(%0) : f32[8]
        %2 = argmax(%1) {axis = 0, keepdims = false} : i64[]
        %3 = item(%2) : i64
        %4 = const() {value = 2} : i64
        %5 = to_tensor(%3) {dtype = "i64"} : i64[]
        %6 = cast(%5) {dtype = "f32"} : f32[]
        %7 = add(%3, %4) : i64
        %8 = mul(%1, %6) : f32[8]
        jump ^bb1()
      ^bb1:
        %9 = mul(%7, %4) : i64
        %10 = to_tensor(%9) {dtype = "i64"} : i64[]
        %11 = cast(%10) {dtype = "f32"} : f32[]
        %12 = add(%8, %11) : f32[8]
        ret %12
      }
      """;

  @Test
  void cutsWhereTheScalarComesFromTheBlocksOwnSubgraph() throws Exception {
    Function in = Parser.parse(PROGRAM);
    assertEquals(List.of(), Verifier.verify(in), "input does not verify");
    Function out = new SplitAtUploads().run(in, PassContext.CHECKED);
    assertEquals(List.of(), Verifier.verify(out), "output does not verify");
    assertEquals(
        """
        func @forward(%0 "x": f32[8]) {
        ^bb0:
          %1 = tanh(%0) : f32[8]
          %2 = argmax(%1) {axis = 0, keepdims = false} : i64[]
          %3 = item(%2) : i64
          %4 = const() {value = 2} : i64
          jump ^bb1()
        ^bb1:
          %5 = to_tensor(%3) {dtype = "i64"} : i64[]
          %6 = cast(%5) {dtype = "f32"} : f32[]
          %7 = add(%3, %4) : i64
          %8 = mul(%1, %6) : f32[8]
          jump ^bb2()
        ^bb2:
          %9 = mul(%7, %4) : i64
          %10 = to_tensor(%9) {dtype = "i64"} : i64[]
          %11 = cast(%10) {dtype = "f32"} : f32[]
          %12 = add(%8, %11) : f32[8]
          ret %12
        }
        """,
        Printer.print(out).replaceAll(" loc\\([^)]*\\)", ""));

    Partitioner.Result r = Partitioner.partition(out);
    HostPlan.HostBlock first = r.host().blocks().get(0);
    HostPlan.HostBlock second = r.host().blocks().get(1);
    HostPlan.HostBlock third = r.host().blocks().get(2);
    assertEquals(List.of(), first.beforeCall());
    assertEquals(List.of("to_tensor"), names(second.beforeCall()));
    // The upload is an input of the subgraph, which reads ^bb0's %1 too.
    assertEquals(
        List.of("%5", "%1"), second.call().orElseThrow().args().stream().map(v -> "" + v).toList());
    // ^bb2's host arithmetic on the counter runs before its call, with the upload.
    assertEquals(List.of("mul", "to_tensor"), names(third.beforeCall()));
    assertEquals(List.of(), third.hostOps());
  }

  @Test
  void leavesAProgramWithoutSuchUploadsAlone() throws Exception {
    Function in = Parser.parse(SplitLargeBlocksTest.LINE);
    assertSame(in, new SplitAtUploads().run(in, PassContext.CHECKED));
  }

  private static List<String> names(List<Op> ops) {
    return ops.stream().map(Op::name).toList();
  }
}
