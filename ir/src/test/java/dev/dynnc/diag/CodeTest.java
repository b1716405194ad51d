package dev.dynnc.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.ir.Span;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Tests the catalogue: distinct titles, well-formed templates, and the severity in rendered
 * diagnostics.
 */
class CodeTest {
  @Test
  void everyCodeHasItsOwnTitleAndAWellFormedTemplate() {
    Set<String> titles = new HashSet<>();
    for (Code c : Code.values()) {
      assertTrue(c.name().matches("DN\\d{4}"), c.name());
      assertTrue(titles.add(c.title()), "title used twice: " + c.title());
      assertFalse(c.template().isEmpty(), c.name());
      // MessageFormat rejects an unbalanced brace; every template takes at least the call site's
      // {0}.
      assertTrue(c.format("A", "B", "C", "D").contains("A"), c.name() + ": " + c.template());
    }
  }

  @Test
  void formatFillsTheTemplateWithoutGroupingNumbers() {
    assertEquals("name 'x' is not defined", Code.DN0100.format("x"));
    assertEquals(
        "checkpoint entry '1234567' matches no parameter or buffer of the model",
        Code.DN0303.format(1234567));
    assertEquals("any text {with} 'quotes'", Code.DN0103.format("any text {with} 'quotes'"));
  }

  @Test
  void renderingOpensWithTheSeverity() {
    Diagnostic d = Diagnostic.of(Code.DN0107, new Span("m.py", 3, 5), "too long");
    assertEquals(Severity.ERROR, d.code().severity());
    assertEquals("error[DN0107]: m.py:3:5: too long\n", Diagnostics.render(d, SourceMap.EMPTY));
    assertEquals("error[DN0400]: ", Code.DN0400.prefix());
    assertEquals("warning[DN0408]: ", Code.DN0408.prefix());
  }
}
