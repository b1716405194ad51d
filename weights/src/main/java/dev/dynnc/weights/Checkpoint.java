package dev.dynnc.weights;

import dev.dynnc.semantics.DType;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * An open checkpoint whose tensor names, dtypes and shapes are known but whose data has not been
 * read yet.
 *
 * <p>Reading happens in two steps so that nothing a file declares is allocated before the caller
 * has compared the declarations with what the model needs: {@link #entries()} costs only the header
 * or pickle, and {@link #load} reads just the named tensors, within a budget derived from their
 * declared sizes. A checkpoint is a few hundred bytes of claims about gigabytes; the budget is what
 * keeps a hostile one (stride-0 views, many views of one huge storage, a deflate bomb) from
 * exhausting the heap.
 */
public abstract class Checkpoint implements AutoCloseable {

  /**
   * Bytes that {@link #load} may allocate beyond twice what the requested tensors occupy. Twice,
   * because a tensor that is a view of a larger or shared storage is copied out of it; the slack
   * covers storages a little larger than their views (a slice of a small buffer) whatever the
   * model's size.
   */
  public static final long SLACK_BYTES = 64L << 20;

  /** A tensor as the file declares it; nothing of its data has been read. */
  public record Entry(DType dtype, long[] shape) {
    /**
     * Returns the number of bytes the tensor occupies; the readers checked that it fits in a long.
     */
    public long byteSize() {
      long n = dtype.byteSize();
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    @Override
    public String toString() {
      return dtype.numpyName() + Arrays.toString(shape);
    }
  }

  /** The file name that starts every error message. */
  final String name;

  private long budget;
  private long charged;

  Checkpoint(String name) {
    this.name = name;
  }

  /** Returns every tensor the file declares, keyed by name in file order. Reads no tensor data. */
  public abstract LinkedHashMap<String, Entry> entries();

  /**
   * Reads the named tensors (each must be one of {@link #entries()}), allocating in all at most
   * twice their declared size plus {@link #SLACK_BYTES}; the check comes before each allocation,
   * never after.
   *
   * @throws CheckpointException when a storage or view does not fit its declarations or the budget;
   *     the message starts with {@code "FILE: key 'KEY': "}
   */
  public final LinkedHashMap<String, WeightTensor> load(Collection<String> keys)
      throws CheckpointException, IOException {
    LinkedHashMap<String, Entry> all = entries();
    long needed = 0;
    for (String k : keys) {
      Entry e = all.get(k);
      if (e == null) {
        throw new IllegalArgumentException("no entry '" + k + "' in " + name);
      }
      needed += e.byteSize(); // each below 2 GiB, so a sum over any realistic count of keys cannot
      // overflow
    }
    budget = Math.addExact(Math.multiplyExact(needed, 2), SLACK_BYTES);
    charged = 0;
    try {
      return read(List.copyOf(keys));
    } catch (OutOfMemoryError e) {
      // The budget should make this unreachable; if the heap is smaller than the model, say so
      // instead of
      // letting the error escape as a crash.
      throw new CheckpointException(
          name
              + ": not enough memory to load "
              + keys.size()
              + " tensors of "
              + needed
              + " bytes; give the JVM more heap (-Xmx)");
    }
  }

  /**
   * Reads the named tensors; implementations call {@link #charge} before every allocation of tensor
   * data.
   */
  abstract LinkedHashMap<String, WeightTensor> read(List<String> keys)
      throws CheckpointException, IOException;

  /**
   * Accounts for {@code bytes} about to be allocated for {@code key}, refusing them if they would
   * exceed the budget.
   */
  final void charge(String key, long bytes, String what) throws CheckpointException {
    if (bytes > budget - charged) {
      throw new CheckpointException(
          where(key)
              + what
              + " would exceed the "
              + budget
              + " bytes this "
              + "checkpoint may allocate (twice the "
              + (budget - SLACK_BYTES) / 2
              + " bytes of the model's "
              + "tensors plus "
              + (SLACK_BYTES >> 20)
              + " MiB); the file is corrupt or hostile");
    }
    charged += bytes;
  }

  /** Returns {@code "FILE: key 'KEY': "}, the start of an error about one tensor. */
  final String where(String key) {
    return name + ": key '" + RestrictedUnpickler.printable(key) + "': ";
  }

  /** Releases the file; tensors already loaded stay valid. */
  @Override
  public abstract void close() throws IOException;
}
