package dev.dynnc.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Unit tests of the safetensors header parser. */
class MiniJsonTest {

    @Test
    void parsesASafetensorsStyleHeaderKeepingKeyOrder() {
        Object v = MiniJson.parse(" {\"z\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 24]},"
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
        assertEquals("a\"b\\c/d\n\u00e9\ud83d\ude00", MiniJson.parse("\"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\""));
    }

    @Test
    void hugeIntegersBecomeDoubles() {
        assertEquals(1e20, MiniJson.parse("100000000000000000000"));
        assertEquals(Long.MAX_VALUE, MiniJson.parse("9223372036854775807"));
    }

    @Test
    void rejectsMalformedInputWithPosition() {
        assertEquals("duplicate key \"a\" at character 9", error("{\"a\": 1, \"a\": 2}"));
        assertEquals("unexpected text after the JSON value at character 3", error("{} x"));
        assertEquals("unterminated string at character 4", error("\"abc"));
        assertEquals("expected ',' or ']' at character 3", error("[1 2]"));
        assertEquals("invalid number at character 1", error("-x"));
        assertEquals("unexpected end of text at character 1", error("["));
    }

    @Test
    void limitsNestingInsteadOfOverflowingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertEquals("nesting deeper than 64 at character 65", error(deep));
    }

    private static String error(String json) {
        return assertThrows(IllegalArgumentException.class, () -> MiniJson.parse(json)).getMessage();
    }
}
