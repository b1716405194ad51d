package dev.dynnc.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dynnc.diag.Diagnostic;
import dev.dynnc.frontend.testing.GoldenFile;
import dev.dynnc.ir.DType;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Parser;
import dev.dynnc.ir.Printer;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.ir.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden tests of {@link Frontend#lower}: one self-contained model module per file under
 * {@code src/test/resources/golden/lower}.
 *
 * <p>Directives in the file's leading comments: {@code # entry: EXPR} (evaluated in the file's
 * own module), one {@code # input: NAME=DTYPE[D0,...]} per input, optionally
 * {@code # method: NAME} (default {@code forward}). The trailer after {@code # ---- expected ----}
 * holds the printed IR on success, or the fully rendered diagnostics on failure. Every successful
 * result must also pass the {@link Verifier} and survive {@code Parser.parse(Printer.print(f))};
 * every diagnostic must point at a source line. {@code -Dgolden.bless=true} rewrites trailers.
 */
class LoweringGoldenTest {
  static final Path DIR = Path.of("src/test/resources/golden/lower");
  private static final Pattern INPUT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=([a-z0-9]+)\\[([0-9, ]*)\\]");

  @TestFactory
  Stream<DynamicTest> lowering() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".py")).sorted().toList();
    }
    assertFalse(files.isEmpty(), "no golden files in " + DIR.toAbsolutePath());
    return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), p.toUri(), () -> check(p)));
  }

  private static void check(Path file) throws IOException {
    GoldenFile g = GoldenFile.read(file);
    String entry = g.directive("entry").orElseThrow(() -> new AssertionError(file + " lacks '# entry: EXPR'"));
    String method = g.directive("method").orElse("forward");
    LinkedHashMap<String, TensorType> inputs = new LinkedHashMap<>();
    for (String spec : g.directives("input")) {
      Matcher m = INPUT.matcher(spec);
      assertTrue(m.matches(), file + ": bad input directive '" + spec + "'");
      String dims = m.group(3).trim();
      long[] shape = dims.isEmpty() ? new long[0]
          : Stream.of(dims.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
      inputs.put(m.group(1), TensorType.of(DType.fromNumpyName(m.group(2)), shape));
    }
    String name = file.getFileName().toString();
    String module = name.substring(0, name.length() - ".py".length());

    Path root = Files.createTempDirectory("dynnc-golden");
    String actual;
    try {
      Files.writeString(root.resolve(name), g.text());
      Frontend.Result r = Frontend.lower(root, module + ":" + entry, method, inputs, Optional.empty());
      if (r.ok()) {
        Function f = r.function().orElseThrow(() -> new AssertionError("no diagnostics and no function"));
        assertEquals(List.of(), Verifier.verify(f), "verifier errors");
        actual = Printer.print(f);
        try {
          assertEquals(f, Parser.parse(actual), "parse(print(f)) differs from f");
        } catch (Parser.ParseException e) {
          fail("the printed IR does not parse back: " + e.getMessage() + "\n" + actual);
        }
      } else {
        for (Diagnostic d : r.diagnostics().all()) {
          assertTrue(d.span().isKnown(), "diagnostic without a source location: " + d);
        }
        actual = r.diagnostics().render(r.sources());
      }
    } finally {
      deleteTree(root);
    }
    if (GoldenFile.blessing()) {
      if (!g.compare(actual).isEmpty()) {
        g.bless(actual);
      }
      return;
    }
    String diff = g.compare(actual);
    if (!diff.isEmpty()) {
      fail(diff);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
