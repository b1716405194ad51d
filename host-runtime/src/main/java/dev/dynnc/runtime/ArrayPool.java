package dev.dynnc.runtime;

import java.nio.ByteBuffer;
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
  // A stack of kept arrays and their views (a view may be null): the most recently closed array,
  // warm in cache, is handed out first.
  private final DLTensor[] kept;
  private final ByteBuffer[] views;
  private final long bytes;
  private int count;
  private boolean closed;

  ArrayPool(String dtype, long[] shape, Device device, int maxKept) {
    this.dtype = dtype;
    this.shape = shape.clone();
    this.device = device;
    this.bytes = DeviceArray.bytesOf(dtype, shape);
    this.kept = new DLTensor[maxKept];
    this.views = new ByteBuffer[maxKept];
  }

  /** An array: a kept native array if there is one, else a new one. */
  DeviceArray take() {
    DLTensor t = null;
    ByteBuffer v = null;
    synchronized (this) {
      if (count > 0) {
        t = kept[--count];
        v = views[count];
        kept[count] = null;
        views[count] = null;
      }
    }
    return t == null
        ? DeviceArray.alloc(dtype, shape, device, this)
        : DeviceArray.reuse(dtype, shape, device, t, v, this, bytes);
  }

  @Override
  public synchronized boolean keep(DLTensor t, ByteBuffer view) {
    if (closed || count == kept.length) {
      return false;
    }
    kept[count] = t;
    views[count++] = view;
    return true;
  }

  /** Frees the kept arrays; arrays closed later are freed by their own close. */
  synchronized void close() {
    closed = true;
    while (count > 0) {
      DLTensor t = kept[--count];
      kept[count] = null;
      views[count] = null;
      DeviceArray.free(t, bytes);
    }
  }
}
