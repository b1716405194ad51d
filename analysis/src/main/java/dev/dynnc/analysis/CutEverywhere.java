package dev.dynnc.analysis;

import dev.dynnc.ir.Block;
import dev.dynnc.ir.BlockId;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.OpPosition;
import dev.dynnc.ir.Type;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * How many subgraphs a compiler that cuts the program at every {@code if} and {@code return} and
 * unrolls every loop (DyCL's approach) would compile, counted on a dynnc program for comparison
 * with dynnc's own subgraphs (docs/subgraph-counts.md).
 *
 * <p>Definition: on the lowered program (before dynnc's passes merge anything), every reachable
 * block's ops are split at the block's cut points (where the frontend evaluated an {@code if} or a
 * {@code return} it decided while compiling) and at the block's ends (every block starts at a
 * data-dependent decision, a join, a loop header or after a return, where such a compiler cuts
 * too); every piece that runs at least one device op other than reading a weight is one subgraph,
 * and identical pieces are not merged. Loops are unrolled: a piece of a block on a cycle of the CFG
 * (a data-dependent loop) counts once per iteration, reported separately as {@link #perIteration};
 * static loops were already unrolled by dynnc's frontend, so their pieces are counted once per
 * copy.
 *
 * @param straight pieces outside any loop
 * @param perIteration pieces inside data-dependent loops, per iteration of each
 */
public record CutEverywhere(int straight, int perIteration) {
  /** The count for a program without cut points inside blocks (each block one piece at most). */
  public static CutEverywhere of(Function f) {
    return of(f, List.of());
  }

  /** The count for the lowered program {@code f} cut at {@code cuts} inside its blocks. */
  public static CutEverywhere of(Function f, Collection<OpPosition> cuts) {
    Map<BlockId, TreeSet<Integer>> at = new HashMap<>();
    for (OpPosition c : cuts) {
      at.computeIfAbsent(c.block(), k -> new TreeSet<>()).add(c.index());
    }
    Cfg cfg = Analyses.cfg(f);
    int n = cfg.size();
    int straight = 0;
    int loop = 0;
    for (Block b : f.blocks()) {
      int i = b.id().index();
      if (!cfg.isReachable(i)) {
        continue;
      }
      int pieces = pieces(b, at.getOrDefault(b.id(), new TreeSet<>()));
      if (pieces == 0) {
        continue;
      }
      if (onCycle(cfg, i, n)) {
        loop += pieces;
      } else {
        straight += pieces;
      }
    }
    return new CutEverywhere(straight, loop);
  }

  /** The count for a run whose loops take {@code iterations} iterations in all. */
  public int withIterations(int iterations) {
    return straight + perIteration * iterations;
  }

  /** How many of the pieces {@code cuts} split {@code b}'s ops into run a device op. */
  private static int pieces(Block b, TreeSet<Integer> cuts) {
    int pieces = 0;
    boolean device = false;
    for (int k = 0; k < b.ops().size(); k++) {
      if (cuts.contains(k) && device) {
        pieces++;
        device = false;
      }
      Op op = b.ops().get(k);
      device |= op.type() instanceof Type.TensorType && !op.name().equals("weight");
    }
    return pieces + (device ? 1 : 0);
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
