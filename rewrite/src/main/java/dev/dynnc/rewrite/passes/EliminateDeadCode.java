package dev.dynnc.rewrite.passes;

import com.google.common.collect.ImmutableList;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Block;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.ScalarEval;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.ValueId;
import dev.dynnc.rewrite.Pass;
import dev.dynnc.rewrite.PassContext;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Removes ops whose results nothing uses. IR ops have no side effects except failure: host ops
 * raise where Python's does (an int result beyond 64 bits, integer {@code floor_div} and {@code
 * mod} on a zero divisor, {@code int(nan)}), so they stay (see mayFail). Removal runs on a worklist
 * so chains of dead ops go in one pass. (Found by {@code PipelinePropertyTest}.)
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
    Map<ValueId, Type> types = new HashMap<>();
    f.params().forEach(p -> types.put(p.id(), p.type()));
    for (Block b : f.blocks()) {
      b.params().forEach(p -> types.put(p.id(), p.type()));
      for (Op op : b.ops()) {
        types.put(op.result(), op.type());
        defs.put(op.result(), op);
        op.operands().forEach(v -> uses[v.index()]++);
      }
      b.terminator().uses().forEach(v -> uses[v.index()]++);
    }
    boolean[] dead = new boolean[uses.length];
    Deque<ValueId> work = new ArrayDeque<>();
    defs.keySet().stream()
        .filter(v -> uses[v.index()] == 0 && !mayFail(defs.get(v), types, defs))
        .forEach(work::add);
    while (!work.isEmpty()) {
      ValueId v = work.pop();
      if (dead[v.index()]) {
        continue;
      }
      dead[v.index()] = true;
      for (ValueId u : defs.get(v).operands()) {
        if (--uses[u.index()] == 0 && defs.containsKey(u) && !mayFail(defs.get(u), types, defs)) {
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
      out.add(
          b.withOps(
              b.ops().stream()
                  .filter(op -> !dead[op.result().index()])
                  .collect(ImmutableList.toImmutableList())));
    }
    return f.withBlocks(out.build());
  }

  /**
   * Whether removing the op could hide a run-time failure: a host op whose Python-semantics method
   * may raise (an int result beyond 64 bits, integer division by zero, int() or round() of NaN; see
   * {@link ScalarEval#mayRaise}). An int floor division or modulo by a constant other than 0 cannot
   * fail, nor modulo by -1; {@code -2**63 // -1} overflows.
   */
  static boolean mayFail(Op op, Map<ValueId, Type> types, Map<ValueId, Op> defs) {
    if (!(op.type() instanceof Type.ScalarType)) {
      return false;
    }
    if (op.name().equals("floor_div") || op.name().equals("mod")) {
      Op divisor = defs.get(op.operands().get(1));
      if (divisor != null
          && divisor.name().equals("const")
          && divisor.attrs().get("value") instanceof Attr.IntAttr i
          && i.value() != 0
          && (i.value() != -1 || op.name().equals("mod"))) {
        return false;
      }
    }
    List<ScalarEval.Kind> kinds =
        op.operands().stream().map(v -> ScalarEval.Kind.of(types.get(v).dtype())).toList();
    return ScalarEval.mayRaise(op.name(), kinds, ScalarEval.Kind.of(op.type().dtype()));
  }
}
