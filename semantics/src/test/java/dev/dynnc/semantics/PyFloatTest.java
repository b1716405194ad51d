package dev.dynnc.semantics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Checks {@link PyFloat} against CPython (/usr/bin/python3) on every pair of special values. */
class PyFloatTest {
  static final double[] VALUES = {
    Double.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    0.0,
    -0.0,
    5.0,
    -5.0,
    2.5,
    -3.0,
    7.0,
    1e308,
    -1e-300,
    0.1
  };

  /** Equal as Python prints it: same NaN-ness, same sign of zero, same value. */
  static void assertSame(double want, double got, String what) {
    assertEquals(
        Double.isNaN(want) ? "NaN" : Double.toString(want),
        Double.isNaN(got) ? "NaN" : Double.toString(got),
        what);
  }

  @Test
  void modFloorDivMaxMinMatchCPython() throws Exception {
    StringBuilder script =
        new StringBuilder(
            "import sys\nfor line in sys.stdin:\n    a, b = map(float, line.split())\n"
                + "    r = [max(a, b), min(a, b)]\n"
                + "    r += ['zde', 'zde'] if b == 0 else [a % b, a // b]\n"
                // Java's names: NaN, Infinity.
                + "    print(' '.join(repr(x).replace('nan', 'NaN').replace('inf', 'Infinity') for x in r))\n");
    StringBuilder input = new StringBuilder();
    List<double[]> pairs = new ArrayList<>();
    for (double a : VALUES) {
      for (double b : VALUES) {
        pairs.add(new double[] {a, b});
        input.append(a).append(' ').append(b).append('\n');
      }
    }
    List<String> lines = python(script.toString(), input.toString());
    assertEquals(pairs.size(), lines.size());
    int checked = 0;
    for (int i = 0; i < pairs.size(); i++) {
      double a = pairs.get(i)[0];
      double b = pairs.get(i)[1];
      String[] r = lines.get(i).split(" ");
      String at = a + ", " + b;
      assertSame(Double.parseDouble(r[0]), PyFloat.max(a, b), "max(" + at + ")");
      assertSame(Double.parseDouble(r[1]), PyFloat.min(a, b), "min(" + at + ")");
      if (!r[2].equals("'zde'")) {
        assertSame(Double.parseDouble(r[2]), PyFloat.mod(a, b), at + " %");
        assertSame(Double.parseDouble(r[3]), PyFloat.floorDiv(a, b), at + " //");
        checked++;
      }
    }
    assertTrue(checked > 100, "too few pairs reached % and //");
  }

  /**
   * {@code x ** y} as CPython's float_pow computes it on every pair of special values and -1.0,
   * 1.0, 0.5 (1.0 ** nan is 1.0, (-1.0) ** inf is 1.0), raising where CPython raises (0.0 to a
   * negative power, a result past the float range) and where its result is complex; within one ulp
   * elsewhere (Java's Math.pow against the C library's pow).
   */
  @Test
  void powMatchesCPython() throws Exception {
    double[] values = java.util.Arrays.copyOf(VALUES, VALUES.length + 3);
    values[VALUES.length] = -1.0;
    values[VALUES.length + 1] = 1.0;
    values[VALUES.length + 2] = 0.5;
    String script =
        "import sys, struct\nfor line in sys.stdin:\n    a, b = map(float, line.split())\n"
            + "    try:\n        r = a ** b\n    except (ZeroDivisionError, OverflowError) as e:\n"
            + "        print('error', e)\n        continue\n"
            + "    print('complex' if isinstance(r, complex) else 'nan' if r != r"
            + " else struct.pack('>d', r).hex())\n";
    StringBuilder input = new StringBuilder();
    for (double a : values) {
      for (double b : values) {
        input.append(a).append(' ').append(b).append('\n');
      }
    }
    List<String> lines = python(script, input.toString());
    assertEquals(values.length * values.length, lines.size());
    int i = 0;
    int raised = 0;
    for (double a : values) {
      for (double b : values) {
        String want = lines.get(i++);
        String at = a + " ** " + b + " (CPython: " + want + ")";
        if (want.startsWith("error ") || want.equals("complex")) {
          ArithmeticException e =
              assertThrows(ArithmeticException.class, () -> PyFloat.pow(a, b), at);
          if (want.startsWith("error ")) {
            assertEquals(want.substring(6), e.getMessage(), at);
          }
          raised++;
          continue;
        }
        double got = PyFloat.pow(a, b);
        if (want.equals("nan")) {
          assertTrue(Double.isNaN(got), at + ": " + got);
          continue;
        }
        long bits = Long.parseUnsignedLong(want, 16);
        assertTrue(Math.abs(Double.doubleToRawLongBits(got) - bits) <= 1, at + ": " + got);
      }
    }
    assertTrue(raised >= 10, "pairs that raise: " + raised);
  }

  /**
   * {@code round(x, n)} as CPython computes it (correctly rounded, halves to even on exact ties,
   * signed zeros kept, OverflowError past the largest double) on values whose decimal form is not
   * their binary value (2.675 is 2.67499999...), ties, huge and tiny values, for n from -310 to 20.
   */
  @Test
  void roundWithDigitsMatchesCPython() throws Exception {
    double[] xs = {
      2.675,
      0.125,
      0.375,
      -0.25,
      2.5,
      -2.5,
      1.005,
      123456.789,
      -0.4,
      0.0,
      -0.0,
      1e300,
      1.7976931348623157e308,
      5e-324,
      1e-7,
      0.1 + 0.2,
      -987654321.123456789,
      1e22,
      Double.NaN,
      Double.POSITIVE_INFINITY
    };
    long[] ns = {-310, -308, -300, -22, -5, -2, -1, 0, 1, 2, 3, 7, 15, 20};
    StringBuilder input = new StringBuilder();
    List<double[]> cases = new ArrayList<>();
    for (double x : xs) {
      for (long n : ns) {
        cases.add(new double[] {x, n});
        input
            .append(Double.isNaN(x) ? "nan" : Double.isInfinite(x) ? "inf" : Double.toString(x))
            .append(' ')
            .append(n)
            .append('\n');
      }
    }
    String script =
        "import sys\nfor line in sys.stdin:\n    a, n = line.split()\n    try:\n"
            + "        print(repr(round(float(a), int(n))).replace('nan', 'NaN').replace('inf', 'Infinity'))\n"
            + "    except OverflowError:\n        print('overflow')\n";
    List<String> lines = python(script, input.toString());
    assertEquals(cases.size(), lines.size());
    int overflows = 0;
    for (int i = 0; i < cases.size(); i++) {
      double x = cases.get(i)[0];
      long n = (long) cases.get(i)[1];
      String what = "round(" + x + ", " + n + ")";
      if (lines.get(i).equals("overflow")) {
        assertThrows(ArithmeticException.class, () -> PyFloat.round(x, n), what);
        overflows++;
      } else {
        assertSame(Double.parseDouble(lines.get(i)), PyFloat.round(x, n), what);
      }
    }
    assertTrue(overflows > 0, "no case reached CPython's OverflowError");
  }

  /** The math functions the host computes, as PyFloat's methods. */
  @FunctionalInterface
  interface MathFn {
    double apply(double x) throws ArithmeticException;
  }

  @Test
  void mathFunctionsMatchCPythonValuesAndErrors() throws Exception {
    java.util.Map<String, MathFn> fns = new java.util.LinkedHashMap<>();
    fns.put("exp", PyFloat::exp);
    fns.put("expm1", PyFloat::expm1);
    fns.put("log", PyFloat::log);
    fns.put("log2", PyFloat::log2);
    fns.put("log10", PyFloat::log10);
    fns.put("log1p", PyFloat::log1p);
    fns.put("sqrt", PyFloat::sqrt);
    fns.put("sin", PyFloat::sin);
    fns.put("cos", PyFloat::cos);
    fns.put("tan", PyFloat::tan);
    fns.put("asin", PyFloat::asin);
    fns.put("acos", PyFloat::acos);
    fns.put("atan", PyFloat::atan);
    fns.put("sinh", PyFloat::sinh);
    fns.put("cosh", PyFloat::cosh);
    fns.put("tanh", PyFloat::tanh);
    fns.put("floor", x -> PyFloat.floor(x));
    fns.put("ceil", x -> PyFloat.ceil(x));
    List<Double> xs = new ArrayList<>();
    for (double v : VALUES) {
      xs.add(v);
    }
    for (double v : new double[] {1.0, -1.0, 0.5, -0.5, 8.0, 0.125, 709.0, 711.0, -2.0, 1e20}) {
      xs.add(v);
    }
    StringBuilder input = new StringBuilder();
    List<String[]> cases = new ArrayList<>();
    for (String f : fns.keySet()) {
      for (double x : xs) {
        cases.add(new String[] {f, Double.toString(x)});
        input.append(f).append(' ').append(x).append('\n');
      }
    }
    String script =
        "import math, sys\nfor line in sys.stdin:\n    f, a = line.split()\n"
            + "    try:\n        r = getattr(math, f)(float(a))\n"
            + "        print(repr(float(r)).replace('nan', 'NaN').replace('inf', 'Infinity'))\n"
            + "    except ValueError as e:\n        print('ValueError ' + str(e))\n"
            + "    except OverflowError as e:\n        print('OverflowError ' + str(e))\n";
    List<String> lines = python(script, input.toString());
    assertEquals(cases.size(), lines.size());
    int errors = 0;
    for (int i = 0; i < cases.size(); i++) {
      String f = cases.get(i)[0];
      double x = Double.parseDouble(cases.get(i)[1]);
      String what = "math." + f + "(" + x + ")";
      String want = lines.get(i);
      if (want.startsWith("ValueError ") || want.startsWith("OverflowError ")) {
        ArithmeticException e =
            assertThrows(ArithmeticException.class, () -> fns.get(f).apply(x), what);
        assertEquals(want.substring(want.indexOf(' ') + 1), e.getMessage(), what);
        errors++;
        continue;
      }
      if ((f.equals("floor") || f.equals("ceil")) && Math.abs(x) >= 0x1p63) {
        // CPython's ints are unbounded; the host's are 64 bits, so this is an error there
        assertThrows(ArithmeticException.class, () -> fns.get(f).apply(x), what);
        continue;
      }
      double got = fns.get(f).apply(x);
      double w = Double.parseDouble(want);
      if (Double.isNaN(w) || Double.isInfinite(w) || w == 0) {
        assertSame(w, got, what);
      } else {
        // libm and Java's Math may differ in the last bit
        assertEquals(w, got, Math.abs(w) * 4e-16, what);
      }
    }
    assertTrue(errors > 20, "only " + errors + " cases reached CPython's errors");
  }

  @Test
  void numpyFunctionsMatchNumpy() throws Exception {
    java.util.Map<String, java.util.function.DoubleUnaryOperator> fns =
        new java.util.LinkedHashMap<>();
    fns.put("exp", PyFloat::npExp);
    fns.put("log", PyFloat::npLog);
    fns.put("log2", PyFloat::npLog2);
    fns.put("log10", PyFloat::npLog10);
    fns.put("sqrt", PyFloat::npSqrt);
    StringBuilder input = new StringBuilder();
    List<String[]> cases = new ArrayList<>();
    for (String f : fns.keySet()) {
      for (double x : VALUES) {
        for (double v : new double[] {x, 8.0, 0.125, 711.0}) {
          cases.add(new String[] {f, Double.toString(v)});
          input.append(f).append(' ').append(v).append('\n');
        }
      }
    }
    String script =
        "import sys, numpy as np\nnp.seterr(all='ignore')\nfor line in sys.stdin:\n"
            + "    f, a = line.split()\n    r = float(getattr(np, f)(np.float64(a)))\n"
            + "    print(repr(r).replace('nan', 'NaN').replace('inf', 'Infinity'))\n";
    List<String> lines = python(script, input.toString());
    assertEquals(cases.size(), lines.size());
    for (int i = 0; i < cases.size(); i++) {
      String f = cases.get(i)[0];
      double x = Double.parseDouble(cases.get(i)[1]);
      double w = Double.parseDouble(lines.get(i));
      double got = fns.get(f).applyAsDouble(x);
      String what = "numpy." + f + "(" + x + ")";
      if (Double.isNaN(w) || Double.isInfinite(w) || w == 0) {
        assertSame(w, got, what);
      } else {
        assertEquals(w, got, Math.abs(w) * 4e-16, what);
      }
    }
  }

  static List<String> python(String script, String stdin) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("/usr/bin/python3", "-c", script).redirectErrorStream(true).start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python timed out");
    assertEquals(0, p.exitValue(), out);
    return out.lines().toList();
  }
}
