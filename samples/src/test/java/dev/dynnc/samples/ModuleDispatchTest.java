package dev.dynnc.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dynnc.runtime.HostTensor;
import dev.dynnc.runtime.Npy;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A module container, or a plain list of modules, indexed by a run-time int ({@code
 * self.experts[k](x)}) runs the module the index picks, negative indices counting from the end as
 * in Python, and an index out of range stops the model with a located run-time error instead of
 * picking a module. The same model writes into a clone through a boolean mask, and uses numpy on a
 * run-time array and on Python lists in forward (numpy's dtypes carried to the outputs).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModuleDispatchTest {
  static final String MODEL =
      """
      import numpy as np
      import torch
      import torch.nn as nn


      class Net(nn.Module):
          def __init__(self):
              super().__init__()
              self.experts = nn.ModuleList([nn.ReLU(), nn.Tanh(), nn.Sigmoid()])
              self.heads = [nn.ReLU(), nn.Tanh()]

          def forward(self, x):
              k = int(x[0].item())
              y = self.experts[k](x)
              z = y.clone()
              z[z < 0.25] = -1.0
              w = self.heads[k % 2](x)
              return y, z, np.prod(x.numpy()), np.cumsum([1, 2, 3]), np.array([[1.5, 2], [3, 4]]), w
      """;

  Path work;
  Path bundle;

  @BeforeAll
  void compile(@TempDir Path dir) throws Exception {
    work = dir;
    bundle =
        RunTimeErrorTest.compileParameterFree(
            work,
            MODEL,
            "--cache-dir",
            CorpusSamplesTest.SAMPLES.resolve("target/corpus-cache").toString());
  }

  EarlyExitCnnTest.Cli run(String name, float a, float b) throws Exception {
    return RunTimeErrorTest.run(work, bundle, name, a, b);
  }

  double[] values(String name, int output, String dtype) throws Exception {
    HostTensor t = Npy.read(work.resolve(name).resolve("output_" + output + ".npy"));
    assertEquals(dtype, t.dtype(), name + " output " + output);
    double[] v = new double[(int) t.numel()];
    for (int i = 0; i < v.length; i++) {
      v[i] = t.getDouble(i);
    }
    return v;
  }

  /**
   * Runs x = (k, b) and checks the picked expert's output, the masked copy and the numpy values.
   */
  void picks(String name, int k, float b, java.util.function.DoubleUnaryOperator expert)
      throws Exception {
    EarlyExitCnnTest.Cli c = run(name, k, b);
    assertEquals(0, c.code(), c.err());
    double[] y = {expert.applyAsDouble(k), expert.applyAsDouble(b)};
    assertArrayEquals(y, values(name, 0, "float32"), 1e-6);
    double[] z = {y[0] < 0.25 ? -1 : y[0], y[1] < 0.25 ? -1 : y[1]};
    assertArrayEquals(z, values(name, 1, "float32"), 1e-6);
    assertArrayEquals(new double[] {(double) (float) k * b}, values(name, 2, "float32"), 1e-6);
    assertArrayEquals(new double[] {1, 3, 6}, values(name, 3, "int64"));
    assertArrayEquals(new double[] {1.5, 2, 3, 4}, values(name, 4, "float64"));
    java.util.function.DoubleUnaryOperator head =
        Math.floorMod(k, 2) == 0 ? v -> Math.max(v, 0) : Math::tanh;
    assertArrayEquals(
        new double[] {head.applyAsDouble(k), head.applyAsDouble(b)},
        values(name, 5, "float32"),
        1e-6);
  }

  @Test
  void eachIndexRunsItsModule() throws Exception {
    picks("relu", 0, -2f, v -> Math.max(v, 0));
    picks("tanh", 1, 0.5f, Math::tanh);
    picks("sigmoid", 2, 0.1f, v -> 1 / (1 + Math.exp(-v)));
  }

  @Test
  void aNegativeIndexCountsFromTheEnd() throws Exception {
    picks("last", -1, 0.5f, v -> 1 / (1 + Math.exp(-v)));
    picks("first", -3, 0.5f, v -> Math.max(v, 0));
  }

  @Test
  void anIndexOutOfRangeIsARunTimeError() throws Exception {
    for (int k : new int[] {3, -4}) {
      EarlyExitCnnTest.Cli c = run("out" + (k + 10), k, 0f);
      assertEquals(1, c.code(), c.err());
      assertEquals(
          "error[DN0405]: models/net.py:14:25: the model's host arithmetic failed on this input: index "
              + k
              + " is out of range for a container of 3 items\n",
          c.err());
    }
  }
}
