package dev.dynnc.ir;

import com.google.common.collect.ImmutableList;
import dev.dynnc.semantics.DType;
import java.util.stream.Collectors;

/**
 * The type of an IR value: a device tensor of static shape, or a host scalar.
 *
 * <p>Text forms: {@code f32[1,3,32,32]} and {@code f32[]} (0-d tensor) for tensors; bare {@code
 * f64}, {@code i64}, {@code bool} for host scalars.
 */
public sealed interface Type {
  DType dtype();

  /** A tensor living on the target device between subgraph calls. */
  record TensorType(DType dtype, ImmutableList<Long> shape) implements Type {
    public TensorType {
      for (long d : shape) {
        if (d < 0) {
          throw new IllegalArgumentException("negative dimension in " + shape);
        }
      }
    }

    public static TensorType of(DType dtype, long... dims) {
      ImmutableList.Builder<Long> b = ImmutableList.builder();
      for (long d : dims) {
        b.add(d);
      }
      return new TensorType(dtype, b.build());
    }

    public int rank() {
      return shape.size();
    }

    public long numel() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    public long[] dims() {
      return shape.stream().mapToLong(Long::longValue).toArray();
    }

    public TensorType withShape(ImmutableList<Long> newShape) {
      return new TensorType(dtype, newShape);
    }

    public TensorType withDtype(DType newDtype) {
      return new TensorType(newDtype, shape);
    }

    @Override
    public String toString() {
      return dtype.irName()
          + shape.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }
  }

  /** A scalar the host program holds: a predicate, a loop counter, an exit index. */
  record ScalarType(DType dtype) implements Type {
    @Override
    public String toString() {
      return dtype.irName();
    }
  }
}
