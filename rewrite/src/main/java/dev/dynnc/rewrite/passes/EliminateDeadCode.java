package dev.dynnc.rewrite.passes;

import com.google.common.collect.ImmutableList;
import dev.dynnc.ir.Block;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.ValueId;
import dev.dynnc.rewrite.Pass;
import dev.dynnc.rewrite.PassContext;
import dev.dynnc.semantics.DType;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Removes ops whose results nothing uses. IR ops have no side effects except failure: host int
 * ops raise where Python's result needs more than 64 bits, integer {@code floor_div} and {@code
 * mod} on a zero divisor (as Python raises ZeroDivisionError), so they stay (see mayFail). Removal runs on a worklist so chains of
 * dead ops go in one pass. (Found by {@code PipelinePropertyTest}.)
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
    defs.keySet().stream().filter(v -> uses[v.index()] == 0 && !mayFail(defs.get(v), defs)).forEach(work::add);
    while (!work.isEmpty()) {
      ValueId v = work.pop();
      if (dead[v.index()]) {
        continue;
      }
      dead[v.index()] = true;
      for (ValueId u : defs.get(v).operands()) {
        if (--uses[u.index()] == 0 && defs.containsKey(u) && !mayFail(defs.get(u), defs)) {
          work.push(u);
        }
      }
    }
    boolean any = false;
    // (mayFail ops are never queued, so they survive even when unused.)
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

  /**
   * Whether removing the op could hide a run-time failure: a host int op whose Python result
   * needs more than 64 bits raises (see PyScalar) as does integer division by zero, and so does
   * int() of a float that is NaN, infinite or too large.
   */
  static boolean mayFail(Op op, Map<ValueId, Op> defs) {
    if (op.type() instanceof dev.dynnc.ir.Type.TensorType || op.type().dtype().isFloat() || op.type().dtype() == DType.BOOL) {
      return false;
    }
    switch (op.name()) {
      case "add", "sub", "mul", "pow":
        return true;
      case "cast": {
        Op in = defs.get(op.operands().get(0));
        return in == null || in.type().dtype().isFloat();
      }
      case "floor_div", "mod": {
        // A constant divisor other than 0 cannot fail, nor -1 for mod; -2**63 // -1 overflows.
        Op divisor = defs.get(op.operands().get(1));
        return !(divisor != null && divisor.name().equals("const")
            && divisor.attrs().get("value") instanceof dev.dynnc.ir.Attr.IntAttr i && i.value() != 0
            && (i.value() != -1 || op.name().equals("mod")));
      }
      default:
        return false;
    }
  }
}
