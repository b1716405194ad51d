package dev.dynnc.rewrite;

import com.google.common.collect.ImmutableList;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.Terminator;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.ValueId;
import java.util.Map;

/**
 * The control skeleton left after partitioning: per block, the host scalars it uploads for its
 * subgraph ({@code to_tensor}) with the host arithmetic they need, the subgraph it calls (if any),
 * the host ops it runs afterwards (constants, reads of device scalars, scalar arithmetic) and its
 * terminator. Values are the function's value ids throughout.
 *
 * <p>The compile side's plan, from which {@code HostCodegen} generates the host class; that class
 * implements host-runtime's {@code HostProgram}, which runs it.
 */
public record HostPlan(
    String name,
    ImmutableList<String> inputNames,
    ImmutableList<Param> inputs,
    ImmutableList<HostBlock> blocks,
    Map<ValueId, Type> types) {

  /**
   * A block of the host program: {@code beforeCall} (the uploads of host scalars, {@code
   * to_tensor}, and the host ops they need, none of which reads the call's results) runs before the
   * call, {@code hostOps} after it.
   */
  public record HostBlock(
      int index,
      ImmutableList<Param> params,
      ImmutableList<Op> beforeCall,
      java.util.Optional<Call> call,
      ImmutableList<Op> hostOps,
      Terminator terminator) {}

  /**
   * A call of subgraph {@code subgraph} (index into the deduplicated list) with its results bound
   * to values.
   */
  public record Call(int subgraph, ImmutableList<ValueId> args, ImmutableList<ValueId> results) {}
}
