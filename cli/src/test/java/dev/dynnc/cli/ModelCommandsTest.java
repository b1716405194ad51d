package dev.dynnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dynnc check} and {@code dynnc inspect}, on the early-exit sample (no TVM involved). */
class ModelCommandsTest {
  static final Path SAMPLE =
      Path.of(System.getProperty("dynnc.repo.root", ".."))
          .resolve("samples/early_exit_cnn")
          .toAbsolutePath()
          .normalize();
  static final String ENTRY = "models.sdn:build_model(num_classes=10)";

  @TempDir Path dir;

  record Out(int code, String out, String err) {}

  static Out run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Out(code, out.toString(), err.toString());
  }

  /** Runs {@code dynnc check} on the package {@code m} holding {@code source} as net.py. */
  Out checkNet(String source) throws Exception {
    return checkNet(source, "m.net:Net()");
  }

  /** Runs {@code dynnc check} on the model {@code entry} builds from {@code source} (m/net.py). */
  Out checkNet(String source, String entry) throws Exception {
    Path pkg = Files.createDirectories(dir.resolve("m"));
    Files.writeString(pkg.resolve("__init__.py"), "");
    Files.writeString(pkg.resolve("net.py"), source);
    return run(
        "check", "--source-root", dir.toString(), "--entry", entry, "--input", "x=float32[1,4]");
  }

  @Test
  void checkCountsWhatIsDynamic() {
    Out r =
        run(
            "check",
            "--source-root",
            SAMPLE.toString(),
            "--entry",
            ENTRY,
            "--input",
            "x=float32[1,3,32,32]",
            "--weights",
            SAMPLE.resolve("checkpoint.pt").toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(
        ENTRY
            + ": supported; 2 dynamic condition(s), 0 dynamic loop(s), 3 subgraph(s)\n"
            + "  subgraphs: 3 compiled, 3 call site(s); a cut at every if and return with full"
            + " unrolling: 8\n",
        r.out(),
        "per exit: the block, the classifier and the confidence, cut at the returns of the block"
            + " and the classifier and at the dynamic if; then the last block and the final head,"
            + " cut at the static if i < len(self.exits)");
  }

  static final String GATED =
      """
      import torch
      import torch.nn as nn


      class Block(nn.Module):
          def __init__(self, gated):
              super().__init__()
              self.fc = nn.Linear(4, 4)
              self.gated = gated

          def forward(self, x):
              if self.gated:
                  x = torch.relu(x)
              y = self.fc(x)
              return y if self.gated else -y


      class Net(nn.Module):
          def __init__(self):
              super().__init__()
              self.blocks = nn.ModuleList([Block(i % 2 == 0) for i in range(3)])

          def forward(self, x):
              for b in self.blocks:
                  x = b(x)
              return x


      class Loop(Net):
          def forward(self, x):
              steps = 0
              while x.sum().item() < 10.0 and steps < 4:
                  for b in self.blocks:
                      x = b(x)
                  steps += 1
              return torch.tanh(x)
      """;

  @Test
  void checkCutsAtStaticIfsAndReturns() throws Exception {
    // Blocks 0 and 2 are gated: [relu] [fc], cut at the static if; block 1 [fc] [neg], cut at the
    // static if-expression: six pieces, where dynnc compiles one.
    Out r = checkNet(GATED);
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out()
            .endsWith(
                "  subgraphs: 1 compiled, 1 call site(s); a cut at every if and return with full"
                    + " unrolling: 6\n"),
        r.out());
    // Around the loop the first test's reduce_sum and the tanh; per iteration the six pieces and
    // the
    // next test's reduce_sum.
    r = checkNet(GATED, "m.net:Loop()");
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out()
            .endsWith(
                "  subgraphs: 3 compiled, 3 call site(s); a cut at every if and return with full"
                    + " unrolling: 2 + 7 per loop iteration\n"),
        r.out());
  }

  @Test
  void checkPrintsAWarningAndSucceeds() throws Exception {
    Out r =
        checkNet(
            """
        import torch.nn as nn


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.calls = 0

            def forward(self, x):
                self.calls += 1
                return x * self.calls
        """);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("m.net:Net(): supported;"), r.out());
    assertTrue(
        r.err()
            .startsWith("warning[DN0117]: m/net.py:10:14: forward sets Net.calls, which it read"),
        r.err());
  }

  @Test
  void checkReportsEveryErrorInOneRun() throws Exception {
    Out r =
        checkNet(
            """
        import torch
        import torch.nn as nn


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 2)

            def forward(self, x):
                y = self.fc(x) + self.missing
                z = x.frobnicate()
                return y, z
        """);
    assertEquals(1, r.code(), r.err());
    assertTrue(
        r.err().contains("error[DN0101]: m/net.py:11:31: 'Net' object has no attribute 'missing'"),
        r.err());
    assertTrue(r.err().contains("]: m/net.py:12:15: "), r.err());
    assertTrue(r.err().endsWith("check failed: 2 error(s) in m.net:Net()\n"), r.err());
    assertEquals("", r.out());
  }

  /**
   * A research-style forward with six different constructs dynnc does not take: one run reports
   * each, located, with nothing on stdout (the whole report is asserted, byte for byte).
   */
  @Test
  void checkReportsSixDifferentUnsupportedConstructsInFull() throws Exception {
    Out r =
        checkNet(
            """
        import scipy.special
        import torch
        import torch.nn as nn


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 4)

            def forward(self, x):
                h = self.fc(x)
                order = torch.kron(h)
                gates = scipy.special.expit(h)
                t = h.clone()
                t[0][1] = 1.0
                picked = h[h.argmax(1), None]
                z = h.frobnicate()
                table = torch.tensor([[1.0, 2.0], [3.0]])
                return h, order, gates, t, picked, z, table
        """);
    assertEquals(1, r.code(), r.err());
    assertEquals("", r.out());
    assertEquals(
        """
        error[DN0105]: m/net.py:13:23: torch.kron is not supported by dynnc yet
           |
        13 |         order = torch.kron(h)
           |                       ^
           = hint: docs/supported-api.md lists the supported functions, methods and layers
        error[DN0105]: m/net.py:14:23: 'scipy' is from 'scipy', a library dynnc does not model, so it cannot be used here
           |
        14 |         gates = scipy.special.expit(h)
           |                       ^
           = hint: imported here: m/net.py:1
        error[DN0200]: m/net.py:16:13: item assignment on a tensor is supported on a local variable only
           |
        16 |         t[0][1] = 1.0
           |             ^
           = hint: index the local tensor once, with a tuple: t[i, j] = v rather than t[i][j] = v
        error[DN0201]: m/net.py:17:19: indexing with None next to an integer tensor is not supported yet
           |
        17 |         picked = h[h.argmax(1), None]
           |                   ^
           = hint: index with integer tensors and slices, or reshape first
        error[DN0113]: m/net.py:18:15: Tensor.frobnicate is not a PyTorch name dynnc knows
           |
        18 |         z = h.frobnicate()
           |               ^
           = hint: check the spelling; docs/supported-api.md lists the supported functions, methods and layers
        error[DN0103]: m/net.py:19:23: expected sequence of length 2 at dim 1 (got 1)
           |
        19 |         table = torch.tensor([[1.0, 2.0], [3.0]])
           |                       ^
        check failed: 6 error(s) in m.net:Net()
        """,
        r.err());
  }

  @Test
  void aSpecGivesTheModelAndFlagsOverrideIt() throws Exception {
    Path spec =
        Files.writeString(
            dir.resolve("dynnc.yaml"),
            "source-root: "
                + SAMPLE
                + "\n"
                + "entry: models.sdn:no_such_factory()\n"
                + "inputs:\n  x: float32[1,3,32,32]\n"
                + "weights: "
                + SAMPLE.resolve("checkpoint.pt")
                + "\n");
    Out bad = run("check", "--spec", spec.toString());
    assertEquals(1, bad.code(), bad.err());
    Out good = run("check", "--spec", spec.toString(), "--entry", ENTRY);
    assertEquals(0, good.code(), good.err());
    assertTrue(good.out().startsWith(ENTRY + ": supported;"), good.out());
  }

  @Test
  void missingSettingsAreAUsageError() throws Exception {
    Out r = run("check", "--entry", ENTRY);
    assertEquals(2, r.code());
    assertEquals(
        "error[DN0400]: missing --source-root, --input (give them as flags or in a model spec with"
            + " --spec FILE)\n",
        r.err());
    Path spec = Files.writeString(dir.resolve("dynnc.yaml"), "entry: a:b()\nbogus: 1\n");
    Out s = run("inspect", "--spec", spec.toString());
    assertEquals(2, s.code());
    assertEquals(
        "error[DN0400]: "
            + spec
            + ":2:1: unknown setting 'bogus'; a model spec has name, source-root,"
            + " entry, method, inputs, weights, weights-key, strip-prefix, target, compile-timeout, max-errors, tune\n",
        s.err());
    Out png =
        run(
            "inspect",
            "--source-root",
            SAMPLE.toString(),
            "--entry",
            ENTRY,
            "--input",
            "x=float32[1,3,32,32]",
            "--format",
            "png");
    assertEquals(2, png.code());
    assertEquals("error[DN0400]: --format png writes a binary picture: give -o FILE\n", png.err());
  }

  @Test
  void inspectShowsEveryStageAndDrawsTheGraph() throws Exception {
    List<String> model =
        List.of(
            "--source-root",
            SAMPLE.toString(),
            "--entry",
            ENTRY,
            "--input",
            "x=float32[1,3,32,32]");
    Out text = run(concat(List.of("inspect"), model));
    assertEquals(0, text.code(), text.err());
    List<String> headers = text.out().lines().filter(l -> l.startsWith("== ")).toList();
    assertEquals(
        List.of(
            "== after lowered ==",
            "== after fold-constants ==",
            "== after remove-unreachable-blocks ==",
            "== after merge-blocks ==",
            "== after eliminate-dead-params ==",
            "== after eliminate-dead-code ==",
            "== after reuse-dominating-values ==",
            "== after sink-into-successors ==",
            "== after hoist-into-dominators ==",
            "== after split-large-blocks ==",
            "== after split-at-uploads ==",
            "== partition: 3 subgraph(s), 2 dynamic condition(s), 0 loop(s) =="),
        headers);
    Path svg = dir.resolve("g.svg");
    Out pic = run(concat(List.of("inspect", "--format", "svg", "-o", svg.toString()), model));
    assertEquals(0, pic.code(), pic.err());
    String s = Files.readString(svg);
    assertTrue(s.contains("<svg"), s);
    assertEquals(2, s.split("fill=\"#ffe9a8\"", -1).length - 1, "two decisions drawn");
    assertEquals(3, s.split("class=\"cluster\"", -1).length - 1, "three subgraphs drawn");
    // The same program read back from a bundle's ir/ folder draws the same graph.
    Out dot = run(concat(List.of("inspect", "--format", "dot"), model));
    Path bundle = Files.createDirectories(dir.resolve("b.bundle/ir"));
    // The program after the last pass (what the compiler partitions and a bundle keeps).
    int last = text.out().lastIndexOf("== after ");
    String ir =
        text.out()
            .substring(text.out().indexOf('\n', last) + 1, text.out().indexOf("\n== partition"));
    Files.writeString(bundle.resolve("forward.ir"), ir);
    Out fromBundle = run("inspect", "--format", "dot", dir.resolve("b.bundle").toString());
    assertEquals(0, fromBundle.code(), fromBundle.err());
    assertEquals(dot.out(), fromBundle.out());
    // A manifest that lists the program under its inspection files: a changed one is refused.
    Files.writeString(
        dir.resolve("b.bundle/manifest.json"),
        "{\"inspection\": {\"ir/forward.ir\": \"" + "0".repeat(64) + "\"}}");
    Out modified = run("inspect", "--format", "dot", dir.resolve("b.bundle").toString());
    assertEquals(1, modified.code(), modified.out());
    assertTrue(modified.err().contains("ir/forward.ir does not match its SHA-256"), modified.err());
    // A bundle packed to ship has no ir/ folder: the error says where to look instead.
    Files.delete(bundle.resolve("forward.ir"));
    Files.delete(bundle);
    Out shipped = run("inspect", "--format", "dot", dir.resolve("b.bundle").toString());
    assertEquals(1, shipped.code(), shipped.out());
    assertTrue(shipped.err().contains("leaves its inspection files out"), shipped.err());
  }

  @Test
  void explainSaysWhyEachConditionAndLoopIsStaticOrDynamic() {
    Out r =
        run(
            "inspect",
            "--source-root",
            SAMPLE.toString(),
            "--entry",
            ENTRY,
            "--input",
            "x=float32[1,3,32,32]",
            "--explain");
    assertEquals(0, r.code(), r.err());
    assertEquals(
        String.join(
            "\n",
            "models/sdn.py:34:9: for is static: unrolled while compiling: 3 iterations, over a list"
                + " known at compile time",
            "    for i, block in enumerate(self.blocks):",
            "models/sdn.py:36:13: if is static: decided while compiling, True 2 times, False 1 time:"
                + " its condition reads only values known then (module attributes, shapes, Python"
                + " constants, loop counters)",
            "    if i < len(self.exits):",
            "models/sdn.py:39:17: if is dynamic: left for run time (2 times): its condition is a"
                + " Python value read from a tensor at run time (.item(), int(), float() or a"
                + " comparison of one)",
            "    if confidence.item() >= self.threshold:",
            "3 condition(s) and loop(s): 1 dynamic, 2 static",
            ""),
        r.out());
    Out bad = run("inspect", "--explain", "--format", "dot", "--spec", "x.yaml");
    assertEquals(2, bad.code());
    assertTrue(bad.err().startsWith("error[DN0400]: --explain works on a model"), bad.err());
  }

  private static String[] concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toArray(String[]::new);
  }
}
