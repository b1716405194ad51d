package dev.dynnc.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Block;
import dev.dynnc.ir.BlockId;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.OutputTree;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.ScalarEval;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Terminator;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.ValueId;
import dev.dynnc.ir.Verifier;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Property: the pass pipeline preserves the meaning of random host-scalar programs (constants,
 * arithmetic, comparisons, casts, values read back from the device, branches and joins), as defined
 * by a reference interpreter with Python's scalar semantics (PyScalar, PyFloat, themselves checked
 * against CPython in semantics; the op table's {@link ScalarEval} calls them); and its output
 * verifies.
 */
class PipelinePropertyTest {
  static final Span AT = Span.NONE;
  static final String[] INT_OPS = {"add", "sub", "mul", "floor_div", "mod", "maximum", "minimum"};
  static final String[] FLOAT_OPS = {"add", "sub", "mul", "div", "maximum", "minimum"};
  static final String[] CMP_OPS = {"ge", "gt", "le", "lt", "eq", "ne"};

  @Property(tries = 400)
  void pipelinePreservesMeaning(@ForAll long seed, @ForAll double input) {
    Function f = randomProgram(new Random(seed));
    assertEquals(List.of(), Verifier.verify(f), "generator made an invalid program");
    Function g = Pipeline.run(f, PassContext.CHECKED);
    assertEquals(run(f, input), run(g, input));
  }

  /** Result of running: the returned scalars, or the name of the exception (division by zero). */
  static Object run(Function f, double input) {
    try {
      return interpret(f, input);
    } catch (ArithmeticException e) {
      return "ArithmeticException";
    }
  }

  static List<Object> interpret(Function f, double input) {
    Map<ValueId, Object> env = new HashMap<>();
    env.put(f.params().get(0).id(), input);
    Block b = f.entry();
    for (int steps = 0; steps < 1000; steps++) {
      for (Op op : b.ops()) {
        env.put(op.result(), eval(op, env));
      }
      Terminator t = b.terminator();
      if (t instanceof Terminator.Return r) {
        List<Object> out = new ArrayList<>();
        r.value().leaves().forEach(v -> out.add(env.get(v)));
        return out;
      }
      BlockId target;
      List<ValueId> args;
      if (t instanceof Terminator.Jump j) {
        target = j.target();
        args = j.args();
      } else {
        Terminator.Branch br = (Terminator.Branch) t;
        boolean c = (Boolean) env.get(br.condition());
        target = c ? br.ifTrue() : br.ifFalse();
        args = c ? br.trueArgs() : br.falseArgs();
      }
      Block next = f.block(target);
      List<Object> vals = args.stream().map(env::get).toList();
      for (int i = 0; i < vals.size(); i++) {
        env.put(next.params().get(i).id(), vals.get(i));
      }
      b = next;
    }
    throw new AssertionError("no return within 1000 blocks");
  }

  static Object eval(Op op, Map<ValueId, Object> env) {
    List<Object> a = op.operands().stream().map(env::get).toList();
    DType out = op.type().dtype();
    switch (op.name()) {
      case "const":
        {
          Attr v = op.attrs().get("value");
          return v instanceof Attr.BoolAttr b
              ? (Object) b.value()
              : v instanceof Attr.IntAttr i
                  ? (Object) i.value()
                  : (Object) ((Attr.FloatAttr) v).value();
        }
      case "item":
        return a.get(0);
      default:
        // The op table's evaluator: Python's semantics, checked against CPython in semantics'
        // tests; what the passes fold must equal what it computes at "run time" here.
        Object r = ScalarEval.evaluate(op.name(), a, out);
        if (r == null) {
          throw new AssertionError("no host evaluator for " + op);
        }
        return r;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Generator: ^bb0 computes, branches to ^bb1/^bb2, which compute more and jump to ^bb3 (join
  // with one parameter per type) or return directly.

  static final class Gen {
    final Random r;
    int next;
    final Map<DType, List<ValueId>> byType = new HashMap<>();

    Gen(Random r, int next) {
      this.r = r;
      this.next = next;
    }

    ValueId pick(DType t) {
      List<ValueId> l = byType.get(t);
      return l.get(r.nextInt(l.size()));
    }

    Op add(
        List<Op> ops,
        String name,
        List<ValueId> in,
        DType out,
        ImmutableSortedMap<String, Attr> attrs) {
      Op op =
          new Op(
              new ValueId(next++),
              name,
              ImmutableList.copyOf(in),
              attrs,
              new Type.ScalarType(out),
              AT);
      ops.add(op);
      byType.computeIfAbsent(out, k -> new ArrayList<>()).add(op.result());
      return op;
    }

    void constant(List<Op> ops, DType t) {
      Attr v =
          t == DType.BOOL
              ? Attr.of(r.nextBoolean())
              : t == DType.I64
                  ? Attr.of((long) (r.nextInt(11) - 5))
                  : Attr.of((double) (r.nextInt(9) - 4) / 2);
      add(ops, "const", List.of(), t, ImmutableSortedMap.of("value", v));
    }

    void randomOps(List<Op> ops, int n) {
      for (int i = 0; i < n; i++) {
        int k = r.nextInt(7);
        if (k == 0) {
          constant(ops, new DType[] {DType.BOOL, DType.I64, DType.F64}[r.nextInt(3)]);
        } else if (k == 1) {
          add(
              ops,
              INT_OPS[r.nextInt(INT_OPS.length)],
              List.of(pick(DType.I64), pick(DType.I64)),
              DType.I64,
              ImmutableSortedMap.of());
        } else if (k == 2) {
          add(
              ops,
              FLOAT_OPS[r.nextInt(FLOAT_OPS.length)],
              List.of(pick(DType.F64), pick(DType.F64)),
              DType.F64,
              ImmutableSortedMap.of());
        } else if (k == 3) {
          DType t = r.nextBoolean() ? DType.I64 : DType.F64;
          add(
              ops,
              CMP_OPS[r.nextInt(CMP_OPS.length)],
              List.of(pick(t), pick(t)),
              DType.BOOL,
              ImmutableSortedMap.of());
        } else if (k == 4) {
          add(
              ops,
              r.nextBoolean() ? "logical_and" : "logical_or",
              List.of(pick(DType.BOOL), pick(DType.BOOL)),
              DType.BOOL,
              ImmutableSortedMap.of());
        } else if (k == 5) {
          add(ops, "logical_not", List.of(pick(DType.BOOL)), DType.BOOL, ImmutableSortedMap.of());
        } else {
          DType from = new DType[] {DType.BOOL, DType.I64, DType.F64}[r.nextInt(3)];
          DType to = new DType[] {DType.BOOL, DType.I64, DType.F64}[r.nextInt(3)];
          add(
              ops,
              "cast",
              List.of(pick(from)),
              to,
              ImmutableSortedMap.of("dtype", Attr.of(to.irName())));
        }
      }
    }
  }

  static Function randomProgram(Random r) {
    Param x = new Param(new ValueId(0), Type.TensorType.of(DType.F64, 1));
    Gen g = new Gen(r, 1);
    List<Op> b0 = new ArrayList<>();
    g.add(b0, "item", List.of(x.id()), DType.F64, ImmutableSortedMap.of());
    g.constant(b0, DType.BOOL);
    g.constant(b0, DType.I64);
    g.randomOps(b0, 3 + r.nextInt(8));
    ValueId cond = g.pick(DType.BOOL);
    Map<DType, List<ValueId>> snapshot = copy(g.byType);
    List<Op> b1 = new ArrayList<>();
    g.randomOps(b1, r.nextInt(4));
    Map<DType, List<ValueId>> after1 = copy(g.byType);
    g.byType.clear();
    g.byType.putAll(copy(snapshot));
    List<Op> b2 = new ArrayList<>();
    g.randomOps(b2, r.nextInt(4));
    Map<DType, List<ValueId>> after2 = copy(g.byType);
    boolean join = r.nextBoolean();
    List<Block> blocks = new ArrayList<>();
    blocks.add(
        new Block(
            new BlockId(0),
            ImmutableList.of(),
            ImmutableList.copyOf(b0),
            new Terminator.Branch(
                cond, new BlockId(1), ImmutableList.of(), new BlockId(2), ImmutableList.of(), AT)));
    if (join) {
      ValueId p1 = new ValueId(g.next++);
      ValueId p2 = new ValueId(g.next++);
      g.byType.clear();
      g.byType.putAll(after1);
      ImmutableList<ValueId> args1 = ImmutableList.of(g.pick(DType.I64), g.pick(DType.BOOL));
      g.byType.clear();
      g.byType.putAll(after2);
      ImmutableList<ValueId> args2 = ImmutableList.of(g.pick(DType.I64), g.pick(DType.BOOL));
      blocks.add(
          new Block(
              new BlockId(1),
              ImmutableList.of(),
              ImmutableList.copyOf(b1),
              new Terminator.Jump(new BlockId(3), args1, AT)));
      blocks.add(
          new Block(
              new BlockId(2),
              ImmutableList.of(),
              ImmutableList.copyOf(b2),
              new Terminator.Jump(new BlockId(3), args2, AT)));
      g.byType.clear();
      g.byType.putAll(copy(snapshot));
      g.byType.get(DType.I64).add(p1);
      g.byType.get(DType.BOOL).add(p2);
      List<Op> b3 = new ArrayList<>();
      g.randomOps(b3, r.nextInt(4));
      blocks.add(
          new Block(
              new BlockId(3),
              ImmutableList.of(
                  new Param(p1, new Type.ScalarType(DType.I64)),
                  new Param(p2, new Type.ScalarType(DType.BOOL))),
              ImmutableList.copyOf(b3),
              ret(g)));
    } else {
      g.byType.clear();
      g.byType.putAll(after1);
      blocks.add(new Block(new BlockId(1), ImmutableList.of(), ImmutableList.copyOf(b1), ret(g)));
      g.byType.clear();
      g.byType.putAll(after2);
      blocks.add(new Block(new BlockId(2), ImmutableList.of(), ImmutableList.copyOf(b2), ret(g)));
    }
    return new Function(
        "f", ImmutableList.of("x"), ImmutableList.of(x), ImmutableList.copyOf(blocks));
  }

  static Terminator ret(Gen g) {
    return new Terminator.Return(
        new OutputTree.TupleNode(
            ImmutableList.of(
                new OutputTree.Leaf(g.pick(DType.I64)),
                new OutputTree.Leaf(g.pick(DType.F64)),
                new OutputTree.Leaf(g.pick(DType.BOOL)))),
        AT);
  }

  static Map<DType, List<ValueId>> copy(Map<DType, List<ValueId>> m) {
    Map<DType, List<ValueId>> out = new HashMap<>();
    m.forEach((k, v) -> out.put(k, new ArrayList<>(v)));
    return out;
  }
}
