package dev.dynnc.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dynnc.ir.Function;
import dev.dynnc.ir.Parser;
import dev.dynnc.ir.Printer;
import dev.dynnc.ir.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden tests of the IR passes: each {@code src/test/resources/golden/*.ir} file holds
 * {@code // RUN: pass,pass,...}, the input function, and after {@code // ---- expected ----} the
 * expected output as {@code //}-comment lines. Adding a test is adding a file;
 * {@code -Dgolden.bless=true} rewrites the expectations.
 */
class GoldenPassTest {
  static final String MARK = "// ---- expected ----";
  static final Path DIR = Path.of("src/test/resources/golden");

  @TestFactory
  Stream<DynamicTest> goldenFiles() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files = s.filter(p -> p.toString().endsWith(".ir")).sorted().toList();
    }
    assertTrue(files.size() >= 4, "golden files missing");
    return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
  }

  static void check(Path file) throws Exception {
    String text = Files.readString(file);
    int mark = text.indexOf(MARK);
    String input = mark < 0 ? text : text.substring(0, mark);
    String header = input.lines().findFirst().orElse("");
    if (!header.startsWith("// RUN: ")) {
      fail(file + ": first line must be '// RUN: pass,...'");
    }
    List<Pass> passes = new ArrayList<>();
    for (String name : header.substring("// RUN: ".length()).split(",")) {
      passes.add(Pipeline.byName(name.trim()).orElseThrow(() -> new AssertionError("unknown pass " + name)));
    }
    Function in = Parser.parse(input);
    assertEquals(List.of(), Verifier.verify(in), "input of " + file + " does not verify");
    Function out = Pipeline.run(in, passes, PassContext.CHECKED);
    String actual = Printer.print(out);
    assertEquals(out, Parser.parse(actual), "printed output does not parse back to itself");
    String expected = mark < 0 ? "" : uncomment(text.substring(mark + MARK.length()));
    if (!actual.equals(expected)) {
      if (Boolean.getBoolean("golden.bless")) {
        Files.writeString(file, input.stripTrailing() + "\n\n" + MARK + "\n" + comment(actual));
        return;
      }
      fail(file + " differs (run with -Dgolden.bless=true to accept):\n" + Diff.unified(expected, actual));
    }
  }

  static String uncomment(String s) {
    StringBuilder sb = new StringBuilder();
    for (String line : s.strip().split("\n")) {
      if (!line.isEmpty()) {
        sb.append(line.startsWith("// ") ? line.substring(3) : line.substring(2)).append('\n');
      }
    }
    return sb.toString();
  }

  static String comment(String s) {
    StringBuilder sb = new StringBuilder();
    for (String line : s.split("\n")) {
      sb.append("// ").append(line).append('\n');
    }
    return sb.toString();
  }
}
