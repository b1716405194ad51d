package dev.dynnc.runtime;

import dev.dynnc.semantics.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * Holds a dense tensor in Java memory: a numpy dtype name, a shape, and the raw little-endian
 * C-order bytes.
 *
 * <p>Supported dtypes are {@code float32, float64, int64, int32, bool, uint8} (bool is one byte per
 * element, as in numpy). The shape is copied defensively; {@code data} is not, because tensors can
 * be large and the record is only a carrier between {@code .npy} files and device arrays.
 */
public record HostTensor(String dtype, long[] shape, byte[] data) {

  public HostTensor {
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    int item = itemSize(dtype);
    shape = shape.clone();
    long bytes = Math.multiplyExact(numel(shape), item);
    if (bytes != data.length) {
      throw new IllegalArgumentException(
          describe(dtype, shape) + " needs " + bytes + " bytes, got " + data.length);
    }
  }

  /**
   * Bytes per element of a supported dtype; throws {@link IllegalArgumentException} for any other
   * name.
   */
  public static int itemSize(String dtype) {
    DType d = null;
    try {
      d = DType.fromNumpyName(dtype);
    } catch (IllegalArgumentException e) {
      // reported below with the supported list
    }
    // The IR's types plus uint8, the set named in the class comment.
    if (d == null || !(d.inIr() || d == DType.U8)) {
      throw new IllegalArgumentException(
          "unsupported dtype '"
              + dtype
              + "' (supported: float32, float64, int64, int32, bool, uint8)");
    }
    return d.byteSize();
  }

  /** Element count of a shape (1 for a 0-d shape); rejects negative dimensions. */
  public static long numel(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /**
   * Formats a type the way error messages show it, e.g. {@code float32[1,3,32,32]} or {@code
   * int64[]}.
   */
  public static String describe(String dtype, long[] shape) {
    StringJoiner j = new StringJoiner(",", dtype + "[", "]");
    for (long d : shape) {
      j.add(Long.toString(d));
    }
    return j.toString();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  public long numel() {
    return numel(shape);
  }

  /** This tensor's type in the {@link #describe} format. */
  public String describe() {
    return describe(dtype, shape);
  }

  /** Element {@code flatIndex} (C order) converted to double; bool reads as 0 or 1. */
  public double getDouble(long flatIndex) {
    int off = Math.toIntExact(Objects.checkIndex(flatIndex, numel()) * itemSize(dtype));
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case "float32":
        return b.getFloat(off);
      case "float64":
        return b.getDouble(off);
      case "int64":
        return b.getLong(off);
      case "int32":
        return b.getInt(off);
      case "uint8":
        return data[off] & 0xff;
      default: // bool
        return data[off] != 0 ? 1 : 0;
    }
  }

  /** All elements converted to float, in C order. */
  public float[] toFloats() {
    float[] out = new float[Math.toIntExact(numel())];
    if (dtype.equals("float32")) {
      ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    } else {
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) getDouble(i);
      }
    }
    return out;
  }

  public static HostTensor ofFloats(long[] shape, float[] values) {
    ByteBuffer b =
        ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return new HostTensor("float32", shape, b.array());
  }

  /** A 0-d int64 tensor. */
  public static HostTensor scalarLong(long v) {
    return new HostTensor(
        "int64",
        new long[0],
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
  }

  /** A 0-d float64 tensor. */
  public static HostTensor scalarDouble(double v) {
    return new HostTensor(
        "float64",
        new long[0],
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(v).array());
  }

  /** A 0-d bool tensor. */
  public static HostTensor scalarBool(boolean v) {
    return new HostTensor("bool", new long[0], new byte[] {(byte) (v ? 1 : 0)});
  }

  // Records compare arrays by identity; tensors are values, so compare contents.
  @Override
  public boolean equals(Object o) {
    return o instanceof HostTensor t
        && dtype.equals(t.dtype)
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "HostTensor[" + describe() + "]";
  }
}
