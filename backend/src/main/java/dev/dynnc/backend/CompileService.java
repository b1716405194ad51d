package dev.dynnc.backend;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Compiles one subgraph request (written by {@link RelayExport}) to a shared library with TVM.
 *
 * <p>The one narrow interface between dynnc and TVM's Python compiler; everything else in the
 * backend is plain Java.
 */
public interface CompileService {
  /** Compiles {@code request} within {@code timeout}; on failure throws with TVM's message. */
  void compile(Path request, Path errorFile, Duration timeout) throws CompileException;

  /**
   * What besides the request decides the library this service builds: its compiler's version, its
   * own code and the machine it tunes for. Part of the compile cache's key, so that a change to any
   * of them compiles again.
   */
  default String identity() {
    return getClass().getName();
  }

  /**
   * How many {@link #compile} calls this service runs at once, from different threads; above 1,
   * {@code compile} must be thread-safe. The compiler compiles that many subgraphs in parallel.
   */
  default int parallelism() {
    return 1;
  }

  /**
   * Begins any slow start-up now, without waiting for it, so that it overlaps the frontend's work.
   */
  default void warmUp() {}

  /** A TVM compile failure; the message is TVM's traceback's last line plus context. */
  class CompileException extends Exception {
    public CompileException(String message) {
      super(message);
    }
  }

  /**
   * The compiler for the target cannot run on this machine (TVM's GPU build without the CUDA
   * libraries it links): no fault of the model's or dynnc's.
   */
  final class Unavailable extends CompileException {
    public Unavailable(String message) {
      super(message);
    }
  }

  /** The compile did not finish within its time limit and was stopped. */
  final class Timeout extends CompileException {
    public Timeout(String message) {
      super(message);
    }
  }
}
