package dev.dynnc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.ir.OpDef.AttrKind;
import dev.dynnc.ir.OpDef.AttrSpec;
import dev.dynnc.ir.ScalarEval.Kind;
import dev.dynnc.ir.Type.ScalarType;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The op table is complete: every op has a shape rule and a Relay lowering (or is declared
 * host-only), and every op that its own rule accepts on host scalars has a scalar evaluator, a
 * method of PyScalar or PyFloat, for every combination of operand kinds the rule accepts.
 */
class OpTableTest {
  static final List<DType> SCALARS = List.of(DType.BOOL, DType.I64, DType.F64);

  @Test
  void everyOpHasATypeRuleAndALowering() {
    assertTrue(Ops.all().size() > 60, "the table lists " + Ops.all().size() + " ops");
    for (OpDef op : Ops.all()) {
      assertNotNull(op.typeRule(), op.name());
      assertNotNull(op.lowering(), op.name());
      assertTrue(op.minOperands() <= op.maxOperands(), op.name());
      if (op.lowering() instanceof OpDef.Lowering.Relay r) {
        assertTrue(r.fn().matches("[a-z_]+(\\.[a-z_0-9]+)?"), op.name() + ": " + r.fn());
        for (String attr : r.attrs().values()) {
          assertTrue(
              op.attrs().stream().anyMatch(a -> a.name().equals(attr)),
              op.name()
                  + "'s lowering reads attribute '"
                  + attr
                  + "', which the op does not declare");
        }
      }
      if (op.lowering() instanceof OpDef.Lowering.None) {
        // Host-only ops must never make tensors, or the partitioner could put them in a subgraph.
        assertFalse(makesTensors(op), op.name() + " is host-only but makes a tensor");
      }
    }
  }

  @Test
  void everyOpOnHostScalarsHasAScalarEvaluator() {
    int checked = 0;
    for (OpDef op : Ops.all()) {
      if (op.minOperands() == 0) {
        continue; // const, weight, full, arange: declared values, not functions of operands
      }
      for (List<DType> kinds : combinations(op.minOperands(), Math.min(op.maxOperands(), 3))) {
        for (Map<String, Attr> attrs : sampleAttrs(op)) {
          List<Type> in = kinds.stream().map(d -> (Type) new ScalarType(d)).toList();
          Type t;
          try {
            t = OpRegistry.infer(op.name(), in, attrs, null);
          } catch (OpRegistry.TypeError e) {
            continue; // not on these scalars
          }
          if (t instanceof Type.TensorType) {
            continue; // to_tensor: the host uploads the scalar, it computes nothing on the host
          }
          List<Kind> k = kinds.stream().map(Kind::of).toList();
          assertTrue(
              ScalarEval.call(op.name(), k, Kind.of(t.dtype())).isPresent(),
              op.name()
                  + attrs
                  + " types on host scalars "
                  + kinds
                  + " but has no scalar evaluator");
          checked++;
        }
      }
    }
    assertTrue(checked > 100, "only " + checked + " host combinations checked");
  }

  @Test
  void theEvaluatorFollowsPython() {
    // Exact int/float comparison (2**53 + 1 == 2.0**53 is False), bools as ints, floor division
    // with the divisor's sign, truth values, conversions, and round halves to even.
    assertEquals(false, ScalarEval.evaluate("eq", List.of((1L << 53) + 1, 0x1p53), DType.BOOL));
    assertEquals(true, ScalarEval.evaluate("eq", List.of(true, 1L), DType.BOOL));
    assertEquals(-4L, ScalarEval.evaluate("floor_div", List.of(-7L, 2L), DType.I64));
    assertEquals(1.0, ScalarEval.evaluate("mod", List.of(-7L, 2.0), DType.F64));
    assertEquals(2L, ScalarEval.evaluate("add", List.of(true, 1L), DType.I64));
    assertEquals(true, ScalarEval.evaluate("logical_and", List.of(Double.NaN, 3L), DType.BOOL));
    assertEquals(1.0, ScalarEval.evaluate("maximum", List.of(1.0, Double.NaN), DType.F64));
    assertEquals(-2L, ScalarEval.evaluate("cast", List.of(-2.9), DType.I64));
    assertEquals(2L, ScalarEval.evaluate("round", List.of(2.5), DType.I64));
    assertEquals(-2L, ScalarEval.evaluate("round", List.of(-1.5), DType.I64));
    assertEquals(2.67, ScalarEval.evaluate("round", List.of(2.675, 2L), DType.F64));
    assertEquals(1200L, ScalarEval.evaluate("round", List.of(1250L, -2L), DType.I64));
    assertThrows(
        ArithmeticException.class,
        () -> ScalarEval.evaluate("mul", List.of(1L << 62, 2L), DType.I64));
    assertThrows(
        ArithmeticException.class,
        () -> ScalarEval.evaluate("round", List.of(Double.NaN), DType.I64));
    assertEquals(null, ScalarEval.evaluate("relu", List.of(1.0), DType.F64));
  }

  private static boolean makesTensors(OpDef op) {
    Type.TensorType t = Type.TensorType.of(DType.F32, 1);
    List<Type> in = new ArrayList<>();
    for (int i = 0; i < Math.max(1, op.minOperands()); i++) {
      in.add(t);
    }
    for (Map<String, Attr> attrs : sampleAttrs(op)) {
      try {
        if (OpRegistry.infer(op.name(), in, attrs, t) instanceof Type.TensorType) {
          return true;
        }
      } catch (OpRegistry.TypeError e) {
        // refused
      }
    }
    return false;
  }

  private static List<List<DType>> combinations(int min, int max) {
    List<List<DType>> out = new ArrayList<>();
    List<List<DType>> level = List.of(List.of());
    for (int n = 0; n <= max; n++) {
      if (n >= min) {
        out.addAll(level);
      }
      List<List<DType>> next = new ArrayList<>();
      for (List<DType> l : level) {
        for (DType d : SCALARS) {
          List<DType> m = new ArrayList<>(l);
          m.add(d);
          next.add(m);
        }
      }
      level = next;
    }
    return out;
  }

  /** Attribute sets of each declared kind; a {@code dtype} attribute takes every scalar dtype. */
  private static List<Map<String, Attr>> sampleAttrs(OpDef op) {
    List<Map<String, Attr>> out = new ArrayList<>();
    for (DType target : SCALARS) {
      Map<String, Attr> m = new HashMap<>();
      for (AttrSpec a : op.attrs()) {
        m.put(
            a.name(),
            switch (a.kind()) {
              case INT -> Attr.of(0L);
              case FLOAT, NUMBER, SCALAR -> Attr.of(0.0);
              case BOOL -> Attr.of(false);
              case STR -> Attr.of(a.name().equals("dtype") ? target.irName() : "x");
              case INTS -> Attr.ints(0);
            });
      }
      out.add(m);
      if (op.attrs().stream().noneMatch(a -> a.kind() == AttrKind.STR)) {
        break;
      }
    }
    return out;
  }
}
