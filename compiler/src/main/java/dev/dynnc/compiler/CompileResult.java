package dev.dynnc.compiler;

import dev.dynnc.diag.Diagnostics;
import dev.dynnc.diag.SourceMap;
import dev.dynnc.ir.Function;
import java.util.Optional;

/**
 * The outcome of one compile: diagnostics (no errors on success, when the bundle is installed) and
 * a summary.
 *
 * @param function the IR after the passes, when the frontend got that far
 * @param subgraphs the number of unique subgraphs compiled with TVM
 * @param callSites the number of host blocks that call a subgraph
 */
public record CompileResult(
    Diagnostics diagnostics,
    SourceMap sources,
    Optional<Function> function,
    int subgraphs,
    int callSites) {
  public boolean ok() {
    return !diagnostics.hasErrors();
  }

  public String renderDiagnostics() {
    return diagnostics.render(sources);
  }
}
