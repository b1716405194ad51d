package dev.dynnc.runtime;

import java.nio.ByteBuffer;
import org.bytedeco.tvm.DLTensor;

/**
 * Native arrays of one dtype, shape and device that their users have closed, kept to be handed out
 * again (a subgraph's output buffers, a bundle's input arrays) instead of being freed and allocated
 * on every run. The shared stack keeps at most {@code maxKept}: a loop holding more at once
 * allocates the rest, which are freed when closed. Synchronized: an array may be closed on another
 * thread than the one that took it.
 *
 * <p>A pool of a subgraph's outputs also has a confined stack, without a lock, for the arrays a
 * {@link Bundle} run takes and closes itself ({@link #takeConfined}, {@link #keepConfined}): a
 * bundle lends each executor set to one run at a time and hands it between threads through a
 * concurrent queue, so only the thread whose run holds the set touches that stack. A lock taken and
 * released twice per array cost 24 ns per output (act_rnn's loop body has seven), a third of what a
 * call costs the host. That stack grows to what a run held at once ({@link #MAX_CONFINED}).
 */
final class ArrayPool implements DeviceArray.Recycler {
  /** Per subgraph output: the executor set that owns it runs on one thread at a time. */
  static final int MAX_KEPT_OUTPUT = 4;

  /**
   * The confined stack grows to hold every array of its output that a run had open at once (a
   * decoder that keeps each step's logits in a list holds one per step), so the next run allocates
   * none of them; at most this many arrays, and {@link #MAX_CONFINED_BYTES} bytes, per pool. It
   * never holds more than a run had in use at once, so memory stays at a run's peak.
   */
  static final int MAX_CONFINED = 256;

  static final long MAX_CONFINED_BYTES = 64L << 20;

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
  private DLTensor[] confined;
  private ByteBuffer[] confinedViews;
  private int confinedCount;
  private final int maxConfined;

  ArrayPool(String dtype, long[] shape, Device device, int maxKept) {
    this.dtype = dtype;
    this.shape = shape.clone();
    this.device = device;
    this.bytes = DeviceArray.bytesOf(dtype, shape);
    this.kept = new DLTensor[maxKept];
    this.views = new ByteBuffer[maxKept];
    this.confined = new DLTensor[maxKept];
    this.confinedViews = new ByteBuffer[maxKept];
    this.maxConfined =
        (int) Math.max(maxKept, Math.min(MAX_CONFINED, MAX_CONFINED_BYTES / Math.max(1, bytes)));
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

  /**
   * An array for the run that holds this pool's executor set: from the confined stack if it has
   * one, else as {@link #take}. The array goes back to that stack when the run closes it ({@link
   * DeviceArray#closeInRun}); closed any other way it goes to the shared stack.
   */
  DeviceArray takeConfined() {
    DeviceArray a;
    if (confinedCount > 0) {
      int i = --confinedCount;
      a = DeviceArray.reuse(dtype, shape, device, confined[i], confinedViews[i], this, bytes);
      confined[i] = null;
      confinedViews[i] = null;
    } else {
      a = take();
    }
    a.confined = true;
    return a;
  }

  /**
   * Keeps an array the run that holds this pool's executor set has closed, on the confined stack
   * (grown up to {@link #MAX_CONFINED} arrays or {@link #MAX_CONFINED_BYTES}), else as {@link
   * #keep}. Only that run's thread may call it.
   */
  boolean keepConfined(DLTensor t, ByteBuffer view) {
    if (closed) {
      return keep(t, view);
    }
    if (confinedCount == confined.length) {
      if (confined.length >= maxConfined) {
        return keep(t, view);
      }
      int n = Math.min(maxConfined, 2 * confined.length);
      confined = java.util.Arrays.copyOf(confined, n);
      confinedViews = java.util.Arrays.copyOf(confinedViews, n);
    }
    confined[confinedCount] = t;
    confinedViews[confinedCount++] = view;
    return true;
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

  /**
   * Frees the kept arrays; arrays closed later are freed by their own close. Called when no run
   * holds the executor set (a bundle closes after its runs), so the confined stack is this thread's
   * to free too.
   */
  synchronized void close() {
    closed = true;
    while (count > 0) {
      DLTensor t = kept[--count];
      kept[count] = null;
      views[count] = null;
      DeviceArray.free(t, bytes);
    }
    while (confinedCount > 0) {
      DLTensor t = confined[--confinedCount];
      confined[confinedCount] = null;
      confinedViews[confinedCount] = null;
      DeviceArray.free(t, bytes);
    }
  }
}
