package dev.dynnc.rewrite.passes;

import com.google.common.collect.ImmutableSortedMap;
import dev.dynnc.analysis.Cfg;
import dev.dynnc.analysis.Placement;
import dev.dynnc.analysis.ValueInfo;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Block;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.ValueId;
import dev.dynnc.rewrite.Pass;
import dev.dynnc.rewrite.PassContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reuses a device value that a dominating block already computed instead of computing it again
 * (common subexpression elimination over the dominator tree, with value numbering).
 *
 * <p>Greedy decoding unrolls into one block per step, and each step recomputes what depends only on
 * values from before the loop: an attention decoder projects the encoder's annotations with the
 * same weights at every step ({@code enc_att(annotations)} in Show, Attend and Tell), a full linear
 * layer over every location, in every step's subgraph. Two device ops compute the same value when
 * they have the same name, attributes, type and operands, where operands are compared by value
 * number: a {@code weight} with the same name, a {@code full} with the same value and shape, or an
 * op already found to repeat another, counts as the same operand. IR ops are pure, so an op in a
 * block that a block computing its twin dominates can read the twin's result instead.
 *
 * <p>Within a block the repeat is always dropped, except a weight or a constant, which only serves
 * to number the ops that read it. Across blocks the reuse is not free: the dominating block's
 * subgraph gains an output and the later block's subgraph an input, a copy or a binding at each
 * boundary (0.1-0.4 µs). So an op is reused across blocks only when it is worth more than that: a
 * contraction or reduction ({@link #work}) of at least {@link #MIN_WORK} multiply-adds and at least
 * {@link #WORK_PER_ELEMENT} per element it would carry across; cheap elementwise repeats fuse into
 * their neighbours' kernels and are left to TVM. Ops that only such reuse leaves unread are then
 * removed ({@link EliminateDeadCode}).
 */
public final class ReuseDominatingValues implements Pass {
  /** The least work (multiply-adds, or elements read) an op must do to be reused across blocks. */
  static final long MIN_WORK = 4096;

  /** The least work per element of the result, which crosses a subgraph boundary when reused. */
  static final long WORK_PER_ELEMENT = 4;

  @Override
  public String name() {
    return "reuse-dominating-values";
  }

  /** What makes two ops compute the same value: operands by value number. */
  private record Key(
      String name, List<ValueId> operands, ImmutableSortedMap<String, Attr> attrs, Type type) {}

  /** An op computing a value first: its result and the block it is in. */
  private record Def(ValueId value, int block) {}

  @Override
  public Function run(Function f, PassContext ctx) {
    Cfg cfg = Cfg.of(f);
    ValueInfo info = ValueInfo.compute(f);
    Map<ValueId, Type> types = f.types();
    Map<ValueId, ValueId> number = new HashMap<>();
    Map<Key, List<Def>> seen = new HashMap<>();
    Map<ValueId, ValueId> subst = new HashMap<>();
    // Reverse postorder visits every dominator of a block before the block, and among the entries
    // of one key a dominator's before the blocks it dominates.
    for (int bi : cfg.reversePostorder()) {
      Block b = f.blocks().get(bi);
      for (Op op : b.ops()) {
        if (info.placement(op.result()) != Placement.DEVICE) {
          continue;
        }
        List<ValueId> operands = new ArrayList<>();
        for (ValueId v : op.operands()) {
          operands.add(number.getOrDefault(v, v));
        }
        Key key = new Key(op.name(), List.copyOf(operands), op.attrs(), op.type());
        List<Def> defs = seen.computeIfAbsent(key, k -> new ArrayList<>());
        Def twin = null;
        for (Def d : defs) {
          if (d.block() == bi) {
            twin = d;
            break;
          } else if (twin == null && cfg.dominates(d.block(), bi)) {
            twin = d;
          }
        }
        if (twin == null) {
          defs.add(new Def(op.result(), bi));
          continue;
        }
        // The same value whether or not this op is dropped: later ops compare equal to its twin's.
        number.put(op.result(), twin.value());
        if (op.operands().isEmpty()) {
          // A weight or constant: every subgraph that reads one has it compiled in; sharing it
          // would only make later ops read another op's copy (and pieces of a cut block unlike).
          continue;
        }
        if (twin.block() == bi || worthCarrying(op, types)) {
          subst.put(op.result(), twin.value());
        } else {
          // Kept: a repeat later in this block reads it rather than its twin's.
          defs.add(new Def(op.result(), bi));
        }
      }
    }
    if (subst.isEmpty()) {
      return f;
    }
    return new EliminateDeadCode().run(Rewrites.substitute(f, subst), ctx);
  }

  /** Whether recomputing the op costs more than carrying its result across a boundary. */
  static boolean worthCarrying(Op op, Map<ValueId, Type> types) {
    if (!(op.type() instanceof Type.TensorType out)) {
      return false;
    }
    long w = work(op, types);
    return w >= MIN_WORK && w >= WORK_PER_ELEMENT * out.numel();
  }

  /**
   * The op's work: multiply-adds for a contraction ({@code linear}, {@code matmul}, {@code
   * conv2d}), otherwise the elements it reads or writes, whichever is more (a reduction reads many
   * per element it writes; an elementwise op reads and writes as many).
   */
  static long work(Op op, Map<ValueId, Type> types) {
    long out = ((Type.TensorType) op.type()).numel();
    List<Type.TensorType> in = new ArrayList<>();
    for (ValueId v : op.operands()) {
      if (types.get(v) instanceof Type.TensorType t) {
        in.add(t);
      }
    }
    switch (op.name()) {
      case "linear":
        // x[..., K] times w[N, K]: K per output element.
        return multiply(out, last(in.get(0)));
      case "matmul":
        return multiply(out, last(in.get(0)));
      case "conv2d":
        {
          // w[Co, Ci / groups, kh, kw]: the last three per output element.
          long[] w = in.get(1).dims();
          return multiply(out, w[1] * w[2] * w[3]);
        }
      default:
        long most = out;
        for (Type.TensorType t : in) {
          most = Math.max(most, t.numel());
        }
        return most;
    }
  }

  private static long last(Type.TensorType t) {
    return t.shape().get(t.rank() - 1);
  }

  private static long multiply(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
