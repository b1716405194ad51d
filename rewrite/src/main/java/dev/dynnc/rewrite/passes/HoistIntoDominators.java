package dev.dynnc.rewrite.passes;

import com.google.common.collect.ImmutableList;
import dev.dynnc.analysis.Analyses;
import dev.dynnc.analysis.Cfg;
import dev.dynnc.analysis.Placement;
import dev.dynnc.analysis.ValueInfo;
import dev.dynnc.ir.Block;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.ValueId;
import dev.dynnc.rewrite.Pass;
import dev.dynnc.rewrite.PassContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Moves all the device ops of a block into an earlier block that runs exactly when it does, when
 * everything they read is already there, so that the block's subgraph call disappears into that
 * block's (the opposite of {@link SinkIntoSuccessors}).
 *
 * <p>Each block with device ops is one subgraph call at run time, and a call costs the executor's
 * and the host's time whatever it computes. A policy network that decides every block up front
 * (BlockDrop) reads its decision for block {@code t} as {@code policy[:, t]} right before the
 * block: after a dropped block, that slice of a tensor computed long before is the only device op
 * of its block, and a call of its own. Moved into the block that computed the policy, it costs one
 * more output of that subgraph instead.
 *
 * <p>The device ops of block B move to the end of block D when:
 *
 * <ul>
 *   <li>D dominates B and B post-dominates D, and neither lies on a cycle: D runs exactly when B
 *       does, once per run, so nothing is computed that the original program did not compute, and
 *       nothing moves into or out of a loop;
 *   <li>every value B's device ops read from outside them is defined in D or in a block that
 *       dominates D, and none is a parameter of B or a host value of D;
 *   <li>D has device ops of its own: moving into a block without a subgraph would only move the
 *       call, not remove it. D is the nearest such block above B on its dominator chain.
 * </ul>
 *
 * <p>Only whole blocks move. Moving some of a block's device ops would remove no call and could
 * split a chain that TVM fuses into one kernel. What moves is the same work, in the same order; it
 * may fuse with D's ops, and the values D handed to B no longer cross a boundary unless something
 * else reads them. Host ops and terminators stay, so block numbering and paths do not change.
 * Blocks are visited in reverse postorder until nothing moves, so a chain of such blocks collects
 * in the first of them that has a subgraph.
 */
public final class HoistIntoDominators implements Pass {
  @Override
  public String name() {
    return "hoist-into-dominators";
  }

  @Override
  public Function run(Function f, PassContext ctx) {
    Cfg cfg = Analyses.cfg(f);
    ValueInfo info = ValueInfo.compute(f);
    int n = f.blocks().size();
    boolean[] cyclic = onCycle(cfg, n);
    List<List<Op>> ops = new ArrayList<>();
    // The block defining each value, and whether by a device op or a parameter (readable by a
    // subgraph of that block) rather than by a host op.
    Map<ValueId, Integer> defBlock = new HashMap<>();
    Set<ValueId> deviceReadable = new HashSet<>();
    for (Param p : f.params()) {
      defBlock.put(p.id(), 0);
      deviceReadable.add(p.id());
    }
    for (Block b : f.blocks()) {
      int i = b.id().index();
      ops.add(new ArrayList<>(b.ops()));
      for (Param p : b.params()) {
        defBlock.put(p.id(), i);
        deviceReadable.add(p.id());
      }
      for (Op op : b.ops()) {
        defBlock.put(op.result(), i);
        if (isDevice(info, op)) {
          deviceReadable.add(op.result());
        }
      }
    }
    boolean any = false;
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int b : cfg.reversePostorder()) {
        if (b == 0 || cyclic[b]) {
          continue;
        }
        List<Op> device = ops.get(b).stream().filter(op -> isDevice(info, op)).toList();
        if (device.isEmpty()) {
          continue;
        }
        int d =
            target(
                cfg,
                cyclic,
                b,
                Rewrites.externalReads(device),
                defBlock,
                deviceReadable,
                ops,
                info);
        if (d < 0) {
          continue;
        }
        ops.get(b).removeAll(device);
        ops.get(d).addAll(device);
        device.forEach(op -> defBlock.put(op.result(), d));
        changed = true;
        any = true;
      }
    }
    if (!any) {
      return f;
    }
    ImmutableList.Builder<Block> out = ImmutableList.builder();
    for (Block b : f.blocks()) {
      out.add(
          new Block(
              b.id(), b.params(), ImmutableList.copyOf(ops.get(b.id().index())), b.terminator()));
    }
    return f.withBlocks(out.build());
  }

  /** The block B's device ops move to, or -1. */
  private static int target(
      Cfg cfg,
      boolean[] cyclic,
      int b,
      Set<ValueId> reads,
      Map<ValueId, Integer> defBlock,
      Set<ValueId> deviceReadable,
      List<List<Op>> ops,
      ValueInfo info) {
    for (int d = cfg.idom(b); ; d = cfg.idom(d)) {
      if (!available(cfg, d, reads, defBlock, deviceReadable)) {
        return -1; // higher up even less is defined
      }
      if (!cfg.postDominates(b, d)) {
        return -1; // some path from d (and from above it) misses b
      }
      if (!cyclic[d] && ops.get(d).stream().anyMatch(op -> isDevice(info, op))) {
        return d;
      }
      if (d == 0) {
        return -1;
      }
    }
  }

  /** Whether every value of {@code reads} can be read by a subgraph of block {@code d}. */
  private static boolean available(
      Cfg cfg,
      int d,
      Set<ValueId> reads,
      Map<ValueId, Integer> defBlock,
      Set<ValueId> deviceReadable) {
    for (ValueId v : reads) {
      Integer at = defBlock.get(v);
      if (at == null || !deviceReadable.contains(v) || !cfg.dominates(at, d)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDevice(ValueInfo info, Op op) {
    return info.placement(op.result()) == Placement.DEVICE;
  }

  /** Per block, whether some path leads from it back to it. */
  private static boolean[] onCycle(Cfg cfg, int n) {
    boolean[] cyclic = new boolean[n];
    for (int b = 0; b < n; b++) {
      boolean[] seen = new boolean[n];
      Deque<Integer> work = new ArrayDeque<>();
      for (int s : cfg.successors(b)) {
        work.push(s);
      }
      while (!work.isEmpty() && !cyclic[b]) {
        int x = work.pop();
        if (x == b) {
          cyclic[b] = true;
        } else if (!seen[x]) {
          seen[x] = true;
          for (int s : cfg.successors(x)) {
            work.push(s);
          }
        }
      }
    }
    return cyclic;
  }
}
