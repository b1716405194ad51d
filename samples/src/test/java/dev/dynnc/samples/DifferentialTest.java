package dev.dynnc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.runtime.Bundle;
import dev.dynnc.runtime.HostTensor;
import dev.dynnc.runtime.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Differential tests: every model in {@code src/test/resources/diff/*.py} (header: {@code #
 * entry:}, {@code # input:}, {@code # inputs:} scales, {@code # special:} inputs with NaN and
 * infinities at chosen positions) is given random weights and inputs by PyTorch (make_case.py, in
 * this run), compiled with TVM by dynnc, run on every input, and every output leaf is compared with
 * PyTorch's; together the inputs must run every compiled subgraph (drive every branch). NaN must
 * meet NaN and an infinity the same infinity. Where PyTorch raises on an input (allowed only with a
 * {@code # raises: TEXT | TEXT ...} header), the compiled model must raise too, with one TEXT in
 * its message. Adding a model is adding a file.
 *
 * <p>Every model is compiled twice: as a user's compile is (the host program in native code
 * wherever it can be, rule NATIVE-HOST), where it must be native unless {@link #JAVA_HOST} names it
 * with the reason the compile gives; and with {@code --java-host}, the Java host program with one
 * library per subgraph, whose inputs must run every subgraph.
 */
class DifferentialTest {
  static final Path DIR =
      EarlyExitCnnTest.SAMPLE.getParent().getParent().resolve("samples/src/test/resources/diff");

  @TestFactory
  Stream<DynamicTest> models() throws Exception {
    List<Path> models;
    try (Stream<Path> s = Files.list(DIR)) {
      models =
          s.filter(
                  p ->
                      p.toString().endsWith(".py")
                          && !p.getFileName().toString().equals("make_case.py"))
              .sorted()
              .toList();
    }
    assertTrue(models.size() >= 4);
    // -Ddynnc.diff.only=PREFIX[,PREFIX...] runs only the models whose file name starts with one.
    List<String> only = List.of(System.getProperty("dynnc.diff.only", "").split(",", -1));
    models =
        models.stream()
            .filter(m -> only.stream().anyMatch(m.getFileName().toString()::startsWith))
            .toList();
    // -Ddynnc.diff.args="--java-host" compiles every model once, with these flags added (a
    // sweep); by default, every model is compiled as a user's compile is and with --java-host.
    if (!System.getProperty("dynnc.diff.args", "").isBlank()) {
      String[] extra = System.getProperty("dynnc.diff.args").trim().split("\\s+");
      return models.stream()
          .map(m -> DynamicTest.dynamicTest(m.getFileName().toString(), () -> check(m, extra)));
    }
    // -Ddynnc.diff.default-only=true: only the compile a user's is (half the time).
    if (Boolean.getBoolean("dynnc.diff.default-only")) {
      return models.stream()
          .map(m -> DynamicTest.dynamicTest(m.getFileName().toString(), () -> check(m)));
    }
    return models.stream()
        .flatMap(
            m ->
                Stream.of(
                    DynamicTest.dynamicTest(m.getFileName().toString(), () -> check(m)),
                    DynamicTest.dynamicTest(
                        m.getFileName() + " --java-host", () -> check(m, "--java-host"))));
  }

  /**
   * The models whose host programs stay in Java in a default compile, with what the compile says
   * about why (its {@code -v} note). Every other model's host program must be native.
   */
  static final java.util.Map<String, String> JAVA_HOST =
      java.util.Map.of(
          "py_scalars.py", "host op 'round' at ",
          "many_exits.py", "more than a native host program takes",
          "host_chain.py", "more than a native host program takes");

  static final String JAVA_HOST_NOTE = "dynnc: note: the host program is in Java: ";

  static void check(Path model, String... extraArgs) throws Exception {
    Path work = Files.createTempDirectory("dynnc-diff");
    try {
      check(model, work, extraArgs);
    } finally {
      try (Stream<Path> s = Files.walk(work)) {
        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /**
   * Compiles {@code model} into {@code work/bundle} with {@code extraArgs} added to the compile
   * command, checks it against PyTorch as described above, and returns the compile's output. The
   * PyTorch case is made once per work directory, so a second check recompiles only.
   */
  static EarlyExitCnnTest.Cli check(Path model, Path work, String... extraArgs) throws Exception {
    Path src = work.resolve("src");
    Path ref = work.resolve("ref");
    if (!Files.isDirectory(ref)) {
      Files.createDirectories(src);
      Files.copy(model, src.resolve("case_model.py"));
      EarlyExitCnnTest.python(DIR, "make_case.py", model.toString(), ref.toString());
    }
    String entry = null;
    String method = "forward";
    String raises = null;
    List<String> specs = new ArrayList<>();
    for (String line : Files.readAllLines(model)) {
      if (line.startsWith("# raises:")) {
        raises = line.substring(9).trim();
      } else if (line.startsWith("# method:")) {
        method = line.substring(9).trim();
      } else if (line.startsWith("# entry:")) {
        entry = line.substring(8).trim();
      } else if (line.startsWith("# input:")) {
        specs.add(line.substring(8).trim());
      }
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                "compile",
                "--source-root",
                src.toString(),
                "--entry",
                "case_model:" + entry,
                "--method",
                method,
                "--weights",
                ref.resolve("weights.pt").toString(),
                "-o",
                work.resolve("bundle").toString()));
    for (String s : specs) {
      args.add("--input");
      args.add(s);
    }
    args.addAll(List.of(extraArgs));
    boolean byDefault = extraArgs.length == 0;
    if (byDefault) {
      args.add("-v"); // for the note that says why a host program stays in Java
    }
    EarlyExitCnnTest.Cli c = EarlyExitCnnTest.cli(args.toArray(new String[0]));
    assertEquals(0, c.code(), c.err());
    String name = model.getFileName().toString();
    boolean nativeBundle =
        dev.dynnc.runtime.Manifest.read(work.resolve("bundle")).subgraphs().stream()
            .map(dev.dynnc.runtime.Manifest.SubgraphSpec::name)
            .toList()
            .equals(List.of("native"));
    if (byDefault) {
      String why =
          c.err()
              .lines()
              .filter(l -> l.startsWith(JAVA_HOST_NOTE))
              .map(l -> l.substring(JAVA_HOST_NOTE.length()))
              .findFirst()
              .orElse("");
      assertEquals(
          !JAVA_HOST.containsKey(name),
          nativeBundle,
          name + ": native host program expected " + !JAVA_HOST.containsKey(name) + "; " + why);
      assertTrue(
          nativeBundle || why.contains(JAVA_HOST.get(name)),
          name + ": stays in Java because '" + why + "', not " + JAVA_HOST.get(name));
      assertFalse(c.err().contains("warning"), name + ": " + c.err());
    }
    if (List.of(extraArgs).contains("--java-host")) {
      assertFalse(nativeBundle, name + ": --java-host built a native host program");
    }
    if (List.of(extraArgs).contains("--native-host")) {
      // For a sweep: which models' host programs ran natively, and why the others did not.
      System.out.println(
          "native-host "
              + name
              + ": "
              + c.err()
                  .lines()
                  .filter(l -> l.contains("--native-host:"))
                  .findFirst()
                  .orElse("native"));
    }
    List<Path> cases;
    try (Stream<Path> s = Files.list(ref)) {
      cases = s.filter(Files::isDirectory).sorted().toList();
    }
    // Run through the runtime API (the CLI path is covered by EarlyExitCnnTest) to see which
    // subgraphs each input ran: together the inputs must run every compiled subgraph.
    java.util.Set<Integer> ran = new java.util.TreeSet<>();
    int subgraphs;
    try (Bundle b = Bundle.open(work.resolve("bundle"))) {
      subgraphs = b.subgraphs().size();
      for (Path cs : cases) {
        java.util.Map<String, HostTensor> in = new java.util.LinkedHashMap<>();
        for (String s : specs) {
          String input = s.substring(0, s.indexOf('='));
          in.put(input, Npy.read(cs.resolve("in_" + input + ".npy")));
        }
        Path torchRaised = cs.resolve("raises.txt");
        if (Files.exists(torchRaised)) {
          String what =
              model.getFileName() + " " + cs.getFileName() + ": " + Files.readString(torchRaised);
          dev.dynnc.runtime.HostProgramException e =
              org.junit.jupiter.api.Assertions.assertThrows(
                  dev.dynnc.runtime.HostProgramException.class, () -> b.run(in), what);
          String said = e.getMessage();
          assertTrue(
              java.util.Arrays.stream(raises.split(" \\| ")).anyMatch(said::contains),
              what + " but dynnc said " + said);
          ran.addAll(b.lastTrace());
          continue;
        }
        List<HostTensor> leaves = b.run(in).flattenLeaves();
        ran.addAll(b.lastTrace());
        long expected;
        try (Stream<Path> s = Files.list(cs)) {
          expected = s.filter(p -> p.getFileName().toString().startsWith("output_")).count();
        }
        assertEquals(
            expected,
            leaves.size(),
            model.getFileName() + " " + cs.getFileName() + ": number of output leaves");
        for (int k = 0; k < expected; k++) {
          compare(
              Npy.read(cs.resolve("output_" + k + ".npy")),
              leaves.get(k),
              model.getFileName() + " " + cs.getFileName() + " output_" + k);
        }
      }
    }
    // The checks of the Java host program's shape below do not apply to a native host program.
    boolean javaHost = !nativeBundle;
    if (javaHost && model.getFileName().toString().equals("long_unroll.py")) {
      // About 2,000 device ops in one straight line are cut into pieces of at most 256
      // (SplitLargeBlocks); one subgraph of them crashed TVM's compile worker. Each piece slices
      // its own time steps out of a window of x, so the pieces are alike and compile once:
      // without the windows each piece was a subgraph of its own (17).
      java.util.regex.Matcher call =
          java.util.regex.Pattern.compile("ctx\\.call\\(").matcher(hostSource(work));
      int calls = 0;
      while (call.find()) {
        calls++;
      }
      assertTrue(calls >= 8, "long_unroll.py has " + calls + " subgraph call sites");
      assertTrue(subgraphs <= 7, "long_unroll.py compiled into " + subgraphs + " subgraphs");
    }
    if (model.getFileName().toString().equals("attention_decoder.py")) {
      // Each step projects the annotations [1,16,32] with the same weights; only the step before
      // the loop computes it, and the loop body reads its result (ReuseDominatingValues).
      String ir = Files.readString(work.resolve("bundle/ir/forward.ir"));
      java.util.regex.Matcher projection =
          java.util.regex.Pattern.compile("= linear\\(%0, [^)]*\\) : f32\\[1,16,24\\]").matcher(ir);
      int projections = 0;
      while (projection.find()) {
        projections++;
      }
      assertEquals(1, projections, "projections of the annotations in\n" + ir);
    }
    if (model.getFileName().toString().equals("many_exits.py")) {
      // About 1,000 blocks: the host class is split into methods (SplitShape); in one method it
      // was "code too large" for the JVM.
      assertTrue(hostSource(work).contains("private static boolean part0("), "not split");
    }
    if (model.getFileName().toString().equals("host_chain.py")) {
      // One block of 6,000 host ops: its statements are moved into methods of their own.
      assertTrue(hostSource(work).contains("private static void block0s1("), "not split");
    }
    if (model.getFileName().toString().equals("shared_head.py")) {
      // The head's weight is stored once and bound to both subgraphs that use it; its bias
      // (4 KiB) is compiled into both. (A native library's folded constants, keyed
      // "(folded constant N)", are stored there too.)
      dev.dynnc.runtime.Manifest m = dev.dynnc.runtime.Manifest.read(work.resolve("bundle"));
      assertEquals(
          List.of("head.weight"),
          m.sharedWeights().tensors().stream()
              .map(dev.dynnc.runtime.Manifest.WeightSpec::key)
              .filter(k -> !k.startsWith("(folded constant "))
              .toList());
      // The native host program's library takes it once, as an input of its own.
      assertEquals(
          nativeBundle ? 1 : 2,
          m.subgraphs().stream()
              .filter(
                  sg ->
                      sg.weightInputsOrEmpty().stream()
                          .anyMatch(w -> w.key().equals("head.weight")))
              .count());
    }
    assertEquals(
        subgraphs,
        ran.size(),
        model.getFileName()
            + ": the inputs leave compiled subgraphs unexercised; ran "
            + ran
            + " of "
            + subgraphs
            + " (add scales to '# inputs:')");
    return c;
  }

  /** The generated host class of the bundle compiled in {@code work}. */
  static String hostSource(Path work) throws java.io.IOException {
    return Files.readString(
        work.resolve("bundle/host/src/dynnc/generated/Host.java"),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  static void compare(HostTensor want, HostTensor got, String what) {
    compare(want, got, what, 1e-4, 1e-4);
  }

  /**
   * Floats within atol + rtol·|want| (NaN and infinities exactly, see close), other dtypes exactly.
   */
  static void compare(HostTensor want, HostTensor got, String what, double atol, double rtol) {
    assertEquals(
        HostTensor.describe(want.dtype(), want.shape()),
        HostTensor.describe(got.dtype(), got.shape()),
        what);
    boolean exact = !want.dtype().startsWith("float");
    for (long i = 0; i < want.numel(); i++) {
      double w = want.getDouble(i);
      double g = got.getDouble(i);
      assertTrue(
          close(w, g, exact ? 0 : atol + rtol * Math.abs(w)),
          what + "[" + i + "]: PyTorch " + w + ", dynnc " + g);
    }
  }

  /** Within tol, except that NaN must meet NaN and an infinity the same infinity. */
  static boolean close(double want, double got, double tol) {
    if (Double.isNaN(want) || Double.isNaN(got)) {
      return Double.isNaN(want) && Double.isNaN(got);
    }
    if (Double.isInfinite(want) || Double.isInfinite(got)) {
      return want == got;
    }
    return Math.abs(want - got) <= tol;
  }

  @Test
  void comparisonRequiresTheNanAndInfinityPattern() {
    assertTrue(close(Double.NaN, Double.NaN, 1e-4));
    assertTrue(close(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, 0));
    assertTrue(close(1.0, 1.00005, 1e-4));
    assertFalse(close(Double.NaN, 1.0, 1e-4));
    assertFalse(close(1.0, Double.NaN, 1e-4));
    assertFalse(close(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-4));
    assertFalse(close(Double.POSITIVE_INFINITY, Double.MAX_VALUE, 1e-4));
    assertFalse(close(3.0e38, Double.POSITIVE_INFINITY, 1e30));
  }
}
