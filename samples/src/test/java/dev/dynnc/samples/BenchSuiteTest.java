package dev.dynnc.samples;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Runs the benchmark suite's self-test (samples/bench/suite.py --self-test): its parsers of {@code
 * dynnc bench} and {@code dynnc compile -v} output and its markdown table, on canned output. The
 * suite itself times things and is run by hand (bin/bench-suite), never in the build.
 */
class BenchSuiteTest {
  @Test
  void parsersAndTableOnCannedOutput() throws Exception {
    Path bench = CorpusSamplesTest.SAMPLES.resolve("bench");
    EarlyExitCnnTest.python(bench, "suite.py", "--self-test");
  }
}
