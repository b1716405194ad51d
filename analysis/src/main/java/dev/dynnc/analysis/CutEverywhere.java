package dev.dynnc.analysis;

import dev.dynnc.ir.Block;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Type;

/**
 * How many subgraphs a compiler that cuts the program at every {@code if} and {@code return} and
 * unrolls every loop (DyCL's approach) would compile, counted on a dynnc program for comparison
 * with dynnc's own subgraphs.
 *
 * <p>Definition: every block of {@code f} (the program after dynnc's passes, where each block is a
 * straight-line piece between two data-dependent decisions, joins or returns) that runs at least
 * one device op other than reading a weight is one subgraph, and identical pieces are not merged.
 * Loops are unrolled: a block on a cycle of the CFG (a data-dependent loop) counts once per
 * iteration, reported separately as {@link #perIteration}; static loops were already unrolled by
 * dynnc's frontend, so their pieces are counted once per copy. Conditions that dynnc decides while
 * compiling leave no block, and are not counted, although such a compiler would cut there too: the
 * count is a lower bound of that approach's.
 *
 * @param straight pieces outside any loop
 * @param perIteration pieces inside data-dependent loops, per iteration of each
 */
public record CutEverywhere(int straight, int perIteration) {
  public static CutEverywhere of(Function f) {
    Cfg cfg = Analyses.cfg(f);
    int n = cfg.size();
    int straight = 0;
    int loop = 0;
    for (Block b : f.blocks()) {
      int i = b.id().index();
      if (!cfg.isReachable(i) || !runsDeviceOps(b)) {
        continue;
      }
      if (onCycle(cfg, i, n)) {
        loop++;
      } else {
        straight++;
      }
    }
    return new CutEverywhere(straight, loop);
  }

  /** The count for a run whose loops take {@code iterations} iterations in all. */
  public int withIterations(int iterations) {
    return straight + perIteration * iterations;
  }

  private static boolean runsDeviceOps(Block b) {
    for (Op op : b.ops()) {
      if (op.type() instanceof Type.TensorType && !op.name().equals("weight")) {
        return true;
      }
    }
    return false;
  }

  /** Whether block {@code b} can reach itself again. */
  private static boolean onCycle(Cfg cfg, int b, int n) {
    boolean[] seen = new boolean[n];
    java.util.ArrayDeque<Integer> work = new java.util.ArrayDeque<>();
    for (int s : cfg.successors(b)) {
      work.push(s);
    }
    while (!work.isEmpty()) {
      int x = work.pop();
      if (x == b) {
        return true;
      }
      if (!seen[x]) {
        seen[x] = true;
        for (int s : cfg.successors(x)) {
          work.push(s);
        }
      }
    }
    return false;
  }
}
