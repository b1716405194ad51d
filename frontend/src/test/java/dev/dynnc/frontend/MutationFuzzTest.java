package dev.dynnc.frontend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.diag.Diagnostic;
import dev.dynnc.testing.GoldenFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Robustness: golden and differential models with random small edits (lines dropped, duplicated or
 * swapped, characters deleted or inserted, names and numbers replaced) never make {@link
 * Frontend#lower} throw, and every diagnostic it reports has a source location.
 *
 * <p>Deterministic (fixed seed). {@code -Dfuzz.count=N} and {@code -Dfuzz.seed=S} run longer or
 * other campaigns; a failure prints the mutated source to reproduce it.
 */
class MutationFuzzTest {
  private static final Path DIFF = Path.of("../samples/src/test/resources/diff");

  private static final Pattern TOKEN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*|\\d+(\\.\\d+)?");

  @Test
  void mutatedModelsNeverCrashTheFrontend() throws IOException {
    int count = Integer.getInteger("fuzz.count", 400);
    Random rnd = new Random(Long.getLong("fuzz.seed", 20240601L));
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(LoweringGoldenTest.DIR)) {
      // The error_eval_ files run the compile-time budgets to exhaustion (seconds each): mutating
      // them tests the budgets again, not the parser or evaluator, and would triple this test's
      // time.
      s.filter(
              p ->
                  p.toString().endsWith(".py")
                      && !p.getFileName().toString().startsWith("error_eval_"))
          .sorted()
          .forEach(files::add);
    }
    // The differential models too: larger, in research code's style, and each compiled against
    // PyTorch, so their mutants reach deeper into the evaluator (they found a library layer as the
    // entry and a Sequential called without its input, both internal errors).
    try (Stream<Path> s = Files.list(DIFF)) {
      s.filter(
              p ->
                  p.toString().endsWith(".py")
                      && !p.getFileName().toString().equals("make_case.py"))
          .sorted()
          .forEach(files::add);
    }
    Path root = Files.createTempDirectory("dynnc-fuzz");
    try {
      for (int k = 0; k < count; k++) {
        Path file = files.get(rnd.nextInt(files.size()));
        GoldenFile g = GoldenFile.read(file);
        String mutated = mutate(g.input(), rnd);
        String name = file.getFileName().toString();
        Files.writeString(root.resolve(name), mutated);
        String module = name.substring(0, name.length() - 3);
        try {
          Frontend.Result r =
              Frontend.lower(
                  root,
                  module + ":" + g.required("entry"),
                  LoweringGoldenTest.method(g),
                  LoweringGoldenTest.inputs(g),
                  Optional.empty());
          for (Diagnostic d : r.diagnostics().all()) {
            assertTrue(
                d.span().isKnown(),
                "case " + k + ": diagnostic without a location: " + d + "\n" + mutated);
          }
        } catch (RuntimeException | StackOverflowError e) {
          throw new AssertionError(
              "case " + k + " (" + name + ") threw " + e + "; source:\n" + mutated, e);
        }
      }
    } finally {
      try (Stream<Path> s = Files.walk(root)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static String mutate(String code, Random rnd) {
    List<String> tokens = new ArrayList<>();
    Matcher all = TOKEN.matcher(code);
    while (all.find()) {
      tokens.add(all.group());
    }
    List<String> lines = new ArrayList<>(List.of(code.split("\n", -1)));
    int edits = 1 + rnd.nextInt(3);
    for (int m = 0; m < edits && !lines.isEmpty(); m++) {
      int li = rnd.nextInt(lines.size());
      String line = lines.get(li);
      switch (rnd.nextInt(7)) {
        case 0 -> lines.remove(li);
        case 1 -> lines.add(li, line);
        case 2 -> {
          int lj = rnd.nextInt(lines.size());
          lines.set(li, lines.get(lj));
          lines.set(lj, line);
        }
        case 3 -> {
          if (!line.isEmpty()) {
            int c = rnd.nextInt(line.length());
            lines.set(li, line.substring(0, c) + line.substring(c + 1));
          }
        }
        case 4 -> {
          int c = line.isEmpty() ? 0 : rnd.nextInt(line.length());
          lines.set(
              li,
              line.substring(0, c) + "([{)]}:.,*='\t".charAt(rnd.nextInt(13)) + line.substring(c));
        }
        default -> {
          Matcher lm = TOKEN.matcher(line);
          List<int[]> spans = new ArrayList<>();
          while (lm.find()) {
            spans.add(new int[] {lm.start(), lm.end()});
          }
          if (!spans.isEmpty()) {
            int[] sp = spans.get(rnd.nextInt(spans.size()));
            String rep =
                rnd.nextInt(3) == 0
                    ? List.of("0", "-1", "1", "2", "100", "3.5").get(rnd.nextInt(6))
                    : tokens.get(rnd.nextInt(tokens.size()));
            lines.set(li, line.substring(0, sp[0]) + rep + line.substring(sp[1]));
          }
        }
      }
    }
    return String.join("\n", lines);
  }
}
