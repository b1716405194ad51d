package dev.dynnc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What TVM's native code prints while it compiles stays out of the user's terminal: {@code dynnc
 * compile} of an argmax, for which TVM 0.18 logs a multi-kilobyte "not in feed graph consumer"
 * warning about its own schedule, prints nothing but dynnc's lines. The CLI runs as its own process
 * here, since the compile worker writes to the process's standard error, not to {@code System.err}.
 */
class TvmLogTest {
  @TempDir Path work;

  @Test
  void tvmsInternalWarningsDoNotReachTheUser() throws Exception {
    Path weights =
        EarlyExitCnnTest.parameterFreeModel(
            work,
            "m",
            "net",
            """
            import torch
            import torch.nn as nn


            class Net(nn.Module):
                def forward(self, x):
                    return torch.argmax(x, dim=-1)
            """);
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(System.getProperty("java.home") + "/bin/java");
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.dynnc.cli.Main",
                "compile",
                "--no-cache",
                "--source-root",
                work.resolve("src").toString(),
                "--entry",
                "m.net:Net()",
                "--input",
                "x=float32[1,12]",
                "--weights",
                weights.toString(),
                "-o",
                work.resolve("bundle").toString())
            .redirectOutput(work.resolve("out.txt").toFile())
            .redirectError(work.resolve("err.txt").toFile())
            .start();
    assertTrue(p.waitFor(600, TimeUnit.SECONDS), "dynnc compile did not finish");
    String err = Files.readString(work.resolve("err.txt"));
    assertEquals(0, p.exitValue(), err);
    assertTrue(Files.exists(work.resolve("bundle/lib/native.so")), err);
    assertFalse(err.contains("not in feed graph"), err);
    for (String line : err.lines().toList()) {
      // dynnc's own lines: progress and the summary, all of them starting "dynnc" or "compiled".
      assertTrue(
          List.of("dynnc", "compiled").stream().anyMatch(line::startsWith),
          "a line dynnc did not write: " + line);
    }
  }
}
