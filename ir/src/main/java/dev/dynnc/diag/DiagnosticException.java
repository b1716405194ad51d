package dev.dynnc.diag;

import java.util.List;

/**
 * Carries diagnostics out of a deep evaluation to the API boundary, where they are collected.
 *
 * <p>The partial evaluator cannot meaningfully continue after a model error (later values depend on
 * the failed one), so it unwinds with this; public entry points catch it and return the diagnostics
 * as data — callers never see it.
 */
public final class DiagnosticException extends RuntimeException {
  private final List<Diagnostic> diagnostics;

  public DiagnosticException(Diagnostic diagnostic) {
    this(List.of(diagnostic));
  }

  public DiagnosticException(List<Diagnostic> diagnostics) {
    super(diagnostics.get(0).toString(), null, false, false);
    this.diagnostics = List.copyOf(diagnostics);
  }

  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }
}
