package dev.dynnc.ir;

/** Identity of a basic block; equal to the block's position in {@link Function#blocks()}. */
public record BlockId(int index) {
  @Override
  public String toString() {
    return "^bb" + index;
  }
}
