package dev.dynnc.diag;

import dev.dynnc.ir.Span;
import java.util.Optional;

/** One user-facing error: a catalogue code, where it happened, what is wrong and how to fix it. */
public record Diagnostic(Code code, Span span, String message, Optional<String> hint) {
  public static Diagnostic of(Code code, Span span, String message) {
    return new Diagnostic(code, span, message, Optional.empty());
  }

  public static Diagnostic of(Code code, Span span, String message, String hint) {
    return new Diagnostic(code, span, message, Optional.ofNullable(hint));
  }

  public Diagnostic withHint(String newHint) {
    return new Diagnostic(code, span, message, Optional.of(newHint));
  }

  /** Renders without source text: {@code error[DN0001]: model.py:3:9: message}. */
  @Override
  public String toString() {
    return Diagnostics.render(this, SourceMap.EMPTY);
  }
}
