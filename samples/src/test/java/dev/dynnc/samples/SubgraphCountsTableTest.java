package dev.dynnc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The comparison table of samples/README.md against {@code dynnc check}: for every sample (the
 * walkthrough sample and the corpus), the dynamic conditions and loops, subgraph call sites, unique
 * compiled subgraphs, the count of a cut at every {@code if} and {@code return} with full unrolling
 * and the difference the table states must be what {@code check} prints today. No TVM involved.
 */
class SubgraphCountsTableTest {
  /** The line {@code check} prints after its summary (see docs/subgraph-counts.md). */
  static final Pattern COUNTS =
      Pattern.compile(
          "subgraphs: (\\d+) compiled, (\\d+) call site\\(s\\); a cut at every if and return with"
              + " full unrolling: (\\d+)(?: \\+ (\\d+) per loop iteration)?\\n");

  static final Pattern SUMMARY =
      Pattern.compile("supported; (\\d+) dynamic condition\\(s\\), (\\d+) dynamic loop\\(s\\)");

  /** act_rnn's step limit in its default entry: the first update is unrolled, the rest staged. */
  static final int ACT_LIMIT = 6;

  /** The table's rows: sample name to its cells. */
  static Map<String, List<String>> table() throws Exception {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String line : Files.readAllLines(CorpusSamplesTest.SAMPLES.resolve("README.md"))) {
      if (line.startsWith("| `")) {
        List<String> cells = new ArrayList<>();
        for (String c : line.substring(1, line.length() - 1).split("\\|")) {
          cells.add(c.strip());
        }
        rows.put(cells.get(0).replace("`", ""), cells);
      }
    }
    return rows;
  }

  @Test
  void readmeTableMatchesCheck() throws Exception {
    Map<String, List<String>> rows = table();
    List<CorpusSamplesTest.Spec> specs = new ArrayList<>();
    specs.add(
        new CorpusSamplesTest.Spec(
            "early_exit_cnn",
            EarlyExitCnnTest.ENTRY,
            "forward",
            "x",
            CorpusSamplesTest.IMAGE,
            true,
            out -> List.of()));
    CorpusSamplesTest.samples().forEach(specs::add);
    assertEquals(
        specs.stream().map(CorpusSamplesTest.Spec::dir).toList(),
        List.copyOf(rows.keySet()),
        "one row per sample, in this order");
    for (CorpusSamplesTest.Spec s : specs) {
      EarlyExitCnnTest.Cli check =
          EarlyExitCnnTest.cli(
              "check",
              "--source-root",
              CorpusSamplesTest.SAMPLES.resolve(s.dir()).toString(),
              "--entry",
              s.entry(),
              "--method",
              s.method(),
              "--input",
              s.input() + "=" + s.inputType());
      assertEquals(0, check.code(), s.dir() + ": " + check.err());
      Matcher summary = SUMMARY.matcher(check.out());
      Matcher counts = COUNTS.matcher(check.out());
      assertTrue(summary.find() && counts.find(), s.dir() + ": " + check.out());
      List<String> row = rows.get(s.dir());
      String conditions = summary.group(1) + " conditions";
      String loops = summary.group(2) + " loop" + (summary.group(2).equals("1") ? "" : "s");
      assertTrue(
          row.get(2).startsWith(conditions) && row.get(2).endsWith(loops), s.dir() + ": " + row);
      int compiled = Integer.parseInt(counts.group(1));
      int sites = Integer.parseInt(counts.group(2));
      int straight = Integer.parseInt(counts.group(3));
      assertEquals(String.valueOf(sites), row.get(3), s.dir() + ": call sites");
      assertEquals(String.valueOf(compiled), row.get(4), s.dir() + ": unique compiled");
      int cut;
      if (counts.group(4) == null) {
        cut = straight;
        assertEquals(String.valueOf(cut), row.get(5), s.dir() + ": a cut at every if and return");
      } else {
        int perIteration = Integer.parseInt(counts.group(4));
        cut = straight + perIteration * (ACT_LIMIT - 1);
        assertTrue(
            row.get(5)
                    .startsWith(
                        straight + " + " + perIteration + " per loop iteration; unrolled to")
                && row.get(5).contains(": " + cut + ";")
                && row.get(5).endsWith("to 12: " + (straight + perIteration * 11)),
            s.dir() + ": " + row.get(5));
      }
      assertTrue(cut > sites, s.dir() + ": dynnc's count is lower");
      assertTrue(
          row.get(6).startsWith((cut - sites) + " (" + cut + " / " + sites + ")"),
          s.dir() + ": " + row.get(6));
    }
  }
}
