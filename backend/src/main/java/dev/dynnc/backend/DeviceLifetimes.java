package dev.dynnc.backend;

import dev.dynnc.analysis.Liveness;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.ValueId;
import dev.dynnc.rewrite.HostPlan;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Where the host program frees each device array: right after the last read of its value, from
 * {@link Liveness} over the host program (a block's steps are its uploads, its subgraph call, then
 * its host ops).
 *
 * <p>A value dies at a step (its last read there, or its definition when nothing reads it), on
 * entry to a block that never reads a parameter, or on an edge to a block where it is no longer
 * live. Block arguments move their array into the target's parameter; when the argument stays live
 * itself across the edge, or is passed twice, the array gains a holder ({@code HostContext.retain})
 * per extra variable, so every host variable holding an array holds one reference and releases it
 * where it dies. Returned values are never released: the run frees what it still holds after
 * copying the result out. So a loop releases last iteration's arrays as it goes, and device memory
 * stays flat however many iterations run.
 */
final class DeviceLifetimes {
  private final HostPlan hp;
  private final Liveness live;

  /** What an edge does to arrays: values it releases, and values it retains once per entry. */
  record EdgeMemory(List<ValueId> release, List<ValueId> retain) {}

  private DeviceLifetimes(HostPlan hp) {
    this.hp = hp;
    List<Liveness.View> views = new ArrayList<>();
    for (HostPlan.HostBlock hb : hp.blocks()) {
      List<Liveness.Step> steps = new ArrayList<>();
      for (Op op : hb.beforeCall()) {
        steps.add(new Liveness.Step(op.operands(), List.of(op.result())));
      }
      hb.call().ifPresent(c -> steps.add(new Liveness.Step(c.args(), c.results())));
      for (Op op : hb.hostOps()) {
        steps.add(new Liveness.Step(op.operands(), List.of(op.result())));
      }
      List<Param> params = new ArrayList<>(hb.params());
      if (hb.index() == 0) {
        // The inputs are defined on entry to the program, like parameters of its first block.
        params.addAll(hp.inputs());
      }
      views.add(Liveness.view(params, steps, hb.terminator()));
    }
    live = Liveness.of(views);
  }

  static DeviceLifetimes of(HostPlan hp) {
    return new DeviceLifetimes(hp);
  }

  /** Device parameters (and, for the first block, inputs) of block {@code b} nothing reads. */
  List<ValueId> deadOnEntry(int b) {
    return device(live.deadParams(b));
  }

  /**
   * Device values that die at step {@code step} of block {@code b} (its uploads first, then its
   * call, then its host ops).
   */
  List<ValueId> diesAt(int b, int step) {
    return device(live.diesAt(b, step));
  }

  /**
   * Releases and retains on the edge from block {@code b} to {@code target} passing {@code args}.
   */
  EdgeMemory edge(int b, int target, List<ValueId> args) {
    List<ValueId> release = new ArrayList<>();
    List<ValueId> retain = new ArrayList<>();
    java.util.Set<ValueId> after = live.liveIn(target);
    for (ValueId v : device(live.liveOut(b))) {
      int holders = (after.contains(v) ? 1 : 0);
      for (ValueId a : args) {
        holders += a.equals(v) ? 1 : 0;
      }
      if (holders == 0) {
        release.add(v);
      }
      for (int i = 1; i < holders; i++) {
        retain.add(v);
      }
    }
    return new EdgeMemory(release, retain);
  }

  private List<ValueId> device(Collection<ValueId> values) {
    return values.stream()
        .filter(v -> hp.types().get(v) instanceof Type.TensorType)
        .sorted(java.util.Comparator.comparingInt(ValueId::index))
        .toList();
  }
}
