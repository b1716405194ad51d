import dev.dynnc.runtime.Bundle;
import dev.dynnc.runtime.DeviceArray;
import dev.dynnc.runtime.HostTensor;
import dev.dynnc.runtime.Npy;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one bundle many times and prints the process's resident memory at intervals, to show that
 * native memory stays flat (issue 10: 100,000 inferences). Run it with bin/soak, which gives it
 * dynnc's class path:
 *
 * <pre>bin/soak [--runs N] [--every K] [--threads T] BUNDLE NAME=FILE.npy [NAME=FILE.npy ...]</pre>
 *
 * <p>Each NAME=FILE gives one input set for a one-input model; the runs cycle through the sets (so
 * a sample's inputs take all its paths). Each report line holds the runs so far, the resident set
 * (VmRSS), the JVM heap in use, the device arrays alive, the bundle's executor sets and the time.
 * The last line compares the first report after warm-up with the last one.
 */
public final class Soak {
  public static void main(String[] args) throws Exception {
    long runs = 100_000;
    long every = 10_000;
    int threads = 1;
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Long.parseLong(args[++i]);
        case "--every" -> every = Long.parseLong(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        default -> rest.add(args[i]);
      }
    }
    if (rest.size() < 2) {
      System.err.println(
          "usage: bin/soak [--runs N] [--every K] [--threads T] BUNDLE NAME=FILE.npy ...");
      System.exit(2);
    }
    List<Map<String, HostTensor>> sets = new ArrayList<>();
    for (String a : rest.subList(1, rest.size())) {
      int eq = a.indexOf('=');
      sets.add(Map.of(a.substring(0, eq), Npy.read(Path.of(a.substring(eq + 1)))));
    }
    try (Bundle b = Bundle.open(Path.of(rest.get(0)))) {
      for (int i = 0; i < 1000; i++) { // warm-up: JIT, executor buffers, TVM's thread pool
        b.run(sets.get(i % sets.size()));
      }
      System.out.printf(
          "%10s %10s %10s %8s %6s %8s%n", "runs", "rss KiB", "heap KiB", "arrays", "sets", "s");
      long first = report(0, b, 0);
      long last = first;
      AtomicLong done = new AtomicLong();
      long t0 = System.nanoTime();
      final long total = runs;
      final long step = every;
      for (long at = step; at <= total; at += step) {
        long target = at;
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          Thread th =
              new Thread(
                  () -> {
                    for (long n; (n = done.getAndIncrement()) < target; ) {
                      try {
                        b.run(sets.get((int) (n % sets.size())));
                      } catch (Exception e) {
                        throw new IllegalStateException(e);
                      }
                    }
                  });
          th.start();
          ts.add(th);
        }
        for (Thread th : ts) {
          th.join();
        }
        done.set(target);
        last = report(target, b, (System.nanoTime() - t0) / 1e9);
      }
      System.out.printf(
          "rss after warm-up %d KiB, after %d runs %d KiB: %+d KiB (%+.2f%%)%n",
          first, total, last, last - first, 100.0 * (last - first) / first);
    }
  }

  private static long report(long runs, Bundle b, double seconds) throws Exception {
    long rss = rssKib();
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    System.out.printf(
        "%10d %10d %10d %8d %6d %8.1f%n",
        runs, rss, heap.getUsed() / 1024, DeviceArray.liveCount(), b.executorSets(), seconds);
    return rss;
  }

  private static long rssKib() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
