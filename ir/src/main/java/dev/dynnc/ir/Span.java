package dev.dynnc.ir;

/**
 * A position in model source: file (as the user named it), 1-based line and column.
 *
 * <p>Every IR op carries one; ops created by a pass copy the span of the op they replace, so
 * diagnostics and generated host code always point back to the user's Python.
 */
public record Span(String file, int line, int column) {
  public static final Span NONE = new Span("", 0, 0);

  public boolean isKnown() {
    return line > 0;
  }

  @Override
  public String toString() {
    return isKnown() ? file + ":" + line + ":" + column : "<unknown>";
  }
}
