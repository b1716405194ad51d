package dev.dynnc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.dynnc.runtime.Bundle;
import dev.dynnc.runtime.HostTensor;
import dev.dynnc.runtime.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The property test of the staging of control flow: random programs with nested data-dependent
 * {@code if}, loops, {@code break}/{@code continue} and early {@code return} ({@link
 * RandomPrograms}) are compiled with TVM by dynnc and run on random inputs, and every output must
 * equal PyTorch's run of the same source on the same inputs (floats within 1e-4, the step counter
 * exactly). Reference outputs come from PyTorch in this run ({@code random/reference.py}), which
 * keeps only inputs whose path does not change under a 1e-4 perturbation. Every other program is
 * compiled with {@code --java-host}, the rest as a default compile is (the host program in native
 * code wherever it can be).
 *
 * <p>{@code -Ddynnc.random.programs=N} (default 200) sets how many programs run and {@code
 * -Ddynnc.random.seed=S} the first seed; {@code -Ddynnc.random.features=STATIC_FOR,...} limits the
 * constructs. The programs, references and bundles of the last run stay under {@code
 * samples/target/random-programs} for a failure to be reproduced by hand.
 */
class RandomProgramsTest {
  static final Path WORK =
      EarlyExitCnnTest.SAMPLE.getParent().getParent().resolve("samples/target/random-programs");
  static final Path SCRIPT =
      EarlyExitCnnTest.SAMPLE
          .getParent()
          .getParent()
          .resolve("samples/src/test/resources/random/reference.py");

  static final EnumSet<RandomPrograms.Feature> FEATURES =
      EnumSet.allOf(RandomPrograms.Feature.class);

  /** The features of this run: all, or those named in {@code -Ddynnc.random.features=A,B}. */
  static EnumSet<RandomPrograms.Feature> features() {
    String only = System.getProperty("dynnc.random.features", "");
    if (only.isEmpty()) {
      return FEATURES;
    }
    EnumSet<RandomPrograms.Feature> f = EnumSet.noneOf(RandomPrograms.Feature.class);
    for (String name : only.split(",")) {
      f.add(RandomPrograms.Feature.valueOf(name.trim()));
    }
    return f;
  }

  @Test
  void compiledProgramsMatchPyTorch() throws Exception {
    int count = Integer.getInteger("dynnc.random.programs", 200);
    long seed = Long.getLong("dynnc.random.seed", 1);
    deleteTree(WORK);
    Path src = Files.createDirectories(WORK.resolve("src"));
    Path ref = WORK.resolve("ref");
    Path weights =
        EarlyExitCnnTest.parameterFreeModel(WORK, "unused", "unused", "# no parameters\n");
    for (int i = 0; i < count; i++) {
      Files.writeString(src.resolve(name(i) + ".py"), RandomPrograms.program(seed + i, features()));
    }
    EarlyExitCnnTest.python(
        WORK, SCRIPT.toString(), src.toString(), ref.toString(), "8", Long.toString(seed));
    JsonObject summary =
        JsonParser.parseString(Files.readString(ref.resolve("summary.json"))).getAsJsonObject();
    List<String> failures = new ArrayList<>();
    int compared = 0;
    int multiPath = 0;
    for (int i = 0; i < count; i++) {
      String name = name(i);
      JsonObject s = summary.getAsJsonObject(name);
      if (s.get("paths").getAsInt() > 1) {
        multiPath++;
      }
      try {
        // every other program with the Java host program; the rest as a default compile builds
        // them (the host program in native code)
        compared += check(name, src, ref, weights, i % 2 == 1);
      } catch (AssertionError e) {
        failures.add(name + " (seed " + (seed + i) + "): " + e.getMessage());
      }
    }
    assertEquals(
        List.of(),
        failures,
        failures.size() + " of " + count + " programs differ from PyTorch; see " + WORK);
    // The inputs must exercise the programs: most keep several inputs and take several paths.
    assertTrue(compared >= 3 * count, "only " + compared + " inputs compared");
    assertTrue(
        multiPath >= count / 2, "only " + multiPath + " of " + count + " programs took 2+ paths");
  }

  /** Compiles program {@code name} and compares it with PyTorch on every kept input. */
  private static int check(String name, Path src, Path ref, Path weights, boolean javaHost)
      throws Exception {
    Path bundle = WORK.resolve("bundles").resolve(name);
    List<String> args =
        new ArrayList<>(
            List.of(
                "compile",
                "--source-root",
                src.toString(),
                "--entry",
                name + ":Prog()",
                "--input",
                "x=float32[4]",
                "--input",
                "y=float32[4]",
                "--weights",
                weights.toString(),
                "--cache-dir",
                WORK.getParent().resolve("random-programs-cache").toString(),
                "-q",
                "-o",
                bundle.toString()));
    if (javaHost) {
      args.add("--java-host");
    }
    EarlyExitCnnTest.Cli c = EarlyExitCnnTest.cli(args.toArray(new String[0]));
    assertEquals(0, c.code(), "compile failed:\n" + c.err());
    List<Path> cases;
    Path dir = ref.resolve(name);
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      cases = s.sorted().toList();
    }
    try (Bundle b = Bundle.open(bundle)) {
      for (Path cs : cases) {
        Map<String, HostTensor> in = new LinkedHashMap<>();
        in.put("x", Npy.read(cs.resolve("in_x.npy")));
        in.put("y", Npy.read(cs.resolve("in_y.npy")));
        List<HostTensor> leaves = b.run(in).flattenLeaves();
        assertEquals(2, leaves.size(), cs.getFileName() + ": number of output leaves");
        for (int k = 0; k < 2; k++) {
          DifferentialTest.compare(
              Npy.read(cs.resolve("output_" + k + ".npy")),
              leaves.get(k),
              cs.getFileName() + " output_" + k);
        }
      }
    }
    return cases.size();
  }

  private static String name(int i) {
    return String.format(java.util.Locale.ROOT, "p%03d", i);
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void theGeneratorIsDeterministicAndUsesEveryConstruct() {
    assertEquals(RandomPrograms.program(7, FEATURES), RandomPrograms.program(7, FEATURES));
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      all.append(RandomPrograms.program(i, FEATURES));
    }
    for (String construct :
        List.of(
            "while n < ",
            "for _ in range(",
            "break",
            "continue",
            " if ",
            " else ",
            " and ",
            " or ",
            "not ",
            "return ",
            "n += 1")) {
      assertTrue(all.toString().contains(construct), construct);
    }
  }
}
