package dev.dynnc.rewrite;

import com.google.common.collect.ImmutableList;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.ValueId;

/**
 * A conditional-free piece of device computation: inputs (device values from the host program),
 * straight-line ops and outputs the host program keeps. Weights used by this subgraph alone are
 * {@code weight} ops among {@link #ops} (compiled in as constants); weights several subgraphs use
 * are {@link #sharedWeights}, bound once at load time so they live once in memory.
 *
 * <p>The compile side's plan of a subgraph; host-runtime's {@code Subgraph} is the compiled library
 * loaded from a bundle.
 */
public record SubgraphPlan(
    int index,
    ImmutableList<Param> inputs,
    ImmutableList<Op> ops,
    ImmutableList<ValueId> outputs,
    ImmutableList<SharedWeight> sharedWeights) {

  /** A weight the subgraph reads through value {@code id} but does not own. */
  public record SharedWeight(ValueId id, String key, Type.TensorType type) {}
}
