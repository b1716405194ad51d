package dev.dynnc.frontend;

import dev.dynnc.frontend.testing.GoldenFile;
import dev.dynnc.ir.DType;
import dev.dynnc.ir.Printer;
import dev.dynnc.ir.Type.TensorType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ZzProbeTest {
  @Test
  void probe() throws Exception {
    String dir = System.getProperty("probe.dir");
    if (dir == null) return;
    try (Stream<Path> s = Files.list(Path.of(dir))) {
      for (Path p : s.filter(x -> x.toString().endsWith(".py")).sorted().toList()) {
        GoldenFile g = GoldenFile.read(p);
        LinkedHashMap<String, TensorType> inputs = new LinkedHashMap<>();
        for (String spec : g.directives("input")) {
          String[] kv = spec.split("=");
          String dt = kv[1].substring(0, kv[1].indexOf('['));
          String dims = kv[1].substring(kv[1].indexOf('[') + 1, kv[1].length() - 1);
          inputs.put(kv[0], TensorType.of(DType.fromNumpyName(dt), Stream.of(dims.split(",")).mapToLong(x -> Long.parseLong(x.trim())).toArray()));
        }
        String mod = p.getFileName().toString().replace(".py", "");
        System.out.println("=== " + p.getFileName());
        long t0 = System.nanoTime();
        try {
          Frontend.Result r = Frontend.lower(p.getParent(), mod + ":" + g.directive("entry").orElse("Net()"), "forward", inputs, Optional.empty());
          String o = r.ok() ? Printer.print(r.function().get()) : r.diagnostics().render(r.sources()); String[] ls = o.split("\n"); System.out.println(String.join("\n", java.util.Arrays.asList(ls).subList(0, Math.min(8, ls.length))) + (ls.length > 8 ? "\n ... (" + ls.length + " lines)" : ""));
        } catch (Throwable e) {
          System.out.println("EXCEPTION " + e);
          StackTraceElement[] st = e.getStackTrace();
          for (int i = 0; i < Math.min(6, st.length); i++) System.out.println("   at " + st[i]);
        }
        System.out.println("  (" + (System.nanoTime() - t0) / 1_000_000 + " ms)");
      }
    }
  }
}
