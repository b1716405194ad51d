package dev.dynnc.ir;

/**
 * A place in a block's op list: before op {@code index} of block {@code block} ({@code index} equal
 * to the block's op count means its end).
 */
public record OpPosition(BlockId block, int index) {}
