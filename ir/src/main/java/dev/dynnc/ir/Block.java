package dev.dynnc.ir;

import com.google.common.collect.ImmutableList;

/** A basic block: parameters (SSA phis), straight-line ops, one terminator. */
public record Block(
    BlockId id, ImmutableList<Param> params, ImmutableList<Op> ops, Terminator terminator) {
  public Block withOps(ImmutableList<Op> newOps) {
    return new Block(id, params, newOps, terminator);
  }

  public Block withTerminator(Terminator t) {
    return new Block(id, params, ops, t);
  }

  public Block withId(BlockId newId) {
    return new Block(newId, params, ops, terminator);
  }
}
