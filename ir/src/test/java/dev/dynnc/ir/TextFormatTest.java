package dev.dynnc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextFormatTest {
  static final String ALL_FORMS =
      """
      func @forward(%0 "x": f32[1,3], %1 "mask": bool[]) {
      ^bb0:
        %2 = weight() {name = "fc.weight"} : f32[4,3] loc("m.py":3:14)
        %3 = linear(%0, %2) : f32[1,4] loc("m.py":7:13)
        %4 = full() {value = -Infinity} : f32[] loc("m.py":8:9)
        %5 = item(%1) : bool loc("m.py":9:12)
        br %5, ^bb1(), ^bb2(%3) loc("m.py":9:9)
      ^bb1:
        %6 = const() {value = 1.0E-5} : f64 loc("m.py":10:20)
        ret {"logits": %3, "eps": %6, "none": None} loc("m.py":10:13)
      ^bb2(%7: f32[1,4]):
        %8 = reduce_max(%7) {axes = [1], keepdims = false} : f32[1] loc("m.py":11:16)
        ret [(%8,), %4] loc("m.py":12:9)
      }
      """;

  @Test
  void printParseRoundTripIsExact() throws Exception {
    Function f = Parser.parse(ALL_FORMS);
    assertEquals(ALL_FORMS, Printer.print(f));
    assertEquals(f, Parser.parse(Printer.print(f)));
    assertEquals(List.of(), Verifier.verify(f));
  }

  @Test
  void hostileStringsRoundTripAndPrintAsOneLineOfValidUtf8() throws Exception {
    String text =
        "func @f(%0 \"x\\\"\\u0000\": f32[1]) {\n^bb0:\n  %1 = relu(%0) : f32[1] loc(\"a\\nb\\u000d.py\":1:2)\n"
            + "  ret {\"k\\u0000\\ud800\\u000d\\\\\": %1, \"\uD83D\uDD11\\u0007\": None} loc(\"m.py\":3:4)\n}\n";
    Function f = Parser.parse(text);
    assertEquals(List.of("x\"\0"), f.inputNames());
    OutputTree.DictNode d =
        (OutputTree.DictNode) ((Terminator.Return) f.blocks().get(0).terminator()).value();
    assertEquals(List.of("k\0\uD800\r\\", "\uD83D\uDD11\u0007"), d.keys());
    String printed = Printer.print(f);
    assertEquals(text, printed);
    assertEquals(f, Parser.parse(printed));
    assertTrue(java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(printed));
    assertThrows(Parser.ParseException.class, () -> Parser.parse(text.replace("\\u0007", "\\u07")));
  }

  @Test
  void parseErrorsNameLineAndColumn() {
    Parser.ParseException e =
        assertThrows(
            Parser.ParseException.class,
            () -> Parser.parse("func @f() {\n^bb0:\n  %1 = relu(%0) : q32[1] \n  ret %1\n}\n"));
    assertEquals("ir:3:22: unknown dtype 'q32'", e.getMessage());
    e =
        assertThrows(
            Parser.ParseException.class, () -> Parser.parse("func @f() {\n^bb0:\n  frob %1\n}\n"));
    assertEquals(
        "ir:3:7: expected an op or a terminator (jump, br, ret), found 'frob'", e.getMessage());
  }
}
