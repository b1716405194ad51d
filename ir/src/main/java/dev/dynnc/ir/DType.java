package dev.dynnc.ir;

/** Element types of tensors and host scalars, named as in the IR text format. */
public enum DType {
  F32("f32", "float32", 4),
  F64("f64", "float64", 8),
  I32("i32", "int32", 4),
  I64("i64", "int64", 8),
  BOOL("bool", "bool", 1);

  private final String irName;
  private final String numpyName;
  private final int byteSize;

  DType(String irName, String numpyName, int byteSize) {
    this.irName = irName;
    this.numpyName = numpyName;
    this.byteSize = byteSize;
  }

  public String irName() {
    return irName;
  }

  /** The dtype name numpy, Relay and PyTorch share ("float32", "int64", ...). */
  public String numpyName() {
    return numpyName;
  }

  public int byteSize() {
    return byteSize;
  }

  public boolean isFloat() {
    return this == F32 || this == F64;
  }

  public static DType fromIrName(String name) {
    for (DType d : values()) {
      if (d.irName.equals(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown dtype '" + name + "'");
  }

  public static DType fromNumpyName(String name) {
    for (DType d : values()) {
      if (d.numpyName.equals(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown dtype '" + name + "'");
  }
}
