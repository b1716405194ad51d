package dev.dynnc.rewrite;

import com.google.common.collect.ImmutableList;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.ValueId;

/**
 * A conditional-free piece of device computation: inputs (device values from the host program),
 * straight-line ops (weights included, bound as constants) and outputs the host program keeps.
 */
public record Subgraph(int index, ImmutableList<Param> inputs, ImmutableList<Op> ops, ImmutableList<ValueId> outputs) {}
