package dev.dynnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.diag.Diagnostics;
import dev.dynnc.diag.SourceMap;
import dev.dynnc.frontend.Frontend;
import dev.dynnc.ir.Parser;
import dev.dynnc.runtime.Bundle;
import dev.dynnc.runtime.DeviceArray;
import dev.dynnc.runtime.HostTensor;
import dev.dynnc.runtime.OutputValue;
import dev.dynnc.weights.Checkpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soak test of a data-dependent loop compiled for real: the loop body is one TVM subgraph called
 * once per iteration, and 10,000 inferences with 1 to 16 iterations each keep device memory flat.
 *
 * <p>The loop doubles {@code h} until its largest element reaches 1 (at least once) and counts the
 * iterations; an input whose largest element is {@code 0.75 / 2^(k-1)} takes exactly {@code k}. The
 * program is IR written by hand, compiled through the real passes, partitioner, TVM and host code
 * generation (only the frontend is replaced), until the frontend stages such loops itself.
 */
class LoopSoakTest {
  static final String LOOP =
      """
      func @forward(%0 "x": f32[1,4]) {
      ^bb0:
        %1 = const() {value = 0} : i64
        jump ^bb1(%0, %1)
      ^bb1(%2: f32[1,4], %3: i64):
        %4 = full() {value = 2.0} : f32[1,4]
        %5 = mul(%2, %4) : f32[1,4]
        %6 = reduce_max(%5) {axes = [0, 1], keepdims = false} : f32[]
        %7 = item(%6) : f32
        %8 = const() {value = 1.0} : f64
        %9 = lt(%7, %8) : bool
        %10 = const() {value = 1} : i64
        %11 = add(%3, %10) : i64
        br %9, ^bb1(%5, %11), ^bb2()
      ^bb2:
        ret (%5, %11)
      }
      """;

  static final int RUNS = 10_000;
  static final int MAX_ITERATIONS = 16;

  @TempDir static Path dir;
  static Path bundle;

  @BeforeAll
  static void compile() throws Exception {
    Files.createDirectories(dir.resolve("src"));
    Path weights = Files.createFile(dir.resolve("none.safetensors"));
    bundle = dir.resolve("loop.bundle");
    DynncCompiler c =
        DynncCompiler.builder()
            .hostProgram(DynncCompiler.HostProgram.JAVA)
            .cacheDir(Path.of("target", "loop-soak-cache").toAbsolutePath())
            .lowering(
                req -> {
                  try {
                    return new Frontend.Result(
                        Optional.of(Parser.parse(LOOP)),
                        List.of(),
                        Map.of(),
                        new Diagnostics(),
                        SourceMap.EMPTY,
                        List.of(),
                        List.of());
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                })
            .build();
    CompileResult r =
        c.compile(
            new CompileRequest(
                dir.resolve("src"),
                "m:Net()",
                "forward",
                InputSpecs.parse(List.of("x=float32[1,4]")),
                weights,
                Checkpoints.Selection.NONE,
                bundle,
                Duration.ofSeconds(CompileRequest.DEFAULT_COMPILE_TIMEOUT_S),
                null));
    assertTrue(r.ok(), r::renderDiagnostics);
    assertEquals(1, r.subgraphs(), "the loop body is one compiled subgraph");
  }

  /** An input that takes exactly {@code k} iterations. */
  static HostTensor input(int k) {
    float top = 0.75f / (1 << (k - 1));
    return HostTensor.ofFloats(new long[] {1, 4}, new float[] {top / 4, top, top / 2, 0});
  }

  /** Runs the bundle on {@link #input}(k) and checks the result: h = x * 2^k, and k. */
  static void runAndCheck(Bundle b, int k) throws Exception {
    OutputValue out = b.run(Map.of("x", input(k)));
    List<Object> leaves = out.leafValues();
    assertEquals((long) k, leaves.get(1), "iterations");
    HostTensor h = (HostTensor) leaves.get(0);
    assertEquals(1.5, h.getDouble(1), "the largest element after k doublings");
    assertEquals(1.5 / 4, h.getDouble(0));
  }

  @Test
  void tenThousandInferencesKeepDeviceMemoryFlat() throws Exception {
    try (Bundle b = Bundle.open(bundle)) {
      assertEquals(1, b.subgraphs().size());
      // Warm up: the runtime keeps closed arrays for reuse (and counts them: they are native
      // memory), so after a short and a long run it holds what any run needs, and a run that
      // leaks arrays shows up as arrays allocated beyond these.
      runAndCheck(b, 1);
      runAndCheck(b, MAX_ITERATIONS);
      long baseCount = DeviceArray.liveCount();
      long baseBytes = DeviceArray.liveBytes();
      DeviceArray.resetPeakBytes();
      runAndCheck(b, 1);
      long oneIteration = DeviceArray.peakBytes() - baseBytes;
      DeviceArray.resetPeakBytes();
      runAndCheck(b, MAX_ITERATIONS);
      long manyIterations = DeviceArray.peakBytes() - baseBytes;
      assertEquals(
          oneIteration,
          manyIterations,
          "a run of " + MAX_ITERATIONS + " iterations holds no more device memory than one");

      DeviceArray.resetPeakBytes();
      long iterations = 0;
      long start = System.nanoTime();
      for (int i = 0; i < RUNS; i++) {
        int k = 1 + (i * 7) % MAX_ITERATIONS;
        runAndCheck(b, k);
        iterations += k;
        assertEquals(baseCount, DeviceArray.liveCount(), "arrays left after run " + i);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long peak = DeviceArray.peakBytes() - baseBytes;
      System.out.printf(
          "loop soak: %d runs, %d iterations in %.1f s; device bytes above baseline: peak %d"
              + " (one-iteration run: %d), after the soak %d%n",
          RUNS, iterations, seconds, peak, oneIteration, DeviceArray.liveBytes() - baseBytes);
      assertEquals(oneIteration, peak, "peak device memory over the soak");
      assertEquals(baseBytes, DeviceArray.liveBytes());
    }
  }
}
