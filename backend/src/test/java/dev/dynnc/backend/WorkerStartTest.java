package dev.dynnc.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
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
    String name =
        "tvm-gpu-decoy-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".jar";
    Path decoy = jars.resolve(name);
    String gpuDir = "org/bytedeco/tvm/" + org.bytedeco.javacpp.Loader.getPlatform() + "-gpu/";
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(decoy))) {
      for (String lib :
          List.of(
              "libjnitvm.so",
              "libjnitvm_runtime.so",
              "libtvm_runtime.so",
              "python/tvm/libtvm.so")) {
        jar.putNextEntry(new JarEntry(gpuDir + lib));
        jar.write("not a library".getBytes(StandardCharsets.US_ASCII));
        jar.closeEntry();
      }
    }
    // The worker unpacks into JavaCPP's own cache, as every compile's workers do (a fresh one
    // would unpack over 1 GB); the decoy's name is new, so a directory of that name is the proof.
    Path javacppCache = org.bytedeco.javacpp.Loader.getCacheDir().toPath();
    List<String> cmd =
        TvmWorker.command(false, TvmWorker.classpath() + java.io.File.pathSeparator + decoy);
    assertTrue(cmd.contains("-Dorg.bytedeco.javacpp.platform.extension="), cmd.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      finish(p);
    } finally {
      Path unpacked = javacppCache.resolve(name);
      boolean touched = Files.exists(unpacked);
      if (touched) {
        try (Stream<Path> s = Files.walk(unpacked)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
      assertFalse(touched, "the CPU worker unpacked the GPU build into " + unpacked);
    }
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
