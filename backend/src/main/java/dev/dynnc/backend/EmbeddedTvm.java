package dev.dynnc.backend;

import static org.bytedeco.cpython.global.python.PyRun_SimpleString;
import static org.bytedeco.cpython.global.python.PySys_SetObject;
import static org.bytedeco.cpython.global.python.PyUnicode_DecodeFSDefault;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

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
    // Several workers start at once (one per core, and more from other dynnc processes). On a
    // fresh JavaCPP cache they unpacked the native libraries at the same time, and one of them
    // could load a second copy of libtvm_runtime.so: the worker then aborted with "Global
    // PackedFunc runtime.BoxBool is already registered" (2 of 4 cold compiles on a fresh cache).
    // So until one worker of these library versions has imported TVM completely (the marker
    // says so), workers start one at a time. Taking the lock on every start would serialize
    // the 4 s of unpacking checks and imports: +3 s on every compile of a 3-subgraph model.
    boolean gpu = TvmWorker.GPU_EXTENSION.equals(System.getProperty(TvmWorker.EXTENSION_PROPERTY));
    // TVM's GPU build loads only where its CUDA libraries do: otherwise JavaCPP would fall back
    // to the CPU build, rewriting the GPU build's files in its cache under other processes.
    String missing =
        gpu ? dev.dynnc.runtime.TvmRuntime.firstMissing(TvmWorker.GPU_LIBRARIES) : null;
    if (missing != null) {
      System.err.println("dynnc TVM worker: " + missing + "; " + TvmWorker.GPU_NEEDS);
      System.exit(TvmWorker.GPU_UNUSABLE);
    }
    InitGate gate = InitGate.enter();
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
      System.err.println(
          gpu
              ? "dynnc TVM worker: TVM's GPU build failed to import (the error above); "
                  + TvmWorker.GPU_NEEDS
              : "dynnc TVM worker: TVM's Python package failed to import");
      System.exit(gpu ? TvmWorker.GPU_UNUSABLE : 1);
    }
    // JavaCPP falls back to the CPU build when the GPU build's libraries do not load: a worker
    // that would fail every cuda compile with "target.build.cuda is not enabled" says why now.
    if (gpu && PyRun_SimpleString("dynnc_require_cuda()") != 0) {
      System.err.println(
          "dynnc TVM worker: the TVM that loaded has no CUDA code generator; "
              + TvmWorker.GPU_NEEDS);
      System.exit(TvmWorker.GPU_UNUSABLE);
    }
    gate.done();
    System.exit(PyRun_SimpleString("dynnc_serve()") == 0 ? 0 : 1);
  }

  /**
   * One worker at a time through TVM's first unpacking and import, across processes: an exclusive
   * lock on {@code dynnc-tvm-init.lock} in JavaCPP's cache directory, skipped once a marker there
   * says that a worker with this class path (so these library versions) got through. Neither file
   * is ever deleted: deleting the lock file would let a later worker lock a new file while an
   * earlier one still holds the old.
   */
  private static final class InitGate {
    private final FileChannel lock;
    private final Path marker;

    private InitGate(FileChannel lock, Path marker) {
      this.lock = lock;
      this.marker = marker;
    }

    static InitGate enter() {
      Path marker = null;
      try {
        Path dir = org.bytedeco.javacpp.Loader.getCacheDir().toPath();
        // The platform extension too: the GPU build's libraries unpack apart from the CPU build's.
        String classpath =
            System.getProperty("java.class.path", "")
                + "\n"
                + System.getProperty(TvmWorker.EXTENSION_PROPERTY, "");
        String key =
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest(classpath.getBytes(StandardCharsets.UTF_8)),
                    0,
                    8);
        marker = dir.resolve("dynnc-tvm-ready-" + key);
        if (Files.exists(marker)) {
          return new InitGate(null, null);
        }
        Files.createDirectories(dir);
        FileChannel ch =
            FileChannel.open(
                dir.resolve("dynnc-tvm-init.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        ch.lock();
        return new InitGate(ch, marker);
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        System.err.println(
            "dynnc TVM worker: cannot lock JavaCPP's cache directory to unpack TVM: "
                + e.getMessage());
        System.exit(1);
        throw new IllegalStateException(e);
      }
    }

    /** TVM is imported: mark these versions as unpacked and let the next worker in. */
    void done() {
      if (lock == null) {
        return;
      }
      try {
        if (!Files.exists(marker)) {
          Files.write(marker, new byte[0]);
        }
      } catch (IOException ignored) {
        // Without the marker, later workers only take the lock again.
      }
      try {
        lock.close(); // releases the lock
      } catch (IOException ignored) {
        // The lock goes with the process at the latest.
      }
    }
  }
}
