package dev.dynnc.rewrite.passes;

import dev.dynnc.analysis.Analyses;
import dev.dynnc.analysis.Cfg;
import dev.dynnc.ir.Function;
import dev.dynnc.rewrite.Pass;
import dev.dynnc.rewrite.PassContext;

/** Drops blocks no path from the entry reaches, renumbering the rest in their original order. */
public final class RemoveUnreachableBlocks implements Pass {
  @Override
  public String name() {
    return "remove-unreachable-blocks";
  }

  @Override
  public Function run(Function f, PassContext ctx) {
    Cfg cfg = Analyses.cfg(f);
    boolean[] keep = new boolean[f.blocks().size()];
    for (int i = 0; i < keep.length; i++) {
      keep[i] = cfg.isReachable(i);
    }
    return Rewrites.keepBlocks(f, keep);
  }
}
