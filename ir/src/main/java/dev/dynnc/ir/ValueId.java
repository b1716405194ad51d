package dev.dynnc.ir;

/** Identity of an SSA value within one function; analyses index arrays by {@link #index()}. */
public record ValueId(int index) implements Comparable<ValueId> {
  @Override
  public int compareTo(ValueId o) {
    return Integer.compare(index, o.index);
  }

  @Override
  public String toString() {
    return "%" + index;
  }
}
