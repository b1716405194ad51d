package dev.dynnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class MainTest {
  /**
   * bench's percentiles of 3 million runs: the rank of p90 (2.7 billion per mille) overflowed an
   * int, and the row was an internal error.
   */
  @Test
  void benchPercentilesOfMillionsOfRunsIndexInRange() {
    long[] sorted = new long[3_000_000];
    java.util.Arrays.setAll(sorted, i -> i);
    assertEquals(1_500_000, Main.Bench.percentile(sorted, 500));
    assertEquals(2_700_000, Main.Bench.percentile(sorted, 900));
    assertEquals(300_000, Main.Bench.percentile(sorted, 100));
  }

  @Test
  void anInternalErrorIsOneLineAskingForAReport() {
    String line =
        "internal error: IllegalStateException: bad state (a dynnc bug; please report it with the command line "
            + "and model; DYNNC_DEBUG=1 prints the stack trace)";
    StringWriter err = new StringWriter();
    assertEquals(
        Main.INTERNAL,
        Main.internalError(
            new IllegalStateException("bad state\nsecond line"),
            new PrintWriter(err, true),
            false));
    assertEquals(line + "\n", err.toString());
    StringWriter debug = new StringWriter();
    Main.internalError(new IllegalStateException("bad state"), new PrintWriter(debug, true), true);
    assertEquals(line, debug.toString().lines().findFirst().orElseThrow());
    assertTrue(debug.toString().contains("\tat dev.dynnc.cli.MainTest."), debug.toString());
  }

  @Test
  void aNulInAPathIsAUsageError() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // A NUL cannot be in a path: refused while parsing the arguments, a usage error.
    int code =
        Main.run(
            new String[] {"run", "b\0ad", "--input", "x=y.npy", "--output-dir", "o"},
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertEquals(Main.USAGE, code, err.toString());
  }

  @Test
  void theDefaultCacheFollowsXdgCacheHome() {
    assertEquals(
        java.nio.file.Path.of("/xdg/dynnc"),
        dev.dynnc.compiler.DynncCompiler.defaultCacheDir("/xdg"));
    java.nio.file.Path home =
        java.nio.file.Path.of(System.getProperty("user.home"), ".cache", "dynnc");
    assertEquals(home, dev.dynnc.compiler.DynncCompiler.defaultCacheDir(null));
    assertEquals(home, dev.dynnc.compiler.DynncCompiler.defaultCacheDir(""));
    // The XDG spec says a relative value is invalid and to be ignored.
    assertEquals(home, dev.dynnc.compiler.DynncCompiler.defaultCacheDir("relative/cache"));
  }
}
