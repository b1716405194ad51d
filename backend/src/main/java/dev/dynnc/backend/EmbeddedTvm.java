package dev.dynnc.backend;

import static org.bytedeco.cpython.global.python.PyRun_SimpleString;
import static org.bytedeco.cpython.global.python.PySys_SetObject;
import static org.bytedeco.cpython.global.python.PyUnicode_DecodeFSDefault;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The TVM compile worker's main class: runs TVM's Python compiler in this process through the
 * CPython embedded in the bytedeco preset and answers compile requests on stdin/stdout.
 *
 * <p>Why embedded: Relay's op strategies are registered from Python, so relay.build needs it; the
 * preset ships CPython, numpy and the tvm package, so no system Python is involved. Why in its own
 * process ({@link TvmWorker} starts it): a CPython thread cannot be stopped safely inside a JVM, so
 * a compile past its time limit is ended by killing the process, and a crash in TVM's native code
 * ends the worker, not the compiler.
 *
 * <p>Rule DATA-NOT-SOURCE: the only Python source run here is {@code relay_builder.py} and the
 * constant call {@code dynnc_serve()}; request paths arrive as JSON on stdin and are never part of
 * source text.
 */
public final class EmbeddedTvm {
  private EmbeddedTvm() {}

  public static void main(String[] args) {
    StderrFilter.install();
    // The worker must not outlive the compiler that started it, even in the middle of a compile.
    ProcessHandle.current()
        .parent()
        .ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(2)));
    try {
      org.bytedeco.cpython.helper.python.Py_Initialize(
          org.bytedeco.tvm.presets.tvm.cachePackages());
    } catch (IOException e) {
      System.err.println(
          "dynnc TVM worker: cannot unpack TVM's Python packages: " + e.getMessage());
      System.exit(1);
    }
    // Embedded, CPython takes sys.executable from the first `python3` on PATH, which may be any
    // Python or none. TVM's auto-scheduler (--tune) starts its build and measurement processes
    // with sys.executable, so it must be the preset's own Python, which runs this same TVM.
    String python;
    try {
      python = org.bytedeco.javacpp.Loader.load(org.bytedeco.cpython.python.class);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      python = null; // Only tuning needs it; relay_builder.py says so if it is asked to tune.
    }
    if (python == null || PySys_SetObject("executable", PyUnicode_DecodeFSDefault(python)) != 0) {
      PySys_SetObject("executable", PyUnicode_DecodeFSDefault(""));
    }
    String script;
    try (InputStream in = EmbeddedTvm.class.getResourceAsStream("relay_builder.py")) {
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      System.err.println("dynnc TVM worker: cannot read relay_builder.py: " + e.getMessage());
      System.exit(1);
      return;
    }
    if (PyRun_SimpleString(script) != 0) {
      System.err.println("dynnc TVM worker: TVM's Python package failed to import");
      System.exit(1);
    }
    System.exit(PyRun_SimpleString("dynnc_serve()") == 0 ? 0 : 1);
  }
}
