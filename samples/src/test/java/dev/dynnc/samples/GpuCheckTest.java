package dev.dynnc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU check's comparison (samples/gpu/compare.py), which decides on the GPU machine whether a
 * CUDA bundle's outputs match PyTorch's: on outputs laid out as {@code dynnc run} writes several
 * input sets, it accepts a difference within its tolerance and rejects a larger one, a wrong
 * integer, a wrong shape, a missing output and an extra one. The check itself needs a GPU and runs
 * by hand (README, GPU); this keeps its judge honest in the build.
 */
class GpuCheckTest {
  static final Path GPU = CorpusSamplesTest.SAMPLES.resolve("gpu");

  record Result(int code, String out) {}

  static Result compare(Path dir) throws Exception {
    Process p =
        new ProcessBuilder(
                "/usr/bin/python3",
                GPU.resolve("compare.py").toString(),
                "toy",
                dir.resolve("inputs").toString(),
                dir.resolve("out").toString(),
                dir.resolve("refs").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "compare.py timed out");
    return new Result(p.exitValue(), out);
  }

  /** Two inputs a and b; PyTorch's outputs, and dynnc's shifted by {@code delta} at one element. */
  static void write(Path dir, String delta, String exit, String shape, boolean extra)
      throws Exception {
    String script =
        String.join(
            "\n",
            "import numpy as np, os, sys",
            "d = sys.argv[1]",
            "for k, stem in enumerate(['a', 'b']):",
            "    os.makedirs(os.path.join(d, 'inputs'), exist_ok=True)",
            "    np.save(os.path.join(d, 'inputs', stem + '.npy'), np.zeros((1, 2), 'f4'))",
            "    ref = os.path.join(d, 'refs', stem); got = os.path.join(d, 'out', str(k))",
            "    os.makedirs(ref, exist_ok=True); os.makedirs(got, exist_ok=True)",
            "    logits = np.linspace(-3, 3, 10, dtype='f4').reshape(1, 10) * (k + 1)",
            "    np.save(os.path.join(ref, 'output_0.npy'), logits)",
            "    np.save(os.path.join(ref, 'output_1.npy'), np.array(k, 'i8'))",
            "    mine = logits.copy().reshape(" + shape + ")",
            "    if k == 1: mine.flat[3] += " + delta,
            "    np.save(os.path.join(got, 'output_0.npy'), mine)",
            "    np.save(os.path.join(got, 'output_1.npy'), np.array(k + ("
                + exit
                + " if k else 0), 'i8'))",
            "    if " + (extra ? "True" : "False") + ":",
            "        np.save(os.path.join(got, 'output_2.npy'), np.array(0, 'i8'))");
    Files.writeString(dir.resolve("make.py"), script);
    EarlyExitCnnTest.python(dir, "make.py", dir.toString());
  }

  @Test
  void acceptsWhatMatchesAndNamesEachMismatch(@TempDir Path tmp) throws Exception {
    record Case(String name, String delta, String exit, String shape, boolean extra, String says) {}
    for (Case c :
        List.of(
            new Case("within", "5e-5", "0", "1, 10", false, null),
            new Case("beyond", "1e-3", "0", "1, 10", false, "b output 0: max |diff| 0.001"),
            new Case("exit", "0", "1", "1, 10", false, "b output 1: [2], PyTorch [1]"),
            new Case("shape", "0", "0", "10", false, "output 0: shape (10,), PyTorch (1, 10)"),
            new Case("extra", "0", "0", "1, 10", true, "a: dynnc wrote more outputs"))) {
      Path dir = tmp.resolve(c.name());
      Files.createDirectories(dir);
      write(dir, c.delta(), c.exit(), c.shape(), c.extra());
      Result r = compare(dir);
      if (c.says() == null) {
        assertEquals(0, r.code(), r.out());
        assertTrue(
            r.out().startsWith("toy              MATCH: 2 inputs, 4 output leaves"), r.out());
      } else {
        assertEquals(1, r.code(), c.name() + ": " + r.out());
        assertTrue(
            r.out().contains("MISMATCH") && r.out().contains(c.says()), c.name() + ": " + r.out());
      }
    }
    // An output dynnc did not write.
    Path dir = tmp.resolve("missing");
    Files.createDirectories(dir);
    write(dir, "0", "0", "1, 10", false);
    Files.delete(dir.resolve("out/1/output_1.npy"));
    Result r = compare(dir);
    assertEquals(1, r.code(), r.out());
    assertTrue(r.out().contains("b output 1: missing"), r.out());
  }
}
