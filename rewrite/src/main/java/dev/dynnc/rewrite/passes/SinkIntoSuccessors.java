package dev.dynnc.rewrite.passes;

import com.google.common.collect.ImmutableList;
import dev.dynnc.analysis.Analyses;
import dev.dynnc.analysis.Cfg;
import dev.dynnc.ir.Block;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Terminator;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.ValueId;
import dev.dynnc.rewrite.Pass;
import dev.dynnc.rewrite.PassContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Moves device ops out of a block into the successors that alone use their results (code sinking, a
 * form of partial dead code elimination), so that work only one side of a data-dependent branch
 * needs runs only when that side is taken.
 *
 * <p>Each block is one subgraph after partitioning, and everything a block computes runs whatever
 * its branch decides. A multi-exit network computes in the block before an exit's test features
 * that only the later exits read (MSDNet's finer scales): they are computed, and copied out at the
 * subgraph's boundary, even when the network stops at that exit. Sinking moves them into the block
 * that continues.
 *
 * <p>An op of block B moves to successor S when: it is a device op (a tensor result; device ops
 * have no effects, so computing one later or not at all changes nothing but time); no op of B, nor
 * B's terminator (branch arguments included), reads it; and every block that reads it is dominated
 * by a successor of B that has B as its only predecessor and is neither B nor the entry. Such an S
 * runs at most as often as B and only right after it, and every block it dominates is reached only
 * through it, so the value read there is the one S computes; no op moves into a loop from outside
 * (a loop header has two predecessors) or into a join. An op moves only when that spares some path
 * from B its work: some successor's region does not read it, or, one level down, some successor
 * that reads it not itself but only under some of its own successors, and so on ({@code partial}).
 * When readers lie under several such successors the op is copied into each, the copies with fresh
 * value ids and the readers under each successor renamed; only one of them runs (a residual
 * shortcut that both sides of a SkipNet gate read stays where it is). Sunk ops go to the start of S
 * in their order in B (they read only values that dominate B, or each other). Blocks are visited in
 * reverse postorder and each block's ops last to first, until nothing moves, so a whole chain
 * (weight, conv, batch norm, relu) sinks together and sunk ops sink further from S. Block numbering
 * never changes, so block paths ({@code --specialize-path}, the host runtime's trace) mean the same
 * blocks as before.
 *
 * <p>Boundary guard: after sinking, B's subgraph outputs the operands of the sunk ops that B keeps
 * instead of their results. That is usually smaller, but sinking a reduction of a large tensor
 * would make the large tensor cross instead of the small result. So an op sinks together with its
 * <em>closure</em> (the ops of B that become sinkable once it sinks: operands of B only it and the
 * closure read), and only when the bytes the closure's kept operands add to B's outputs (static
 * tensor types; operands that already leave B count nothing) are at most the bytes of the closure
 * results that leave B now. Equal sizes sink (a chain of elementwise ops moves its work off the
 * path that does not need it at no boundary cost). Not weighed: a successor that had no device ops
 * gains a subgraph call only for work of at least {@link #NEW_CALL_MIN_BYTES}; and a weight copied
 * into both sides is shared between their subgraphs (see {@code Partitioner.shareWeights}) instead
 * of compiled into one.
 */
public final class SinkIntoSuccessors implements Pass {
  /**
   * The least work (bytes its ops produce, weights included) worth a new subgraph call: ops sink
   * into a block that has no device ops yet only from this size. A call costs about half a
   * microsecond of executor and host; ACT's loop otherwise moved the constant it carries back into
   * the loop (4 bytes) into a block of its own, one more call per iteration.
   */
  static final long NEW_CALL_MIN_BYTES = 4096;

  @Override
  public String name() {
    return "sink-into-successors";
  }

  @Override
  public Function run(Function f, PassContext ctx) {
    State s = new State(f);
    boolean any = false;
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int b : s.cfg.reversePostorder()) {
        changed |= s.sinkFrom(b);
      }
      any |= changed;
    }
    return any ? s.build() : f;
  }

  private static boolean isDevice(Op op) {
    return op.type() instanceof Type.TensorType;
  }

  private static long bytes(Type t) {
    return t instanceof Type.TensorType tt ? tt.numel() * tt.dtype().byteSize() : 0;
  }

  /** The function being rewritten: per block, its ops and terminator, changed in place. */
  private static final class State {
    final Function f;
    final Cfg cfg;
    final List<List<Op>> ops = new ArrayList<>();
    final List<Terminator> terms = new ArrayList<>();
    int next;

    State(Function f) {
      this.f = f;
      this.cfg = Analyses.cfg(f);
      for (Block b : f.blocks()) {
        ops.add(new ArrayList<>(b.ops()));
        terms.add(b.terminator());
      }
      next = f.valueCount();
    }

    Function build() {
      ImmutableList.Builder<Block> out = ImmutableList.builder();
      for (Block b : f.blocks()) {
        int i = b.id().index();
        out.add(new Block(b.id(), b.params(), ImmutableList.copyOf(ops.get(i)), terms.get(i)));
      }
      return f.withBlocks(out.build());
    }

    /** The successors of {@code b} an op may sink into: B their only predecessor, not the entry. */
    int[] targets(int b) {
      return java.util.Arrays.stream(cfg.successors(b))
          .filter(s -> s != b && s != 0 && cfg.predecessors(s).length == 1)
          .distinct()
          .toArray();
    }

    /** Sinks what it can out of block {@code b}; whether anything moved. */
    boolean sinkFrom(int b) {
      if (targets(b).length == 0) {
        return false;
      }
      BlockScan scan = new BlockScan(b);
      boolean moved = false;
      for (int i = scan.n - 1; i >= 0; i--) {
        moved |= scan.trySink(i);
      }
      if (moved) {
        move(b, scan.to);
      }
      return moved;
    }

    /**
     * Whether computing a value at the start of block {@code x} rather than before it would leave
     * some path from {@code x} without it, {@code uses} being the blocks (all dominated by {@code
     * x}) that read it: not when {@code x} reads it itself; yes when some successor's region does
     * not read it; else when that holds one level down in some successor that reads it.
     */
    boolean partial(int x, Set<Integer> uses) {
      if (uses.contains(x)) {
        return false;
      }
      int[] el = targets(x);
      Map<Integer, Set<Integer>> under = new HashMap<>();
      for (int u : uses) {
        int t = dominating(el, u);
        if (t < 0) {
          return false;
        }
        under.computeIfAbsent(t, k -> new HashSet<>()).add(u);
      }
      if (under.size() < successorCount(x)) {
        return true;
      }
      return under.entrySet().stream().anyMatch(e -> partial(e.getKey(), e.getValue()));
    }

    private int successorCount(int x) {
      return (int) java.util.Arrays.stream(cfg.successors(x)).distinct().count();
    }

    /** The block of {@code el} that dominates {@code u}, or -1. */
    private int dominating(int[] el, int u) {
      for (int s : el) {
        if (cfg.dominates(s, u)) {
          return s;
        }
      }
      return -1;
    }

    /** The readers of one block's values and, as ops are chosen to sink, where they go. */
    private final class BlockScan {
      final int b;
      final int n;
      final List<Op> body;
      final Map<ValueId, Integer> index = new HashMap<>();

      /** Per op: the ops of B that read it (by index). */
      final List<List<Integer>> inB = new ArrayList<>();

      /** Per op: the other blocks that read it. */
      final List<Set<Integer>> outside = new ArrayList<>();

      /** Per op: read by a host op or the terminator of B, or by a block no sink target covers. */
      final boolean[] stays;

      /** Per op: the successors it goes to (null: it stays, or not decided yet). */
      final List<TreeSet<Integer>> to = new ArrayList<>();

      BlockScan(int b) {
        this.b = b;
        this.body = ops.get(b);
        this.n = body.size();
        stays = new boolean[n];
        for (int i = 0; i < n; i++) {
          index.put(body.get(i).result(), i);
          inB.add(new ArrayList<>());
          outside.add(new HashSet<>());
          to.add(null);
        }
        for (int i = 0; i < n; i++) {
          Op op = body.get(i);
          for (ValueId u : op.operands()) {
            Integer d = index.get(u);
            if (d != null) {
              inB.get(d).add(i);
              stays[d] |= !isDevice(op);
            }
          }
        }
        terms.get(b).uses().stream()
            .map(index::get)
            .filter(d -> d != null)
            .forEach(d -> stays[d] = true);
        int[] el = targets(b);
        for (int x = 0; x < ops.size(); x++) {
          if (x == b) {
            continue;
          }
          boolean covered = dominating(el, x) >= 0;
          List<ValueId> reads = new ArrayList<>();
          ops.get(x).forEach(op -> reads.addAll(op.operands()));
          reads.addAll(terms.get(x).uses());
          for (ValueId u : reads) {
            Integer d = index.get(u);
            if (d != null) {
              outside.get(d).add(x);
              stays[d] |= !covered;
            }
          }
        }
      }

      /**
       * Sinks op {@code i} with its closure if that is worth it and the boundary guard allows;
       * whether it did.
       */
      boolean trySink(int i) {
        if (to.get(i) != null || targetsOf(i) == null) {
          return false;
        }
        // The closure: ops of B that become sinkable once op i (and the closure) sinks, decided
        // last to first so that every reader of an op is decided before it.
        List<Integer> closure = new ArrayList<>();
        to.set(i, targetsOf(i));
        closure.add(i);
        for (int j = i - 1; j >= 0; j--) {
          if (to.get(j) == null && inB.get(j).stream().anyMatch(closure::contains)) {
            TreeSet<Integer> t = targetsOf(j);
            if (t != null) {
              to.set(j, t);
              closure.add(j);
            }
          }
        }
        long removed = 0;
        long added = 0;
        Set<Integer> kept = new HashSet<>();
        for (int j : closure) {
          // A closure op that B outputs now (read by another block or an op sunk before) no
          // longer leaves B; a kept operand that did not leave B now will.
          removed += leaves(j, closure) ? bytes(body.get(j).type()) : 0;
          for (ValueId u : body.get(j).operands()) {
            Integer d = index.get(u);
            if (d != null && to.get(d) == null && !leaves(d, closure)) {
              kept.add(d);
            }
          }
        }
        for (int d : kept) {
          added += bytes(body.get(d).type());
        }
        if (added > removed || (opensCall(closure) && work(closure) < NEW_CALL_MIN_BYTES)) {
          closure.forEach(j -> to.set(j, null));
          return false;
        }
        return true;
      }

      /** Whether some block the closure would move into has no device ops: no subgraph call yet. */
      private boolean opensCall(List<Integer> closure) {
        Set<Integer> dest = new HashSet<>();
        closure.forEach(j -> dest.addAll(to.get(j)));
        return dest.stream().anyMatch(x -> ops.get(x).stream().noneMatch(op -> isDevice(op)));
      }

      /** The bytes the closure's ops produce, weights included: a measure of its work. */
      private long work(List<Integer> closure) {
        long n = 0;
        for (int j : closure) {
          n += bytes(body.get(j).type());
        }
        return n;
      }

      /**
       * Where op {@code i} would go, given the ops of B already sinking: null unless it is a device
       * op that only sinking ops of B and blocks under sink targets read, and sinking it would
       * spare some path from B its work.
       */
      TreeSet<Integer> targetsOf(int i) {
        if (!isDevice(body.get(i)) || stays[i]) {
          return null;
        }
        if (inB.get(i).isEmpty() && outside.get(i).isEmpty()) {
          return null; // dead: EliminateDeadCode's business
        }
        if (inB.get(i).stream().anyMatch(r -> to.get(r) == null)) {
          return null;
        }
        // Readers in B sink to the start of their targets, so those read it there.
        Set<Integer> uses = new HashSet<>(outside.get(i));
        inB.get(i).forEach(r -> uses.addAll(to.get(r)));
        return partial(b, uses) ? new TreeSet<>(successorsUnder(uses)) : null;
      }

      private Set<Integer> successorsUnder(Set<Integer> uses) {
        int[] el = targets(b);
        Set<Integer> out = new HashSet<>();
        uses.forEach(u -> out.add(dominating(el, u)));
        return out;
      }

      /** Whether B's subgraph outputs op {@code d}'s value now, not counting readers in closure. */
      private boolean leaves(int d, List<Integer> closure) {
        return stays[d]
            || !outside.get(d).isEmpty()
            || inB.get(d).stream().anyMatch(r -> to.get(r) != null && !closure.contains(r));
      }
    }

    /**
     * Moves the ops of block {@code b} with targets to the start of those successors, in order; an
     * op going to several gets a fresh id in all but the first, and the readers under each renamed.
     */
    private void move(int b, List<TreeSet<Integer>> sunk) {
      List<Op> body = ops.get(b);
      List<Op> keep = new ArrayList<>();
      Map<Integer, List<Op>> into = new HashMap<>();
      Map<Integer, Map<ValueId, ValueId>> rename = new HashMap<>();
      for (int i = 0; i < body.size(); i++) {
        Op op = body.get(i);
        TreeSet<Integer> to = sunk.get(i);
        if (to == null) {
          keep.add(op);
          continue;
        }
        boolean first = true;
        for (int s : to) {
          Op placed = op;
          if (!first) {
            ValueId fresh = new ValueId(next++);
            rename.computeIfAbsent(s, k -> new HashMap<>()).put(op.result(), fresh);
            placed = op.withResult(fresh);
          }
          first = false;
          into.computeIfAbsent(s, k -> new ArrayList<>()).add(placed);
        }
      }
      ops.set(b, keep);
      for (Map.Entry<Integer, List<Op>> e : into.entrySet()) {
        List<Op> head = new ArrayList<>(e.getValue());
        head.addAll(ops.get(e.getKey()));
        ops.set(e.getKey(), head);
      }
      for (Map.Entry<Integer, Map<ValueId, ValueId>> e : rename.entrySet()) {
        Map<ValueId, ValueId> m = e.getValue();
        UnaryOperator<ValueId> v = x -> m.getOrDefault(x, x);
        for (int x = 0; x < ops.size(); x++) {
          if (cfg.dominates(e.getKey(), x)) {
            ops.set(
                x,
                new ArrayList<>(
                    ops.get(x).stream()
                        .map(op -> op.withOperands(Rewrites.map(op.operands(), v)))
                        .toList()));
            terms.set(x, Rewrites.mapTerminator(terms.get(x), v, UnaryOperator.identity()));
          }
        }
      }
    }
  }
}
