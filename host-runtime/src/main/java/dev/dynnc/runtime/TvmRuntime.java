package dev.dynnc.runtime;

import static org.bytedeco.tvm.global.tvm_runtime.TVMGetLastError;
import static org.bytedeco.tvm.global.tvm_runtime.kDLFloat;
import static org.bytedeco.tvm.global.tvm_runtime.kDLInt;
import static org.bytedeco.tvm.global.tvm_runtime.kDLUInt;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.tvm.DLTensor;
import org.bytedeco.tvm.global.tvm_runtime;

/**
 * Loads the TVM runtime native library once and holds the helpers every native call shares.
 *
 * <p>It goes through the JavaCPP-level C API ({@code org.bytedeco.tvm.global.tvm_runtime}) rather
 * than TVM4J ({@code org.apache.tvm}), whose loader looks for a {@code tvm4j} library that the
 * preset does not ship.
 */
public final class TvmRuntime {
  /**
   * DLPack's {@code kDLBool}; newer TVM builds may tag bool tensors with it instead of {@code
   * uint1}.
   */
  private static final int DL_BOOL = 6;

  private TvmRuntime() {}

  /**
   * Class initialisation runs the load exactly once, and later calls cost nothing: no lock, no
   * flag.
   */
  private static final class Native {
    static {
      Loader.load(tvm_runtime.class);
    }

    static void touch() {}
  }

  /** Loads the native runtime; idempotent and safe to call from any thread. */
  public static void init() {
    Native.touch();
  }

  /** Throws {@link TvmException} with TVM's last error message if {@code rc} signals failure. */
  static void check(int rc, String what) {
    if (rc != 0) {
      BytePointer err = TVMGetLastError();
      String msg = err == null || err.isNull() ? "unknown TVM error" : err.getString().strip();
      throw new TvmException(what + " failed: " + msg);
    }
  }

  /** DLPack {code, bits} for a runtime dtype name; TVM stores bool as one byte of {@code uint1}. */
  static int[] dlType(String dtype) {
    switch (dtype) {
      case "float32":
        return new int[] {kDLFloat, 32};
      case "float64":
        return new int[] {kDLFloat, 64};
      case "int64":
        return new int[] {kDLInt, 64};
      case "int32":
        return new int[] {kDLInt, 32};
      case "uint8":
        return new int[] {kDLUInt, 8};
      case "bool":
        return new int[] {kDLUInt, 1};
      default:
        throw new IllegalArgumentException("unsupported dtype '" + dtype + "'");
    }
  }

  /** The runtime dtype name of a DLTensor, or a DLPack-style description if it has none. */
  static String dtypeName(DLTensor t) {
    int code = t.dtype().code() & 0xff;
    int bits = t.dtype().bits() & 0xff;
    int lanes = t.dtype().lanes() & 0xffff;
    if (lanes == 1) {
      if (code == kDLFloat && (bits == 32 || bits == 64)) {
        return "float" + bits;
      }
      if (code == kDLInt && (bits == 32 || bits == 64)) {
        return "int" + bits;
      }
      if (code == kDLUInt && bits == 8) {
        return "uint8";
      }
      if ((code == kDLUInt && bits == 1) || (code == DL_BOOL && bits == 8)) {
        return "bool";
      }
    }
    return "dltype(code=" + code + ",bits=" + bits + ",lanes=" + lanes + ")";
  }

  static long[] shapeOf(DLTensor t) {
    long[] shape = new long[t.ndim()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = t.shape().get(i);
    }
    return shape;
  }
}
