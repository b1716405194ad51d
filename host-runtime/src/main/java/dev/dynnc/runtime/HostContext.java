package dev.dynnc.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Gives a running {@link HostProgram} access to its bundle's subgraphs and owns every device array
 * of the run.
 *
 * <p>Arrays returned by {@link #call} and {@link #upload}, and the inputs, belong to the context
 * and are freed when the run ends at the latest. Generated code frees each array where its value
 * dies ({@link #release}), so a loop keeps device memory flat however many iterations run. The
 * context counts references: an array that two host variables hold at once (a value passed to a
 * block parameter while it stays live itself) is {@link #retain}ed for the second holder, and freed
 * when the last holder releases it. {@link #liveArrays}, {@link #liveBytes} and {@link #peakArrays}
 * account for what the run holds. One context serves one run on one thread.
 */
public final class HostContext {
  /**
   * What a host program returns: which root of the manifest's {@code outputs} describes the result,
   * and the leaves in that root's depth-first order (device arrays for tensors, boxed primitives
   * for scalars).
   */
  public record Result(int structure, Object[] leaves) {}

  /**
   * What {@link #call} runs: a bundle's {@link Subgraph}, or a recording stand-in in tests of
   * generated hosts.
   */
  @FunctionalInterface
  interface Callee {
    DeviceArray[] call(DeviceArray... inputs);

    /**
     * {@link #call} by a run that holds this callee alone (a {@link Bundle}'s executor set): its
     * outputs may come from, and go back to, pools without a lock ({@link DeviceArray#closeInRun}).
     */
    default DeviceArray[] callInRun(DeviceArray... inputs) {
      return call(inputs);
    }

    /** Nanoseconds the last {@link #call} spent in the compiled code itself (0 if not measured). */
    default long lastKernelNanos() {
      return 0;
    }
  }

  private final List<? extends Callee> subgraphs;
  private final Device device;
  private final List<Manifest.OutputNode> outputs;

  /**
   * Every array the run owns; each records its holders and its index here ({@link
   * DeviceArray#owner}, {@link DeviceArray#holders}, {@link DeviceArray#ownerSlot}).
   */
  private final ArrayList<DeviceArray> owned = new ArrayList<>();

  /** Leaves per root of {@code outputs}, counted once per bundle; null: counted per run. */
  private final int[] leafCounts;

  private long liveBytes;
  private int peakArrays;
  private long peakBytes;
  private final boolean exclusive;
  private final List<Integer> trace = new ArrayList<>();
  private final List<Integer> blocks = new ArrayList<>();
  private long kernelNanos;
  // Kept 0-d arrays for uploads of host scalars, per dtype; null: each upload allocates.
  private ScalarPools scalarPools;

  /** 0-d arrays per dtype for uploaded host scalars, kept between a bundle's runs. */
  static final class ScalarPools implements AutoCloseable {
    /** Uploads a run may hold at once without allocating (per dtype). */
    static final int MAX_KEPT = 16;

    private final Device device;
    private final java.util.concurrent.ConcurrentHashMap<String, ArrayPool> byDtype =
        new java.util.concurrent.ConcurrentHashMap<>();

    ScalarPools(Device device) {
      this.device = device;
    }

    ArrayPool of(String dtype) {
      return byDtype.computeIfAbsent(dtype, d -> new ArrayPool(d, new long[0], device, MAX_KEPT));
    }

    @Override
    public void close() {
      byDtype.values().forEach(ArrayPool::close);
    }
  }

  HostContext(List<? extends Callee> subgraphs, Device device, List<Manifest.OutputNode> outputs) {
    this(subgraphs, device, outputs, null, false);
  }

  /** Uploads of host scalars take their arrays from {@code pools}. */
  HostContext withScalarPools(ScalarPools pools) {
    this.scalarPools = pools;
    return this;
  }

  /**
   * With {@code leafCounts[i]}, the leaves of root {@code i} of {@code outputs} (checked; null:
   * counted per run). {@code exclusive}: no other thread calls {@code subgraphs} while this run
   * lasts, and whoever calls them next gets them through a happens-before edge (a bundle's queue of
   * idle executor sets), so their outputs may be pooled without locks ({@link Callee#callInRun}).
   */
  HostContext(
      List<? extends Callee> subgraphs,
      Device device,
      List<Manifest.OutputNode> outputs,
      int[] leafCounts,
      boolean exclusive) {
    this.subgraphs = subgraphs;
    this.device = device;
    this.outputs = outputs;
    this.leafCounts = leafCounts;
    this.exclusive = exclusive;
  }

  /** The leaves of each root of {@code outputs}, checking each root ({@link #toOutput}). */
  static int[] leafCounts(List<Manifest.OutputNode> outputs) {
    int[] n = new int[outputs.size()];
    for (int i = 0; i < n.length; i++) {
      n[i] = outputs.get(i).checkRoot();
    }
    return n;
  }

  /**
   * Runs subgraph {@code index} (manifest order) and returns its outputs; records the call in the
   * trace.
   */
  public DeviceArray[] call(int index, DeviceArray... inputs) {
    if (index < 0 || index >= subgraphs.size()) {
      throw new IndexOutOfBoundsException(
          "subgraph index " + index + " out of range; the bundle has " + subgraphs.size());
    }
    trace.add(index);
    Callee callee = subgraphs.get(index);
    DeviceArray[] out = exclusive ? callee.callInRun(inputs) : callee.call(inputs);
    kernelNanos += callee.lastKernelNanos();
    for (DeviceArray a : out) {
      own(a);
    }
    return out;
  }

  /** Copies a host tensor to the bundle's device, e.g. a loop counter fed to a subgraph. */
  public DeviceArray upload(HostTensor t) {
    DeviceArray a = DeviceArray.upload(t, device);
    own(a);
    return a;
  }

  /**
   * A host int as a 0-d device array of the integer {@code dtype} it was read as or computed in
   * ({@code int64}, or the dtype of the tensor {@code .item()} read it from), for a subgraph that
   * reads a run-time int (a loop counter, {@code int(t.item())}); the run owns it.
   */
  public DeviceArray scalar(String dtype, long v) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case "int64" -> b.putLong(v);
      case "int32" -> b.putInt((int) v);
      case "int16" -> b.putShort((short) v);
      case "int8", "uint8" -> b.put((byte) v);
      default -> throw new IllegalArgumentException("an int cannot upload as " + dtype);
    }
    return uploadScalar(dtype, java.util.Arrays.copyOf(b.array(), b.position()));
  }

  /** {@link #scalar(String, long)} of a float ({@code float64}, or {@code float32}). */
  public DeviceArray scalar(String dtype, double v) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case "float64" -> b.putDouble(v);
      case "float32" -> b.putFloat((float) v);
      default -> throw new IllegalArgumentException("a float cannot upload as " + dtype);
    }
    return uploadScalar(dtype, java.util.Arrays.copyOf(b.array(), b.position()));
  }

  /** {@link #scalar(String, long)} of a bool ({@code bool}). */
  public DeviceArray scalar(String dtype, boolean v) {
    if (!dtype.equals("bool")) {
      throw new IllegalArgumentException("a bool cannot upload as " + dtype);
    }
    return uploadScalar(dtype, new byte[] {(byte) (v ? 1 : 0)});
  }

  private DeviceArray uploadScalar(String dtype, byte[] bytes) {
    HostTensor t = new HostTensor(dtype, new long[0], bytes);
    DeviceArray a =
        scalarPools == null
            ? DeviceArray.upload(t, device)
            : DeviceArray.upload(t, scalarPools.of(dtype).take());
    own(a);
    return a;
  }

  /** Makes the run own {@code a} (an input the bundle uploaded); returns it. */
  DeviceArray adopt(DeviceArray a) {
    own(a);
    return a;
  }

  private void own(DeviceArray a) {
    if (a.owner == this) {
      a.holders++;
      return;
    }
    if (a.owner != null) {
      throw new IllegalStateException("device array " + a.describe() + " belongs to another run");
    }
    a.owner = this;
    a.holders = 1;
    a.ownerSlot = owned.size();
    owned.add(a);
    liveBytes += a.byteSize();
    peakArrays = Math.max(peakArrays, owned.size());
    peakBytes = Math.max(peakBytes, liveBytes);
  }

  /**
   * Adds a holder to each array: one more {@link #release} is needed before it is freed. Arrays the
   * run does not own are left alone.
   */
  public void retain(DeviceArray... arrays) {
    for (DeviceArray a : arrays) {
      if (a.owner == this) {
        a.holders++;
      }
    }
  }

  /**
   * Drops one holder of each array and frees the arrays left without one; a freed array must not be
   * used (or returned) afterwards. Arrays the run does not own are left alone.
   */
  public void release(DeviceArray... arrays) {
    for (DeviceArray a : arrays) {
      if (a.owner != this) {
        continue;
      }
      if (--a.holders == 0) {
        disown(a);
        liveBytes -= a.byteSize();
        a.closeInRun();
      }
    }
  }

  /** Removes {@code a} from {@link #owned} in constant time (the last array takes its place). */
  private void disown(DeviceArray a) {
    DeviceArray last = owned.remove(owned.size() - 1);
    if (last != a) {
      owned.set(a.ownerSlot, last);
      last.ownerSlot = a.ownerSlot;
    }
    a.owner = null;
  }

  /** The number of device arrays the run holds now. */
  public int liveArrays() {
    return owned.size();
  }

  /** The bytes of the device arrays the run holds now. */
  public long liveBytes() {
    return liveBytes;
  }

  /** The most device arrays the run has held at once. */
  public int peakArrays() {
    return peakArrays;
  }

  /** The most bytes of device arrays the run has held at once. */
  public long peakBytes() {
    return peakBytes;
  }

  public double readDouble(DeviceArray a) {
    return a.readDouble();
  }

  public long readLong(DeviceArray a) {
    return a.readLong();
  }

  public boolean readBool(DeviceArray a) {
    return a.readBool();
  }

  /** Packed scalar {@code index} of a 1-d int64 array ({@link DeviceArray#readLongAt}): an int. */
  public long readLongAt(DeviceArray a, int index) {
    return a.readLongAt(index);
  }

  /** Packed scalar {@code index}: a float, stored as its float64 bits. */
  public double readDoubleAt(DeviceArray a, int index) {
    return Double.longBitsToDouble(a.readLongAt(index));
  }

  /** Packed scalar {@code index}: a bool, stored as 0 or 1. */
  public boolean readBoolAt(DeviceArray a, int index) {
    return a.readLongAt(index) != 0;
  }

  /**
   * Records that the host program enters block {@code index} of its function; generated code calls
   * it at the head of its block loop. The block path identifies the path a run took (the benchmark
   * suite compiles it as one static graph, {@code dynnc compile --specialize-path}).
   */
  public void enter(int index) {
    blocks.add(index);
  }

  /** The blocks entered so far, in order. */
  public List<Integer> blockPath() {
    return List.copyOf(blocks);
  }

  /**
   * Nanoseconds the subgraph calls so far spent in compiled code (the executors' {@code run}),
   * without the copies in and out and the host program around them.
   */
  public long kernelNanos() {
    return kernelNanos;
  }

  /** The indices of the subgraphs called so far, in call order. */
  public List<Integer> trace() {
    return List.copyOf(trace);
  }

  public int callCount() {
    return trace.size();
  }

  public int subgraphCount() {
    return subgraphs.size();
  }

  /**
   * The value a host program returns: the result described by root {@code structure} of the
   * manifest's {@code outputs}, with {@code leaves} at its leaves. Keys and nesting come from the
   * manifest only.
   */
  public Object result(int structure, Object... leaves) {
    return new Result(structure, leaves.clone());
  }

  /**
   * Rebuilds what the host program returned from the manifest, copying device leaves to host
   * memory.
   */
  OutputValue toOutput(Object v) {
    if (!(v instanceof Result r)) {
      throw new IllegalArgumentException(
          "a host program must return HostContext.result(...), got "
              + (v == null ? "null" : v.getClass().getName()));
    }
    if (r.structure() < 0 || r.structure() >= outputs.size()) {
      throw new IllegalArgumentException(
          "result structure "
              + r.structure()
              + " out of range; the manifest"
              + " has "
              + outputs.size());
    }
    Manifest.OutputNode root = outputs.get(r.structure());
    int expected = leafCounts != null ? leafCounts[r.structure()] : root.checkRoot();
    if (r.leaves().length != expected) {
      throw new IllegalArgumentException(
          "result structure "
              + r.structure()
              + " has "
              + expected
              + " leaves, the host program gave "
              + r.leaves().length);
    }
    return build(root, r.leaves());
  }

  private OutputValue build(Manifest.OutputNode n, Object[] leaves) {
    switch (n.type()) {
      case Manifest.OutputNode.LEAF:
        return leaf(leaves[n.leaf()]);
      case Manifest.OutputNode.NONE:
        return OutputValue.NONE;
      case Manifest.OutputNode.DICT:
        LinkedHashMap<String, OutputValue> entries = new LinkedHashMap<>();
        for (int i = 0; i < n.items().size(); i++) {
          entries.put(n.keys().get(i), build(n.items().get(i), leaves));
        }
        return new OutputValue.Dict(entries);
      default:
        List<OutputValue> items = new ArrayList<>(n.items().size());
        for (Manifest.OutputNode item : n.items()) {
          items.add(build(item, leaves));
        }
        return n.type().equals(Manifest.OutputNode.TUPLE)
            ? new OutputValue.Tuple(items)
            : new OutputValue.ListV(items);
    }
  }

  private static OutputValue leaf(Object v) {
    if (v instanceof DeviceArray a) {
      return new OutputValue.Leaf(a.toHost());
    }
    if (v instanceof HostTensor t) {
      return new OutputValue.Leaf(t);
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return new OutputValue.Scalar(((Number) v).longValue());
    }
    if (v instanceof Double || v instanceof Float) {
      return new OutputValue.Scalar(((Number) v).doubleValue());
    }
    if (v instanceof Boolean) {
      return new OutputValue.Scalar(v);
    }
    throw new IllegalArgumentException(
        "unsupported result leaf " + (v == null ? "null" : "of type " + v.getClass().getName()));
  }

  /** Frees every array the run still owns. */
  void releaseAll() {
    RuntimeException first = null;
    for (DeviceArray a : owned) {
      a.owner = null;
      try {
        a.closeInRun();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    owned.clear();
    liveBytes = 0;
    if (first != null) {
      throw first;
    }
  }
}
