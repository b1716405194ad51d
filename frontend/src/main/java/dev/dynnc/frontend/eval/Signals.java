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
}
