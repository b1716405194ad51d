package dev.dynnc.semantics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongBinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link PyScalar} against CPython (/usr/bin/python3): exact int and int-with-float
 * comparisons near 2**53 and 2**63, floor division, modulo, pow and abs with negative operands and
 * at the 64-bit edges (where CPython's result needs more bits, dynnc must raise), round on halves.
 */
class PyScalarTest {
  static final long[] INTS = {
    0,
    1,
    -1,
    7,
    -7,
    3,
    -3,
    (1L << 53),
    (1L << 53) + 1,
    -(1L << 53) - 1,
    (1L << 62),
    Long.MAX_VALUE,
    Long.MIN_VALUE,
    Long.MIN_VALUE + 1,
    62,
    2
  };
  static final double[] FLOATS = {
    0.0,
    -0.0,
    0.5,
    -0.5,
    1.5,
    2.5,
    -2.5,
    0x1p53,
    0x1p53 + 2,
    -0x1p53,
    0x1p63,
    -0x1p63,
    0x1p64,
    7.0,
    -7.0,
    1e300,
    Double.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    3.4999999999999996
  };

  /**
   * Python prints an int result, or 'big' when it needs more than 64 bits, or 'err' when Python
   * raises.
   */
  private static final String PRELUDE =
      "import sys\n"
          + "def s(f):\n"
          + "    try:\n"
          + "        r = f()\n"
          + "    except (ZeroDivisionError, ValueError, OverflowError):\n"
          + "        return 'err'\n"
          + "    if isinstance(r, bool):\n"
          + "        return str(r).lower()\n"
          + "    if isinstance(r, int) and not -2**63 <= r < 2**63:\n"
          + "        return 'big'\n"
          + "    return str(r)\n";

  private static String java(LongBinaryOperator f, long a, long b) {
    try {
      return Long.toString(f.applyAsLong(a, b));
    } catch (ArithmeticException e) {
      return "big-or-err";
    }
  }

  private static void assertInt(String want, String got, String what) {
    // Java cannot tell 'needs more bits' from 'Python raises' and need not: both are refused.
    assertEquals(want.equals("big") || want.equals("err") ? "big-or-err" : want, got, what);
  }

  @Test
  void intArithmeticAndComparisonsMatchCPython() throws Exception {
    String script =
        PRELUDE
            + "for line in sys.stdin:\n    a, b = map(int, line.split())\n"
            + "    print(' '.join(s(f) for f in [lambda: a // b, lambda: a % b, lambda: a + b, lambda: a - b, lambda: a * b,"
            + " lambda: a ** b if 0 <= b < 100 else 0, lambda: abs(a), lambda: a == b, lambda: a < b]))\n";
    StringBuilder input = new StringBuilder();
    List<long[]> pairs = new ArrayList<>();
    for (long a : INTS) {
      for (long b : INTS) {
        pairs.add(new long[] {a, b});
        input.append(a).append(' ').append(b).append('\n');
      }
    }
    List<String> lines = PyFloatTest.python(script, input.toString());
    assertEquals(pairs.size(), lines.size());
    for (int i = 0; i < pairs.size(); i++) {
      long a = pairs.get(i)[0];
      long b = pairs.get(i)[1];
      String[] r = lines.get(i).split(" ");
      String at = a + ", " + b;
      assertInt(r[0], java(PyScalar::floorDiv, a, b), at + " //");
      assertInt(r[1], java(PyScalar::mod, a, b), at + " %");
      assertInt(r[2], java(PyScalar::add, a, b), at + " +");
      assertInt(r[3], java(PyScalar::sub, a, b), at + " -");
      assertInt(r[4], java(PyScalar::mul, a, b), at + " *");
      assertInt(r[5], java((x, y) -> y >= 0 && y < 100 ? PyScalar.pow(x, y) : 0, a, b), at + " **");
      assertInt(r[6], java((x, y) -> PyScalar.abs(x), a, b), "abs(" + a + ")");
      assertEquals(r[7], Boolean.toString(PyScalar.compare("eq", a, b)), at + " ==");
      assertEquals(r[8], Boolean.toString(PyScalar.compare("lt", a, b)), at + " <");
    }
  }

  @Test
  void intWithFloatComparisonsAreExactAsInCPython() throws Exception {
    String script =
        PRELUDE
            + "for line in sys.stdin:\n    a, b = line.split()\n    a = int(a)\n    b = float(b)\n"
            + "    print(' '.join(s(f) for f in [lambda: a == b, lambda: a != b, lambda: a < b, lambda: a <= b,"
            + " lambda: a > b, lambda: a >= b, lambda: b < a, lambda: b == a]))\n";
    StringBuilder input = new StringBuilder();
    List<Object[]> pairs = new ArrayList<>();
    for (long a : INTS) {
      for (double b : FLOATS) {
        pairs.add(new Object[] {a, b});
        input
            .append(a)
            .append(' ')
            .append(
                Double.isNaN(b)
                    ? "nan"
                    : Double.isInfinite(b) ? (b > 0 ? "inf" : "-inf") : Double.toString(b))
            .append('\n');
      }
    }
    List<String> lines = PyFloatTest.python(script, input.toString());
    assertEquals(pairs.size(), lines.size());
    for (int i = 0; i < pairs.size(); i++) {
      long a = (Long) pairs.get(i)[0];
      double b = (Double) pairs.get(i)[1];
      String at = a + " vs " + b;
      String got =
          String.join(
              " ",
              List.of(
                      PyScalar.eq(a, b),
                      PyScalar.ne(a, b),
                      PyScalar.lt(a, b),
                      PyScalar.le(a, b),
                      PyScalar.gt(a, b),
                      PyScalar.ge(a, b),
                      PyScalar.lt(b, a),
                      PyScalar.eq(b, a))
                  .stream()
                  .map(String::valueOf)
                  .toList());
      assertEquals(lines.get(i), got, at);
      assertEquals(PyScalar.eq(a, b), PyScalar.compare("eq", a, b), at);
      assertEquals(PyScalar.lt(b, a), PyScalar.compare("lt", b, a), at);
    }
  }

  @Test
  void roundIsHalfToEvenAsInCPython() throws Exception {
    String script = PRELUDE + "for line in sys.stdin:\n    print(s(lambda: round(float(line))))\n";
    StringBuilder input = new StringBuilder();
    for (double b : FLOATS) {
      input
          .append(
              Double.isNaN(b)
                  ? "nan"
                  : Double.isInfinite(b) ? (b > 0 ? "inf" : "-inf") : Double.toString(b))
          .append('\n');
    }
    List<String> lines = PyFloatTest.python(script, input.toString());
    for (int i = 0; i < FLOATS.length; i++) {
      double b = FLOATS[i];
      String got;
      try {
        got = Long.toString(PyScalar.round(b));
      } catch (ArithmeticException e) {
        got = "big-or-err";
      }
      assertInt(lines.get(i), got, "round(" + b + ")");
    }
  }

  /** int() and round() of a float that is no int raise with CPython's messages. */
  @Test
  void conversionsOfNanAndInfinitiesRaiseWithCPythonsMessages() throws Exception {
    String script =
        "import math\n"
            + "for x in (float('nan'), float('inf'), float('-inf')):\n"
            + "    for f in (int, round, math.floor, math.ceil):\n"
            + "        try:\n            f(x)\n        except (ValueError, OverflowError) as e:\n"
            + "            print(e)\n";
    List<String> lines = PyFloatTest.python(script, "");
    List<String> got = new ArrayList<>();
    for (double x : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      for (java.util.function.DoubleUnaryOperator f :
          List.<java.util.function.DoubleUnaryOperator>of(
              PyScalar::trunc, PyScalar::round, PyFloat::floor, PyFloat::ceil)) {
        got.add(assertThrows(ArithmeticException.class, () -> f.applyAsDouble(x)).getMessage());
      }
    }
    assertEquals(12, lines.size(), lines.toString());
    assertEquals(lines, got);
  }

  @Test
  void roundOfAnIntWithDigitsMatchesCPython() throws Exception {
    long[] ns = {-25, -19, -18, -3, -2, -1, 0, 2};
    String script =
        PRELUDE
            + "for line in sys.stdin:\n    a, n = map(int, line.split())\n    print(s(lambda: round(a, n)))\n";
    StringBuilder input = new StringBuilder();
    List<long[]> cases = new ArrayList<>();
    for (long a : INTS) {
      for (long n : ns) {
        cases.add(new long[] {a, n});
        input.append(a).append(' ').append(n).append('\n');
      }
    }
    for (long a : new long[] {150, 250, -250, 350, 1249, 1250, 1251, 4_611_686_018_427_387_904L}) {
      cases.add(new long[] {a, -2});
      input.append(a).append(" -2\n");
    }
    List<String> lines = PyFloatTest.python(script, input.toString());
    assertEquals(cases.size(), lines.size());
    for (int i = 0; i < cases.size(); i++) {
      long a = cases.get(i)[0];
      long n = cases.get(i)[1];
      assertInt(lines.get(i), java(PyScalar::round, a, n), "round(" + a + ", " + n + ")");
    }
  }

  @Test
  void runTimeChecksRaiseTheirOwnMessages() {
    assertTrue(PyScalar.check(true));
    assertTrue(PyScalar.checkPadding(true));
    ArithmeticException a = assertThrows(ArithmeticException.class, () -> PyScalar.check(false));
    ArithmeticException p =
        assertThrows(ArithmeticException.class, () -> PyScalar.checkPadding(false));
    assertEquals(PyScalar.ASSERTION_FAILED, a.getMessage());
    assertEquals(PyScalar.SEQUENCE_SHORTENED, p.getMessage());
    assertTrue(PyScalar.isModelFailure(a.getMessage()));
    assertTrue(PyScalar.isModelFailure(p.getMessage()));
    assertTrue(PyScalar.checkLengths(true));
    ArithmeticException l =
        assertThrows(ArithmeticException.class, () -> PyScalar.checkLengths(false));
    assertEquals(PyScalar.BAD_LENGTHS, l.getMessage());
    assertTrue(PyScalar.isModelFailure(l.getMessage()));
    assertFalse(PyScalar.isModelFailure("division by zero"));
  }
}
