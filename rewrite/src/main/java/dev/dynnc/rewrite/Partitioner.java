package dev.dynnc.rewrite;

import com.google.common.collect.ImmutableList;
import dev.dynnc.analysis.Placement;
import dev.dynnc.analysis.ValueInfo;
import dev.dynnc.ir.Block;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.ValueId;
import dev.dynnc.rewrite.passes.Rewrites;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Splits a verified function at its data-dependent control flow into conditional-free subgraphs and
 * a host program.
 *
 * <p>Each block's device ops form one subgraph, which runs before the block's host ops: device ops
 * read host values only through {@code to_tensor} (a run-time scalar as a 0-d tensor), which the
 * host program uploads before the call; such a scalar is computed in an earlier block or by host
 * ops of this block that the host runs before the call too, never from the block's own device
 * values ({@link dev.dynnc.rewrite.passes.SplitAtUploads} cuts a block where it would be). A
 * subgraph's inputs are the device values it reads but does not define; its outputs are the values
 * it defines that anything else reads (host ops, the terminator, other blocks); a block with no
 * such value gets no subgraph, so none is empty. A loop's body is a block like any other: its
 * subgraph is compiled once and called on every iteration. Subgraphs that are identical up to value
 * numbering (same ops, attributes, shapes and weights) are compiled once and called from every
 * site; a weight that several of the remaining subgraphs read is shared between them rather than
 * compiled into each ({@link #shareWeights}).
 */
public final class Partitioner {
  private Partitioner() {}

  /** The op that turns a host scalar into a 0-d device tensor: the host uploads it. */
  public static final String UPLOAD = "to_tensor";

  /** The partition: unique subgraphs and the host program that calls them. */
  public record Result(ImmutableList<SubgraphPlan> subgraphs, HostPlan host) {}

  /**
   * The smallest weight (in bytes) that several subgraphs share as an input instead of each
   * compiling it in as a constant. A weight that arrives as an input is transformed into the packed
   * layout of its dense or convolution kernel on every call (TVM pre-packs only constants): on
   * act_rnn's loop body that was 4 transforms, 1.7 of its 5.3 us per iteration. Below this size a
   * copy in each subgraph costs less memory than one subgraph's code.
   */
  public static final long SHARE_MIN_BYTES = 32 * 1024;

  /** {@link #partition(Function, long)} with weights shared from {@link #SHARE_MIN_BYTES}. */
  public static Result partition(Function f) {
    return partition(f, SHARE_MIN_BYTES);
  }

  /**
   * Partitions {@code f}; a weight of at least {@code shareMinBytes} that several unique subgraphs
   * read becomes a shared input of each (rule WEIGHTS-ONCE).
   */
  public static Result partition(Function f, long shareMinBytes) {
    ValueInfo info = ValueInfo.compute(f);
    List<SubgraphPlan> unique = new ArrayList<>();
    Map<String, Integer> byKey = new HashMap<>();
    List<HostPlan.HostBlock> hostBlocks = new ArrayList<>();
    Map<ValueId, Type> types = f.types();
    for (Block b : f.blocks()) {
      List<Op> device = new ArrayList<>();
      List<Op> host = new ArrayList<>();
      List<Op> uploads = new ArrayList<>();
      Set<ValueId> beforeCall = beforeCall(b, info);
      for (Op op : b.ops()) {
        if (beforeCall.contains(op.result())) {
          uploads.add(op);
        } else {
          (info.placement(op.result()) == Placement.DEVICE ? device : host).add(op);
        }
      }
      Optional<HostPlan.Call> call = Optional.empty();
      List<ValueId> outputs = outputs(b, device, info);
      if (!outputs.isEmpty()) {
        LinkedHashSet<ValueId> inputs = Rewrites.externalReads(device);
        ImmutableList<Param> in =
            inputs.stream()
                .map(v -> new Param(v, types.get(v)))
                .collect(ImmutableList.toImmutableList());
        SubgraphPlan sg =
            new SubgraphPlan(
                unique.size(),
                in,
                ImmutableList.copyOf(device),
                ImmutableList.copyOf(outputs),
                ImmutableList.of());
        String key = canonicalKey(sg);
        Integer index = byKey.get(key);
        if (index == null) {
          index = unique.size();
          byKey.put(key, index);
          unique.add(sg);
        }
        call =
            Optional.of(
                new HostPlan.Call(
                    index, ImmutableList.copyOf(inputs), ImmutableList.copyOf(outputs)));
      }
      hostBlocks.add(
          new HostPlan.HostBlock(
              b.id().index(),
              b.params(),
              ImmutableList.copyOf(uploads),
              call,
              ImmutableList.copyOf(host),
              b.terminator()));
    }
    HostPlan hp =
        new HostPlan(f.name(), f.inputNames(), f.params(), ImmutableList.copyOf(hostBlocks), types);
    return new Result(shareWeights(unique, shareMinBytes), hp);
  }

  /**
   * The ops of {@code b} the host runs before its call: each upload ({@code to_tensor}) and the
   * host ops of the block it reads, directly or through others ({@code t * 0.1} of a counter). None
   * reads a device value of the block: {@link dev.dynnc.rewrite.passes.SplitAtUploads} cut the
   * block where one would.
   */
  private static Set<ValueId> beforeCall(Block b, ValueInfo info) {
    Set<ValueId> needed = new HashSet<>();
    Set<ValueId> out = new HashSet<>();
    for (int i = b.ops().size() - 1; i >= 0; i--) {
      Op op = b.ops().get(i);
      boolean upload = op.name().equals(UPLOAD);
      if (!upload && !needed.contains(op.result())) {
        continue;
      }
      if (!upload
          && (op.name().equals("item") || info.placement(op.result()) == Placement.DEVICE)) {
        throw new IllegalStateException(
            "block ^bb"
                + b.id().index()
                + " uploads a scalar computed from its own device value "
                + op.result()
                + "; SplitAtUploads must cut it first");
      }
      out.add(op.result());
      needed.addAll(op.operands());
    }
    return out;
  }

  /**
   * The device values of block {@code b} that anything outside its subgraph reads: host ops, the
   * terminator, other blocks. A block whose device ops nobody outside reads gets no subgraph at all
   * (device ops have no effects), so no empty subgraph is compiled or called.
   */
  private static List<ValueId> outputs(Block b, List<Op> device, ValueInfo info) {
    Set<Integer> deviceOpIndexes = new HashSet<>();
    for (int i = 0; i < b.ops().size(); i++) {
      if (info.placement(b.ops().get(i).result()) == Placement.DEVICE
          && !b.ops().get(i).name().equals(UPLOAD)) {
        deviceOpIndexes.add(i);
      }
    }
    List<ValueId> outputs = new ArrayList<>();
    for (Op op : device) {
      boolean usedOutside =
          info.uses(op.result()).stream()
              .anyMatch(
                  u ->
                      u.block().index() != b.id().index()
                          || u.opIndex() < 0
                          || !deviceOpIndexes.contains(u.opIndex()));
      if (usedOutside) {
        outputs.add(op.result());
      }
    }
    return outputs;
  }

  /**
   * Weights of at least {@code minBytes} that more than one unique subgraph reads become shared
   * inputs of those subgraphs instead of constants compiled into each (rule WEIGHTS-ONCE). A weight
   * used by one subgraph, or smaller, stays a constant, which lets TVM pre-pack it for its layout.
   */
  static ImmutableList<SubgraphPlan> shareWeights(List<SubgraphPlan> subgraphs, long minBytes) {
    Map<String, Integer> users = new HashMap<>();
    for (SubgraphPlan sg : subgraphs) {
      sg.ops().stream()
          .filter(op -> op.name().equals("weight"))
          .map(op -> op.strAttr("name"))
          .distinct()
          .forEach(k -> users.merge(k, 1, Integer::sum));
    }
    ImmutableList.Builder<SubgraphPlan> out = ImmutableList.builder();
    for (SubgraphPlan sg : subgraphs) {
      List<Op> ops = new ArrayList<>();
      List<SubgraphPlan.SharedWeight> shared = new ArrayList<>();
      for (Op op : sg.ops()) {
        if (op.name().equals("weight")
            && users.get(op.strAttr("name")) > 1
            && bytes((Type.TensorType) op.type()) >= minBytes) {
          shared.add(
              new SubgraphPlan.SharedWeight(
                  op.result(), op.strAttr("name"), (Type.TensorType) op.type()));
        } else {
          ops.add(op);
        }
      }
      out.add(
          new SubgraphPlan(
              sg.index(),
              sg.inputs(),
              ImmutableList.copyOf(ops),
              sg.outputs(),
              ImmutableList.copyOf(shared)));
    }
    return out.build();
  }

  private static long bytes(Type.TensorType t) {
    return t.numel() * t.dtype().byteSize();
  }

  /**
   * A key equal for subgraphs that differ only in value numbering and source spans: values are
   * renumbered in order of first appearance (inputs first) and printed without locations.
   */
  static String canonicalKey(SubgraphPlan sg) {
    Map<ValueId, Integer> num = new HashMap<>();
    StringBuilder sb = new StringBuilder();
    for (Param p : sg.inputs()) {
      num.put(p.id(), num.size());
      sb.append("in ").append(p.type()).append('\n');
    }
    for (Op op : sg.ops()) {
      num.put(op.result(), num.size());
      sb.append(op.name()).append('(');
      for (ValueId v : op.operands()) {
        sb.append(num.get(v)).append(',');
      }
      sb.append(')').append(op.attrs()).append(':').append(op.type()).append('\n');
    }
    for (ValueId v : sg.outputs()) {
      sb.append("out ").append(num.get(v)).append('\n');
    }
    return sb.toString();
  }
}
