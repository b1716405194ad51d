package dev.dynnc.rewrite.passes;

import com.google.common.collect.ImmutableList;
import dev.dynnc.ir.Block;
import dev.dynnc.ir.BlockId;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Terminator;
import dev.dynnc.ir.ValueId;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Small rebuilding helpers shared by the passes and the partitioner: value substitution, block
 * renumbering, the values a list of ops reads from outside it.
 */
public final class Rewrites {
  private Rewrites() {}

  /**
   * The values {@code ops} read that none of them defines (or defines only after reading), in order
   * of first read: the inputs of a subgraph made of them.
   */
  public static java.util.LinkedHashSet<ValueId> externalReads(List<Op> ops) {
    java.util.Set<ValueId> defined = new java.util.HashSet<>();
    java.util.LinkedHashSet<ValueId> reads = new java.util.LinkedHashSet<>();
    for (Op op : ops) {
      for (ValueId u : op.operands()) {
        if (!defined.contains(u)) {
          reads.add(u);
        }
      }
      defined.add(op.result());
    }
    return reads;
  }

  static Terminator mapTerminator(
      Terminator t, UnaryOperator<ValueId> v, UnaryOperator<BlockId> b) {
    if (t instanceof Terminator.Jump j) {
      return new Terminator.Jump(b.apply(j.target()), map(j.args(), v), j.span());
    } else if (t instanceof Terminator.Branch br) {
      return new Terminator.Branch(
          v.apply(br.condition()),
          b.apply(br.ifTrue()),
          map(br.trueArgs(), v),
          b.apply(br.ifFalse()),
          map(br.falseArgs(), v),
          br.span());
    }
    Terminator.Return r = (Terminator.Return) t;
    return new Terminator.Return(r.value().mapLeaves(v), r.span());
  }

  static ImmutableList<ValueId> map(List<ValueId> vs, UnaryOperator<ValueId> f) {
    return vs.stream().map(f).collect(ImmutableList.toImmutableList());
  }

  /** Replaces every use of a key of {@code subst} (transitively) by its value. */
  static Function substitute(Function f, Map<ValueId, ValueId> subst) {
    if (subst.isEmpty()) {
      return f;
    }
    UnaryOperator<ValueId> v =
        x -> {
          ValueId y = x;
          while (subst.containsKey(y)) {
            y = subst.get(y);
          }
          return y;
        };
    ImmutableList.Builder<Block> out = ImmutableList.builder();
    for (Block b : f.blocks()) {
      ImmutableList<Op> ops =
          b.ops().stream()
              .map(op -> op.withOperands(map(op.operands(), v)))
              .collect(ImmutableList.toImmutableList());
      out.add(
          new Block(
              b.id(), b.params(), ops, mapTerminator(b.terminator(), v, UnaryOperator.identity())));
    }
    return f.withBlocks(out.build());
  }

  /**
   * {@code f} with each block cut into pieces ({@code piecesOf}, per block in order, its ops in
   * pieces; one piece for a block that is not cut): the first piece keeps the block's parameters,
   * each piece jumps to the next, a new block without parameters numbered right after it (later
   * blocks are renumbered, so numbering still follows the program's order), and the last keeps the
   * block's terminator. Each piece dominates the next, so later pieces read earlier ones' values
   * directly. {@code f} itself when nothing is cut.
   */
  static Function cutBlocks(Function f, List<List<List<Op>>> piecesOf) {
    int[] newIndex = new int[f.blocks().size()];
    int count = 0;
    for (Block b : f.blocks()) {
      newIndex[b.id().index()] = count;
      count += piecesOf.get(b.id().index()).size();
    }
    if (count == f.blocks().size()) {
      return f;
    }
    UnaryOperator<BlockId> renumber = id -> new BlockId(newIndex[id.index()]);
    ImmutableList.Builder<Block> out = ImmutableList.builder();
    for (Block b : f.blocks()) {
      List<List<Op>> pieces = piecesOf.get(b.id().index());
      int first = newIndex[b.id().index()];
      for (int p = 0; p < pieces.size(); p++) {
        boolean last = p == pieces.size() - 1;
        Terminator t =
            last
                ? mapTerminator(b.terminator(), UnaryOperator.identity(), renumber)
                : new Terminator.Jump(
                    new BlockId(first + p + 1),
                    ImmutableList.of(),
                    pieces.get(p + 1).isEmpty()
                        ? b.terminator().span()
                        : pieces.get(p + 1).get(0).span());
        out.add(
            new Block(
                new BlockId(first + p),
                p == 0 ? b.params() : ImmutableList.of(),
                ImmutableList.copyOf(pieces.get(p)),
                t));
      }
    }
    return f.withBlocks(out.build());
  }

  /** Keeps the blocks whose keep[i] is set, in order, renumbering ids and targets. */
  static Function keepBlocks(Function f, boolean[] keep) {
    int[] newIndex = new int[f.blocks().size()];
    int n = 0;
    for (int i = 0; i < keep.length; i++) {
      newIndex[i] = keep[i] ? n++ : -1;
    }
    if (n == keep.length) {
      return f;
    }
    UnaryOperator<BlockId> b = id -> new BlockId(newIndex[id.index()]);
    ImmutableList.Builder<Block> out = ImmutableList.builder();
    for (Block blk : f.blocks()) {
      if (keep[blk.id().index()]) {
        out.add(
            new Block(
                b.apply(blk.id()),
                blk.params(),
                blk.ops(),
                mapTerminator(blk.terminator(), UnaryOperator.identity(), b)));
      }
    }
    return f.withBlocks(out.build());
  }
}
