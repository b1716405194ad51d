package dev.dynnc.analysis;

import dev.dynnc.ir.Block;
import dev.dynnc.ir.BlockId;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.ValueId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which values are live where, over a CFG with block parameters and back edges.
 *
 * <p>A block is seen as its parameters, a list of steps (each reads some values, then defines some)
 * and its outgoing edges, each carrying arguments to the target's parameters; the terminator's own
 * reads (a branch condition, returned values) are its last step. A value is live at a point when
 * some path from there reads it before the end of the program. Block parameters are defined on
 * entry, so a block's live-in set never holds its own parameters; an edge's arguments are read on
 * that edge. Live-out sets are the least fixpoint of the usual backward equations, iterated in
 * postorder until stable, so a value read around a loop is live on the whole loop.
 *
 * <p>The same analysis serves the IR ({@link #of(Function)}: steps are ops) and the host program
 * (whose steps are a subgraph call and the host ops), built from {@link View}s.
 */
public final class Liveness {
  /** One step of a block: the values it reads, then the values it defines. */
  public record Step(List<ValueId> uses, List<ValueId> defs) {}

  /** An edge to block {@code target}, passing {@code args} to its parameters. */
  public record Edge(int target, List<ValueId> args) {}

  /** A block as liveness sees it. */
  public record View(List<ValueId> params, List<Step> steps, List<Edge> edges) {}

  private final List<View> blocks;
  private final List<Set<ValueId>> liveIn;
  private final List<Set<ValueId>> liveOut;

  private Liveness(List<View> blocks) {
    this.blocks = List.copyOf(blocks);
    int n = blocks.size();
    liveIn = new ArrayList<>();
    liveOut = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      liveIn.add(new LinkedHashSet<>());
      liveOut.add(new LinkedHashSet<>());
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      // Backward problem: visiting blocks last to first converges in few rounds for the usual
      // block order (definitions before uses, loop bodies after their headers).
      for (int b = n - 1; b >= 0; b--) {
        Set<ValueId> out = new LinkedHashSet<>();
        for (Edge e : blocks.get(b).edges()) {
          out.addAll(liveIn.get(e.target()));
          out.addAll(e.args());
        }
        Set<ValueId> in = liveBefore(b, 0, out);
        if (!out.equals(liveOut.get(b)) || !in.equals(liveIn.get(b))) {
          liveOut.set(b, out);
          liveIn.set(b, in);
          changed = true;
        }
      }
    }
  }

  /** Liveness of a view of blocks, indexed by position. */
  public static Liveness of(List<View> blocks) {
    return new Liveness(blocks);
  }

  /** Liveness of a function's values: one step per op, plus the terminator's reads. */
  public static Liveness of(Function f) {
    List<View> views = new ArrayList<>();
    for (Block b : f.blocks()) {
      List<Step> steps = new ArrayList<>();
      for (Op op : b.ops()) {
        steps.add(new Step(op.operands(), List.of(op.result())));
      }
      views.add(view(b.params(), steps, b.terminator()));
    }
    return new Liveness(views);
  }

  /**
   * A block's view from its parameters, its steps and its terminator: the terminator's reads other
   * than edge arguments (a condition, returned values) become a last step, its edges the edges.
   */
  public static View view(List<Param> params, List<Step> steps, dev.dynnc.ir.Terminator t) {
    List<Edge> edges = new ArrayList<>();
    ValueInfo.forEachEdge(
        t, (BlockId target, List<ValueId> args) -> edges.add(new Edge(target.index(), args)));
    List<ValueId> own = new ArrayList<>(t.uses());
    edges.forEach(e -> e.args().forEach(own::remove));
    List<Step> all = new ArrayList<>(steps);
    if (!own.isEmpty()) {
      all.add(new Step(own, List.of()));
    }
    return new View(params.stream().map(Param::id).toList(), all, edges);
  }

  /** Values live on entry to block {@code b} (never its own parameters). */
  public Set<ValueId> liveIn(int b) {
    return Set.copyOf(liveIn.get(b));
  }

  /** Values live at the end of block {@code b}: read on some outgoing edge or after it. */
  public Set<ValueId> liveOut(int b) {
    return Set.copyOf(liveOut.get(b));
  }

  /**
   * Values live just before step {@code step} of block {@code b}; {@code step} equal to the number
   * of steps means the end of the block (its live-out set).
   */
  public Set<ValueId> liveBefore(int b, int step) {
    return Set.copyOf(liveBefore(b, step, liveOut.get(b)));
  }

  private Set<ValueId> liveBefore(int b, int step, Set<ValueId> out) {
    Set<ValueId> live = scan(b, step, out);
    if (step == 0) {
      blocks.get(b).params().forEach(live::remove);
    }
    return live;
  }

  /** Walks block {@code b}'s steps backward from {@code out} down to {@code step}. */
  private Set<ValueId> scan(int b, int step, Set<ValueId> out) {
    View v = blocks.get(b);
    Set<ValueId> live = new LinkedHashSet<>(out);
    for (int i = v.steps().size() - 1; i >= step; i--) {
      Step s = v.steps().get(i);
      s.defs().forEach(live::remove);
      live.addAll(s.uses());
    }
    return live;
  }

  /**
   * The values whose last read (or, never read, whose definition) is step {@code step} of block
   * {@code b}: read or defined there and dead just after it.
   */
  public Set<ValueId> diesAt(int b, int step) {
    Set<ValueId> after = scan(b, step + 1, liveOut.get(b));
    Step s = blocks.get(b).steps().get(step);
    Set<ValueId> out = new LinkedHashSet<>();
    for (ValueId v : s.uses()) {
      if (!after.contains(v)) {
        out.add(v);
      }
    }
    for (ValueId v : s.defs()) {
      if (!after.contains(v)) {
        out.add(v);
      }
    }
    return out;
  }

  /** Parameters of block {@code b} that nothing reads: dead on arrival. */
  public Set<ValueId> deadParams(int b) {
    Set<ValueId> live = scan(b, 0, liveOut.get(b));
    Set<ValueId> out = new LinkedHashSet<>();
    for (ValueId p : blocks.get(b).params()) {
      if (!live.contains(p)) {
        out.add(p);
      }
    }
    return out;
  }
}
