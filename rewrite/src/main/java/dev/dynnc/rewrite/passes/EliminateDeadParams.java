package dev.dynnc.rewrite.passes;

import com.google.common.collect.ImmutableList;
import dev.dynnc.ir.Block;
import dev.dynnc.ir.BlockId;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.Terminator;
import dev.dynnc.ir.ValueId;
import dev.dynnc.rewrite.Pass;
import dev.dynnc.rewrite.PassContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes block parameters whose values nothing reads, with the arguments every jump and branch
 * passes to them (dead code elimination across blocks; {@link EliminateDeadCode} then removes the
 * ops that computed only those arguments).
 *
 * <p>Python's scoping makes every variable a loop body assigns live after the loop, so lowering
 * carries each through the loop's header as a block parameter even when nothing reads it there or
 * after the loop: ACT's halting probability and halting flag, recomputed on every iteration, were
 * two of the nine outputs of its loop body's subgraph, each copied out and handed back on every
 * iteration only to be freed.
 *
 * <p>A parameter is live when an op reads it, a branch decides on it, or a function returns it, or
 * when it is passed on to a live parameter (a fixpoint, so a value carried around a loop and read
 * nowhere dies with its whole cycle). The entry block's parameters stay.
 */
public final class EliminateDeadParams implements Pass {
  @Override
  public String name() {
    return "eliminate-dead-params";
  }

  @Override
  public Function run(Function f, PassContext ctx) {
    Map<ValueId, Integer> blockOf = new HashMap<>();
    for (Block b : f.blocks()) {
      for (Param p : b.params()) {
        blockOf.put(p.id(), b.id().index());
      }
    }
    // passedTo.get(q): the parameters passed on as the argument of parameter q.
    Map<ValueId, List<ValueId>> passedTo = new HashMap<>();
    Set<ValueId> live = new HashSet<>();
    Deque<ValueId> work = new ArrayDeque<>();
    for (Block b : f.blocks()) {
      if (b.id().index() == 0) {
        b.params().forEach(p -> mark(p.id(), live, work));
      }
      for (Op op : b.ops()) {
        op.operands().forEach(v -> mark(v, live, work));
      }
      Terminator t = b.terminator();
      if (t instanceof Terminator.Jump j) {
        edges(f, j.target(), j.args(), blockOf, passedTo);
      } else if (t instanceof Terminator.Branch br) {
        mark(br.condition(), live, work);
        edges(f, br.ifTrue(), br.trueArgs(), blockOf, passedTo);
        edges(f, br.ifFalse(), br.falseArgs(), blockOf, passedTo);
      } else {
        t.uses().forEach(v -> mark(v, live, work));
      }
    }
    while (!work.isEmpty()) {
      for (ValueId p : passedTo.getOrDefault(work.pop(), List.of())) {
        mark(p, live, work);
      }
    }
    if (live.containsAll(blockOf.keySet())) {
      return f;
    }
    ImmutableList.Builder<Block> out = ImmutableList.builder();
    for (Block b : f.blocks()) {
      ImmutableList<Param> params =
          b.params().stream()
              .filter(p -> live.contains(p.id()))
              .collect(ImmutableList.toImmutableList());
      Terminator t = b.terminator();
      if (t instanceof Terminator.Jump j) {
        t = new Terminator.Jump(j.target(), keep(f, j.target(), j.args(), live), j.span());
      } else if (t instanceof Terminator.Branch br) {
        t =
            new Terminator.Branch(
                br.condition(),
                br.ifTrue(),
                keep(f, br.ifTrue(), br.trueArgs(), live),
                br.ifFalse(),
                keep(f, br.ifFalse(), br.falseArgs(), live),
                br.span());
      }
      out.add(new Block(b.id(), params, b.ops(), t));
    }
    return f.withBlocks(out.build());
  }

  private static void mark(ValueId v, Set<ValueId> live, Deque<ValueId> work) {
    if (live.add(v)) {
      work.push(v);
    }
  }

  /** Records, for each parameter of {@code target}, the parameter passed to it (if one is). */
  private static void edges(
      Function f,
      BlockId target,
      List<ValueId> args,
      Map<ValueId, Integer> blockOf,
      Map<ValueId, List<ValueId>> passedTo) {
    List<Param> params = f.block(target).params();
    for (int i = 0; i < args.size() && i < params.size(); i++) {
      if (blockOf.containsKey(args.get(i))) {
        passedTo.computeIfAbsent(params.get(i).id(), k -> new ArrayList<>()).add(args.get(i));
      }
    }
  }

  /** The arguments of {@code args} whose parameters of {@code target} stay. */
  private static ImmutableList<ValueId> keep(
      Function f, BlockId target, List<ValueId> args, Set<ValueId> live) {
    List<Param> params = f.block(target).params();
    ImmutableList.Builder<ValueId> out = ImmutableList.builder();
    for (int i = 0; i < args.size(); i++) {
      if (i >= params.size() || live.contains(params.get(i).id())) {
        out.add(args.get(i));
      }
    }
    return out.build();
  }
}
