package dev.dynnc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.cli.Main;
import dev.dynnc.frontend.Frontend;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Parser;
import dev.dynnc.ir.Printer;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.Verifier;
import dev.dynnc.runtime.HostTensor;
import dev.dynnc.runtime.Npy;
import dev.dynnc.semantics.DType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on samples/early_exit_cnn: compile with real TVM through the CLI, run every input,
 * compare with PyTorch outputs computed in this test run, and check every exit is taken.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EarlyExitCnnTest {
  static final Path SAMPLE =
      Path.of(System.getProperty("dynnc.repo.root", ".."))
          .resolve("samples/early_exit_cnn")
          .toAbsolutePath();
  static final String ENTRY = "models.sdn:build_model(num_classes=10)";
  Path work;
  Path bundle;
  Path reference;

  record Cli(int code, String out, String err) {}

  static Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Cli(code, out.toString(), err.toString());
  }

  /**
   * Writes a parameter-free model, {@code source}, as {@code src/PKG/MODULE.py} under {@code work}
   * (with the package's {@code __init__.py}), and its checkpoint: an empty safetensors file, {@code
   * work/empty.safetensors}, which it returns.
   */
  static Path parameterFreeModel(Path work, String pkg, String module, String source)
      throws java.io.IOException {
    Files.createDirectories(work.resolve("src").resolve(pkg));
    Files.writeString(work.resolve("src").resolve(pkg).resolve("__init__.py"), "");
    Files.writeString(work.resolve("src").resolve(pkg).resolve(module + ".py"), source);
    byte[] header = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return Files.write(
        work.resolve("empty.safetensors"),
        java.nio.ByteBuffer.allocate(8 + header.length)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .putLong(header.length)
            .put(header)
            .array());
  }

  static void python(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "python timed out");
    assertEquals(
        0, p.exitValue(), "python " + args[0] + " failed (is python3-torch installed?):\n" + log);
  }

  /** Compiles the sample into {@code out} through the CLI, with {@code extra} options. */
  static Cli compileSample(Path out, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "compile",
                "--source-root",
                SAMPLE.toString(),
                "--entry",
                ENTRY,
                "--input",
                "x=float32[1,3,32,32]",
                "--weights",
                SAMPLE.resolve("checkpoint.pt").toString(),
                "-o",
                out.toString()));
    args.addAll(List.of(extra));
    return cli(args.toArray(String[]::new));
  }

  @BeforeAll
  void compileAndReference(@TempDir Path dir) throws Exception {
    work = dir;
    bundle = work.resolve("bundle");
    Cli c = compileSample(bundle);
    assertEquals(0, c.code(), c.err());
    reference = work.resolve("reference");
    python(
        SAMPLE,
        "reference.py",
        "--checkpoint",
        "checkpoint.pt",
        "--inputs-dir",
        "inputs",
        "--out-dir",
        reference.toString());
  }

  static List<Path> inputs(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".npy")).sorted().toList();
    }
  }

  @Test
  void everyInputMatchesPyTorchAndEveryExitIsTaken() throws Exception {
    Set<Long> exits = new TreeSet<>();
    List<Path> inputs = inputs(SAMPLE.resolve("inputs"));
    assertTrue(inputs.size() >= 3);
    for (Path in : inputs) {
      exits.add(runAndCompare(in, reference));
    }
    assertEquals(
        Set.of(0L, 1L, 2L), exits, "some exit of the model is never taken by the test inputs");
  }

  /**
   * NaN and infinite pixels: PyTorch's max pooling, max and softmax carry the NaN to a NaN
   * confidence, which fails {@code >= threshold} at every exit, so the last exit returns NaN
   * logits; an infinite pixel alone gives its own mix of NaN and infinities. dynnc must agree on
   * values, the NaN pattern and the exit taken.
   */
  @Test
  void nanAndInfinitePixelsTakeTheExitPyTorchTakes() throws Exception {
    Path dir = work.resolve("special-inputs");
    Files.createDirectories(dir);
    Path ref = work.resolve("special-reference");
    // x0 exits early when finite; x3 at the second exit.
    python(
        SAMPLE,
        "-c",
        "import numpy as np, sys\n"
            + "d = sys.argv[1]\n"
            + "for name, src, changes in [('nan_inf', 'x0', [((0, 0, 5, 7), np.nan), ((0, 1, 20, 11), np.inf)]),\n"
            + "                           ('inf', 'x0', [((0, 2, 30, 1), np.inf)]),\n"
            + "                           ('neg_inf', 'x3', [((0, 0, 16, 16), -np.inf)])]:\n"
            + "    x = np.load('inputs/%s.npy' % src)\n"
            + "    for at, v in changes:\n"
            + "        x[at] = v\n"
            + "    np.save('%s/%s.npy' % (d, name), x)\n",
        dir.toString());
    python(
        SAMPLE,
        "reference.py",
        "--checkpoint",
        "checkpoint.pt",
        "--inputs-dir",
        dir.toString(),
        "--out-dir",
        ref.toString());
    List<Path> inputs = inputs(dir);
    assertEquals(3, inputs.size());
    for (Path in : inputs) {
      runAndCompare(in, ref);
    }
    HostTensor nanLogits = Npy.read(work.resolve("out-nan_inf").resolve("output_0.npy"));
    for (long i = 0; i < nanLogits.numel(); i++) {
      assertTrue(
          Double.isNaN(nanLogits.getDouble(i)),
          "logit " + i + " of the NaN input is " + nanLogits.getDouble(i));
    }
    assertEquals(
        2L, (long) Npy.read(work.resolve("out-nan_inf").resolve("output_1.npy")).getDouble(0));
  }

  /**
   * Runs the bundle on one input through the CLI, compares with PyTorch's outputs under ref,
   * returns the exit.
   */
  long runAndCompare(Path in, Path ref) throws Exception {
    String stem = in.getFileName().toString().replace(".npy", "");
    Path out = work.resolve("out-" + stem);
    Cli c = cli("run", bundle.toString(), "--input", "x=" + in, "--output-dir", out.toString());
    assertEquals(0, c.code(), c.err());
    DifferentialTest.compare(
        Npy.read(ref.resolve(stem).resolve("output_0.npy")),
        Npy.read(out.resolve("output_0.npy")),
        stem + " logits",
        1e-4,
        0);
    long exit = (long) Npy.read(out.resolve("output_1.npy")).getDouble(0);
    long refExit = (long) Npy.read(ref.resolve(stem).resolve("output_1.npy")).getDouble(0);
    assertEquals(refExit, exit, stem + " took another exit than PyTorch");
    assertTrue(Files.readString(out.resolve("outputs.json")).contains("\"type\":\"tuple\""));
    return exit;
  }

  /**
   * One run command over every input: a repeated name starts the next input set, set k's outputs go
   * to OUTPUT_DIR/k, and each matches PyTorch as a run of that input alone does.
   */
  @Test
  void runTakesSeveralInputSetsInOneProcess() throws Exception {
    List<Path> inputs = inputs(SAMPLE.resolve("inputs"));
    List<String> args = new ArrayList<>(List.of("run", bundle.toString()));
    for (Path in : inputs) {
      args.addAll(List.of("--input", "x=" + in));
    }
    Path out = work.resolve("out-sets");
    args.addAll(List.of("--output-dir", out.toString()));
    Cli c = cli(args.toArray(String[]::new));
    assertEquals(0, c.code(), c.err());
    Set<Long> exits = new TreeSet<>();
    for (int k = 0; k < inputs.size(); k++) {
      String stem = inputs.get(k).getFileName().toString().replace(".npy", "");
      Path set = out.resolve(Integer.toString(k));
      DifferentialTest.compare(
          Npy.read(reference.resolve(stem).resolve("output_0.npy")),
          Npy.read(set.resolve("output_0.npy")),
          "set " + k + " (" + stem + ") logits",
          1e-4,
          0);
      long exit = (long) Npy.read(set.resolve("output_1.npy")).getDouble(0);
      assertEquals(
          (long) Npy.read(reference.resolve(stem).resolve("output_1.npy")).getDouble(0), exit);
      exits.add(exit);
      assertTrue(Files.exists(set.resolve("outputs.json")));
      assertTrue(c.out().contains("[" + k + "] " + stem + ".npy output_0: float32[1,10]"), c.out());
    }
    assertEquals(Set.of(0L, 1L, 2L), exits);
    assertFalse(Files.exists(out.resolve("output_0.npy")), "several sets write only to folders");
    assertTrue(c.out().contains("wrote the outputs of " + inputs.size() + " input sets"), c.out());

    // A set that fails (the wrong shape) fails the command before anything is written.
    Path bad = work.resolve("bad-shape.npy");
    python(
        SAMPLE, "-c", "import numpy as np; np.save(r'" + bad + "', np.zeros((1, 3, 8, 8), 'f4'))");
    Path out2 = work.resolve("out-sets-bad");
    Cli failed =
        cli(
            "run",
            bundle.toString(),
            "--input",
            "x=" + inputs.get(0),
            "--input",
            "x=" + bad,
            "--output-dir",
            out2.toString());
    assertEquals(1, failed.code(), failed.out());
    assertTrue(failed.err().startsWith("error[DN0402]: "), failed.err());
    assertFalse(Files.exists(out2), "no outputs of the sets before the failing one");
  }

  /**
   * A bundle compiled for cuda, opened where TVM's GPU build is absent (CI's class path), is
   * refused as a missing device (DN0409) before any library of it is loaded, not as a bad bundle.
   */
  @Test
  void aCudaBundleWithoutTheGpuRuntimeIsADeviceError() throws Exception {
    // A CPU run first, so that this JVM holds TVM's CPU build whatever the test order.
    runAndCompare(inputs(SAMPLE.resolve("inputs")).get(0), reference);
    Path cuda = work.resolve("as-cuda");
    copyTree(bundle, cuda);
    Path manifest = cuda.resolve("manifest.json");
    String m = Files.readString(manifest);
    assertTrue(m.contains("\"device\": \"cpu\""), m);
    Files.writeString(
        manifest,
        m.replace("\"device\": \"cpu\"", "\"device\": \"cuda\"")
            .replace("\"target\": \"llvm\"", "\"target\": \"cuda -arch=sm_90\""));
    Cli c =
        cli(
            "run",
            cuda.toString(),
            "--input",
            "x=" + inputs(SAMPLE.resolve("inputs")).get(0),
            "--output-dir",
            work.resolve("out-cuda").toString());
    assertEquals(1, c.code(), c.out());
    // Which the message names: this JVM holds TVM's CPU build, from the CPU run above.
    assertEquals(
        "error[DN0409]: "
            + cuda
            + ": the bundle was compiled for cuda, but the TVM runtime has no cuda: this JVM loaded"
            + " TVM's CPU build before this bundle; start it with"
            + " -Dorg.bytedeco.javacpp.platform.extension=-gpu\n",
        c.err());
    assertFalse(Files.exists(work.resolve("out-cuda")));
  }

  /**
   * A bundle compiled for another CPU than this machine's ({@code llvm -mcpu=x86-64-v3}: any CPU
   * with AVX2 and FMA) records that CPU and its instruction set in the manifest, holds no AVX-512
   * instruction, and matches PyTorch here. By default the kernels are built for this machine's CPU
   * (on this workstation, with AVX-512) and would stop the JVM with SIGILL on an older server.
   */
  @Test
  void aBundleForAnotherCpuRunsHereAndMatchesPyTorch() throws Exception {
    Path portable = work.resolve("x86-64-v3");
    Cli c = compileSample(portable, "--target", "llvm -mcpu=x86-64-v3");
    assertEquals(0, c.code(), c.err());
    com.google.gson.JsonObject m =
        com.google.gson.JsonParser.parseString(Files.readString(portable.resolve("manifest.json")))
            .getAsJsonObject();
    assertEquals("llvm -mcpu=x86-64-v3", m.get("target").getAsString());
    com.google.gson.JsonObject cpu = m.getAsJsonObject("cpu");
    assertEquals("x86-64-v3", cpu.get("name").getAsString());
    List<String> features = new ArrayList<>();
    cpu.getAsJsonArray("features").forEach(f -> features.add(f.getAsString()));
    assertTrue(features.containsAll(List.of("avx", "avx2", "fma", "sse4.2")), features.toString());
    assertTrue(features.stream().noneMatch(f -> f.startsWith("avx512")), features.toString());
    try (Stream<Path> libs = Files.list(portable.resolve("lib"))) {
      for (Path lib : libs.toList()) {
        Process p = new ProcessBuilder("objdump", "-d", lib.toString()).start();
        String asm = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor());
        assertTrue(asm.contains("ymm"), lib + " is not vectorized with AVX2");
        assertFalse(asm.contains("zmm"), lib + " holds AVX-512 instructions");
      }
    }
    // The default bundle's manifest names the CPU its libraries were built for.
    String defaultCpu =
        com.google.gson.JsonParser.parseString(Files.readString(bundle.resolve("manifest.json")))
            .getAsJsonObject()
            .getAsJsonObject("cpu")
            .get("name")
            .getAsString();
    assertTrue(
        Files.readString(bundle.resolve("relay/native.relay"))
            .startsWith("// target: llvm -mcpu=" + defaultCpu + "\n"),
        defaultCpu);
    Path saved = bundle;
    bundle = portable;
    try {
      for (Path in : inputs(SAMPLE.resolve("inputs"))) {
        runAndCompare(in, reference);
      }
    } finally {
      bundle = saved;
    }
  }

  /**
   * A bundle whose kernels use a vector extension this CPU lacks is refused when opened, as a
   * device that is not available (DN0409), instead of stopping the JVM with an illegal instruction
   * in its first run.
   */
  @Test
  void aBundleNeedingInstructionsThisCpuLacksIsRefused() throws Exception {
    Set<String> flags = new java.util.HashSet<>();
    for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("flags")) {
        flags.addAll(List.of(line.substring(line.indexOf(':') + 1).strip().split("\\s+")));
        break;
      }
    }
    // LLVM's name and Linux's: no x86 CPU has both AMD's XOP (Bulldozer) and Intel's AMX.
    String[][] candidates = {{"amx-tile", "amx_tile"}, {"xop", "xop"}, {"fma4", "fma4"}};
    String lacking = null;
    for (String[] cand : candidates) {
      if (!flags.contains(cand[1])) {
        lacking = cand[0];
        break;
      }
    }
    assertTrue(lacking != null, "this CPU has AMX and XOP: " + flags);
    Path other = work.resolve("other-cpu");
    copyTree(bundle, other);
    Path manifest = other.resolve("manifest.json");
    String m = Files.readString(manifest);
    assertTrue(m.contains("\"features\": [\n"), m);
    Files.writeString(
        manifest, m.replace("\"features\": [\n", "\"features\": [\n\"" + lacking + "\",\n"));
    Cli c =
        cli(
            "run",
            other.toString(),
            "--input",
            "x=" + inputs(SAMPLE.resolve("inputs")).get(0),
            "--output-dir",
            work.resolve("out-other-cpu").toString());
    assertEquals(1, c.code(), c.out());
    assertTrue(
        c.err().startsWith("error[DN0409]: " + other + ": its kernels were compiled for the CPU '"),
        c.err());
    assertTrue(c.err().contains("' and use " + lacking + ", which this CPU lacks"), c.err());
    assertFalse(Files.exists(work.resolve("out-other-cpu")));
  }

  static void copyTree(Path from, Path to) throws java.io.IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  @Test
  void irRoundTripsThroughTextAndVerifies() throws Exception {
    LinkedHashMap<String, Type.TensorType> in = new LinkedHashMap<>();
    in.put("x", Type.TensorType.of(DType.F32, 1, 3, 32, 32));
    Frontend.Result r = Frontend.lower(SAMPLE, ENTRY, "forward", in, Optional.empty());
    assertTrue(r.ok(), r.diagnostics().render(r.sources()));
    Function f = r.function().get();
    Verifier.verifyOrThrow(f);
    assertEquals(f, Parser.parse(Printer.print(f)));
    // Three exits: three returns, two data-dependent branches.
    assertEquals(
        3,
        f.blocks().stream()
            .filter(b -> b.terminator() instanceof dev.dynnc.ir.Terminator.Return)
            .count());
  }

  // ------------------------------------------------------------------------------------------
  // Bad input: located, readable errors, exit code 1, no partial bundle.

  Path copyOfSample(String sdnReplaceFrom, String sdnReplaceTo) throws Exception {
    Path dir = Files.createTempDirectory(work, "model");
    Files.createDirectories(dir.resolve("models"));
    for (String f : List.of("__init__.py", "blocks.py", "sdn.py")) {
      String text = Files.readString(SAMPLE.resolve("models").resolve(f));
      if (f.equals("sdn.py")) {
        assertTrue(text.contains(sdnReplaceFrom));
        text = text.replace(sdnReplaceFrom, sdnReplaceTo);
      }
      Files.writeString(dir.resolve("models").resolve(f), text);
    }
    return dir;
  }

  Cli compileFrom(Path root, Path weights, Path out) {
    return cli(
        "compile",
        "--source-root",
        root.toString(),
        "--entry",
        ENTRY,
        "--input",
        "x=float32[1,3,32,32]",
        "--weights",
        weights.toString(),
        "-o",
        out.toString());
  }

  @Test
  void syntaxErrorIsLocated() throws Exception {
    Path root = copyOfSample("if i < len(self.exits):", "if i < len(self.exits)");
    Path out = work.resolve("syntax-bundle");
    Cli c = compileFrom(root, SAMPLE.resolve("checkpoint.pt"), out);
    assertEquals(1, c.code());
    assertEquals(
        """
        error[DN0001]: models/sdn.py:36:35: invalid syntax: unexpected end of line
           |
        36 |             if i < len(self.exits)
           |                                   ^
           = hint: a compound statement header ends with ':'
        compilation failed; no bundle was written
        """,
        c.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void unsupportedConstructIsLocated() throws Exception {
    Path root = copyOfSample("x = block(x)", "x = torch.cummax(block(x), 1)");
    Path out = work.resolve("unsupported-bundle");
    Cli c = compileFrom(root, SAMPLE.resolve("checkpoint.pt"), out);
    assertEquals(1, c.code());
    assertEquals(
        """
        error[DN0105]: models/sdn.py:35:23: torch.cummax is not supported by dynnc yet
           |
        35 |             x = torch.cummax(block(x), 1)
           |                       ^
           = hint: docs/supported-api.md lists the supported functions, methods and layers
        compilation failed; no bundle was written
        """,
        c.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void checkpointWithMissingAndMisshapedKeysIsRejected() throws Exception {
    Path bad = work.resolve("bad.pt");
    python(
        SAMPLE,
        "-c",
        "import torch; sd = torch.load('checkpoint.pt'); del sd['final.2.bias']; "
            + "sd['exits.0.fc.weight'] = torch.zeros(10, 17); torch.save(sd, '"
            + bad
            + "')");
    Path out = work.resolve("ckpt-bundle");
    Cli c = compileFrom(SAMPLE, bad, out);
    assertEquals(1, c.code());
    assertEquals(
        """
        error[DN0302]: models/blocks.py:30:22: checkpoint %1$s entry 'exits.0.fc.weight' has shape [10, 17] but the model creates [10, 16] here
           |
        30 |         self.fc = nn.Linear(channels, num_classes)
           |                      ^
           = hint: the checkpoint was saved from a model built with other arguments
        error[DN0301]: models/sdn.py:30:16: checkpoint %1$s has no entry 'final.2.bias' for the f32[10] created here
           |
        30 |             nn.Linear(widths[-1] * side * side, num_classes),
           |                ^
           = hint: save the weights with torch.save(model.state_dict(), path) from this model
        compilation failed; no bundle was written
        """
            .formatted(bad),
        c.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void runInputOfWrongShapeIsRejected() throws Exception {
    Path npy = work.resolve("small.npy");
    Npy.write(npy, HostTensor.ofFloats(new long[] {1, 3, 28, 28}, new float[3 * 28 * 28]));
    Path out = work.resolve("wrong-shape-out");
    Cli c = cli("run", bundle.toString(), "--input", "x=" + npy, "--output-dir", out.toString());
    assertEquals(1, c.code());
    assertEquals(
        "error[DN0402]: input 'x': expected float32[1,3,32,32], got float32[1,3,28,28]\n", c.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void failedCompileLeavesAnExistingBundleUntouched() throws Exception {
    Path out = work.resolve("kept-bundle");
    assertEquals(0, compileFrom(SAMPLE, SAMPLE.resolve("checkpoint.pt"), out).code());
    String manifest = Files.readString(out.resolve("manifest.json"));
    Path root = copyOfSample("x = block(x)", "x = block(x) +");
    Cli c = compileFrom(root, SAMPLE.resolve("checkpoint.pt"), out);
    assertEquals(1, c.code());
    assertEquals(manifest, Files.readString(out.resolve("manifest.json")));
    try (Stream<Path> s = Files.list(work)) {
      assertEquals(
          List.of(),
          s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-")).toList(),
          "temporary bundle directories left behind");
    }
  }

  @Test
  void tamperedBundleIsRefused() throws Exception {
    Path copy = work.resolve("tampered");
    try (Stream<Path> s = Files.walk(bundle)) {
      for (Path p : s.toList()) {
        Path t = copy.resolve(bundle.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    Path lib = copy.resolve("lib/native.so");
    byte[] bytes = Files.readAllBytes(lib);
    bytes[bytes.length / 2] ^= 1;
    Files.write(lib, bytes);
    Cli c =
        cli(
            "run",
            copy.toString(),
            "--input",
            "x=" + SAMPLE.resolve("inputs/x0.npy"),
            "--output-dir",
            work.resolve("tampered-out").toString());
    assertEquals(1, c.code());
    assertTrue(
        c.err()
            .startsWith(
                "error[DN0403]: bad bundle " + copy + ": file lib/native.so: SHA-256 mismatch"),
        c.err());
    assertFalse(Files.exists(work.resolve("tampered-out")));
  }

  @Test
  void unreadableInputFileIsRejected() throws Exception {
    Path bad = work.resolve("not-an-array.npy");
    Files.writeString(bad, "hello");
    Cli c =
        cli(
            "run",
            bundle.toString(),
            "--input",
            "x=" + bad,
            "--output-dir",
            work.resolve("bad-in-out").toString());
    assertEquals(1, c.code());
    assertTrue(c.err().startsWith("error[DN0401]: "), c.err());
    assertTrue(c.err().contains(bad.toString()), c.err());
    Cli usage =
        cli(
            "run",
            bundle.toString(),
            "--input",
            "x",
            "--output-dir",
            work.resolve("bad-in-out").toString());
    assertEquals(2, usage.code());
    assertEquals("error[DN0400]: --input 'x' must look like NAME=FILE.npy\n", usage.err());
    assertFalse(Files.exists(work.resolve("bad-in-out")));
  }
}
