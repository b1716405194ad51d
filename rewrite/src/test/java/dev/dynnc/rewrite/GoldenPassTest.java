package dev.dynnc.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dynnc.ir.Function;
import dev.dynnc.ir.Parser;
import dev.dynnc.ir.Printer;
import dev.dynnc.ir.Verifier;
import dev.dynnc.testing.Golden;
import dev.dynnc.testing.GoldenFile;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden tests of the IR passes: each {@code src/test/resources/golden/passes/*.ir} file holds
 * {@code // passes: pass,pass,...}, the input function, and after {@code // ---- expected ----} the
 * printed output function. Adding a test is adding a file; the harness is {@link Golden}.
 */
class GoldenPassTest {
  @TestFactory
  Stream<DynamicTest> passes() throws Exception {
    return Golden.suite("passes", "ir", GoldenPassTest::run);
  }

  private static String run(GoldenFile g) throws Exception {
    List<Pass> passes = new ArrayList<>();
    for (String name : g.required("passes").split(",")) {
      passes.add(
          Pipeline.byName(name.trim())
              .orElseThrow(() -> new AssertionError("unknown pass " + name)));
    }
    Function in = Parser.parse(g.input());
    assertEquals(List.of(), Verifier.verify(in), "input of " + g.path() + " does not verify");
    Function out = Pipeline.run(in, passes, PassContext.CHECKED);
    String actual = Printer.print(out);
    assertEquals(out, Parser.parse(actual), "printed output does not parse back to itself");
    return actual;
  }
}
