package dev.dynnc.rewrite;

import dev.dynnc.ir.Function;
import dev.dynnc.ir.Verifier;
import dev.dynnc.rewrite.passes.EliminateDeadCode;
import dev.dynnc.rewrite.passes.EliminateDeadParams;
import dev.dynnc.rewrite.passes.FoldConstants;
import dev.dynnc.rewrite.passes.HoistIntoDominators;
import dev.dynnc.rewrite.passes.MergeBlocks;
import dev.dynnc.rewrite.passes.RemoveUnreachableBlocks;
import dev.dynnc.rewrite.passes.ReuseDominatingValues;
import dev.dynnc.rewrite.passes.SinkIntoSuccessors;
import dev.dynnc.rewrite.passes.SplitAtUploads;
import dev.dynnc.rewrite.passes.SplitLargeBlocks;
import java.util.List;
import java.util.Optional;

/**
 * The ordered list of IR passes run between the frontend and partitioning.
 *
 * <p>Static Python conditions and loops are already decided by the partial evaluator while it
 * lowers forward; these passes clean up what lowering leaves at the IR level (conditions that
 * became constant once values were known, branches that lost a side, straight-line chains) so that
 * partitioning sees one block per data-dependent region; a costly device value a dominating block
 * already computed is read from there instead of computed again ({@link ReuseDominatingValues}: the
 * steps of an unrolled decoder projecting the same encoder output); last, work that only one side
 * of a data-dependent branch needs is moved into that side ({@link SinkIntoSuccessors}), so a
 * block's subgraph does not compute values only the side not taken would read; and a block whose
 * device work could run in an earlier block that runs exactly when it does is moved there ({@link
 * HoistIntoDominators}), so that it does not cost a subgraph call of its own. A block whose device
 * ops read a scalar computed from its own device values is cut there ({@link SplitAtUploads}).
 */
public final class Pipeline {
  private Pipeline() {}

  public static final List<Pass> PASSES =
      List.of(
          new FoldConstants(),
          new RemoveUnreachableBlocks(),
          new MergeBlocks(),
          new EliminateDeadParams(),
          new EliminateDeadCode(),
          new ReuseDominatingValues(),
          new SinkIntoSuccessors(),
          new HoistIntoDominators(),
          new SplitLargeBlocks(),
          new SplitAtUploads());

  public static Function run(Function f, PassContext ctx) {
    return run(f, PASSES, ctx);
  }

  public static Function run(Function f, List<Pass> passes, PassContext ctx) {
    for (Pass p : passes) {
      f = p.run(f, ctx);
      if (ctx.verifyEach()) {
        List<String> errors = Verifier.verify(f);
        if (!errors.isEmpty()) {
          throw new Verifier.VerifyException(
              "after pass " + p.name() + ": " + String.join("; ", errors));
        }
      }
    }
    return f;
  }

  public static Optional<Pass> byName(String name) {
    return PASSES.stream().filter(p -> p.name().equals(name)).findFirst();
  }
}
