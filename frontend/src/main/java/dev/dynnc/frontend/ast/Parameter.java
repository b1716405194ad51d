package dev.dynnc.frontend.ast;

import dev.dynnc.ir.Span;
import java.util.Optional;

/** A function parameter: plain (maybe keyword-only), {@code *args} or {@code **kwargs}. */
public record Parameter(String name, Kind kind, Optional<Expr> defaultValue, Span span) {
  public enum Kind {
    POSITIONAL,
    KEYWORD_ONLY,
    VAR_POSITIONAL,
    VAR_KEYWORD
  }
}
