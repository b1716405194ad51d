package dev.dynnc.rewrite.passes;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.dynnc.analysis.Analyses;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Block;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.ScalarEval;
import dev.dynnc.ir.Terminator;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.ValueId;
import dev.dynnc.rewrite.Pass;
import dev.dynnc.rewrite.PassContext;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds host-scalar ops whose operands are constants into {@code const} ops, and branches on a
 * constant condition into jumps; blocks left unreachable are removed. Blocks are visited in reverse
 * postorder so a constant is known before any use it dominates. Values come from the op table's
 * host evaluator ({@link ScalarEval}: Python's rules, from PyScalar and PyFloat), the same method
 * the generated host calls, so a folded value equals the one the host would compute.
 */
public final class FoldConstants implements Pass {
  @Override
  public String name() {
    return "fold-constants";
  }

  @Override
  public Function run(Function f, PassContext ctx) {
    Map<ValueId, Object> consts = new HashMap<>();
    Block[] blocks = f.blocks().toArray(new Block[0]);
    boolean changed = false;
    for (int bi : Analyses.cfg(f).reversePostorder()) {
      Block b = blocks[bi];
      List<Op> ops = new ArrayList<>();
      for (Op op : b.ops()) {
        Op folded = fold(op, consts);
        if (folded != op) {
          changed = true;
        }
        if (folded.name().equals("const")) {
          consts.put(folded.result(), value(folded.attrs().get("value")));
        }
        ops.add(folded);
      }
      Terminator t = b.terminator();
      if (t instanceof Terminator.Branch br && consts.get(br.condition()) instanceof Boolean c) {
        t =
            c
                ? new Terminator.Jump(br.ifTrue(), br.trueArgs(), br.span())
                : new Terminator.Jump(br.ifFalse(), br.falseArgs(), br.span());
        changed = true;
      }
      blocks[bi] = new Block(b.id(), b.params(), ImmutableList.copyOf(ops), t);
    }
    if (!changed) {
      return f;
    }
    // A folded branch can leave its untaken side unreachable; drop it so the result verifies.
    return new RemoveUnreachableBlocks().run(f.withBlocks(ImmutableList.copyOf(blocks)), ctx);
  }

  private static Object value(Attr a) {
    if (a instanceof Attr.BoolAttr b) {
      return b.value();
    } else if (a instanceof Attr.IntAttr i) {
      return i.value();
    }
    return ((Attr.FloatAttr) a).value();
  }

  private static Op fold(Op op, Map<ValueId, Object> consts) {
    if (!(op.type() instanceof Type.ScalarType st)
        || op.operands().isEmpty()
        || op.name().equals("item")) {
      return op;
    }
    List<Object> in = new ArrayList<>();
    for (ValueId v : op.operands()) {
      Object c = consts.get(v);
      if (c == null) {
        return op;
      }
      in.add(c);
    }
    Object r = evaluate(op.name(), in, st.dtype());
    if (r == null) {
      return op;
    }
    Attr attr =
        r instanceof Boolean b
            ? Attr.of(b)
            : r instanceof Long l ? Attr.of(l) : Attr.of((Double) r);
    return new Op(
        op.result(),
        "const",
        ImmutableList.of(),
        ImmutableSortedMap.of("value", attr),
        op.type(),
        op.span());
  }

  /**
   * Folds one op with the op table's evaluator, the method the host would call ({@link
   * ScalarEval}); null when it cannot be folded safely: where Python raises (integer division by
   * zero, {@code int(nan)}) or an int result needs more than 64 bits, the op is left to run time,
   * where the host raises instead of wrapping.
   */
  static Object evaluate(String name, List<Object> in, DType out) {
    try {
      return ScalarEval.evaluate(name, in, out);
    } catch (ArithmeticException e) {
      return null;
    }
  }
}
