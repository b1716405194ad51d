package dev.dynnc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dynnc.ir.OpRegistry.TypeError;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.semantics.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Shape and dtype rules of the ops behind cumsum, gather, index_select, topk and F.pad. */
class OpRegistryTest {
  static final TensorType X = TensorType.of(DType.F32, 2, 5, 6);

  static Type infer(String op, List<Type> in, Map<String, Attr> attrs) throws TypeError {
    return OpRegistry.infer(op, in, attrs, null);
  }

  @Test
  void gatherTakesTheIndexShapeAndRefusesALargerIndex() throws TypeError {
    assertEquals(
        TensorType.of(DType.F32, 2, 9, 6),
        infer(
            "gather", List.of(X, TensorType.of(DType.I64, 2, 9, 6)), Map.of("axis", Attr.of(1L))));
    TypeError e =
        assertThrows(
            TypeError.class,
            () ->
                infer(
                    "gather",
                    List.of(X, TensorType.of(DType.I64, 3, 1, 6)),
                    Map.of("axis", Attr.of(1L))));
    assertEquals(
        "gather: index i64[3,1,6] is larger than f32[2,5,6] outside dimension 1", e.getMessage());
  }

  @Test
  void indexSelectReplacesOneDimension() throws TypeError {
    assertEquals(
        TensorType.of(DType.F32, 2, 5, 4),
        infer(
            "index_select", List.of(X, TensorType.of(DType.I64, 4)), Map.of("axis", Attr.of(2L))));
    assertThrows(
        TypeError.class,
        () ->
            infer(
                "index_select",
                List.of(X, TensorType.of(DType.F32, 4)),
                Map.of("axis", Attr.of(2L))));
  }

  @Test
  void topkGivesValuesAndInt64IndicesAndChecksK() throws TypeError {
    Map<String, Attr> attrs =
        Map.of("k", Attr.of(3L), "axis", Attr.of(1L), "largest", Attr.of(true));
    assertEquals(TensorType.of(DType.F32, 2, 3, 6), infer("topk_values", List.of(X), attrs));
    assertEquals(TensorType.of(DType.I64, 2, 3, 6), infer("topk_indices", List.of(X), attrs));
    assertThrows(
        TypeError.class,
        () ->
            infer(
                "topk_values",
                List.of(X),
                Map.of("k", Attr.of(6L), "axis", Attr.of(1L), "largest", Attr.of(true))));
  }

  @Test
  void padAddsBothSidesAndRefusesNegativeWidths() throws TypeError {
    assertEquals(
        TensorType.of(DType.F32, 2, 8, 6),
        infer(
            "pad",
            List.of(X),
            Map.of("pad_width", Attr.ints(0, 0, 1, 2, 0, 0), "value", Attr.of(0.0))));
    assertThrows(
        TypeError.class,
        () ->
            infer(
                "pad",
                List.of(X),
                Map.of("pad_width", Attr.ints(0, 0, -1, 2, 0, 0), "value", Attr.of(0.0))));
    assertThrows(
        TypeError.class,
        () ->
            infer("pad", List.of(X), Map.of("pad_width", Attr.ints(1, 1), "value", Attr.of(0.0))));
  }

  @Test
  void cumsumKeepsTheType() throws TypeError {
    assertEquals(X, infer("cumsum", List.of(X), Map.of("axis", Attr.of(2L))));
    assertThrows(TypeError.class, () -> infer("cumsum", List.of(X), Map.of("axis", Attr.of(3L))));
  }
}
