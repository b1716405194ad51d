package dev.dynnc.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.runtime.TvmRuntime;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TVM's compile workers started together on one empty JavaCPP cache directory, as a first compile
 * on a fresh machine starts them: before {@link EmbeddedTvm} serialized the first unpacking and
 * import, one of them could load a second libtvm_runtime.so and abort ("Global PackedFunc
 * runtime.BoxBool is already registered"; 2 of 4 cold compiles of act_rnn). Each worker imports
 * TVM, answers ready, and stops when its stdin closes.
 */
class WorkerStartTest {
  @TempDir Path cache;

  @Test
  void workersStartedTogetherOnAnEmptyCacheAllImportTvm() throws Exception {
    List<Process> first = start(3);
    for (Process p : first) {
      finish(p);
    }
    try (Stream<Path> s = Files.list(cache)) {
      assertTrue(
          s.anyMatch(p -> p.getFileName().toString().startsWith("dynnc-tvm-ready-")),
          "the first worker through leaves the ready marker");
    }
    // With the marker, workers start without the lock, still together.
    for (Process p : start(2)) {
      finish(p);
    }
  }

  /**
   * A CPU worker with a GPU build on its class path that cannot load here (a CPU machine with a
   * {@code -Pgpu} build) must not try it: JavaCPP then unpacked the GPU build into its cache and,
   * on the failed load, replaced the GPU build's {@code libtvm.so} there with a link to the CPU
   * one, under a GPU worker that had it mapped (which crashed with SIGBUS). A decoy jar with the
   * GPU build's resource paths and contents that cannot load stands in for it.
   */
  @Test
  void aCpuWorkerNeverTouchesTheGpuBuild(@TempDir Path jars) throws Exception {
    Decoy d = decoy(jars);
    List<String> cmd = TvmWorker.command(false, TvmWorker.classpath() + File.pathSeparator + d.jar);
    assertTrue(cmd.contains("-Dorg.bytedeco.javacpp.platform.extension="), cmd.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      finish(p);
    } finally {
      assertFalse(d.cleanUp(), "the CPU worker unpacked the GPU build into " + d.unpacked);
    }
  }

  /**
   * A GPU worker where CUDA's libraries are missing (CI, this workstation without LD_LIBRARY_PATH)
   * says which one and exits as unusable before JavaCPP tries TVM's GPU build, whose failed load
   * would rewrite the GPU build's files in the cache as above.
   */
  @Test
  void aGpuWorkerWithoutCudaLibrariesNeverLoadsTheGpuBuild(@TempDir Path jars) throws Exception {
    String missing = TvmRuntime.firstMissing(TvmWorker.GPU_LIBRARIES);
    Decoy d = decoy(jars);
    List<String> cmd = TvmWorker.command(true, TvmWorker.classpath() + File.pathSeparator + d.jar);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean touched;
    try {
      assertTrue(p.waitFor(300, TimeUnit.SECONDS), out);
      assertEquals(TvmWorker.GPU_UNUSABLE, p.exitValue(), out);
    } finally {
      touched = d.cleanUp();
    }
    if (missing != null) { // a machine without CUDA's libraries (CI): the check must catch it
      assertTrue(out.contains("dynnc TVM worker: " + missing + "; compiling for cuda needs"), out);
      assertFalse(touched, "the GPU worker tried the GPU build without its libraries:\n" + out);
    }
  }

  /**
   * A worker whose JVM crashes (here a SIGSEGV sent once it is ready; on this workstation a SIGBUS
   * in the dynamic loader) writes its report to the temp directory, where the compile's error names
   * it, instead of an hs_err file in the user's working directory, and no core file.
   */
  @Test
  void aCrashedWorkerLeavesTheWorkingDirectoryAlone(@TempDir Path cwd) throws Exception {
    Process p =
        new ProcessBuilder(TvmWorker.command(false, TvmWorker.classpath()))
            .directory(cwd.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    java.io.BufferedReader out =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.contains("\"ready\": true")) {
      // TVM's import messages
    }
    assertTrue(line != null, "the worker never answered ready");
    Process kill =
        new ProcessBuilder("bash", "-c", "kill -SEGV " + p.pid()).start(); // bash's own kill
    assertEquals(0, kill.waitFor());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the crashed worker did not end");
    java.util.Optional<Path> report = TvmWorker.crashReport(p.pid());
    try {
      assertTrue(report.isPresent(), "no crash report at " + TvmWorker.crashReportPattern());
      assertTrue(Files.readString(report.get()).contains("SIGSEGV"), report.get().toString());
      try (Stream<Path> s = Files.list(cwd)) {
        assertEquals(List.of(), s.toList(), "the crashed worker wrote into its working directory");
      }
    } finally {
      if (report.isPresent()) {
        Files.delete(report.get());
      }
    }
  }

  /** A jar with TVM's GPU build's resource paths and contents that cannot load. */
  private record Decoy(Path jar, Path unpacked) {
    /** Removes what JavaCPP unpacked of the decoy; whether there was anything. */
    boolean cleanUp() throws Exception {
      if (!Files.exists(unpacked)) {
        return false;
      }
      try (Stream<Path> s = Files.walk(unpacked)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
      return true;
    }
  }

  private static Decoy decoy(Path jars) throws Exception {
    String name =
        "tvm-gpu-decoy-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".jar";
    Path jar = jars.resolve(name);
    String gpuDir = "org/bytedeco/tvm/" + Loader.getPlatform() + "-gpu/";
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (String lib :
          List.of(
              "libjnitvm.so",
              "libjnitvm_runtime.so",
              "libtvm_runtime.so",
              "python/tvm/libtvm.so")) {
        out.putNextEntry(new JarEntry(gpuDir + lib));
        out.write("not a library".getBytes(StandardCharsets.US_ASCII));
        out.closeEntry();
      }
    }
    // The worker unpacks into JavaCPP's own cache, as every compile's workers do (a fresh one
    // would unpack over 1 GB); the decoy's name is new, so a directory of that name is the proof.
    return new Decoy(jar, Loader.getCacheDir().toPath().resolve(name));
  }

  private List<Process> start(int n) throws Exception {
    List<Process> ps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<String> cmd =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Xmx512m",
              "-Dorg.bytedeco.javacpp.cachedir=" + cache,
              "-cp",
              TvmWorker.classpath(),
              EmbeddedTvm.class.getName());
      ps.add(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }
    return ps;
  }

  private static void finish(Process p) throws Exception {
    p.getOutputStream().close(); // no requests: the worker answers ready, then stops
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "worker did not stop:\n" + out);
    assertEquals(0, p.exitValue(), "worker failed:\n" + out);
    assertTrue(out.contains("\"ready\": true"), "worker never answered ready:\n" + out);
  }
}
