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
import java.util.List;

/**
 * Per-value facts of a function: placement (static / host / device) and the blocks and ops that use
 * it.
 *
 * <p>Classification: tensors, function parameters included, are DEVICE; a host scalar is STATIC
 * when it is a {@code const} or a host op other than {@code item} over STATIC operands (constant
 * folding can remove it), otherwise HOST. Scalar block parameters are HOST: they merge values from
 * the paths that jump to the block. Computed in one pass over the blocks in order.
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
    for (Block b : f.blocks()) {
      for (Param p : b.params()) {
        info.placement[p.id().index()] =
            p.type() instanceof Type.TensorType ? Placement.DEVICE : Placement.HOST;
      }
      for (int i = 0; i < b.ops().size(); i++) {
        Op op = b.ops().get(i);
        Placement pl;
        if (op.type() instanceof Type.TensorType) {
          pl = Placement.DEVICE;
        } else if (op.name().equals("const")
            || (!op.name().equals("item")
                && op.operands().stream()
                    .allMatch(v -> info.placement[v.index()] == Placement.STATIC))) {
          pl = Placement.STATIC;
        } else {
          pl = Placement.HOST;
        }
        info.placement[op.result().index()] = pl;
        for (ValueId u : op.operands()) {
          info.uses.get(u.index()).add(new Use(b.id(), i));
        }
      }
      Terminator t = b.terminator();
      for (ValueId u : t.uses()) {
        info.uses.get(u.index()).add(new Use(b.id(), -1));
      }
    }
    return info;
  }

  public Placement placement(ValueId v) {
    return placement[v.index()];
  }

  public List<Use> uses(ValueId v) {
    return uses.get(v.index());
  }
}
