package dev.dynnc.runtime;

import static org.bytedeco.tvm.global.tvm_runtime.TVMFuncCall;
import static org.bytedeco.tvm.global.tvm_runtime.TVMFuncFree;
import static org.bytedeco.tvm.global.tvm_runtime.TVMFuncGetGlobal;
import static org.bytedeco.tvm.global.tvm_runtime.TVMGetLastError;
import static org.bytedeco.tvm.global.tvm_runtime.kDLFloat;
import static org.bytedeco.tvm.global.tvm_runtime.kDLInt;
import static org.bytedeco.tvm.global.tvm_runtime.kDLUInt;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.tvm.DLTensor;
import org.bytedeco.tvm.TVMFunctionHandle;
import org.bytedeco.tvm.TVMValue;
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
      load(gpuWanted ? GPU_EXTENSION : "");
    }

    static void touch() {}
  }

  /** Loads the native runtime; idempotent and safe to call from any thread. */
  public static void init() {
    Native.touch();
    loaded = true;
  }

  private static volatile boolean loaded;

  /** Whether the first load should select TVM's GPU build ({@link #requireDevice} of CUDA). */
  private static volatile boolean gpuWanted;

  /**
   * Loads TVM's runtime with JavaCPP's platform extension {@code extension} ("" the CPU build,
   * "-gpu" the GPU build) unless the JVM was started with one; the property is set only for this
   * load, so other JavaCPP libraries of the JVM load as they would have.
   *
   * <p>Left unset, JavaCPP tries the GPU build first whenever its jar is on the class path, even
   * for CPU bundles. Where CUDA's libraries are missing that load fails and JavaCPP falls back to
   * the CPU build, replacing the GPU build's {@code libtvm.so} in its cache with a link to the CPU
   * build's: a dynnc GPU compile worker starting at that moment crashed (SIGBUS) or loaded the CPU
   * build.
   */
  private static void load(String extension) {
    if (System.getProperty(EXTENSION_PROPERTY) != null) {
      Loader.load(tvm_runtime.class);
      return;
    }
    // JavaCPP reads its platform properties once, at its first use (which may have been another
    // library's, or firstMissing's): they are read again with the extension, and after the load
    // without it.
    System.setProperty(EXTENSION_PROPERTY, extension);
    try {
      Loader.loadProperties(true);
      Loader.load(tvm_runtime.class);
    } finally {
      System.clearProperty(EXTENSION_PROPERTY);
      Loader.loadProperties(true);
    }
  }

  /** JavaCPP's platform extension that selects TVM's GPU build over its CPU build. */
  static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";

  static final String GPU_EXTENSION = "-gpu";

  /** The libraries outside its jar that TVM's GPU runtime links (its ELF NEEDED entries). */
  public static final java.util.List<String> GPU_RUNTIME_LIBRARIES =
      java.util.List.of(
          "libcuda.so.1",
          "libcudart.so.12",
          "libcudnn.so.9",
          "libcublas.so.12",
          "libcublasLt.so.12");

  /**
   * The dynamic loader's reason why the first of {@code libraries} (sonames, looked up as the
   * loader looks up a library's dependencies) cannot load here, or null when all load. A library
   * that loads stays loaded.
   *
   * <p>TVM's GPU build is loaded only after this says its CUDA libraries are there: when it fails
   * to load, JavaCPP falls back to the CPU build and replaces the GPU build's {@code libtvm.so} in
   * its cache with a link to the CPU one, under any other process that has it mapped.
   */
  public static String firstMissing(java.util.List<String> libraries) {
    for (String lib : libraries) {
      try {
        Loader.loadGlobal(lib);
      } catch (UnsatisfiedLinkError e) {
        String why = String.valueOf(e.getMessage()).strip();
        return why.contains(lib) ? why : lib + ": " + why;
      }
    }
    return null;
  }

  private static final String GPU_LIBRARIES =
      "TVM's GPU build needs the NVIDIA driver's libcuda.so.1 and CUDA 12's libcudart.so.12,"
          + " libcublas.so.12 and libcublasLt.so.12 and cuDNN 9's libcudnn.so.9 on the library"
          + " path (LD_LIBRARY_PATH)";

  /**
   * Makes sure this JVM can run kernels on {@code device}, before any library of a bundle is
   * loaded. For CUDA: when nothing has loaded TVM yet and TVM's GPU build is on the class path,
   * selects it (JavaCPP reads the platform extension when it loads); then checks that the runtime
   * loaded has CUDA and that a GPU answers. Each failure says what is missing.
   */
  static void requireDevice(Device device) throws DeviceUnavailableException {
    requireDevice(device, GPU_RUNTIME_LIBRARIES);
  }

  /** {@link #requireDevice(Device)}, checking {@code gpuLibraries} before TVM's GPU build loads. */
  static synchronized void requireDevice(Device device, java.util.List<String> gpuLibraries)
      throws DeviceUnavailableException {
    if (device == Device.CPU) {
      return;
    }
    boolean gpuBuild =
        TvmRuntime.class
                .getClassLoader()
                .getResource(
                    "org/bytedeco/tvm/"
                        + Loader.getPlatform()
                        + GPU_EXTENSION
                        + "/libtvm_runtime.so")
            != null;
    // TVM may have been loaded by other code of this JVM (any use of its JavaCPP classes loads it).
    boolean loadedBefore =
        loaded || Loader.getLoadedLibraries().keySet().stream().anyMatch(k -> k.contains("tvm"));
    if (!loadedBefore && gpuBuild) {
      String missing = firstMissing(gpuLibraries);
      if (missing != null) {
        throw new DeviceUnavailableException(
            "TVM's runtime could not be loaded for "
                + device.manifestName()
                + ": "
                + missing
                + "; "
                + GPU_LIBRARIES);
      }
      gpuWanted = true; // the load below selects the GPU build, unless the JVM chose a build
    }
    String name = device.manifestName();
    try {
      init();
    } catch (LinkageError e) { // UnsatisfiedLinkError, or the class's initialisation failed
      throw new DeviceUnavailableException(
          "TVM's runtime could not be loaded for "
              + name
              + ": "
              + String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
                  .strip()
              + "; "
              + GPU_LIBRARIES,
          e);
    }
    TVMFunctionHandle api = new TVMFunctionHandle();
    boolean hasApi = TVMFuncGetGlobal("device_api." + name, api) == 0 && !api.isNull();
    if (hasApi) {
      TVMFuncFree(api); // a new handle to the registry's function
    }
    if (!hasApi) {
      String why;
      if (loadedBefore) {
        why =
            "this JVM loaded TVM's CPU build before this bundle; start it with -D"
                + EXTENSION_PROPERTY
                + "="
                + GPU_EXTENSION;
      } else if (!gpuBuild) {
        why =
            "TVM's GPU build (org.bytedeco:tvm, classifier "
                + Loader.getPlatform()
                + GPU_EXTENSION
                + ") is not on the class path";
      } else {
        // JavaCPP falls back to the CPU build when a library of the GPU build fails to load.
        why =
            "TVM's GPU build did not load, so JavaCPP loaded the CPU build: "
                + GPU_LIBRARIES
                + " (-Dorg.bytedeco.javacpp.logger.debug=true shows the library that failed)";
      }
      throw new DeviceUnavailableException(
          "the bundle was compiled for "
              + name
              + ", but the TVM runtime has no "
              + name
              + ": "
              + why);
    }
    if (!deviceExists(device)) {
      throw new DeviceUnavailableException(
          "the bundle was compiled for "
              + name
              + ", and no "
              + name
              + " device answers here ("
              + lastError()
              + ")");
    }
  }

  /** TVM's kExist attribute of device 0 of {@code device}'s type. */
  private static boolean deviceExists(Device device) {
    TVMFunctionHandle f = new TVMFunctionHandle();
    if (TVMFuncGetGlobal("runtime.GetDeviceAttr", f) != 0 || f.isNull()) {
      return false;
    }
    try (TVMValue args = new TVMValue(3);
        TVMValue ret = new TVMValue(1);
        IntPointer codes = new IntPointer(3);
        IntPointer retCode = new IntPointer(1)) {
      args.position(0).v_int64(device.dlDeviceType());
      args.position(1).v_int64(0);
      args.position(2).v_int64(0); // kExist
      for (int i = 0; i < 3; i++) {
        codes.put(i, kDLInt);
      }
      try {
        if (TVMFuncCall(f, args.position(0), codes, 3, ret, retCode) != 0) {
          return false;
        }
        return retCode.get(0) == kDLInt && ret.v_int64() != 0;
      } finally {
        TVMFuncFree(f);
      }
    }
  }

  private static String lastError() {
    BytePointer err = TVMGetLastError();
    String msg = err == null || err.isNull() ? "" : err.getString().strip();
    int newline = msg.indexOf('\n');
    return msg.isEmpty()
        ? "the runtime reports none"
        : newline < 0 ? msg : msg.substring(0, newline);
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
