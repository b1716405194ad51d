package dev.dynnc.weights;

import dev.dynnc.semantics.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense tensor loaded from a checkpoint: its element type, its shape and its elements as
 * row-major, contiguous, little-endian bytes.
 *
 * <p>The arrays are neither copied on construction nor on access: weights can be gigabytes, and
 * this record is a hand-over format, not a shared mutable object. Callers must treat {@code shape}
 * and {@code data} as read-only. {@code equals} and {@code hashCode} are the record defaults, i.e.
 * they compare the arrays by identity.
 *
 * @param dtype the element type
 * @param shape the size of each dimension, outermost first; empty for a 0-d (scalar) tensor
 * @param data {@code numel() * dtype.byteSize()} bytes, row-major, little-endian
 */
public record WeightTensor(DType dtype, long[] shape, byte[] data) {

  /**
   * Checks that the shape is valid and that {@code data} holds exactly the bytes the shape and
   * dtype call for.
   */
  public WeightTensor {
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    if (Math.multiplyExact(n, dtype.byteSize()) != data.length) {
      throw new IllegalArgumentException(
          "shape "
              + Arrays.toString(shape)
              + " of "
              + dtype.numpyName()
              + " needs "
              + n * dtype.byteSize()
              + " bytes but data has "
              + data.length);
    }
  }

  /**
   * Returns the number of elements: the product of the shape, 1 for a 0-d tensor, 0 if any
   * dimension is 0.
   */
  public long numel() {
    long n = 1;
    for (long d : shape) {
      n *= d; // cannot overflow: checked in the constructor
    }
    return n;
  }

  /**
   * Returns the elements converted to {@code float}, in row-major order.
   *
   * <p>Wide types lose precision (float64, and int32/int64 beyond 2^24); booleans become 0 or 1.
   */
  public float[] toFloatArray() {
    // numel fits in an int: data is a Java array and every element takes at least one byte.
    int n = (int) numel();
    float[] out = new float[n];
    ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case F32 -> buf.asFloatBuffer().get(out);
      case F64 -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) buf.getDouble(i * 8);
        }
      }
      case F16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = halfToFloat(buf.getShort(i * 2));
        }
      }
      case BF16 -> {
        // bfloat16 is the upper half of a float32, so widening is a shift.
        for (int i = 0; i < n; i++) {
          out[i] = Float.intBitsToFloat((buf.getShort(i * 2) & 0xffff) << 16);
        }
      }
      case I64 -> {
        for (int i = 0; i < n; i++) {
          out[i] = buf.getLong(i * 8);
        }
      }
      case I32 -> {
        for (int i = 0; i < n; i++) {
          out[i] = buf.getInt(i * 4);
        }
      }
      case I16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = buf.getShort(i * 2);
        }
      }
      case I8 -> {
        for (int i = 0; i < n; i++) {
          out[i] = data[i];
        }
      }
      case U8 -> {
        for (int i = 0; i < n; i++) {
          out[i] = data[i] & 0xff;
        }
      }
      case BOOL -> {
        // torch only writes 0/1, but any non-zero byte means true, as in C.
        for (int i = 0; i < n; i++) {
          out[i] = data[i] != 0 ? 1f : 0f;
        }
      }
    }
    return out;
  }

  /** Converts IEEE 754 binary16 bits to a float (JDK 17 has no {@code Float.float16ToFloat}). */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      // Infinity or NaN: keep the payload so NaNs stay NaNs.
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      // Zero or subnormal: value is mantissa * 2^-24, exactly representable as a float.
      float magnitude = mantissa * 0x1p-24f;
      return sign != 0 ? -magnitude : magnitude;
    }
    // Normal: rebias the exponent from 15 to 127.
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** Returns dtype and shape only; the data can be huge. */
  @Override
  public String toString() {
    return "WeightTensor[" + dtype.numpyName() + " " + Arrays.toString(shape) + "]";
  }
}
