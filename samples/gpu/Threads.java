import dev.dynnc.runtime.Bundle;
import dev.dynnc.runtime.HostTensor;
import dev.dynnc.runtime.Npy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The GPU check's thread test: T threads share one bundle and run R runs each, cycling through
 * the input sets; every result must be bit for bit the one a single thread got for that set (each
 * thread runs on executors of its own, and on a GPU their kernels share the device). Prints one
 * line and exits 1 on any difference.
 *
 * <pre>java Threads BUNDLE THREADS RUNS NAME=FILE.npy [NAME=FILE.npy ...]</pre>
 */
public final class Threads {
  public static void main(String[] args) throws Exception {
    Path bundle = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    int runs = Integer.parseInt(args[2]);
    List<Map<String, HostTensor>> sets = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      sets.add(Map.of(args[i].substring(0, eq), Npy.read(Path.of(args[i].substring(eq + 1)))));
    }
    try (Bundle b = Bundle.open(bundle)) {
      List<List<HostTensor>> expected = new ArrayList<>();
      for (Map<String, HostTensor> s : sets) {
        expected.add(b.run(s).flattenLeaves());
      }
      AtomicLong done = new AtomicLong();
      AtomicInteger wrong = new AtomicInteger();
      List<Thread> ts = new ArrayList<>();
      List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      long t0 = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        Thread th =
            new Thread(
                () -> {
                  try {
                    for (int n = 0; n < runs; n++) {
                      int k = (n + offset) % sets.size();
                      if (!b.run(sets.get(k)).flattenLeaves().equals(expected.get(k))) {
                        wrong.incrementAndGet();
                      }
                      done.incrementAndGet();
                    }
                  } catch (Throwable e) {
                    failures.add(e);
                  }
                });
        th.start();
        ts.add(th);
      }
      for (Thread th : ts) {
        th.join();
      }
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "%s: %d threads x %d runs over %d input sets in %.1f s: %d results differ from a single"
              + " thread's, %d runs failed%s%n",
          bundle.getFileName(),
          threads,
          runs,
          sets.size(),
          s,
          wrong.get(),
          failures.size(),
          failures.isEmpty() ? "" : " (" + failures.get(0) + ")");
      System.exit(wrong.get() == 0 && failures.isEmpty() && done.get() == (long) threads * runs ? 0 : 1);
    }
  }
}
