package dev.dynnc.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
