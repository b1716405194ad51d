package dev.dynnc.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code dynnc compile --tune}: TVM's auto-scheduler tunes every subgraph of a small model for real
 * (its build and measurement processes run the TVM preset's own Python), the bundle keeps the
 * faster of each subgraph's tuned and untuned builds and still matches PyTorch on every branch, and
 * the compile cache keeps the records: the same budget again tunes nothing and gives the same
 * libraries, a larger one continues the search.
 */
class TuneTest {
  static final Path MODEL = DifferentialTest.DIR.resolveSibling("tune").resolve("exit_conv.py");

  @Test
  void tunesMatchesPyTorchAndKeepsItsRecordsInTheCache() throws Exception {
    Path work = Files.createTempDirectory("dynnc-tune");
    try {
      String cache = work.resolve("cache").toString();
      Path bundle = work.resolve("bundle");

      EarlyExitCnnTest.Cli first =
          DifferentialTest.check(MODEL, work, "--tune", "4", "--cache-dir", cache);
      List<JsonObject> reports = reports(bundle);
      int subgraphs = libraries(bundle).size();
      assertTrue(subgraphs >= 2, first.out());
      assertEquals(subgraphs, reports.size(), "one tuning report per subgraph: " + first.out());
      long measured = 0;
      for (JsonObject r : reports) {
        assertTrue(r.get("seconds").getAsDouble() > 0, r.toString());
        measured += r.get("measured").getAsLong();
        String kept = r.get("kept").getAsString();
        assertTrue(kept.equals("tuned") || kept.equals("untuned"), r.toString());
        if (r.get("measured").getAsLong() > 0) {
          // A schedule ran, so both builds were timed and the faster one kept.
          double tuned = r.get("tuned_us").getAsDouble();
          double untuned = r.get("untuned_us").getAsDouble();
          assertTrue(tuned > 0 && untuned > 0, r.toString());
          assertEquals(tuned < untuned ? "tuned" : "untuned", kept, r.toString());
        }
      }
      assertTrue(measured > 0, "the auto-scheduler measured no schedule: " + reports);
      for (int i = 0; i < subgraphs; i++) {
        assertTrue(first.out().contains("tuning sg" + i + ": tuned "), first.out());
      }
      List<byte[]> libs = libraries(bundle);

      // The same budget again: every subgraph from the cache, nothing tuned, the same bundle.
      EarlyExitCnnTest.Cli again =
          DifferentialTest.check(MODEL, work, "--tune", "4", "--cache-dir", cache);
      assertEquals(reports, reports(bundle), again.out());
      List<byte[]> libsAgain = libraries(bundle);
      for (int i = 0; i < libs.size(); i++) {
        assertArrayEquals(libs.get(i), libsAgain.get(i), "lib/sg" + i + ".so changed");
      }

      // A larger budget continues the search of each subgraph whose records it does not cover
      // yet (the first round pays for starting TVM's measurement processes, so a subgraph may have
      // spent more than its share already) and leaves the others as they were.
      int budget = 30;
      double share = (double) budget / subgraphs;
      DifferentialTest.check(MODEL, work, "--tune", "" + budget, "--cache-dir", cache);
      List<JsonObject> more = reports(bundle);
      int continued = 0;
      for (int i = 0; i < more.size(); i++) {
        double before = reports.get(i).get("seconds").getAsDouble();
        double after = more.get(i).get("seconds").getAsDouble();
        if (before + 2 <= share) {
          continued++;
          assertTrue(after > before, "sg" + i + " was not tuned further: " + more.get(i));
          assertTrue(
              more.get(i).get("measured").getAsLong() > reports.get(i).get("measured").getAsLong(),
              more.get(i).toString());
        } else {
          assertEquals(reports.get(i), more.get(i), "sg" + i + " was tuned again");
        }
      }
      assertTrue(continued > 0, "no subgraph had budget left: " + reports);
    } finally {
      try (Stream<Path> s = Files.walk(work)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  void refusesABudgetOutOfRange() {
    EarlyExitCnnTest.Cli c =
        EarlyExitCnnTest.cli(
            "compile",
            "--source-root",
            "src",
            "--entry",
            "m:Net()",
            "--input",
            "x=float32[1]",
            "--weights",
            "w.pt",
            "--tune",
            "0",
            "-o",
            "out");
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("--tune 0 must be between 1 and 86400 seconds"), c.err());
  }

  private static List<JsonObject> reports(Path bundle) throws Exception {
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; Files.exists(bundle.resolve("lib/sg" + i + ".so")); i++) {
      out.add(
          JsonParser.parseString(Files.readString(bundle.resolve("relay/sg" + i + ".tuning.json")))
              .getAsJsonObject());
    }
    return out;
  }

  private static List<byte[]> libraries(Path bundle) throws Exception {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; Files.exists(bundle.resolve("lib/sg" + i + ".so")); i++) {
      out.add(Files.readAllBytes(bundle.resolve("lib/sg" + i + ".so")));
    }
    return out;
  }
}
