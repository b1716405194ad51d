package dev.dynnc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.samples.EarlyExitCnnTest.Cli;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through the CLI: the output is replaced recoverably and with the umask's permissions,
 * a killed compile is repaired by the next one, TVM is stopped at its time limit, and paths reach
 * TVM's Python as data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutputInstallTest {
  static final Path MODELS =
      Path.of(System.getProperty("dynnc.repo.root", ".."))
          .resolve("samples/src/test/resources/output")
          .toAbsolutePath();
  static final String WORKER = "dev.dynnc.backend.EmbeddedTvm";

  Path work;
  Path src;

  @BeforeAll
  void weights(@TempDir Path dir) throws Exception {
    work = dir;
    src = Files.createDirectories(work.resolve("src"));
    Files.copy(MODELS.resolve("tiny_model.py"), src.resolve("tiny_model.py"));
    EarlyExitCnnTest.python(MODELS, "make_weights.py", src.toString(), work.toString());
  }

  List<String> compileArgs(String model, Path out, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "compile",
                "--source-root",
                src.toString(),
                "--entry",
                "tiny_model:" + model + "()",
                "--input",
                model.equals("Tiny") ? "x=float32[2,4]" : "x=float32[1,8,64,64]",
                "--weights",
                work.resolve(model.toLowerCase() + ".pt").toString(),
                "-o",
                out.toString()));
    args.addAll(List.of(extra));
    return args;
  }

  Cli compile(String model, Path out, String... extra) {
    return EarlyExitCnnTest.cli(compileArgs(model, out, extra).toArray(String[]::new));
  }

  void compileOk(String model, Path out) {
    Cli c = compile(model, out);
    assertEquals(0, c.code(), c.err());
  }

  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static String marker(Path bundle) throws IOException {
    return Files.readString(bundle.resolve("manifest.json"));
  }

  @Test
  void replacesItsOwnBundleWithTheUmasksPermissions() throws Exception {
    Path dir = Files.createDirectories(work.resolve("perm"));
    Path out = dir.resolve("m.bundle");
    compileOk("Tiny", out);
    Files.writeString(out.resolve("ir/stale-file-from-the-old-bundle"), "old");
    compileOk("Tiny", out);
    assertFalse(
        Files.exists(out.resolve("ir/stale-file-from-the-old-bundle")),
        "the old bundle must be replaced whole");
    assertEquals(List.of("m.bundle"), names(dir), "nothing may be left beside the bundle");
    // What this JVM's umask gives a new directory and a new file.
    Set<PosixFilePermission> dirs =
        Files.getPosixFilePermissions(Files.createDirectory(work.resolve("probe-dir")));
    Set<PosixFilePermission> files =
        Files.getPosixFilePermissions(Files.createFile(work.resolve("probe-file")));
    try (Stream<Path> s = Files.walk(out)) {
      for (Path p : s.toList()) {
        boolean exec = Files.isDirectory(p) || p.toString().endsWith(".so");
        assertEquals(exec ? dirs : files, Files.getPosixFilePermissions(p), p.toString());
      }
    }
  }

  /**
   * Kills a real compile between moving the old bundle aside and moving the new one in (the window
   * that used to leave no bundle at all), then checks that the next compile to that path, even one
   * that fails in the frontend, puts a complete bundle back and cleans up; and that the killed
   * compiler's TVM worker went with it.
   */
  @Test
  void aCompileKilledMidSwapIsRepairedByTheNextOne() throws Exception {
    Path dir = Files.createDirectories(work.resolve("kill"));
    Path out = dir.resolve("m.bundle");
    compileOk("Tiny", out);
    String before = marker(out);
    Set<Long> workersBefore = workers();

    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Ddynnc.test.haltAfter=old-moved",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.dynnc.cli.Main"));
    cmd.addAll(compileArgs("Tiny", out));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("child.log").toFile())
            .start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "child compile hung");
    assertEquals(86, p.exitValue(), Files.readString(work.resolve("child.log")));
    assertFalse(Files.exists(out), "the child was to halt with the old bundle moved aside");
    assertEquals(2, names(dir).size(), "old and ready directories: " + names(dir));

    Cli c =
        EarlyExitCnnTest.cli(
            "compile",
            "--source-root",
            src.toString(),
            "--entry",
            "tiny_model:NoSuchModel()",
            "--input",
            "x=float32[2,4]",
            "--weights",
            work.resolve("tiny.pt").toString(),
            "-o",
            out.toString());
    assertEquals(1, c.code(), c.err());
    assertEquals(List.of("m.bundle"), names(dir));
    assertTrue(Files.isRegularFile(out.resolve("lib/native.so")));
    assertEquals(
        before.replaceAll("\"[0-9a-f]{64}\"", ""),
        marker(out).replaceAll("\"[0-9a-f]{64}\"", ""),
        "the completed bundle is the new compile of the same model");
    try (var b = dev.dynnc.runtime.Bundle.open(out)) {
      assertEquals(1, b.subgraphs().size());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!workersBefore.containsAll(workers()) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertTrue(
        workersBefore.containsAll(workers()), "the killed compiler's TVM worker outlived it");
  }

  @Test
  void tvmIsStoppedAtItsTimeLimitAndTheNextCompileWorks() throws Exception {
    Path dir = Files.createDirectories(work.resolve("timeout"));
    Path out = dir.resolve("slow.bundle");
    // A warm worker: the limit is for TVM's compile, not for the worker's start-up.
    compileOk("Tiny", dir.resolve("warm.bundle"));
    long t0 = System.nanoTime();
    Cli c = compile("Slow", out, "--compile-timeout", "1");
    double s = (System.nanoTime() - t0) / 1e9;
    assertEquals(1, c.code(), c.err());
    assertTrue(c.err().contains("dynnc: [partition] done\nerror[DN0404]: tiny_model.py:"), c.err());
    assertTrue(
        c.err().contains(": TVM did not finish compiling subgraph sg0 within 1 s\n"), c.err());
    assertTrue(
        c.err()
            .contains(
                "= hint: raise the limit with --compile-timeout SECONDS if the model is this large"),
        c.err());
    assertTrue(s < 60, "the limit must stop TVM promptly, took " + s + " s");
    assertEquals(List.of("warm.bundle"), names(dir), "no partial bundle and no temporaries");
    assertEquals(Set.of(), gccProcessesUnder(dir), "g++ of the stopped compile still runs");
    compileOk("Tiny", dir.resolve("after.bundle"));
  }

  /**
   * Rule DATA-NOT-SOURCE on the Python side: quotes, backslashes and newlines in -o are just
   * characters.
   */
  @Test
  void outputPathsReachTvmAsData() throws Exception {
    Path dir = Files.createDirectories(work.resolve("names"));
    Path out = dir.resolve("it's \"odd\"\\')\nimport os; os._exit(3)#.bundle");
    compileOk("Tiny", out);
    assertTrue(Files.isRegularFile(out.resolve("lib/native.so")));
    assertEquals(List.of(out.getFileName().toString()), names(dir));
  }

  /** PIDs of TVM workers on this machine. */
  static Set<Long> workers() {
    return ProcessHandle.allProcesses()
        .filter(h -> h.info().commandLine().orElse("").contains(WORKER))
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }

  static Set<Long> gccProcessesUnder(Path dir) {
    return ProcessHandle.allProcesses()
        .filter(h -> h.info().commandLine().orElse("").contains(dir.toString() + File.separator))
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }
}
