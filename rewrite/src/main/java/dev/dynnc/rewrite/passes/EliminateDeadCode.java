package dev.dynnc.rewrite.passes;

import com.google.common.collect.ImmutableList;
import dev.dynnc.ir.Block;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.ValueId;
import dev.dynnc.rewrite.Pass;
import dev.dynnc.rewrite.PassContext;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Removes ops whose results nothing uses. Every IR op is pure (no op has side effects), so an
 * unused op is dead; removal runs on a worklist so chains of dead ops go in one pass.
 */
public final class EliminateDeadCode implements Pass {
  @Override
  public String name() {
    return "eliminate-dead-code";
  }

  @Override
  public Function run(Function f, PassContext ctx) {
    int[] uses = new int[f.valueCount()];
    Map<ValueId, Op> defs = new HashMap<>();
    for (Block b : f.blocks()) {
      for (Op op : b.ops()) {
        defs.put(op.result(), op);
        op.operands().forEach(v -> uses[v.index()]++);
      }
      b.terminator().uses().forEach(v -> uses[v.index()]++);
    }
    boolean[] dead = new boolean[uses.length];
    Deque<ValueId> work = new ArrayDeque<>();
    defs.keySet().stream().filter(v -> uses[v.index()] == 0).forEach(work::add);
    while (!work.isEmpty()) {
      ValueId v = work.pop();
      if (dead[v.index()]) {
        continue;
      }
      dead[v.index()] = true;
      for (ValueId u : defs.get(v).operands()) {
        if (--uses[u.index()] == 0 && defs.containsKey(u)) {
          work.push(u);
        }
      }
    }
    boolean any = false;
    for (boolean d : dead) {
      any |= d;
    }
    if (!any) {
      return f;
    }
    ImmutableList.Builder<Block> out = ImmutableList.builder();
    for (Block b : f.blocks()) {
      out.add(b.withOps(b.ops().stream().filter(op -> !dead[op.result().index()]).collect(ImmutableList.toImmutableList())));
    }
    return f.withBlocks(out.build());
  }
}
