package dev.dynnc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.runtime.Bundle;
import dev.dynnc.runtime.DeviceArray;
import dev.dynnc.runtime.HostTensor;
import dev.dynnc.runtime.Npy;
import dev.dynnc.runtime.OutputValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One loaded bundle of samples/early_exit_cnn called from many threads at once gives, bit for bit,
 * the single-threaded results (every exit taken), and runs free every device array they allocate;
 * its libraries are compiled for this machine's CPU. As a default compile builds it (the host
 * program in native code); {@link ConcurrentRunJavaHostTest} runs the same with the Java host
 * program.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrentRunTest {
  static final int THREADS = 8;
  static final int RUNS_PER_THREAD = 500;

  Path bundleDir;
  Bundle bundle;
  List<HostTensor> inputs = new ArrayList<>();

  /** Flags added to the compile. */
  String[] hostFlags() {
    return new String[0];
  }

  /** Per input: the single-threaded result's bits and the subgraphs it called. */
  List<String> expected = new ArrayList<>();

  @BeforeAll
  void compile(@TempDir Path work) throws Exception {
    Path out = work.resolve("bundle");
    List<String> flags = new ArrayList<>(List.of(hostFlags()));
    flags.add("--cache-dir");
    flags.add(EarlyExitCnnTest.SAMPLE.resolve("../target/runtime-cache").normalize().toString());
    EarlyExitCnnTest.Cli c = EarlyExitCnnTest.compileSample(out, flags.toArray(new String[0]));
    assertEquals(0, c.code(), c.err());
    bundleDir = out;
    bundle = Bundle.open(out);
    Set<String> exits = new TreeSet<>();
    for (Path in : EarlyExitCnnTest.inputs(EarlyExitCnnTest.SAMPLE.resolve("inputs"))) {
      HostTensor x = Npy.read(in);
      inputs.add(x);
      OutputValue v = bundle.run(Map.of("x", x));
      expected.add(fingerprint(v) + " via " + bundle.lastTrace());
      exits.add(fingerprint(new OutputValue.Leaf(v.flattenLeaves().get(1)))); // the exit's index
    }
    assertEquals(3, exits.size(), "the inputs should take all three exits: " + exits);
  }

  @AfterAll
  void close() {
    if (bundle != null) {
      bundle.close();
    }
  }

  /** The value's structure with every tensor's bytes and every scalar's bits. */
  static String fingerprint(OutputValue v) {
    if (v instanceof OutputValue.Leaf l) {
      HostTensor t = l.tensor();
      return t.describe() + ":" + HexFormat.of().formatHex(t.data());
    }
    if (v instanceof OutputValue.Scalar s && s.value() instanceof Double d) {
      return "double:" + Long.toHexString(Double.doubleToRawLongBits(d));
    }
    if (v instanceof OutputValue.Scalar s) {
      return s.value().getClass().getSimpleName() + ":" + s.value();
    }
    if (v instanceof OutputValue.Tuple t) {
      return "("
          + String.join(", ", t.items().stream().map(ConcurrentRunTest::fingerprint).toList())
          + ")";
    }
    return v.toString();
  }

  @Test
  void eightThreadsGiveTheSingleThreadedResults() throws Exception {
    CyclicBarrier start = new CyclicBarrier(THREADS);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<List<String>>> mismatches = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        mismatches.add(
            pool.submit(
                () -> {
                  start.await();
                  List<String> bad = new ArrayList<>();
                  for (int j = 0; j < RUNS_PER_THREAD; j++) {
                    // Threads walk the inputs in different orders, so different exits overlap.
                    int i = (thread * 5 + j * (thread % 2 == 0 ? 1 : 7)) % inputs.size();
                    String got =
                        fingerprint(bundle.run(Map.of("x", inputs.get(i))))
                            + " via "
                            + bundle.lastTrace();
                    if (!got.equals(expected.get(i)) && bad.size() < 3) {
                      bad.add("thread " + thread + " run " + j + " input " + i + ": " + got);
                    }
                  }
                  return bad;
                }));
      }
      List<String> all = new ArrayList<>();
      for (Future<List<String>> f : mismatches) {
        all.addAll(f.get());
      }
      assertEquals(List.of(), all, "results differ from the single-threaded run");
    } finally {
      pool.shutdown();
    }
    // The calls did overlap (else this test proved nothing): overlapping runs need more sets.
    assertTrue(
        bundle.executorSets() > 1 && bundle.executorSets() <= THREADS,
        "executor sets: " + bundle.executorSets());
  }

  /**
   * A plain {@code llvm} target is compiled with the host CPU's {@code -mcpu} (LLVM's name for it),
   * never as generic x86-64 code: each library's Relay file records the target it was built for.
   */
  @Test
  void theLibrariesAreCompiledForThisMachinesCpu() throws Exception {
    for (dev.dynnc.runtime.Manifest.SubgraphSpec sg :
        dev.dynnc.runtime.Manifest.read(bundleDir).subgraphs()) {
      String first =
          java.nio.file.Files.readAllLines(bundleDir.resolve("relay/" + sg.name() + ".relay"))
              .get(0);
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("// target: llvm -mcpu=([a-z0-9_.-]+)").matcher(first);
      assertTrue(m.matches(), sg.name() + ": " + first);
      assertFalse(
          Set.of("generic", "x86-64", "x86-64-v2", "x86-64-v3", "x86-64-v4").contains(m.group(1)),
          first);
    }
  }

  @Test
  void runsFreeEveryDeviceArrayTheyAllocate() throws Exception {
    for (int j = 0; j < 200; j++) { // warm-up: executor sets, class loading
      bundle.run(Map.of("x", inputs.get(j % inputs.size())));
    }
    long live = DeviceArray.liveCount();
    int sets = bundle.executorSets();
    for (int j = 0; j < 5000; j++) {
      bundle.run(Map.of("x", inputs.get(j % inputs.size())));
    }
    assertEquals(live, DeviceArray.liveCount(), "device arrays left alive by 5,000 runs");
    assertEquals(sets, bundle.executorSets(), "a single thread's runs need no more executors");
  }
}
