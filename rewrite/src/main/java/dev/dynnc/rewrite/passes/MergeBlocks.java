package dev.dynnc.rewrite.passes;

import com.google.common.collect.ImmutableList;
import dev.dynnc.analysis.Analyses;
import dev.dynnc.analysis.Cfg;
import dev.dynnc.ir.Block;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Terminator;
import dev.dynnc.ir.ValueId;
import dev.dynnc.rewrite.Pass;
import dev.dynnc.rewrite.PassContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges a block into its predecessor when the predecessor ends in a jump to it and is its only
 * predecessor: one block per straight-line region means one subgraph per region later. Block
 * parameters of the merged block are replaced by the jump's arguments.
 */
public final class MergeBlocks implements Pass {
  @Override
  public String name() {
    return "merge-blocks";
  }

  @Override
  public Function run(Function f, PassContext ctx) {
    while (true) {
      Cfg cfg = Analyses.cfg(f);
      int a = -1;
      for (Block b : f.blocks()) {
        if (b.terminator() instanceof Terminator.Jump j) {
          int t = j.target().index();
          if (t != b.id().index() && t != 0 && cfg.predecessors(t).length == 1) {
            a = b.id().index();
            break;
          }
        }
      }
      if (a < 0) {
        return f;
      }
      Block pred = f.blocks().get(a);
      Terminator.Jump j = (Terminator.Jump) pred.terminator();
      Block succ = f.block(j.target());
      Map<ValueId, ValueId> subst = new HashMap<>();
      for (int i = 0; i < succ.params().size(); i++) {
        subst.put(succ.params().get(i).id(), j.args().get(i));
      }
      List<Op> ops = new ArrayList<>(pred.ops());
      ops.addAll(succ.ops());
      List<Block> blocks = new ArrayList<>(f.blocks());
      blocks.set(
          a, new Block(pred.id(), pred.params(), ImmutableList.copyOf(ops), succ.terminator()));
      // The merged-away block keeps its slot until renumbering; make it a self-contained dead end.
      blocks.set(
          succ.id().index(),
          new Block(succ.id(), ImmutableList.of(), ImmutableList.of(), succ.terminator()));
      boolean[] keep = new boolean[blocks.size()];
      java.util.Arrays.fill(keep, true);
      keep[succ.id().index()] = false;
      f =
          Rewrites.keepBlocks(
              Rewrites.substitute(f.withBlocks(ImmutableList.copyOf(blocks)), subst), keep);
    }
  }
}
