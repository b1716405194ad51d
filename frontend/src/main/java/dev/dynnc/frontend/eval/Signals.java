package dev.dynnc.frontend.eval;

import dev.dynnc.ir.Span;

/** Non-local control transfer inside the evaluator (return, break, continue, ended paths). */
final class Signals {
  private Signals() {}

  abstract static class Signal extends RuntimeException {
    final Span span;

    Signal(Span span) {
      super(null, null, false, false);
      this.span = span;
    }
  }

  static final class ReturnSignal extends Signal {
    final Object value;

    ReturnSignal(Object value, Span span) {
      super(span);
      this.value = value;
    }
  }

  static final class BreakSignal extends Signal {
    BreakSignal(Span span) {
      super(span);
    }
  }

  static final class ContinueSignal extends Signal {
    ContinueSignal(Span span) {
      super(span);
    }
  }

  /** Every path through a data-dependent branch construct has returned: nothing falls through. */
  static final class PathEnded extends Signal {
    PathEnded(Span span) {
      super(span);
    }
  }

  /**
   * An operation met {@link Values#FAILED}: its statement is abandoned without a new diagnostic
   * (the error that made the value is already recorded), and what the statement would have bound
   * becomes FAILED too.
   */
  static final class FailedUse extends Signal {
    FailedUse(Span span) {
      super(span);
    }
  }

  /**
   * Returns {@code v}, or abandons the current statement if it is {@link Values#FAILED}; a {@link
   * Values.Opaque} value is the located error naming where it came from.
   */
  static Object use(Object v, Span at) {
    if (v == Values.FAILED) {
      throw new FailedUse(at);
    }
    if (v instanceof Values.Opaque o) {
      throw o.useError(at);
    }
    return v;
  }

  /**
   * {@code v} with the values of unmodelled libraries left out of a list or tuple, for a function
   * that takes them as they are ({@code isinstance(m, (nn.Conv2d, SyncBatchNorm))}): only a failed
   * value abandons its statement.
   */
  static Object failedOnly(Object v) {
    if (v instanceof Values.PyTuple t) {
      return new Values.PyTuple(
          t.items().stream()
              .filter(x -> !(x instanceof Values.Opaque))
              .collect(com.google.common.collect.ImmutableList.toImmutableList()));
    }
    if (v instanceof Values.PyList l) {
      return new Values.PyTuple(
          l.items.stream()
              .filter(x -> !(x instanceof Values.Opaque))
              .collect(com.google.common.collect.ImmutableList.toImmutableList()));
    }
    return v;
  }

  /**
   * Abandons the current statement if any argument (or any item of a list or tuple argument) is
   * FAILED.
   */
  static void useAll(java.util.Collection<Object> args, Span at) {
    for (Object a : args) {
      use(a, at);
      if (a instanceof Values.PyList l) {
        l.items.forEach(x -> use(x, at));
      } else if (a instanceof Values.PyTuple t) {
        t.items().forEach(x -> use(x, at));
      }
    }
  }
}
