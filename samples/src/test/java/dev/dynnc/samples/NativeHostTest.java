package dev.dynnc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.runtime.Bundle;
import dev.dynnc.runtime.HostProgramException;
import dev.dynnc.runtime.HostTensor;
import dev.dynnc.runtime.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule NATIVE-HOST: the host program compiled to native code with the subgraphs' kernels, one
 * library that a run calls once; what a compile builds by default. (The corpus samples and the
 * differential models are compiled that way by {@link CorpusSamplesTest} and {@link
 * DifferentialTest}, against PyTorch.) Here: an error of the host arithmetic is raised where the
 * Java host program raises it, with the same message, on edge values of every native op; a host
 * program native code cannot run stays in Java, with a warning that says why where {@code
 * --native-host} asked for native code, and a note under {@code -v} where it did not.
 */
class NativeHostTest {
  @Test
  void aHostProgramNativeCodeCannotRunStaysInJavaAndSaysWhy(@TempDir Path work) throws Exception {
    // Python's round(x, n) on floats (correctly rounded decimal digits) is not an op native code
    // computes.
    Path model = work.resolve("float_round.py");
    Files.writeString(
        model,
        String.join(
            "\n",
            "# entry: Net()",
            "# input: x=float32[1,4]",
            "# inputs: 0.1, 1.0, 4.0",
            "import torch",
            "import torch.nn as nn",
            "",
            "",
            "class Net(nn.Module):",
            "    def forward(self, x):",
            "        s = x.sum().item()",
            "        if abs(round(s, 1)) > 1.0:",
            "            return x * 2",
            "        return x - 1",
            ""));
    EarlyExitCnnTest.Cli c = DifferentialTest.check(model, work.resolve("case"), "--native-host");
    assertTrue(
        c.err().contains("--native-host: the host program stays in Java: host op 'round' at 11:16"),
        c.err());
    List<String> names =
        Manifest.read(work.resolve("case/bundle")).subgraphs().stream()
            .map(Manifest.SubgraphSpec::name)
            .toList();
    assertTrue(!names.contains("native") && names.contains("sg0"), names.toString());
    // Without --native-host the compile only prefers native code: no warning, and -v says why.
    c = DifferentialTest.check(model, work.resolve("case"), "-v");
    assertTrue(!c.err().contains("warning"), c.err());
    assertTrue(
        c.err().contains(DifferentialTest.JAVA_HOST_NOTE + "host op 'round' at 11:16"), c.err());
  }

  /**
   * An int past 64 bits in the native host program raises where the Java host program does: the
   * same message, at the same source position; inputs that do not overflow give the same outputs,
   * after a data-dependent loop of host ints.
   */
  @Test
  void hostArithmeticErrorsAreRaisedAsInJava(@TempDir Path work) throws Exception {
    Path model = work.resolve("overflow.py");
    Files.writeString(
        model,
        String.join(
            "\n",
            "# entry: Net()",
            "# input: x=float32[1,4]",
            "import torch",
            "import torch.nn as nn",
            "",
            "",
            "class Net(nn.Module):",
            "    def forward(self, x):",
            "        n = int((x.abs() * 1000).long().sum().item())",
            "        steps = 0",
            "        while steps < n and steps < 3:",
            "            x = x * 2",
            "            steps += 1",
            "        m = n + 9223372036854775000",
            "        if m > 9223372036854775001:",
            "            return x + 1, steps",
            "        return x - 1, steps",
            ""));
    Map<String, Path> bundles = compileBoth(model, work, "x=float32[1,4]");
    assertNative(bundles.get("native"));
    float[][] xs = {{0.002f, 0, 0, 0}, {0.001f, 0, 0, 0.0005f}, {5, -3, 2, 1}, {0, 0, 0, 0}};
    int raised = 0;
    try (Bundle jvm = Bundle.open(bundles.get("java"));
        Bundle nat = Bundle.open(bundles.get("native"))) {
      for (float[] x : xs) {
        java.nio.ByteBuffer b =
            java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float v : x) {
          b.putFloat(v);
        }
        Map<String, HostTensor> in =
            Map.of("x", new HostTensor("float32", new long[] {1, 4}, b.array()));
        Outcome java = Outcome.of(jvm, in);
        String javaError = java.error();
        List<HostTensor> javaOut = java.out();
        if (javaError != null) {
          raised++;
          String expected = javaError;
          HostProgramException e = assertThrows(HostProgramException.class, () -> nat.run(in));
          assertEquals(expected, e.getMessage());
          assertTrue(
              expected.contains("case_model.py:14:")
                  && expected.contains("integer overflow beyond 64 bits"),
              expected);
          continue;
        }
        List<HostTensor> natOut = nat.run(in).flattenLeaves();
        assertEquals(javaOut.size(), natOut.size());
        for (int k = 0; k < javaOut.size(); k++) {
          DifferentialTest.compare(javaOut.get(k), natOut.get(k), "output " + k, 0, 0);
        }
      }
    }
    assertEquals(1, raised, "inputs that overflow");
  }

  /**
   * Every host scalar op native code computes gives the Java host program's result, bit for bit, or
   * its error, message and source position, on edge values: zeros of both signs, NaN, infinities,
   * 64-bit limits, 2**53 + 1 (which a double does not hold), and floats at 2**63.
   */
  @Test
  void hostScalarOpsMatchTheJavaHostOnEdgeValues(@TempDir Path work) throws Exception {
    Path model = Path.of("src/test/resources/native/scalar_edges.py").toAbsolutePath();
    Map<String, Path> bundles =
        compileBoth(model, work, "k=int64[1]", "a=int64[2]", "f=float64[2]");
    assertNative(bundles.get("native"));
    long[] ints = {
      0,
      1,
      -1,
      2,
      -2,
      3,
      -7,
      3037000499L,
      -3037000499L,
      3037000500L,
      1L << 32,
      (1L << 53) + 1,
      Long.MAX_VALUE,
      Long.MIN_VALUE,
      Long.MAX_VALUE - 1,
      Long.MIN_VALUE + 1
    };
    double[] floats = {
      0.0,
      -0.0,
      1.0,
      -1.5,
      2.5,
      3.0,
      -7.0,
      0.1,
      Double.NaN,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      0x1p63,
      -0x1p63,
      0x1p53,
      1e300,
      -1e-300
    };
    int n = Math.max(ints.length, floats.length);
    int runs = 0;
    Map<String, Integer> errors = new java.util.TreeMap<>();
    try (Bundle jvm = Bundle.open(bundles.get("java"));
        Bundle nat = Bundle.open(bundles.get("native"))) {
      for (long op = 0; op <= 22; op++) {
        for (int p = 0; p < n; p++) {
          for (int q = 0; q < n; q++) {
            // (i, j), (x, y) and (i, x) each meet every pair of their edge values
            long i = ints[p % ints.length];
            long j = ints[q % ints.length];
            double x = floats[q % floats.length];
            double y = floats[p % floats.length];
            Map<String, HostTensor> in =
                Map.of(
                    "k", longs(op),
                    "a", longs(i, j),
                    "f", doubles(x, y));
            String where = "op " + op + " on i=" + i + " j=" + j + " x=" + x + " y=" + y;
            Outcome java = Outcome.of(jvm, in);
            String javaError = java.error();
            List<HostTensor> javaOut = java.out();
            runs++;
            if (javaError != null) {
              String expected = javaError;
              HostProgramException e =
                  assertThrows(HostProgramException.class, () -> nat.run(in), where);
              assertEquals(expected, e.getMessage(), where);
              errors.merge(
                  expected.replaceAll("(?s).*case_model.py:(\\d+):.*", "line $1"), 1, Integer::sum);
              continue;
            }
            List<HostTensor> natOut = Outcome.of(nat, in).outputs(where);
            assertEquals(javaOut.size(), natOut.size(), where);
            for (int k = 0; k < javaOut.size(); k++) {
              assertEquals(javaOut.get(k).dtype(), natOut.get(k).dtype(), where);
              assertEquals(bits(javaOut.get(k)), bits(natOut.get(k)), where + ", output " + k);
            }
          }
        }
      }
    }
    assertEquals(23 * n * n, runs);
    // the statements that raise on some edge values: int overflow (* ** - abs + -) and ** to a
    // negative power, division by zero (/ // % of ints and of floats), int() of NaN, an infinity or
    // 2**63; and no other
    List<String> lines = Files.readAllLines(model);
    Set<String> raising = new java.util.TreeSet<>();
    errors
        .keySet()
        .forEach(l -> raising.add(lines.get(Integer.parseInt(l.substring(5)) - 1).trim()));
    assertEquals(
        new java.util.TreeSet<>(
            List.of(
                "return i * j",
                "return i ** j",
                "return i // j",
                "return i % j",
                "return i / j",
                "return -i, abs(i)",
                "return i + j",
                "return i - j",
                "return x % y",
                "return x // y",
                "return int(x)",
                "return x / y",
                "return x != x, x == x, x < x, x >= x, x - x, x / x, i // i")),
        raising,
        errors.toString());
  }

  /**
   * Python's math functions, numpy's and round() on a run-time float, in native code, on edge
   * values (zeros of both signs, NaN, infinities, the ends of each function's domain, results past
   * the float range, floats at 2**63): each result of math is CPython's, bit for bit (both call the
   * C library), each of numpy's within two ulps of numpy's, and each error the Java host program's,
   * message and source position. Where neither raises, the Java host program's result (Java's Math)
   * is within one ulp of native code's.
   */
  @Test
  void mathFunctionsGiveCPythonsResultsOnEdgeValues(@TempDir Path work) throws Exception {
    Path model = Path.of("src/test/resources/native/math_edges.py").toAbsolutePath();
    Map<String, Path> bundles = compileBoth(model, work, "k=int64[1]", "f=float64[2]");
    assertNative(bundles.get("native"));
    double[] xs = {
      0.0,
      -0.0,
      1.0,
      -1.0,
      0.5,
      -0.5,
      1.0000000000000002,
      -1.0000000000000002,
      2.0,
      8.0,
      0.1,
      2.5,
      -2.5,
      Math.PI,
      1e-300,
      -1e-300,
      Double.MIN_VALUE,
      20.0,
      709.0,
      710.0,
      -745.5,
      1e22,
      1e300,
      -1e300,
      0x1p63,
      -0x1p63,
      0x1p62 * 3,
      Double.NaN,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY
    };
    // ops 0-23 of x alone; op 24, x ** y, on every pair
    List<double[]> cases = new ArrayList<>();
    for (int op = 0; op <= 24; op++) {
      for (double x : xs) {
        for (double y : op == 24 ? xs : new double[] {0.0}) {
          cases.add(new double[] {op, x, y});
        }
      }
    }
    StringBuilder text = new StringBuilder();
    for (double[] c : cases) {
      text.append((int) c[0]).append(' ').append(hex(c[1])).append(' ').append(hex(c[2]));
      text.append('\n');
    }
    Files.writeString(work.resolve("cases.txt"), text);
    EarlyExitCnnTest.python(
        work,
        Path.of("src/test/resources/native/math_reference.py").toAbsolutePath().toString(),
        model.toString(),
        work.resolve("cases.txt").toString(),
        work.resolve("cpython.txt").toString());
    List<String> cpython = Files.readAllLines(work.resolve("cpython.txt"));
    assertEquals(cases.size(), cpython.size());
    int raised = 0;
    int ulpApart = 0;
    try (Bundle jvm = Bundle.open(bundles.get("java"));
        Bundle nat = Bundle.open(bundles.get("native"))) {
      for (int n = 0; n < cases.size(); n++) {
        int op = (int) cases.get(n)[0];
        double x = cases.get(n)[1];
        double y = cases.get(n)[2];
        String expected = cpython.get(n);
        String where = "op " + op + " on " + x + ", " + y + " (CPython: " + expected + ")";
        Map<String, HostTensor> in = Map.of("k", longs(op), "f", doubles(x, y));
        Outcome java = Outcome.of(jvm, in);
        String javaError = java.error();
        List<HostTensor> javaOut = java.out();
        if (javaError != null) {
          String message = javaError;
          HostProgramException e =
              assertThrows(HostProgramException.class, () -> nat.run(in), where);
          assertEquals(message, e.getMessage(), where);
          // CPython raises there too, but for an int past 64 bits (floor, ceil and round); its
          // result is complex where a negative float is raised to a non-integer power
          assertTrue(
              expected.startsWith("e:")
                  ? message.contains(expected.substring(2))
                      || expected.contains("complex") && message.contains("complex")
                  : message.contains(expected.equals("c:") ? "complex" : "64-bit integer"),
              where + ": " + message);
          raised++;
          continue;
        }
        List<HostTensor> natOut = Outcome.of(nat, in).outputs(where);
        String got = result(natOut.get(0));
        if (op >= 18 && op <= 21 && expected.startsWith("f:") && !expected.equals("f:nan")) {
          // numpy's exp and log (18-21) are its own SIMD loops on some CPUs, which may differ
          // from the C library's in the last bits
          assertTrue(
              got.startsWith("f:")
                  && Math.abs(
                          Long.parseUnsignedLong(got.substring(2), 16)
                              - Long.parseUnsignedLong(expected.substring(2), 16))
                      <= 2,
              where + ": " + got);
        } else {
          assertEquals(expected, got, where);
        }
        HostTensor j = javaOut.get(0);
        if (j.dtype().equals("float64") && !Double.isNaN(j.getDouble(0))) {
          long apart =
              Math.abs(
                  Double.doubleToLongBits(j.getDouble(0))
                      - Double.doubleToLongBits(natOut.get(0).getDouble(0)));
          assertTrue(apart <= 1, where + ": Java's " + j.getDouble(0));
          ulpApart += (int) apart;
        } else {
          assertEquals(expected, result(j), where);
        }
      }
    }
    // the domain and range errors of math, int() of NaN, an infinity or a float past 64 bits,
    // and ** where CPython raises or gives a complex number
    assertTrue(raised >= 200, "edge values that raise: " + raised);
    System.out.println("math edge values: " + raised + " raise, Java one ulp apart on " + ulpApart);
  }

  /** A run's outputs, or the message of the error it raised. */
  record Outcome(List<HostTensor> out, String error) {
    static Outcome of(Bundle b, Map<String, HostTensor> in) throws Exception {
      try {
        return new Outcome(b.run(in).flattenLeaves(), null);
      } catch (HostProgramException e) {
        return new Outcome(null, e.getMessage());
      }
    }

    /** The outputs, where the run was to raise nothing. */
    List<HostTensor> outputs(String where) {
      if (error != null) {
        throw new AssertionError(where + ": native raised " + error);
      }
      return out;
    }
  }

  private static String hex(double x) {
    return String.format("%016x", Double.doubleToRawLongBits(x));
  }

  /** A scalar result as math_reference.py writes CPython's: f:<bits>, f:nan or i:<int>. */
  private static String result(HostTensor t) {
    if (t.dtype().equals("int64")) {
      return "i:"
          + java.nio.ByteBuffer.wrap(t.data()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
    }
    double d = t.getDouble(0);
    return Double.isNaN(d) ? "f:nan" : "f:" + String.format("%016x", Double.doubleToRawLongBits(d));
  }

  /**
   * {@code model} compiled twice, with its host program in Java ("java") and native ("native"), on
   * weights PyTorch saved for it.
   */
  private static Map<String, Path> compileBoth(Path model, Path work, String... inputs)
      throws Exception {
    Path src = work.resolve("src");
    Path ref = work.resolve("ref");
    Files.createDirectories(src);
    Files.copy(model, src.resolve("case_model.py"));
    EarlyExitCnnTest.python(DifferentialTest.DIR, "make_case.py", model.toString(), ref.toString());
    Map<String, Path> bundles = new LinkedHashMap<>();
    for (String mode : List.of("java", "native")) {
      Path bundle = work.resolve(mode);
      List<String> args =
          new ArrayList<>(
              List.of(
                  "compile",
                  "--source-root",
                  src.toString(),
                  "--entry",
                  "case_model:Net()",
                  "--weights",
                  ref.resolve("weights.pt").toString(),
                  "-o",
                  bundle.toString()));
      for (String in : inputs) {
        args.add("--input");
        args.add(in);
      }
      args.add(mode.equals("native") ? "--native-host" : "--java-host");
      EarlyExitCnnTest.Cli c = EarlyExitCnnTest.cli(args.toArray(new String[0]));
      assertEquals(0, c.code(), c.err());
      assertTrue(!c.err().contains("stays in Java"), c.err());
      bundles.put(mode, bundle);
    }
    return bundles;
  }

  /** A tensor's values as text, floats by their bits (one NaN), so -0.0 differs from 0.0. */
  private static String bits(HostTensor t) {
    if (!t.dtype().startsWith("float")) {
      return t.dtype() + " " + java.util.HexFormat.of().formatHex(t.data());
    }
    StringBuilder s = new StringBuilder(t.dtype());
    for (long k = 0; k < t.numel(); k++) {
      s.append(' ').append(Long.toHexString(Double.doubleToLongBits(t.getDouble(k))));
    }
    return s.toString();
  }

  private static HostTensor longs(long... v) {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(8 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      b.putLong(x);
    }
    return new HostTensor("int64", new long[] {v.length}, b.array());
  }

  private static HostTensor doubles(double... v) {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(8 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (double x : v) {
      b.putDouble(x);
    }
    return new HostTensor("float64", new long[] {v.length}, b.array());
  }

  /** The bundle's only library is the native host program's. */
  static void assertNative(Path bundle) throws Exception {
    List<String> names =
        Manifest.read(bundle).subgraphs().stream().map(Manifest.SubgraphSpec::name).toList();
    assertEquals(List.of("native"), names);
    try (Stream<Path> libs = Files.list(bundle.resolve("lib"))) {
      assertEquals(
          List.of("native.so"), libs.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }
}
