package dev.dynnc.compiler;

import dev.dynnc.diag.Diagnostic;
import dev.dynnc.diag.SourceMap;

/**
 * Receives each diagnostic of a compile, in order, when the compile ends, with the sources to
 * render it against ({@link dev.dynnc.diag.Diagnostics#render(Diagnostic, SourceMap)}); the same
 * diagnostics are also in the {@link CompileResult}.
 */
@FunctionalInterface
public interface DiagnosticSink {
  /** Drops every diagnostic: for callers that read them from the result. */
  DiagnosticSink NONE = (d, sources) -> {};

  void report(Diagnostic diagnostic, SourceMap sources);
}
