package dev.dynnc.runtime;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Optional;
import org.bytedeco.tvm.DLTensor;

/**
 * Native arrays of one dtype, shape and device that their users have closed, kept to be handed out
 * again (a subgraph's output buffers, a bundle's input arrays) instead of being freed and allocated
 * on every run. At most {@code maxKept} are kept: a loop holding more at once allocates the rest,
 * which are freed when closed. Synchronized: an array may be closed on another thread than the one
 * that took it.
 */
final class ArrayPool implements DeviceArray.Recycler {
  /** Per subgraph output: the executor set that owns it runs on one thread at a time. */
  static final int MAX_KEPT_OUTPUT = 4;

  private final String dtype;
  private final long[] shape;
  private final Device device;
  private final int maxKept;
  private final ArrayDeque<DLTensor> kept;
  private final ArrayDeque<Optional<ByteBuffer>> views;
  private boolean closed;

  ArrayPool(String dtype, long[] shape, Device device, int maxKept) {
    this.dtype = dtype;
    this.shape = shape.clone();
    this.device = device;
    this.maxKept = maxKept;
    this.kept = new ArrayDeque<>(maxKept);
    this.views = new ArrayDeque<>(maxKept);
  }

  /** An array: a kept native array if there is one, else a new one. */
  DeviceArray take() {
    DLTensor t;
    ByteBuffer v = null;
    synchronized (this) {
      t = kept.pollFirst();
      if (t != null) {
        v = views.pollFirst().orElse(null);
      }
    }
    return t == null
        ? DeviceArray.alloc(dtype, shape, device, this)
        : DeviceArray.reuse(dtype, shape, device, t, v, this);
  }

  @Override
  public synchronized boolean keep(DLTensor t, ByteBuffer view) {
    if (closed || kept.size() >= maxKept) {
      return false;
    }
    kept.addFirst(t);
    views.addFirst(Optional.ofNullable(view));
    return true;
  }

  /** Frees the kept arrays; arrays closed later are freed by their own close. */
  synchronized void close() {
    closed = true;
    for (DLTensor t; (t = kept.pollFirst()) != null; ) {
      DeviceArray.free(t);
    }
    views.clear();
  }
}
