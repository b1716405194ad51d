package dev.dynnc.rewrite;

import dev.dynnc.ir.Function;

/**
 * An IR-to-IR transformation: stateless, returns a new function (or the same one if nothing
 * changed). Preconditions: its input passes the {@link dev.dynnc.ir.Verifier}; so does its output.
 */
public interface Pass {
  /** Stable name, used by the pipeline and in golden test headers. */
  String name();

  Function run(Function in, PassContext ctx);
}
