package dev.dynnc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.runtime.HostTensor;
import dev.dynnc.runtime.Npy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's conventions: help and version on every command (to stdout, exit 0), and one
 * way to pass inputs ({@code --input NAME=FILE}) for run and bench alike, with several inputs per
 * run and several input sets per bench.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliConventionsTest {
  static final List<String> COMMANDS =
      List.of("compile", "check", "inspect", "run", "bench", "keygen");

  Path work;
  Path bundle;

  @BeforeAll
  void compileATwoInputModel(@TempDir Path dir) throws Exception {
    work = dir;
    EarlyExitCnnTest.parameterFreeModel(
        work,
        "m",
        "two",
        """
        import torch.nn as nn


        class Two(nn.Module):
            def forward(self, x, h):
                if x.sum().item() > 0:
                    return x + h
                return x * h
        """);
    bundle = work.resolve("two.bundle");
    EarlyExitCnnTest.Cli c =
        EarlyExitCnnTest.cli(
            args(compileArgs(), "-o", bundle.toString(), "--no-cache", "--java-host"));
    assertEquals(0, c.code(), c.err());
    npy("xpos", 1f, 2f);
    npy("xneg", -1f, -2f);
    npy("h", 3f, 4f);
  }

  /** The compile command for the two-input model, without -o. */
  private List<String> compileArgs() {
    return List.of(
        "compile",
        "--source-root",
        work.resolve("src").toString(),
        "--entry",
        "m.two:Two()",
        "--input",
        "x=float32[2]",
        "--input",
        "h=float32[2]",
        "--weights",
        work.resolve("empty.safetensors").toString());
  }

  private void npy(String name, float a, float b) throws Exception {
    ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(a).putFloat(b);
    Npy.write(work.resolve(name + ".npy"), new HostTensor("float32", new long[] {2}, data.array()));
  }

  /** {@code --input} options of two input sets for bench: (xpos, h) and (xneg, h). */
  private String[] twoInputSets() {
    return new String[] {
      "--input",
      in("x", "xpos"),
      "--input",
      in("h", "h"),
      "--input",
      in("x", "xneg"),
      "--input",
      in("h", "h")
    };
  }

  private String in(String name, String file) {
    return name + "=" + work.resolve(file + ".npy");
  }

  @Test
  void everyCommandHasHelpAndVersionOnStdout() {
    for (String cmd : COMMANDS) {
      EarlyExitCnnTest.Cli help = EarlyExitCnnTest.cli(cmd, "--help");
      assertEquals(0, help.code(), cmd + ": " + help.err());
      assertTrue(help.out().startsWith("Usage: dynnc " + cmd), cmd + ": " + help.out());
      assertEquals("", help.err(), cmd);
      EarlyExitCnnTest.Cli version = EarlyExitCnnTest.cli(cmd, "-V");
      assertEquals(0, version.code(), cmd);
      assertEquals("dynnc 0.1.0\n", version.out(), cmd);
    }
    EarlyExitCnnTest.Cli top = EarlyExitCnnTest.cli("--version");
    assertEquals("dynnc 0.1.0\n", top.out());
  }

  @Test
  void runTakesSeveralInputs() {
    EarlyExitCnnTest.Cli r =
        EarlyExitCnnTest.cli(
            "run",
            bundle.toString(),
            "--input",
            in("x", "xneg"),
            "--input",
            in("h", "h"),
            "--output-dir",
            work.resolve("out").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("output_0: float32[2] = [-3.0000, -8.0000]"), r.out());
  }

  @Test
  void benchTakesTheSameInputsAndSeveralInputSets() {
    EarlyExitCnnTest.Cli b =
        EarlyExitCnnTest.cli(
            args(
                List.of("bench", bundle.toString(), "--warmup", "1", "--iterations", "3"),
                twoInputSets()));
    assertEquals(0, b.code(), b.err());
    List<String> rows = b.out().lines().toList();
    assertEquals(3, rows.size(), b.out());
    assertTrue(rows.get(0).startsWith("inputs "), b.out());
    assertTrue(rows.get(1).startsWith("xpos.npy,h.npy "), b.out());
    assertTrue(rows.get(2).startsWith("xneg.npy,h.npy "), b.out());
    // The two sets take different paths: different subgraph traces.
    String trace1 = rows.get(1).substring(rows.get(1).indexOf('['));
    String trace2 = rows.get(2).substring(rows.get(2).indexOf('['));
    assertTrue(!trace1.equals(trace2), b.out());
  }

  /**
   * The oracles of a path ({@code --specialize-path}, with {@code --keep-decisions} the decisions
   * too) compile to one subgraph, and {@code bench --against} times them interleaved with the
   * bundle: one row per input set, with their latencies and the ratios.
   */
  @Test
  void benchTimesOraclesInterleavedWithTheBundle() {
    EarlyExitCnnTest.Cli path =
        EarlyExitCnnTest.cli(
            "bench",
            bundle.toString(),
            "--warmup",
            "0",
            "--iterations",
            "1",
            "--input",
            in("x", "xpos"),
            "--input",
            in("h", "h"));
    assertEquals(0, path.code(), path.err());
    String[] row = path.out().lines().toList().get(1).trim().split("\\s+");
    String blocks = row[5];
    Path oracle = work.resolve("oracle.bundle");
    Path decisions = work.resolve("decisions.bundle");
    for (Path o : List.of(oracle, decisions)) {
      List<String> c = new java.util.ArrayList<>(compileArgs());
      c.addAll(List.of("-o", o.toString(), "--no-cache", "--specialize-path", blocks));
      if (o == decisions) {
        c.add("--keep-decisions");
      }
      EarlyExitCnnTest.Cli r = EarlyExitCnnTest.cli(c.toArray(new String[0]));
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("1 subgraph(s)"), r.out());
    }
    // The decision oracle returns the model's result, then the condition it took (True).
    EarlyExitCnnTest.Cli run =
        EarlyExitCnnTest.cli(
            "run",
            decisions.toString(),
            "--input",
            in("x", "xpos"),
            "--input",
            in("h", "h"),
            "--output-dir",
            work.resolve("dout").toString());
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().startsWith("output_0: float32[2] = [4.0000, 6.0000]"), run.out());
    assertTrue(run.out().contains("output_1: bool[] = true"), run.out());

    // In a locale with decimal commas too, the table keeps its dots (the suite parses it).
    java.util.Locale saved = java.util.Locale.getDefault();
    java.util.Locale.setDefault(java.util.Locale.GERMANY);
    EarlyExitCnnTest.Cli b;
    try {
      b = benchAgainst(oracle, decisions);
    } finally {
      java.util.Locale.setDefault(saved);
    }
    assertEquals(0, b.code(), b.err());
    List<String> rows = b.out().lines().toList();
    assertEquals(3, rows.size(), b.out());
    assertTrue(
        rows.get(0)
            .matches(
                "inputs +median_us +p10_us +p90_us +host_% +against1_median_us +against1_p10_us"
                    + " +against1_p90_us +ratio1 +against2_median_us +against2_p10_us"
                    + " +against2_p90_us +ratio2 +blocks +subgraph calls"),
        rows.get(0));
    for (String line : rows.subList(1, 3)) {
      String[] f = line.trim().split("\\s+");
      double median = Double.parseDouble(f[1]);
      for (int k : new int[] {5, 9}) {
        double against = Double.parseDouble(f[k]);
        assertTrue(median > 0 && against > 0, line);
        double ratio = Double.parseDouble(f[k + 3]);
        // The ratio of the unrounded medians, within what printing them to 0.1 µs hides.
        assertTrue(
            ratio >= (median - 0.05) / (against + 0.05) - 5e-4
                && ratio <= (median + 0.05) / (against - 0.05) + 5e-4,
            line);
      }
    }
    assertEquals(blocks, rows.get(1).trim().split("\\s+")[13], b.out());

    EarlyExitCnnTest.Cli alone =
        EarlyExitCnnTest.cli(
            args(compileArgs(), "-o", work.resolve("x").toString(), "--keep-decisions"));
    assertEquals(2, alone.code(), alone.err());
    assertTrue(alone.err().contains("--keep-decisions needs --specialize-path"), alone.err());
  }

  private EarlyExitCnnTest.Cli benchAgainst(Path oracle, Path decisions) {
    return EarlyExitCnnTest.cli(
        args(
            List.of(
                "bench",
                bundle.toString(),
                "--against",
                oracle.toString(),
                "--against",
                decisions.toString(),
                "--warmup",
                "2",
                "--iterations",
                "20"),
            twoInputSets()));
  }

  @Test
  void verboseTimesEveryStageAndQuietPrintsNothing() throws Exception {
    List<String> model = new java.util.ArrayList<>(compileArgs());
    model.addAll(List.of("--cache-dir", work.resolve("cache").toString()));
    // A default compile: the native host program, one library with every subgraph's kernels.
    EarlyExitCnnTest.Cli nat =
        EarlyExitCnnTest.cli(args(model, "-o", work.resolve("n1.bundle").toString(), "-v"));
    assertEquals(0, nat.code(), nat.err());
    assertEquals(
        List.of("frontend", "passes", "partition", "subgraph", "host", "bundle", "1"),
        nat.err().lines().map(l -> l.split("\\s+")[1]).toList(),
        nat.err());
    assertTrue(nat.err().contains("dynnc: subgraph  native host program "), nat.err());
    EarlyExitCnnTest.Cli natPlain =
        EarlyExitCnnTest.cli(args(model, "-o", work.resolve("n2.bundle").toString()));
    assertTrue(
        natPlain
            .err()
            .contains(
                "dynnc: [partition] done\n"
                    + "dynnc: [subgraph] native host program from the compile cache\n"
                    + "dynnc: [host] done\n"),
        natPlain.err());
    // From the cache, the same bundle: the library and its constants in the weights file (the
    // manifest lists every file's SHA-256).
    assertEquals(
        java.nio.file.Files.readString(work.resolve("n1.bundle/manifest.json")),
        java.nio.file.Files.readString(work.resolve("n2.bundle/manifest.json")));
    // With the Java host program: one library per subgraph.
    model.add("--java-host");
    EarlyExitCnnTest.Cli cold =
        EarlyExitCnnTest.cli(args(model, "-o", work.resolve("v1.bundle").toString(), "-v"));
    assertEquals(0, cold.code(), cold.err());
    List<String> stages = cold.err().lines().map(l -> l.split("\\s+")[1]).toList();
    assertEquals(
        List.of(
            "frontend",
            "passes",
            "partition",
            "subgraph",
            "subgraph",
            "subgraph",
            "host",
            "bundle",
            "3"),
        stages,
        cold.err());
    assertTrue(
        cold.err().endsWith("dynnc: 3 subgraph(s), 0 from the compile cache, 3 compiled by TVM\n"),
        cold.err());
    EarlyExitCnnTest.Cli warm =
        EarlyExitCnnTest.cli(args(model, "-o", work.resolve("v2.bundle").toString(), "-v"));
    assertTrue(warm.err().contains("dynnc: sg0 from the compile cache\n"), warm.err());
    assertTrue(
        warm.err().endsWith("dynnc: 3 subgraph(s), 3 from the compile cache, 0 compiled by TVM\n"),
        warm.err());
    // The default on a log (stderr is a pipe here): plain progress lines, no control characters.
    EarlyExitCnnTest.Cli plain =
        EarlyExitCnnTest.cli(args(model, "-o", work.resolve("v5.bundle").toString()));
    assertEquals(0, plain.code(), plain.err());
    assertEquals(
        "dynnc: [frontend] done\n"
            + "dynnc: [passes] done\n"
            + "dynnc: [partition] done\n"
            + "dynnc: [subgraph] sg0 (1/3) from the compile cache\n"
            + "dynnc: [subgraph] sg1 (2/3) from the compile cache\n"
            + "dynnc: [subgraph] sg2 (3/3) from the compile cache\n"
            + "dynnc: [host] done\n"
            + "dynnc: [bundle] done\n",
        plain.err());
    assertFalse(plain.err().contains("\033"), plain.err());
    EarlyExitCnnTest.Cli quiet =
        EarlyExitCnnTest.cli(args(model, "-o", work.resolve("v3.bundle").toString(), "-q"));
    assertEquals(0, quiet.code(), quiet.err());
    assertEquals("", quiet.out() + quiet.err());
    EarlyExitCnnTest.Cli both =
        EarlyExitCnnTest.cli(args(model, "-o", work.resolve("v4.bundle").toString(), "-q", "-v"));
    assertEquals(2, both.code());
    assertEquals(
        "error[DN0400]: --quiet and --verbose contradict each other; give one\n", both.err());
  }

  private static String[] args(List<String> base, String... more) {
    return java.util.stream.Stream.concat(base.stream(), java.util.Arrays.stream(more))
        .toArray(String[]::new);
  }

  @Test
  void errorsGoToStderrOnly() {
    EarlyExitCnnTest.Cli r =
        EarlyExitCnnTest.cli(
            "run",
            bundle.toString(),
            "--input",
            in("x", "xpos"),
            "--output-dir",
            work.resolve("o2").toString());
    assertEquals(1, r.code());
    assertEquals("", r.out());
    assertTrue(r.err().startsWith("error[DN0402]: "), r.err());
  }
}
