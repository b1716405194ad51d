package dev.dynnc.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Unit tests of the safetensors header parser: Gson's strict reader plus the checks dynnc adds. */
class SafetensorsHeaderTest {

  @Test
  void parsesASafetensorsStyleHeaderKeepingKeyOrder() {
    Object v =
        SafetensorsHeader.parse(
            " {\"z\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 24]},"
                + " \"a\": [], \"__metadata__\": {\"format\": \"pt\"}, \"n\": [-1.5e2, true, false, null]}   ");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(List.of("z", "a", "__metadata__", "n"), List.copyOf(m.keySet()));
    Map<?, ?> z = (Map<?, ?>) m.get("z");
    assertEquals(List.of(2L, 3L), z.get("shape"));
    assertEquals(Arrays.asList(-150.0, true, false, null), m.get("n"));
    assertEquals(LinkedHashMap.class, m.getClass());
  }

  @Test
  void decodesEscapes() {
    assertEquals(
        "a\"b\\c/d\n\u00e9\ud83d\ude00",
        SafetensorsHeader.parse("\"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\""));
  }

  @Test
  void hugeIntegersBecomeDoubles() {
    assertEquals(1e20, SafetensorsHeader.parse("100000000000000000000"));
    assertEquals(Long.MAX_VALUE, SafetensorsHeader.parse("9223372036854775807"));
  }

  @Test
  void rejectsMalformedInputWithPosition() {
    assertEquals("duplicate key \"a\" at line 1 column 13", error("{\"a\": 1, \"a\": 2}"));
    assertEquals("unexpected text after the JSON value at line 1 column 3", error("{} x"));
    assertEquals("unterminated string at line 1 column 5", error("\"abc"));
    assertEquals("unterminated array at line 1 column 5", error("[1 2]"));
    assertEquals("malformed JSON at line 1 column 1", error("-x"));
    assertEquals("end of input at line 1 column 2", error("["));
    assertEquals("end of input at line 1 column 1", error(""));
    assertEquals("malformed JSON at line 1 column 3", error("{a: 1}"));
    assertEquals("malformed JSON at line 1 column 5", error("[1,]"));
    assertEquals("malformed JSON at line 1 column 2", error("[NaN]"));
  }

  @Test
  void locatesErrorsOnLaterLinesWithoutEchoingKeyText() {
    // A key holding a terminal escape must not reach the message: Gson's JSON path would repeat it.
    assertEquals(
        "duplicate key \"b\\u001b[31m\" at line 3 column 35",
        error("{\"a\"\n: 1, \n\"b\\u001b[31m\": [1] , \"b\\u001b[31m\": 2}"));
    assertEquals(
        "unescaped control characters (\\u0000-\\u001F) are not allowed in strict mode at line 1 column 3",
        error("[\"\u001b\"]"));
  }

  @Test
  void limitsNestingInsteadOfOverflowingTheStack() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    assertEquals("nesting deeper than 64 at line 1 column 66", error(deep));
  }

  private static String error(String json) {
    return assertThrows(IllegalArgumentException.class, () -> SafetensorsHeader.parse(json))
        .getMessage();
  }
}
