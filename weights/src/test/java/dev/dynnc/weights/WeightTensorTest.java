package dev.dynnc.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.semantics.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Unit tests of {@link WeightTensor} and {@link DType} that need no fixture files. */
class WeightTensorTest {

  @Test
  void dtypeSizesAndNumpyNames() {
    assertEquals(4, DType.F32.byteSize());
    assertEquals(8, DType.F64.byteSize());
    assertEquals(2, DType.F16.byteSize());
    assertEquals(2, DType.BF16.byteSize());
    assertEquals(8, DType.I64.byteSize());
    assertEquals(1, DType.BOOL.byteSize());
    assertEquals("float32", DType.F32.numpyName());
    assertEquals("int64", DType.I64.numpyName());
    assertEquals("bool", DType.BOOL.numpyName());
    assertEquals("uint8", DType.U8.numpyName());
    assertEquals(DType.BF16, DType.fromSafetensorsName("BF16"));
    assertEquals(null, DType.fromSafetensorsName("F8_E4M3"));
  }

  @Test
  void numelOfScalarEmptyAndMatrix() {
    assertEquals(1, new WeightTensor(DType.F32, new long[0], new byte[4]).numel());
    assertEquals(0, new WeightTensor(DType.F32, new long[] {0, 3}, new byte[0]).numel());
    assertEquals(6, new WeightTensor(DType.I8, new long[] {2, 3}, new byte[6]).numel());
  }

  @Test
  void constructorRejectsInconsistentData() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new WeightTensor(DType.F32, new long[] {2, 3}, new byte[23]));
    assertEquals("shape [2, 3] of float32 needs 24 bytes but data has 23", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new WeightTensor(DType.F32, new long[] {-1}, new byte[0]));
    assertEquals("negative dimension in shape [-1]", e.getMessage());
  }

  @Test
  void halfPrecisionConversionCoversAllClasses() {
    assertEquals(1.0f, WeightTensor.halfToFloat((short) 0x3c00));
    assertEquals(-2.0f, WeightTensor.halfToFloat((short) 0xc000));
    assertEquals(65504f, WeightTensor.halfToFloat((short) 0x7bff)); // largest normal
    assertEquals(0x1p-14f, WeightTensor.halfToFloat((short) 0x0400)); // smallest normal
    assertEquals(0x1p-24f, WeightTensor.halfToFloat((short) 0x0001)); // smallest subnormal
    assertEquals(0x3ffp-24f, WeightTensor.halfToFloat((short) 0x03ff)); // largest subnormal
    assertEquals(
        Float.floatToIntBits(-0f), Float.floatToIntBits(WeightTensor.halfToFloat((short) 0x8000)));
    assertEquals(Float.POSITIVE_INFINITY, WeightTensor.halfToFloat((short) 0x7c00));
    assertEquals(Float.NEGATIVE_INFINITY, WeightTensor.halfToFloat((short) 0xfc00));
    assertTrue(Float.isNaN(WeightTensor.halfToFloat((short) 0x7e00)));
    assertEquals(0.333251953125f, WeightTensor.halfToFloat((short) 0x3555));
  }

  @Test
  void toFloatArrayConvertsEveryDtype() {
    assertArrayEquals(
        new float[] {1.5f, -2f},
        tensor(DType.F32, b -> b.putFloat(1.5f).putFloat(-2f), 2).toFloatArray());
    assertArrayEquals(
        new float[] {0.1f}, tensor(DType.F64, b -> b.putDouble(0.1), 1).toFloatArray());
    assertArrayEquals(
        new float[] {1f, -2f},
        tensor(DType.F16, b -> b.putShort((short) 0x3c00).putShort((short) 0xc000), 2)
            .toFloatArray());
    // bfloat16 0x3fc0 is the top half of float 1.5f (0x3fc00000).
    assertArrayEquals(
        new float[] {1.5f}, tensor(DType.BF16, b -> b.putShort((short) 0x3fc0), 1).toFloatArray());
    assertArrayEquals(
        new float[] {-7f, 1e12f},
        tensor(DType.I64, b -> b.putLong(-7).putLong(1_000_000_000_000L), 2).toFloatArray());
    assertArrayEquals(
        new float[] {-2147483648f},
        tensor(DType.I32, b -> b.putInt(Integer.MIN_VALUE), 1).toFloatArray());
    assertArrayEquals(
        new float[] {-300f}, tensor(DType.I16, b -> b.putShort((short) -300), 1).toFloatArray());
    assertArrayEquals(
        new float[] {-128f, 127f},
        tensor(DType.I8, b -> b.put((byte) -128).put((byte) 127), 2).toFloatArray());
    assertArrayEquals(
        new float[] {255f, 0f},
        tensor(DType.U8, b -> b.put((byte) 0xff).put((byte) 0), 2).toFloatArray());
    assertArrayEquals(
        new float[] {1f, 0f},
        tensor(DType.BOOL, b -> b.put((byte) 1).put((byte) 0), 2).toFloatArray());
  }

  @Test
  void toStringShowsDtypeAndShapeOnly() {
    assertEquals(
        "WeightTensor[int8 [2, 3]]",
        new WeightTensor(DType.I8, new long[] {2, 3}, new byte[6]).toString());
  }

  private interface Filler {
    void fill(ByteBuffer b);
  }

  private static WeightTensor tensor(DType dtype, Filler filler, long n) {
    ByteBuffer b = ByteBuffer.allocate((int) n * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    filler.fill(b);
    return new WeightTensor(dtype, new long[] {n}, b.array());
  }
}
