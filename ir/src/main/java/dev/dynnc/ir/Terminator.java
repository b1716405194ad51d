package dev.dynnc.ir;

import com.google.common.collect.ImmutableList;
import java.util.List;

/** The last instruction of a block: where control goes next. */
public sealed interface Terminator {
  Span span();

  /** Successor blocks, in order. */
  List<BlockId> successors();

  /** Values this terminator reads. */
  List<ValueId> uses();

  /** Unconditional jump, passing block arguments. */
  record Jump(BlockId target, ImmutableList<ValueId> args, Span span) implements Terminator {
    @Override
    public List<BlockId> successors() {
      return List.of(target);
    }

    @Override
    public List<ValueId> uses() {
      return args;
    }
  }

  /** Two-way branch on a host {@code bool} scalar decided at run time. */
  record Branch(
      ValueId condition,
      BlockId ifTrue,
      ImmutableList<ValueId> trueArgs,
      BlockId ifFalse,
      ImmutableList<ValueId> falseArgs,
      Span span)
      implements Terminator {
    @Override
    public List<BlockId> successors() {
      return List.of(ifTrue, ifFalse);
    }

    @Override
    public List<ValueId> uses() {
      return ImmutableList.<ValueId>builder()
          .add(condition)
          .addAll(trueArgs)
          .addAll(falseArgs)
          .build();
    }
  }

  /** Returns the function's result, a tree of values. */
  record Return(OutputTree value, Span span) implements Terminator {
    @Override
    public List<BlockId> successors() {
      return List.of();
    }

    @Override
    public List<ValueId> uses() {
      return value.leaves();
    }
  }
}
