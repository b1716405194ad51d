package dev.dynnc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.dynnc.backend.CompileService;
import dev.dynnc.weights.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subgraphs compile in parallel when the compile service runs several compiles at once, and the
 * bundle, and the error reported on a failure, are exactly those of a serial compile.
 */
class ParallelCompileTest {
  @TempDir static Path dir;
  static Path weights;

  @BeforeAll
  static void writeModel() throws IOException {
    weights = CompileCacheTest.writeModel(dir);
  }

  /**
   * Writes a library whose bytes depend only on the request's ops (not on which thread or when),
   * counts how many compiles overlap, and fails the subgraphs named in {@code failing}.
   */
  static final class OverlapService implements CompileService {
    final int parallelism;
    final Set<String> failing;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch twoStarted = new CountDownLatch(2);

    OverlapService(int parallelism, Set<String> failing) {
      this.parallelism = parallelism;
      this.failing = failing;
    }

    @Override
    public int parallelism() {
      return parallelism;
    }

    @Override
    public void compile(Path request, Path errorFile, Duration timeout) throws CompileException {
      calls.incrementAndGet();
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        JsonObject req = new Gson().fromJson(Files.readString(request), JsonObject.class);
        String output = req.get("output").getAsString();
        String name = Path.of(output).getFileName().toString().replace(".so", "");
        if (parallelism > 1) {
          twoStarted.countDown();
          // Give a second compile the chance to start while this one runs.
          twoStarted.await(10, TimeUnit.SECONDS);
        }
        if (failing.contains(name)) {
          throw new CompileException("no kernel for " + name);
        }
        Files.writeString(Path.of(output), "library of " + req.get("ops"));
        Files.writeString(Path.of(req.get("relay_file").getAsString()), "relay of " + name);
      } catch (IOException e) {
        throw new CompileException(e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CompileException("interrupted");
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  static CompileResult compile(OverlapService service, String out) throws IOException {
    return DynncCompiler.builder()
        .hostProgram(DynncCompiler.HostProgram.JAVA)
        .compileService(service)
        .diagnostics((d, s) -> {})
        .build()
        .compile(
            DynncCompilerTest.request(
                dir.resolve("src"), weights, Checkpoints.Selection.NONE, dir.resolve(out)));
  }

  /** Every file of a bundle, by relative path. */
  static TreeMap<String, byte[]> files(Path bundle) throws IOException {
    TreeMap<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(bundle)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(bundle.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  @Test
  void subgraphsCompileInParallelIntoTheSerialBundle() throws Exception {
    OverlapService serial = new OverlapService(1, Set.of());
    assertTrue(compile(serial, "serial").ok());
    OverlapService parallel = new OverlapService(3, Set.of());
    CompileResult r = compile(parallel, "parallel");
    assertTrue(r.ok(), r::renderDiagnostics);
    assertEquals(1, serial.maxInFlight.get());
    assertTrue(parallel.maxInFlight.get() >= 2, "compiles overlapped: " + parallel.maxInFlight);
    assertEquals(3, parallel.calls.get());
    TreeMap<String, byte[]> a = files(dir.resolve("serial"));
    TreeMap<String, byte[]> b = files(dir.resolve("parallel"));
    assertEquals(a.keySet(), b.keySet());
    for (String f : a.keySet()) {
      assertArrayEquals(a.get(f), b.get(f), f);
    }
  }

  @Test
  void aFailureReportsTheFirstFailingSubgraphAsASerialCompileDoes() throws Exception {
    for (int parallelism : List.of(1, 3)) {
      OverlapService s = new OverlapService(parallelism, Set.of("sg1", "sg2"));
      CompileResult r = compile(s, "failing" + parallelism);
      assertFalse(r.ok());
      assertEquals(1, r.diagnostics().all().size(), r.renderDiagnostics());
      assertTrue(
          r.diagnostics()
              .all()
              .get(0)
              .message()
              .equals("TVM could not compile subgraph sg1: no kernel for sg1"),
          r.renderDiagnostics());
      assertFalse(Files.exists(dir.resolve("failing" + parallelism)), "no bundle is installed");
    }
  }
}
