package dev.dynnc.frontend.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.semantics.DType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Checks the folding of one-element tensor ops ({@link Constants}) against PyTorch
 * (/usr/bin/python3) on pairs of special values: NaN, infinities, signed zeros.
 */
class ConstantsTest {
  static final double[] VALUES = {
    Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 5.0, -5.0, 2.5, -3.0
  };
  static final List<String> OPS =
      List.of(
          "add",
          "sub",
          "mul",
          "div",
          "floor_div",
          "mod",
          "maximum",
          "minimum",
          "eq",
          "ne",
          "lt",
          "le",
          "gt",
          "ge");

  @Test
  void foldedValuesMatchPyTorch() throws Exception {
    String script =
        """
        import sys, torch
        ops = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
               "floor_div": torch.floor_divide, "mod": torch.remainder, "maximum": torch.maximum,
               "minimum": torch.minimum, "eq": torch.eq, "ne": torch.ne, "lt": torch.lt, "le": torch.le,
               "gt": torch.gt, "ge": torch.ge}
        for line in sys.stdin:
            op, a, b = line.split()
            r = ops[op](torch.tensor(float(a), dtype=torch.float64), torch.tensor(float(b), dtype=torch.float64))
            # Java's names: NaN, Infinity.
            print(repr(float(r.item())).replace("nan", "NaN").replace("inf", "Infinity"))
        """;
    StringBuilder in = new StringBuilder();
    List<Object[]> cases = new ArrayList<>();
    for (String op : OPS) {
      for (double a : VALUES) {
        for (double b : VALUES) {
          cases.add(new Object[] {op, a, b});
          in.append(op).append(' ').append(a).append(' ').append(b).append('\n');
        }
      }
    }
    Process p =
        new ProcessBuilder("/usr/bin/python3", "-c", script).redirectErrorStream(true).start();
    p.getOutputStream().write(in.toString().getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out");
    assertEquals(0, p.exitValue(), out);
    List<String> lines = out.lines().toList();
    assertEquals(cases.size(), lines.size(), out);
    for (int i = 0; i < cases.size(); i++) {
      String op = (String) cases.get(i)[0];
      double a = (Double) cases.get(i)[1];
      double b = (Double) cases.get(i)[2];
      boolean compare = List.of("eq", "ne", "lt", "le", "gt", "ge").contains(op);
      Object got = Constants.fold(op, List.of(a, b), Map.of(), compare ? DType.BOOL : DType.F64);
      double g = got instanceof Boolean x ? (x ? 1 : 0) : (Double) got;
      double want = Double.parseDouble(lines.get(i));
      String what = op + "(" + a + ", " + b + "): PyTorch " + want + ", folded " + g;
      // Signed zeros may differ (torch.remainder(-0.0, 3) is -0.0, Python's is 0.0); values may
      // not.
      assertTrue(Double.isNaN(want) ? Double.isNaN(g) : want == g, what);
    }
  }
}
