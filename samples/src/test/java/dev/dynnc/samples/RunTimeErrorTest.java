package dev.dynnc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.runtime.HostTensor;
import dev.dynnc.runtime.Npy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Python arithmetic error in host code at run time (an int past 64 bits, an integer division by
 * zero) is reported by {@code dynnc run} as the model's error on that input, at the file, line and
 * column of the expression, the file name coming from the bundle's data and never from its
 * generated code. The column is that of the operator, as in compile-time diagnostics. A failed
 * {@code assert} on tensor data is reported the same way, at the assert statement, and so is a
 * run-time index out of range (PyTorch raises an IndexError there), at the indexing expression.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunTimeErrorTest {
  static final String MODEL =
      """
      import torch
      import torch.nn as nn


      class Net(nn.Module):
          def forward(self, x):
              n = int(x.sum().item())
              m = 7 // (n + 5)
              assert x[0] < 1000.0, "out of range"
              k = x[x[1:].long()]
              if n * 4611686018427387904 > m:
                  return x + 1.0
              return x - 1.0
      """;

  Path work;
  Path bundle;

  @BeforeAll
  void compile(@TempDir Path dir) throws Exception {
    work = dir;
    bundle = compileParameterFree(work, MODEL, "--no-cache");
    String host = Files.readString(bundle.resolve("host/src/dynnc/generated/Host.java"));
    assertFalse(host.contains("net.py"), "file names stay out of generated code");
    assertEquals("[\"models/net.py\"]", Files.readString(bundle.resolve("host/sources.json")));
  }

  /**
   * Compiles the parameter-free model {@code source} (module models.net, class Net, input x =
   * float32[2]) under {@code work} with the extra flags, and returns its bundle.
   */
  static Path compileParameterFree(Path work, String source, String... flags) throws Exception {
    // A model without parameters: an empty safetensors checkpoint.
    EarlyExitCnnTest.parameterFreeModel(work, "models", "net", source);
    Path bundle = work.resolve("net.bundle");
    List<String> args =
        new ArrayList<>(
            List.of(
                "compile",
                "--source-root",
                work.resolve("src").toString(),
                "--entry",
                "models.net:Net()",
                "--input",
                "x=float32[2]",
                "--weights",
                work.resolve("empty.safetensors").toString(),
                "-o",
                bundle.toString()));
    args.addAll(List.of(flags));
    EarlyExitCnnTest.Cli c = EarlyExitCnnTest.cli(args.toArray(String[]::new));
    assertEquals(0, c.code(), c.err());
    return bundle;
  }

  EarlyExitCnnTest.Cli run(String name, float a, float b) throws Exception {
    return run(work, bundle, name, a, b);
  }

  /**
   * Runs {@code bundle} on the input {@code x = float32[2] (a, b)}, written to {@code
   * work/NAME.npy}, with its outputs in {@code work/NAME}.
   */
  static EarlyExitCnnTest.Cli run(Path work, Path bundle, String name, float a, float b)
      throws Exception {
    Path x = work.resolve(name + ".npy");
    ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(a).putFloat(b);
    Npy.write(x, new HostTensor("float32", new long[] {2}, data.array()));
    return EarlyExitCnnTest.cli(
        "run",
        bundle.toString(),
        "--input",
        "x=" + x,
        "--output-dir",
        work.resolve(name).toString());
  }

  @Test
  void anIntPast64BitsIsReportedAtItsExpression() throws Exception {
    EarlyExitCnnTest.Cli c = run("big", 1f, 1f);
    assertEquals(1, c.code(), c.err());
    assertEquals(
        "error[DN0405]: models/net.py:11:14: the model's host arithmetic failed on this input: integer "
            + "overflow beyond 64 bits\n",
        c.err());
  }

  @Test
  void aDivisionByZeroIsReportedAtItsExpression() throws Exception {
    EarlyExitCnnTest.Cli c = run("zero", -2f, -3f);
    assertEquals(1, c.code(), c.err());
    assertEquals(
        "error[DN0405]: models/net.py:8:15: the model's host arithmetic failed on this input: integer "
            + "division or modulo by zero\n",
        c.err());
  }

  @Test
  void aFailedAssertOnDataIsReportedAtTheAssert() throws Exception {
    EarlyExitCnnTest.Cli c = run("assert", 5000f, -4000f);
    assertEquals(1, c.code(), c.err());
    assertEquals(
        "error[DN0405]: models/net.py:9:9: an assert statement's condition is false for this"
            + " input\n",
        c.err());
  }

  @Test
  void anIndexOutOfRangeIsReportedAtTheIndexingAndWritesNothing() throws Exception {
    EarlyExitCnnTest.Cli c = run("index", 0f, 7f);
    assertEquals(1, c.code(), c.err());
    assertEquals(
        "error[DN0405]: models/net.py:10:14: "
            + dev.dynnc.semantics.PyScalar.INDEX_OUT_OF_RANGE
            + "\n",
        c.err());
    assertFalse(Files.exists(work.resolve("index")), "an output directory was written");
    // -2 counts from the end, as in PyTorch.
    assertEquals(0, run("index_neg", 0f, -2f).code());
  }

  @Test
  void otherInputsRun() throws Exception {
    EarlyExitCnnTest.Cli c = run("fine", -1f, 0f);
    assertEquals(0, c.code(), c.err());
    assertTrue(c.out().contains("output_0"), c.out());
  }

  /**
   * An integer division by a tensor that holds 0 raises ZeroDivisionError as in PyTorch, and one by
   * -1 of the most negative int64 (where PyTorch's own kernel dies of SIGFPE) wraps: neither may
   * run an x86 division that traps, which would kill the JVM.
   */
  @Test
  void integerDivisionByZeroOrMinusOneNeitherTrapsNorPasses(@TempDir Path dir) throws Exception {
    Path b =
        compileParameterFree(
            dir,
            """
            import torch
            import torch.nn as nn


            class Net(nn.Module):
                def forward(self, x):
                    i = x[:1].long()
                    d = x[1:].long()
                    return i // d, i % d, torch.fmod(i, d), torch.div(i, d, rounding_mode='trunc')
            """);
    EarlyExitCnnTest.Cli zero = run(dir, b, "zero", 5f, 0f);
    assertEquals(1, zero.code(), zero.err());
    assertEquals(
        "error[DN0405]: models/net.py:9:18: "
            + dev.dynnc.semantics.PyScalar.DIVISION_BY_ZERO
            + "\n",
        zero.err());
    EarlyExitCnnTest.Cli min = run(dir, b, "min", -9.223372e18f, -1f);
    assertEquals(0, min.code(), min.err());
    long[] expected = {Long.MIN_VALUE, 0, 0, Long.MIN_VALUE};
    for (int k = 0; k < 4; k++) {
      HostTensor out = Npy.read(dir.resolve("min").resolve("output_" + k + ".npy"));
      long v = ByteBuffer.wrap(out.data()).order(ByteOrder.LITTLE_ENDIAN).getLong();
      assertEquals(expected[k], v, "output_" + k);
    }
    assertEquals(0, run(dir, b, "fine", -7f, 2f).code());
  }
}
