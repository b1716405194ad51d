package dev.dynnc.analysis;

import dev.dynnc.ir.Block;
import dev.dynnc.ir.BlockId;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.Terminator;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.ValueId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-value facts of a function: placement (static / host / device) and the blocks and ops that use
 * it.
 *
 * <p>Classification: tensors, function parameters and tensor block parameters included, are DEVICE.
 * A host scalar op is STATIC when it is a {@code const} or a host op other than {@code item} over
 * STATIC operands (constant folding can remove it), otherwise HOST. A scalar block parameter is
 * STATIC only when every value that reaches it is the same compile-time value: one STATIC value, or
 * {@code const} ops of equal value, ignoring the parameter passed back to itself (a loop-invariant
 * parameter); otherwise HOST, as a loop counter is.
 *
 * <p>Computed as an optimistic fixpoint over the CFG, so it is sound around back edges: every
 * scalar starts unknown, blocks are visited in reverse postorder until nothing changes, and a value
 * only ever moves up the lattice unknown &lt; STATIC &lt; HOST. A loop counter therefore ends HOST
 * even though its first incoming value is a constant, and a value computed from it inside the loop
 * does too. Values left unknown (in unreachable blocks) are HOST.
 */
public final class ValueInfo {
  private final Placement[] placement;
  private final List<List<Use>> uses;

  /** A use of a value: by an op of a block, or by the block's terminator (op index -1). */
  public record Use(BlockId block, int opIndex) {}

  private ValueInfo(int n) {
    placement = new Placement[n];
    uses = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      uses.add(new ArrayList<>());
    }
  }

  public static ValueInfo compute(Function f) {
    ValueInfo info = new ValueInfo(f.valueCount());
    for (Param p : f.params()) {
      info.placement[p.id().index()] = Placement.DEVICE;
    }
    // Incoming values of every block parameter, from every edge (reachable or not: values of
    // unreachable blocks stay unknown and so do not count).
    List<List<List<ValueId>>> incoming = new ArrayList<>();
    for (Block b : f.blocks()) {
      List<List<ValueId>> perParam = new ArrayList<>();
      b.params().forEach(p -> perParam.add(new ArrayList<>()));
      incoming.add(perParam);
    }
    for (Block b : f.blocks()) {
      forEachEdge(
          b.terminator(),
          (target, args) -> {
            for (int i = 0; i < args.size(); i++) {
              incoming.get(target.index()).get(i).add(args.get(i));
            }
          });
      for (int i = 0; i < b.ops().size(); i++) {
        for (ValueId u : b.ops().get(i).operands()) {
          info.uses.get(u.index()).add(new Use(b.id(), i));
        }
      }
      for (ValueId u : b.terminator().uses()) {
        info.uses.get(u.index()).add(new Use(b.id(), -1));
      }
    }
    Map<ValueId, Op> consts = new HashMap<>();
    for (Block b : f.blocks()) {
      b.ops().stream()
          .filter(op -> op.name().equals("const"))
          .forEach(op -> consts.put(op.result(), op));
    }
    Cfg cfg = Analyses.cfg(f);
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int bi : cfg.reversePostorder()) {
        Block b = f.blocks().get(bi);
        for (int i = 0; i < b.params().size(); i++) {
          Param p = b.params().get(i);
          changed |= info.raise(p.id(), info.paramPlacement(consts, p, incoming.get(bi).get(i)));
        }
        for (Op op : b.ops()) {
          changed |= info.raise(op.result(), info.opPlacement(op));
        }
      }
    }
    for (int i = 0; i < info.placement.length; i++) {
      if (info.placement[i] == null) {
        info.placement[i] = Placement.HOST;
      }
    }
    for (Block b : f.blocks()) {
      for (Param p : b.params()) {
        if (p.type() instanceof Type.TensorType) {
          info.placement[p.id().index()] = Placement.DEVICE;
        }
      }
    }
    return info;
  }

  /** The edges of a terminator: each successor with the arguments passed along that edge. */
  public static void forEachEdge(
      Terminator t, java.util.function.BiConsumer<BlockId, List<ValueId>> edge) {
    if (t instanceof Terminator.Jump j) {
      edge.accept(j.target(), j.args());
    } else if (t instanceof Terminator.Branch br) {
      edge.accept(br.ifTrue(), br.trueArgs());
      edge.accept(br.ifFalse(), br.falseArgs());
    }
  }

  /** Moves {@code v} up to {@code pl} (null: still unknown); whether it moved. */
  private boolean raise(ValueId v, Placement pl) {
    Placement old = placement[v.index()];
    if (pl == null || old == pl || old == Placement.HOST || old == Placement.DEVICE) {
      return false;
    }
    placement[v.index()] = pl;
    return true;
  }

  private Placement opPlacement(Op op) {
    if (op.type() instanceof Type.TensorType) {
      return Placement.DEVICE;
    }
    if (op.name().equals("const")) {
      return Placement.STATIC;
    }
    if (op.name().equals("item")) {
      return Placement.HOST;
    }
    // Optimistic as for parameters: an operand not classified yet counts as STATIC for now.
    for (ValueId v : op.operands()) {
      Placement pl = placement[v.index()];
      if (pl == Placement.HOST || pl == Placement.DEVICE) {
        return Placement.HOST;
      }
    }
    return Placement.STATIC;
  }

  private Placement paramPlacement(Map<ValueId, Op> consts, Param p, List<ValueId> in) {
    if (p.type() instanceof Type.TensorType) {
      return Placement.DEVICE;
    }
    // Optimistic: values not classified yet (around a back edge) do not constrain the parameter
    // now; they are looked at again on the next round.
    ValueId same = null;
    Op sameConst = null;
    for (ValueId v : in) {
      Placement pl = placement[v.index()];
      if (v.equals(p.id()) || pl == null) {
        continue;
      }
      if (pl != Placement.STATIC) {
        return Placement.HOST;
      }
      Op c = consts.get(v);
      boolean equal =
          same == null
              || same.equals(v)
              || (c != null
                  && sameConst != null
                  && c.attrs().equals(sameConst.attrs())
                  && c.type().equals(sameConst.type()));
      if (!equal) {
        return Placement.HOST;
      }
      same = v;
      sameConst = c;
    }
    return same == null ? null : Placement.STATIC;
  }

  public Placement placement(ValueId v) {
    return placement[v.index()];
  }

  public List<Use> uses(ValueId v) {
    return uses.get(v.index());
  }
}
