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
import java.util.List;
import java.util.Map;
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
 * (a loop header has two predecessors) or into a join. When readers lie under several such
 * successors the op is copied into each, the copies with fresh value ids and the readers under each
 * successor renamed; only one of them runs. Sunk ops go to the start of S in their order in B (they
 * read only values that dominate B, or each other). Blocks are visited in reverse postorder and
 * each block's ops last to first, until nothing moves, so a whole chain (weight, conv, batch norm,
 * relu) sinks together and sunk ops sink further from S. Block numbering never changes, so block
 * paths ({@code --specialize-path}, the host runtime's trace) mean the same blocks as before.
 *
 * <p>Boundary guard: after sinking, B's subgraph outputs the operands of the sunk ops that B keeps
 * instead of their results. That is usually smaller, but sinking a reduction of a large tensor
 * would make the large tensor cross instead of the small result. So an op sinks together with its
 * <em>closure</em> (the ops of B that become sinkable once it sinks: operands of B only it and the
 * closure read), and only when the bytes the closure's kept operands add to B's outputs (static
 * tensor types; operands that already leave B count nothing) are at most the bytes of the closure
 * results that leave B now. Equal sizes sink (a chain of elementwise ops moves its work off the
 * path that does not need it at no boundary cost).
 */
public final class SinkIntoSuccessors implements Pass {
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
    final Map<ValueId, Type> types;
    int next;

    State(Function f) {
      this.f = f;
      this.cfg = Analyses.cfg(f);
      for (Block b : f.blocks()) {
        ops.add(new ArrayList<>(b.ops()));
        terms.add(b.terminator());
      }
      types = f.types();
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
      int[] succ = targets(b);
      if (succ.length == 0) {
        return false;
      }
      List<Op> body = ops.get(b);
      int n = body.size();
      Map<ValueId, Integer> index = new HashMap<>();
      for (int i = 0; i < n; i++) {
        index.put(body.get(i).result(), i);
      }
      // Readers of B's values: ops of B by index; the terminator and host ops of B pin a value;
      // other blocks are recorded as the successor of B that dominates them (-1: none does).
      List<List<Integer>> inB = new ArrayList<>();
      List<TreeSet<Integer>> outside = new ArrayList<>();
      boolean[] pinned = new boolean[n];
      boolean[] unsinkableUse = new boolean[n];
      for (int i = 0; i < n; i++) {
        inB.add(new ArrayList<>());
        outside.add(new TreeSet<>());
      }
      for (int i = 0; i < n; i++) {
        Op op = body.get(i);
        for (ValueId u : op.operands()) {
          Integer d = index.get(u);
          if (d != null) {
            inB.get(d).add(i);
            if (!isDevice(op)) {
              pinned[d] = true;
            }
          }
        }
      }
      terms.get(b).uses().stream()
          .map(index::get)
          .filter(d -> d != null)
          .forEach(d -> pinned[d] = true);
      for (int x = 0; x < ops.size(); x++) {
        if (x == b) {
          continue;
        }
        int under = -1;
        for (int s : succ) {
          if (cfg.dominates(s, x)) {
            under = s;
          }
        }
        List<ValueId> reads = new ArrayList<>();
        ops.get(x).forEach(op -> reads.addAll(op.operands()));
        reads.addAll(terms.get(x).uses());
        for (ValueId u : reads) {
          Integer d = index.get(u);
          if (d != null) {
            if (under < 0) {
              unsinkableUse[d] = true;
            } else {
              outside.get(d).add(under);
            }
          }
        }
      }
      // Per op of B, the successors it goes to (null: it stays).
      List<TreeSet<Integer>> sunk = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        sunk.add(null);
      }
      boolean moved = false;
      for (int i = n - 1; i >= 0; i--) {
        if (sunk.get(i) != null
            || !sinkable(i, body, inB, outside, pinned, unsinkableUse, sunk, null)) {
          continue;
        }
        // The closure: ops of B that become sinkable once op i (and the closure) sinks.
        boolean[] closure = new boolean[n];
        closure[i] = true;
        for (int j = i - 1; j >= 0; j--) {
          int jj = j;
          if (sunk.get(j) == null
              && inB.get(j).stream().anyMatch(r -> closure[r])
              && sinkable(j, body, inB, outside, pinned, unsinkableUse, sunk, closure)) {
            closure[j] = true;
          }
        }
        long removed = 0;
        long added = 0;
        java.util.Set<Integer> kept = new java.util.HashSet<>();
        for (int j = 0; j < n; j++) {
          if (!closure[j]) {
            continue;
          }
          removed += crossing(j, inB, outside, pinned, sunk) ? bytes(body.get(j).type()) : 0;
          for (ValueId u : body.get(j).operands()) {
            Integer d = index.get(u);
            if (d != null && !closure[d] && !crossing(d, inB, outside, pinned, sunk)) {
              kept.add(d);
            }
          }
        }
        for (int d : kept) {
          added += bytes(body.get(d).type());
        }
        if (added > removed) {
          continue;
        }
        for (int j = i; j >= 0; j--) {
          if (closure[j]) {
            TreeSet<Integer> to = new TreeSet<>(outside.get(j));
            inB.get(j).forEach(r -> to.addAll(sunk.get(r)));
            sunk.set(j, to);
          }
        }
        moved = true;
      }
      if (moved) {
        move(b, sunk);
      }
      return moved;
    }

    /**
     * Whether op {@code i} of the block may sink, given what sinks already ({@code sunk}) and with
     * it ({@code with}, may be null): a device op read somewhere, only by sinking ops of B and by
     * blocks under sink targets.
     */
    private static boolean sinkable(
        int i,
        List<Op> body,
        List<List<Integer>> inB,
        List<TreeSet<Integer>> outside,
        boolean[] pinned,
        boolean[] unsinkableUse,
        List<TreeSet<Integer>> sunk,
        boolean[] with) {
      if (!isDevice(body.get(i)) || pinned[i] || unsinkableUse[i]) {
        return false;
      }
      if (inB.get(i).isEmpty() && outside.get(i).isEmpty()) {
        return false; // dead: EliminateDeadCode's business
      }
      return inB.get(i).stream().allMatch(r -> sunk.get(r) != null || (with != null && with[r]));
    }

    /**
     * Whether B's subgraph outputs op {@code i}'s value now: something outside B's device ops reads
     * it.
     */
    private static boolean crossing(
        int i,
        List<List<Integer>> inB,
        List<TreeSet<Integer>> outside,
        boolean[] pinned,
        List<TreeSet<Integer>> sunk) {
      return pinned[i]
          || !outside.get(i).isEmpty()
          || inB.get(i).stream().anyMatch(r -> sunk.get(r) != null);
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
            types.put(fresh, op.type());
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
