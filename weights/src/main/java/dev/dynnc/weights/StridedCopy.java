package dev.dynnc.weights;

/**
 * Copies a strided view of a storage (size, stride, offset, all in elements) into a new row-major
 * contiguous array.
 *
 * <p>Callers must have checked that every index the view touches lies inside the storage; the
 * unpickler does so when it rebuilds a tensor, and the storage loader guarantees the storage has
 * the declared number of elements.
 */
final class StridedCopy {

  private StridedCopy() {}

  static byte[] toContiguous(
      byte[] storage, int elemSize, long offset, long[] size, long[] stride) {
    long numel = 1;
    for (long d : size) {
      numel *= d;
    }
    byte[] out = new byte[Math.toIntExact(numel * elemSize)];
    if (numel == 0) {
      return out;
    }
    int rank = size.length;
    if (rank == 0) {
      System.arraycopy(storage, Math.toIntExact(offset * elemSize), out, 0, elemSize);
      return out;
    }
    // Walk the outer dimensions with an odometer and copy the innermost dimension in one go: as a
    // single block
    // when it is unit-stride (the common case of a slice), element by element otherwise (a
    // transpose).
    int inner = rank - 1;
    int innerCount = (int) size[inner];
    long innerStride = stride[inner];
    long[] index = new long[rank];
    long base = offset;
    int outPos = 0;
    while (true) {
      if (innerStride == 1) {
        int bytes = innerCount * elemSize;
        System.arraycopy(storage, (int) (base * elemSize), out, outPos, bytes);
        outPos += bytes;
      } else {
        for (int j = 0; j < innerCount; j++) {
          System.arraycopy(
              storage, (int) ((base + j * innerStride) * elemSize), out, outPos, elemSize);
          outPos += elemSize;
        }
      }
      int d = inner - 1;
      while (d >= 0) {
        index[d]++;
        base += stride[d];
        if (index[d] < size[d]) {
          break;
        }
        base -= stride[d] * size[d];
        index[d] = 0;
        d--;
      }
      if (d < 0) {
        return out;
      }
    }
  }
}
