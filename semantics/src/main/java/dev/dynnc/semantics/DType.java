package dev.dynnc.semantics;

import java.util.Arrays;
import java.util.List;

/**
 * The element types of tensors in dynnc: every PyTorch dtype it reads from checkpoints, of which
 * six are the types the IR, the generated host and the bundles compute with.
 *
 * <p>The constants are named by their safetensors codes. Complex, quantized and float8 dtypes are
 * deliberately absent: no dynnc backend can use them, so a checkpoint holding them is rejected with
 * a message rather than read into a type nothing downstream understands. The storage-only types
 * (float16, bfloat16, int16, int8) have no IR name: weights stored in them are converted on
 * binding, as {@code load_state_dict} does. uint8 is computed with since 2026-12-04: older research
 * code makes its masks with {@code .byte()}.
 */
public enum DType {
  F32("f32", "float32", 4),
  F64("f64", "float64", 8),
  I32("i32", "int32", 4),
  I64("i64", "int64", 8),
  /** One byte per element, 0 or 1, as torch, safetensors, numpy and TVM store it. */
  BOOL("bool", "bool", 1),
  F16(null, "float16", 2),
  /** Brain float; numpy has no such type, so its numpy-style name follows the ml_dtypes package. */
  BF16(null, "bfloat16", 2),
  I16(null, "int16", 2),
  I8(null, "int8", 1),
  /** Unsigned bytes, wrapping modulo 256 as PyTorch's do. */
  U8("u8", "uint8", 1);

  private static final DType[] VALUES = values(); // values() copies the array on every call

  private static final List<DType> IR_TYPES = Arrays.stream(values()).filter(DType::inIr).toList();

  private final String irName;
  private final String numpyName;
  private final int byteSize;

  DType(String irName, String numpyName, int byteSize) {
    this.irName = irName;
    this.numpyName = numpyName;
    this.byteSize = byteSize;
  }

  /** The name in the IR text format ("f32", "i64", "bool"); only for {@link #inIr() IR types}. */
  public String irName() {
    if (irName == null) {
      throw new IllegalStateException(numpyName + " is a storage type with no IR name");
    }
    return irName;
  }

  /** The dtype name numpy, Relay and PyTorch share ("float32", "int64", ...). */
  public String numpyName() {
    return numpyName;
  }

  /** Returns the number of bytes one element occupies. */
  public int byteSize() {
    return byteSize;
  }

  public boolean isFloat() {
    return this == F32 || this == F64 || this == F16 || this == BF16;
  }

  /** Whether the IR computes with this type; the others only occur in checkpoints. */
  public boolean inIr() {
    return irName != null;
  }

  /** The six types the IR computes with, in declaration order. */
  public static List<DType> irTypes() {
    return IR_TYPES;
  }

  /**
   * Looks up an IR type by its IR name; throws {@link IllegalArgumentException} for any other name.
   */
  public static DType fromIrName(String name) {
    for (DType d : IR_TYPES) {
      if (d.irName.equals(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown dtype '" + name + "'");
  }

  /**
   * Looks up any type by its numpy name; throws {@link IllegalArgumentException} for an unknown
   * name.
   */
  public static DType fromNumpyName(String name) {
    for (DType d : VALUES) {
      if (d.numpyName.equals(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown dtype '" + name + "'");
  }

  /** Looks up a safetensors dtype code; returns {@code null} for codes dynnc does not support. */
  public static DType fromSafetensorsName(String code) {
    for (DType t : values()) {
      if (t.name().equals(code)) {
        return t;
      }
    }
    return null;
  }
}
