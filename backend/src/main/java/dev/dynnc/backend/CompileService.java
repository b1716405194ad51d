package dev.dynnc.backend;

import java.nio.file.Path;

/**
 * Compiles one subgraph request (written by {@link RelayExport}) to a shared library with TVM.
 *
 * <p>The one narrow interface between dynnc and TVM's Python compiler; everything else in the
 * backend is plain Java.
 */
public interface CompileService {
  /** Compiles {@code request}; on failure throws with TVM's message. */
  void compile(Path request, Path errorFile) throws CompileException;

  /** A TVM compile failure; the message is TVM's traceback's last line plus context. */
  final class CompileException extends Exception {
    public CompileException(String message) {
      super(message);
    }
  }
}
