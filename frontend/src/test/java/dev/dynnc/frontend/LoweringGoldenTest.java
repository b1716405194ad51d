package dev.dynnc.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dynnc.diag.Diagnostic;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Parser;
import dev.dynnc.ir.Printer;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.ir.Verifier;
import dev.dynnc.semantics.DType;
import dev.dynnc.testing.Golden;
import dev.dynnc.testing.GoldenFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden tests of {@link Frontend#lower}: one self-contained model module per file under {@code
 * src/test/resources/golden/lower}.
 *
 * <p>Directives in the file's leading comments: {@code # entry: EXPR} (evaluated in the file's own
 * module), one {@code # input: NAME=DTYPE[D0,...]} per input, optionally {@code # method: NAME}
 * (default {@code forward}). The trailer after {@code # ---- expected ----} holds the printed IR on
 * success, or the fully rendered diagnostics on failure. Every successful result must also pass the
 * {@link Verifier} and survive {@code Parser.parse(Printer.print(f))}; every diagnostic must point
 * at a source line. The harness is {@link Golden}.
 */
class LoweringGoldenTest {
  static final String SUITE = "lower";
  static final Path DIR = Golden.ROOT.resolve(SUITE);
  private static final Pattern INPUT =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=([a-z0-9]+)\\[([0-9, ]*)\\]");

  @TestFactory
  Stream<DynamicTest> lowering() throws IOException {
    return Golden.suite(SUITE, "py", LoweringGoldenTest::lower);
  }

  /** The inputs a golden file declares with {@code # input: NAME=DTYPE[D0,...]}, in order. */
  static LinkedHashMap<String, TensorType> inputs(GoldenFile g) {
    LinkedHashMap<String, TensorType> inputs = new LinkedHashMap<>();
    for (String spec : g.directives("input")) {
      Matcher m = INPUT.matcher(spec);
      assertTrue(m.matches(), g.path() + ": bad input directive '" + spec + "'");
      String dims = m.group(3).trim();
      long[] shape =
          dims.isEmpty()
              ? new long[0]
              : Stream.of(dims.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
      inputs.put(m.group(1), TensorType.of(DType.fromNumpyName(m.group(2)), shape));
    }
    return inputs;
  }

  /** The method a golden file lowers: {@code # method: NAME}, by default {@code forward}. */
  static String method(GoldenFile g) {
    return g.directive("method").orElse("forward");
  }

  private static String lower(GoldenFile g) throws Exception {
    String name = g.path().getFileName().toString();
    String module = name.substring(0, name.length() - ".py".length());
    return Golden.inTempDir(
        root -> {
          Files.writeString(root.resolve(name), g.text());
          Frontend.Result r =
              Frontend.lower(
                  root, module + ":" + g.required("entry"), method(g), inputs(g), Optional.empty());
          if (!r.ok()) {
            for (Diagnostic d : r.diagnostics().all()) {
              assertTrue(d.span().isKnown(), "diagnostic without a source location: " + d);
            }
            return r.diagnostics().render(r.sources());
          }
          Function f =
              r.function().orElseThrow(() -> new AssertionError("no diagnostics and no function"));
          assertEquals(List.of(), Verifier.verify(f), "verifier errors");
          String actual = Printer.print(f);
          try {
            assertEquals(f, Parser.parse(actual), "parse(print(f)) differs from f");
          } catch (Parser.ParseException e) {
            fail("the printed IR does not parse back: " + e.getMessage() + "\n" + actual);
          }
          return actual;
        });
  }
}
