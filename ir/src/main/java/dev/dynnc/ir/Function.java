package dev.dynnc.ir;

import com.google.common.collect.ImmutableList;
import java.util.HashMap;
import java.util.Map;

/**
 * A lowered model method: named inputs, and blocks of which the first is the entry.
 *
 * <p>Invariants are listed in {@link Verifier}.
 */
public record Function(
    String name,
    ImmutableList<String> inputNames,
    ImmutableList<Param> params,
    ImmutableList<Block> blocks) {

  public Block entry() {
    return blocks.get(0);
  }

  public Block block(BlockId id) {
    return blocks.get(id.index());
  }

  public Function withBlocks(ImmutableList<Block> newBlocks) {
    return new Function(name, inputNames, params, newBlocks);
  }

  /** One past the largest value index used; sizes per-value arrays in analyses. */
  public int valueCount() {
    int max = -1;
    for (Param p : params) {
      max = Math.max(max, p.id().index());
    }
    for (Block b : blocks) {
      for (Param p : b.params()) {
        max = Math.max(max, p.id().index());
      }
      for (Op op : b.ops()) {
        max = Math.max(max, op.result().index());
      }
    }
    return max + 1;
  }

  /** Types of every defined value. */
  public Map<ValueId, Type> types() {
    Map<ValueId, Type> t = new HashMap<>();
    for (Param p : params) {
      t.put(p.id(), p.type());
    }
    for (Block b : blocks) {
      for (Param p : b.params()) {
        t.put(p.id(), p.type());
      }
      for (Op op : b.ops()) {
        t.put(op.result(), op.type());
      }
    }
    return t;
  }
}
