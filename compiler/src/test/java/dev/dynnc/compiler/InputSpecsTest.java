package dev.dynnc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dynnc.ir.Type;
import dev.dynnc.semantics.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

class InputSpecsTest {
  static String error(String... specs) {
    return assertThrows(IllegalArgumentException.class, () -> InputSpecs.parse(List.of(specs)))
        .getMessage();
  }

  @Test
  void parsesNamesDtypesAndShapesInOrder() {
    var m =
        InputSpecs.parse(List.of("x=float32[1, 3,32,32]", "n=int64[]", "mask=bool[536870911,4]"));
    assertEquals(List.of("x", "n", "mask"), List.copyOf(m.keySet()));
    Type.TensorType x = m.get("x");
    assertEquals(DType.F32, x.dtype());
    assertArrayEquals(new long[] {1, 3, 32, 32}, x.dims());
    assertEquals(0, m.get("n").dims().length);
  }

  @Test
  void refusesEmptyNegativeAndOversizedShapesWithTheLimit() {
    assertEquals(
        "--input 'x=float32[0,4]': dimension 1 is 0; every dimension must be at least 1 (dynnc does not compile "
            + "empty tensors)",
        error("x=float32[0,4]"));
    assertEquals(
        "--input 'x=float32[4,-2]': dimension 2 is -2; every dimension must be at least 1 (dynnc does not compile "
            + "empty tensors)",
        error("x=float32[4,-2]"));
    assertEquals(
        "--input 'x=float32[1152921504606846976,4]': 4611686018427387904 elements of float32 take "
            + "18446744073709551616 bytes; an input may take at most 2147483647 bytes (2 GiB)",
        error("x=float32[1152921504606846976,4]"));
    assertEquals(
        "--input 'x=float32[99999999999999999999]': 99999999999999999999 elements of float32 take "
            + "399999999999999999996 bytes; an input may take at most 2147483647 bytes (2 GiB)",
        error("x=float32[99999999999999999999]"));
    // One byte over the limit, and exactly at it.
    assertEquals(
        "--input 'b=bool[2147483648]': 2147483648 elements of bool take 2147483648 bytes; an input may take at "
            + "most 2147483647 bytes (2 GiB)",
        error("b=bool[2147483648]"));
    InputSpecs.parse(List.of("b=bool[2147483647]"));
    String huge = "9".repeat(5000);
    String msg = error("x=float32[" + huge + "," + huge + "]");
    assertEquals(
        "--input 'x=float32["
            + "9".repeat(70)
            + "...': about 10^9999 elements of float32 take about 10^10000 "
            + "bytes; an input may take at most 2147483647 bytes (2 GiB)",
        msg);
  }

  @Test
  void refusesMalformedSpecsAndDuplicates() {
    assertEquals(
        "--input 'x=float32[1,,4]': dimension 2 ('') is not a whole number",
        error("x=float32[1,,4]"));
    assertEquals(
        "--input 'x=float32[1.5]': dimension 1 ('1.5') is not a whole number",
        error("x=float32[1.5]"));
    assertEquals(
        "--input 'x=half[1]': unknown dtype 'half' (float32, float64, int64, int32, bool)",
        error("x=half[1]"));
    // A checkpoint storage type is a dtype dynnc knows, but not one a compiled model computes with.
    assertEquals(
        "--input 'x=float16[1]': unknown dtype 'float16' (float32, float64, int64, int32, bool)",
        error("x=float16[1]"));
    assertEquals(
        "--input 'x[1]': must look like NAME=DTYPE[D0,D1,...], e.g. x=float32[1,3,32,32]",
        error("x[1]"));
    assertEquals(
        "--input x is given twice; give each input once",
        error("x=float32[1]", "y=float32[1]", " x=float32[2]"));
  }
}
