package dev.dynnc.runtime;

import static org.bytedeco.tvm.global.tvm_runtime.TVMArrayAlloc;
import static org.bytedeco.tvm.global.tvm_runtime.TVMArrayCopyFromBytes;
import static org.bytedeco.tvm.global.tvm_runtime.TVMArrayCopyToBytes;
import static org.bytedeco.tvm.global.tvm_runtime.TVMArrayFree;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.tvm.DLTensor;

/**
 * Owns one TVM NDArray on a device; closing it frees the native memory.
 *
 * <p>Arrays are dense, C-order, and of a fixed dtype and shape. Not thread-safe.
 *
 * <p>The process-wide count of native arrays not yet freed, their bytes and the peak of both
 * ({@link #liveCount}, {@link #liveBytes}, {@link #peakBytes}) let a soak test or a service watch
 * that device memory stays flat. They count native memory: an array a pool keeps for reuse after
 * its user closed it still counts, and handing it out again costs no accounting.
 */
public final class DeviceArray implements AutoCloseable {
  /** Native arrays allocated and not yet freed, in this JVM (see {@link #liveCount}). */
  private static final AtomicLong LIVE = new AtomicLong();

  /** Their bytes, and the peak of those bytes since {@link #resetPeakBytes}. */
  private static final AtomicLong LIVE_BYTES = new AtomicLong();

  private static final AtomicLong PEAK_BYTES = new AtomicLong();

  private final String dtype;
  private final long[] shape;
  private final long numel;
  private final long bytes; // numel times the item size, once: the host counts it twice per call
  private final Device device;
  private final Recycler recycler; // null: close frees the native array
  private DLTensor tensor; // null once closed
  private ByteBuffer view; // the array's memory on the CPU, made on first use (view())

  // The run that owns this array, its number of holders there and its place in that run's list
  // (HostContext): fields instead of an identity map, which cost an identity hash per array.
  HostContext owner;
  int holders;
  int ownerSlot;

  // Taken from an ArrayPool's confined stack for a run that holds the pool's executor set: closed
  // by that run (closeInRun), it goes back there without a lock.
  boolean confined;

  /**
   * Takes the native array of a closed {@link DeviceArray} to hand it out again (a subgraph's
   * output buffers), instead of freeing it.
   */
  interface Recycler {
    /**
     * Keeps {@code t} (and {@code view}, its memory as a buffer, or null) for reuse and returns
     * true, or returns false to have it freed.
     */
    boolean keep(DLTensor t, ByteBuffer view);
  }

  private DeviceArray(
      String dtype,
      long[] shape,
      Device device,
      DLTensor tensor,
      ByteBuffer view,
      Recycler recycler,
      long bytes) {
    this.view = view;
    this.dtype = dtype;
    this.shape = shape;
    this.numel = HostTensor.numel(shape);
    this.bytes = bytes;
    this.device = device;
    this.tensor = tensor;
    this.recycler = recycler;
  }

  /** Allocates an uninitialised array. */
  public static DeviceArray alloc(String dtype, long[] shape, Device device) {
    return alloc(dtype, shape, device, null);
  }

  /**
   * An array over a native array that {@code recycler} kept from an earlier array of exactly this
   * dtype, shape and device; closing it gives the native array back to {@code recycler}. {@code
   * shape} is not copied: the caller never changes it. {@code bytes} is its size, which the caller
   * knows ({@link #bytesOf}).
   */
  static DeviceArray reuse(
      String dtype,
      long[] shape,
      Device device,
      DLTensor tensor,
      ByteBuffer view,
      Recycler recycler,
      long bytes) {
    return new DeviceArray(dtype, shape, device, tensor, view, recycler, bytes);
  }

  static long bytesOf(String dtype, long[] shape) {
    return HostTensor.numel(shape) * HostTensor.itemSize(dtype);
  }

  /**
   * Allocates an uninitialised array whose native memory goes to {@code recycler} when it is closed
   * (freed when {@code recycler} is null or declines it).
   */
  static DeviceArray alloc(String dtype, long[] shape, Device device, Recycler recycler) {
    TvmRuntime.init();
    int[] t = TvmRuntime.dlType(dtype);
    long[] dims = shape.clone();
    HostTensor.numel(dims); // rejects negative dimensions before TVM sees them
    try (PointerPointer<DLTensor> out = new PointerPointer<>(1)) {
      TvmRuntime.check(
          TVMArrayAlloc(dims, dims.length, t[0], t[1], 1, device.dlDeviceType(), 0, out),
          "TVMArrayAlloc " + HostTensor.describe(dtype, dims));
      DeviceArray a =
          new DeviceArray(
              dtype, dims, device, new DLTensor(out.get(0)), null, recycler, bytesOf(dtype, dims));
      LIVE.incrementAndGet();
      PEAK_BYTES.accumulateAndGet(LIVE_BYTES.addAndGet(a.byteSize()), Math::max);
      return a;
    }
  }

  /** Allocates an array shaped like {@code t} and copies {@code t} into it. */
  public static DeviceArray upload(HostTensor t, Device device) {
    return upload(t, alloc(t.dtype(), t.shape(), device));
  }

  /**
   * Copies {@code t} into {@code a}, a new array of its dtype and shape; closes {@code a} on
   * failure.
   */
  static DeviceArray upload(HostTensor t, DeviceArray a) {
    try {
      a.copyFrom(t);
      return a;
    } catch (RuntimeException e) {
      a.close();
      throw e;
    }
  }

  /**
   * How many native device arrays this JVM has allocated and not freed (those pools keep for reuse
   * included): a number that keeps growing over runs is a native memory leak (the soak test and
   * {@code samples/bench/Soak.java} watch it).
   */
  public static long liveCount() {
    return LIVE.get();
  }

  public String dtype() {
    return dtype;
  }

  public long[] shape() {
    return shape.clone();
  }

  public long numel() {
    return numel;
  }

  public Device device() {
    return device;
  }

  /** The type as error messages show it, e.g. {@code float32[1,10]}. */
  public String describe() {
    return HostTensor.describe(dtype, shape);
  }

  /** The array's size in bytes. */
  public long byteSize() {
    return bytes;
  }

  /** The bytes of the native device arrays of this process (allocated and not yet freed). */
  public static long liveBytes() {
    return LIVE_BYTES.get();
  }

  /**
   * The most bytes of device arrays live at once since the process started or since the last {@link
   * #resetPeakBytes}.
   */
  public static long peakBytes() {
    return PEAK_BYTES.get();
  }

  /** Starts a new peak measurement from the bytes live now. */
  public static void resetPeakBytes() {
    PEAK_BYTES.set(LIVE_BYTES.get());
  }

  public boolean isClosed() {
    return tensor == null;
  }

  /** Copies a host tensor of exactly this array's dtype and shape into it. */
  public void copyFrom(HostTensor t) {
    if (!t.dtype().equals(dtype) || !Arrays.equals(t.shape(), shape)) {
      throw new IllegalArgumentException("cannot copy " + t.describe() + " into " + describe());
    }
    DLTensor h = handle();
    if (t.data().length == 0) {
      return;
    }
    ByteBuffer v = view();
    if (v != null) {
      // One copy straight into the array's memory, instead of a temporary native buffer, a copy
      // into it and TVM's copy out of it (4.4 of 12.9 µs per 12 KB input in the profile of
      // early_exit_cnn).
      v.put(0, t.data());
      return;
    }
    try (BytePointer bytes = new BytePointer(t.data())) {
      TvmRuntime.check(TVMArrayCopyFromBytes(h, bytes, t.data().length), "TVMArrayCopyFromBytes");
    }
  }

  /** Copies the array back into Java memory. */
  public HostTensor toHost() {
    DLTensor h = handle();
    byte[] data = new byte[Math.toIntExact(Math.multiplyExact(numel, HostTensor.itemSize(dtype)))];
    ByteBuffer v = data.length > 0 ? view() : null;
    if (v != null) {
      v.get(0, data);
    } else if (data.length > 0) {
      try (BytePointer bytes = new BytePointer(data.length)) {
        TvmRuntime.check(TVMArrayCopyToBytes(h, bytes, data.length), "TVMArrayCopyToBytes");
        bytes.get(data);
      }
    }
    return new HostTensor(dtype, shape, data);
  }

  /** The single element of a 1-element array as double (bool reads as 0 or 1). */
  public double readDouble() {
    return readNumber().doubleValue();
  }

  /** The single element of a 1-element array as long; floating values are truncated toward zero. */
  public long readLong() {
    Number n = readNumber();
    return n instanceof Double || n instanceof Float ? (long) n.doubleValue() : n.longValue();
  }

  /**
   * The single element of a 1-element array as a truth value (non-zero is true, like Python's
   * bool()).
   */
  public boolean readBool() {
    return readNumber().doubleValue() != 0;
  }

  /**
   * Element {@code index} of a 1-d int64 array: on the CPU straight from the array's memory,
   * elsewhere through a copy of the array. A native host program packs its status and host scalars
   * into one such array (64 bits each).
   */
  public long readLongAt(int index) {
    DLTensor h = handle();
    if (!dtype.equals("int64") || shape.length != 1 || index < 0 || index >= numel) {
      throw new IllegalStateException(
          "expected a 1-d int64 array of more than " + index + " elements, got " + describe());
    }
    ByteBuffer v = view();
    if (v != null) {
      return v.getLong(8 * index);
    }
    try (BytePointer tmp = new BytePointer(8 * numel)) {
      TvmRuntime.check(TVMArrayCopyToBytes(h, tmp, 8 * numel), "TVMArrayCopyToBytes");
      return tmp.getLong(8L * index);
    }
  }

  /**
   * Reads one element without building a HostTensor: on the CPU straight from the array's memory,
   * elsewhere through one 8-byte copy.
   */
  private Number readNumber() {
    DLTensor h = handle();
    if (numel != 1) {
      throw new IllegalStateException(
          "expected a 1-element array to read a scalar from, got " + describe());
    }
    ByteBuffer v = view();
    if (v != null) {
      return decode(v);
    }
    try (BytePointer tmp = new BytePointer(8)) {
      TvmRuntime.check(
          TVMArrayCopyToBytes(h, tmp, HostTensor.itemSize(dtype)), "TVMArrayCopyToBytes");
      return decode(tmp, 0);
    }
  }

  private Number decode(ByteBuffer v) {
    switch (dtype) {
      case "float32":
        return v.getFloat(0);
      case "float64":
        return v.getDouble(0);
      case "int64":
        return v.getLong(0);
      case "int32":
        return v.getInt(0);
      case "uint8":
        return v.get(0) & 0xff;
      default: // bool
        return v.get(0) != 0 ? 1 : 0;
    }
  }

  private Number decode(BytePointer p, long offset) {
    switch (dtype) {
      case "float32":
        return p.getFloat(offset);
      case "float64":
        return p.getDouble(offset);
      case "int64":
        return p.getLong(offset);
      case "int32":
        return p.getInt(offset);
      case "uint8":
        return p.get(offset) & 0xff;
      default: // bool
        return p.get(offset) != 0 ? 1 : 0;
    }
  }

  /**
   * The array's memory as a direct buffer in native byte order (on the CPU, where TVMArrayAlloc's
   * arrays are compact), or null when it cannot be one (another device, over 2 GiB): copies and
   * scalar reads through it are plain Java, where each JNI call cost 50-100 ns. Made once per
   * native array (a pool keeps it with the array).
   */
  ByteBuffer view() {
    if (view == null) {
      view = viewOf(handle(), device, byteSize());
    }
    return view;
  }

  /** The memory of a CPU array of {@code bytes} bytes as a buffer, or null (see {@link #view}). */
  static ByteBuffer viewOf(DLTensor t, Device device, long bytes) {
    if (device != Device.CPU || bytes > Integer.MAX_VALUE || bytes == 0) {
      return null;
    }
    BytePointer p = new BytePointer(t.data());
    p.position(t.byte_offset()).limit(t.byte_offset() + bytes).capacity(t.byte_offset() + bytes);
    return p.asByteBuffer().order(ByteOrder.nativeOrder());
  }

  /** The native handle; package-private so only runtime code passes it to TVM. */
  DLTensor handle() {
    if (tensor == null) {
      throw new IllegalStateException(
          "device array " + describe() + " was already closed or released");
    }
    return tensor;
  }

  /** Whether this array has exactly the given dtype, shape and device (no copies made). */
  boolean hasType(String dtype, long[] shape, Device device) {
    return this.device == device && this.dtype.equals(dtype) && Arrays.equals(this.shape, shape);
  }

  /**
   * Frees the native array, or gives it back to the subgraph that handed it out for its next call;
   * idempotent.
   */
  @Override
  public void close() {
    if (tensor != null) {
      DLTensor t = tensor;
      ByteBuffer v = view;
      tensor = null;
      view = null;
      if (recycler == null || !recycler.keep(t, v)) {
        free(t, byteSize());
      }
    }
  }

  /**
   * {@link #close} by the run that holds the executor set this array came from: an array of a
   * {@link ArrayPool#takeConfined} goes back to that pool's confined stack, without a lock. Only
   * that run's thread may call it.
   */
  void closeInRun() {
    if (confined && tensor != null && recycler instanceof ArrayPool pool) {
      DLTensor t = tensor;
      ByteBuffer v = view;
      tensor = null;
      view = null;
      if (!pool.keepConfined(t, v)) {
        free(t, byteSize());
      }
      return;
    }
    close();
  }

  /**
   * The pool this array came from and goes back to, or null: every array of a pool has the pool's
   * dtype, shape and device.
   */
  ArrayPool pool() {
    return recycler instanceof ArrayPool p ? p : null;
  }

  /** Frees a native array of {@code bytes} bytes (one a {@link Recycler} kept, say). */
  static void free(DLTensor t, long bytes) {
    LIVE.decrementAndGet();
    LIVE_BYTES.addAndGet(-bytes);
    TvmRuntime.check(TVMArrayFree(t), "TVMArrayFree");
  }

  @Override
  public String toString() {
    return "DeviceArray["
        + describe()
        + " on "
        + device.manifestName()
        + (tensor == null ? ", closed]" : "]");
  }
}
