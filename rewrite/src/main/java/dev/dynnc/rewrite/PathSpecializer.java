package dev.dynnc.rewrite;

import com.google.common.collect.ImmutableList;
import dev.dynnc.ir.Block;
import dev.dynnc.ir.BlockId;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.OutputTree;
import dev.dynnc.ir.Terminator;
import dev.dynnc.ir.ValueId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Specializes a function to one path through its blocks: the straight-line function that runs the
 * blocks of {@code path} in order, with every branch taken the way the path goes and every loop
 * unrolled as often as the path repeats its body. It is what a tracing compiler would build from a
 * run that took this path, and it is the benchmark suite's <em>oracle</em>: partitioned, its device
 * ops form one subgraph (device ops never read host values), so the taken path runs as one static
 * graph, and dynnc's latency over the oracle's is the cost of being dynamic.
 *
 * <p>Only the computation of the path's result is kept: branch conditions, assertions ({@code
 * check}, {@code check_index}) and any op whose result nothing on the path reads are removed, even
 * host ops that could raise (a specialized function is a performance reference, not the model). The
 * result is the same as the model's on every input that takes the path; on other inputs it is the
 * result the path would compute.
 */
public final class PathSpecializer {
  private PathSpecializer() {}

  /** Longest path accepted, in blocks: an unrolled loop beyond this is not a useful oracle. */
  public static final int MAX_PATH = 100_000;

  /**
   * The straight-line function of {@code path} (block indices, starting with the entry block 0 and
   * ending with a block that returns).
   *
   * @throws IllegalArgumentException if {@code path} is not a path of {@code f} from its entry to a
   *     return, with the first step where it leaves the function
   */
  public static Function specialize(Function f, List<Integer> path) {
    return specialize(f, path, false);
  }

  /**
   * As {@link #specialize(Function, List)}; with {@code keepDecisions}, the conditions of the
   * branches the path takes are computed too, and returned after the model's result: {@code
   * (result, condition, condition, ...)}. That is the <em>decision oracle</em>: the work of the
   * dynamic run on this path (the model's result and every decision that chose the path) as one
   * static graph, without the subgraph boundaries and the host program in between. dynnc over it is
   * the cost of being dynamic beyond deciding; the plain oracle over it is what the decisions
   * themselves cost.
   */
  public static Function specialize(Function f, List<Integer> path, boolean keepDecisions) {
    if (path.isEmpty()) {
      throw new IllegalArgumentException("the block path is empty");
    }
    if (path.size() > MAX_PATH) {
      throw new IllegalArgumentException(
          "the block path has " + path.size() + " blocks, more than " + MAX_PATH);
    }
    if (path.get(0) != 0) {
      throw new IllegalArgumentException(
          "the block path starts at block " + path.get(0) + ", not at the entry block 0");
    }
    int[] next = {f.valueCount()};
    Map<ValueId, ValueId> env = new HashMap<>();
    f.params().forEach(p -> env.put(p.id(), p.id()));
    List<Op> ops = new ArrayList<>();
    OutputTree result = null;
    List<OutputTree> decisions = new ArrayList<>();
    dev.dynnc.ir.Span at = dev.dynnc.ir.Span.NONE;
    for (int step = 0; step < path.size(); step++) {
      int index = path.get(step);
      if (index < 0 || index >= f.blocks().size()) {
        throw new IllegalArgumentException(
            "step " + step + " of the block path: the function has no block " + index);
      }
      Block b = f.blocks().get(index);
      for (Op op : b.ops()) {
        ValueId fresh = new ValueId(next[0]++);
        ops.add(op.withOperands(map(op.operands(), env, step, index)).withResult(fresh));
        env.put(op.result(), fresh);
      }
      boolean last = step == path.size() - 1;
      Terminator t = b.terminator();
      if (t instanceof Terminator.Return r) {
        if (!last) {
          throw new IllegalArgumentException(
              "step "
                  + step
                  + " of the block path: block "
                  + index
                  + " returns, but the path goes on");
        }
        int s = step;
        result = r.value().mapLeaves(v -> lookup(env, v, s, index));
        at = r.span();
        break;
      }
      if (last) {
        throw new IllegalArgumentException(
            "the block path ends at block " + index + ", which does not return");
      }
      int to = path.get(step + 1);
      List<ValueId> args;
      Block target;
      if (t instanceof Terminator.Jump j && j.target().index() == to) {
        args = j.args();
      } else if (t instanceof Terminator.Branch br && br.ifTrue().index() == to) {
        args = br.trueArgs();
      } else if (t instanceof Terminator.Branch br && br.ifFalse().index() == to) {
        args = br.falseArgs();
      } else {
        throw new IllegalArgumentException(
            "step "
                + (step + 1)
                + " of the block path: block "
                + index
                + " does not continue to block "
                + to
                + " (its successors: "
                + t.successors().stream().map(BlockId::index).toList()
                + ")");
      }
      if (keepDecisions && t instanceof Terminator.Branch br) {
        decisions.add(new OutputTree.Leaf(lookup(env, br.condition(), step, index)));
      }
      target = f.blocks().get(to);
      // Parallel copy: read every argument before binding any parameter.
      List<ValueId> values = map(ImmutableList.copyOf(args), env, step, index);
      for (int i = 0; i < target.params().size(); i++) {
        env.put(target.params().get(i).id(), values.get(i));
      }
    }
    if (!decisions.isEmpty()) {
      decisions.add(0, result);
      result = new OutputTree.TupleNode(ImmutableList.copyOf(decisions));
    }
    Block only =
        new Block(
            new BlockId(0),
            ImmutableList.of(),
            ImmutableList.copyOf(live(ops, result)),
            new Terminator.Return(result, at));
    return new Function(f.name(), f.inputNames(), f.params(), ImmutableList.of(only));
  }

  /** The ops the result needs, in order (a backward sweep over straight-line code). */
  private static List<Op> live(List<Op> ops, OutputTree result) {
    Set<ValueId> needed = new HashSet<>(result.leaves());
    List<Op> kept = new ArrayList<>();
    for (int i = ops.size() - 1; i >= 0; i--) {
      Op op = ops.get(i);
      if (needed.contains(op.result())) {
        kept.add(op);
        needed.addAll(op.operands());
      }
    }
    java.util.Collections.reverse(kept);
    return kept;
  }

  private static ImmutableList<ValueId> map(
      ImmutableList<ValueId> vs, Map<ValueId, ValueId> env, int step, int block) {
    ImmutableList.Builder<ValueId> out = ImmutableList.builder();
    vs.forEach(v -> out.add(lookup(env, v, step, block)));
    return out.build();
  }

  private static ValueId lookup(Map<ValueId, ValueId> env, ValueId v, int step, int block) {
    ValueId m = env.get(v);
    if (m == null) {
      throw new IllegalArgumentException(
          "step "
              + step
              + " of the block path: block "
              + block
              + " reads "
              + v
              + ", which the path has not defined");
    }
    return m;
  }

  /** Parses a block path written as comma-separated block indices, e.g. {@code 0,2,2,5}. */
  public static List<Integer> parsePath(String text) {
    List<Integer> out = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String s = part.strip();
      if (!s.matches("[0-9]{1,9}")) {
        throw new IllegalArgumentException(
            "a block path is comma-separated block numbers such as 0,2,5; got '"
                + (text.length() > 40 ? text.substring(0, 40) + "..." : text)
                + "'");
      }
      out.add(Integer.parseInt(s));
    }
    return out;
  }
}
