package dev.dynnc.compiler;

import dev.dynnc.diag.Diagnostics;
import dev.dynnc.diag.SourceMap;
import dev.dynnc.frontend.Decision;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.OpPosition;
import dev.dynnc.rewrite.Partitioner;
import java.util.List;
import java.util.Optional;

/**
 * The front half of a compile, without TVM: the program after each stage and its partition, or the
 * diagnostics that stopped it. What {@code dynnc check} and {@code dynnc inspect} show.
 *
 * @param stages the program after lowering and after each IR pass, in order
 * @param partition the subgraphs and host program, when every stage succeeded
 * @param decisions how the frontend judged each condition and loop of the method, in source order
 * @param cuts where, in the first stage's program (the lowered one), a static {@code if} or a
 *     {@code return} was evaluated: the places a compiler cutting at every {@code if} and {@code
 *     return} would cut although they left no block
 */
public record Analysis(
    Diagnostics diagnostics,
    SourceMap sources,
    List<Stage> stages,
    Optional<Partitioner.Result> partition,
    List<Decision> decisions,
    List<OpPosition> cuts) {
  /** The program as one stage left it. */
  public record Stage(String name, Function function) {}

  public boolean ok() {
    return !diagnostics.hasErrors();
  }
}
