package dev.dynnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.compiler.ProgressListener.Stage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {
  /**
   * The native host program is one library: its line comes when it is done; a note (why the host
   * program stays in Java) shows only with --verbose.
   */
  @Test
  void theNativeHostProgramGetsALineAndNotesNeedVerbose() {
    StringWriter log = new StringWriter();
    ProgressDisplay l = new ProgressDisplay(new PrintWriter(log, true), false, false);
    l.stage(Stage.PARTITION, "");
    l.stage(Stage.SUBGRAPH, "native host program");
    l.note("the host program is in Java: host op 'pow' at 3:9");
    l.subgraphDone("native", false);
    l.stage(Stage.HOST, "");
    l.done(true);
    assertEquals(
        "dynnc: [partition] done\n"
            + "dynnc: [subgraph] native host program compiled by TVM\n"
            + "dynnc: [host] done\n",
        log.toString().replace(System.lineSeparator(), "\n"));
    StringWriter verbose = new StringWriter();
    ProgressDisplay v = new ProgressDisplay(new PrintWriter(verbose, true), false, true);
    v.note("the host program is in Java: host op 'pow' at 3:9");
    assertEquals(
        "dynnc: note: the host program is in Java: host op 'pow' at 3:9\n",
        verbose.toString().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void theLauncherDecidesWhetherStderrIsATerminal() {
    assertTrue(ProgressDisplay.stderrIsTerminal("1"));
    assertFalse(ProgressDisplay.stderrIsTerminal("0"));
  }

  @Test
  void aTerminalGetsOneRewrittenLineAndALogGetsAPlainLinePerCompletedStage() {
    StringWriter tty = new StringWriter();
    ProgressDisplay t = new ProgressDisplay(new PrintWriter(tty, true), true, false);
    t.stage(Stage.FRONTEND, "");
    t.stage(Stage.SUBGRAPH, "sg0 (1/2)");
    t.done(true);
    assertEquals("\r\033[K[frontend]\r\033[K[subgraph] sg0 (1/2)\r\033[K", tty.toString());
    StringWriter log = new StringWriter();
    ProgressDisplay l = new ProgressDisplay(new PrintWriter(log, true), false, false);
    l.stage(Stage.FRONTEND, "");
    l.stage(Stage.SUBGRAPH, "sg0 (1/2)");
    // Subgraphs compile in parallel: sg1 is announced before sg0 finishes and finishes first, yet
    // the lines come in subgraph order.
    l.stage(Stage.SUBGRAPH, "sg1 (2/2)");
    l.subgraphDone("sg1", false);
    l.cacheHit("sg0");
    l.subgraphDone("sg0", true);
    l.stage(Stage.HOST, "");
    l.done(true);
    assertEquals(
        "dynnc: [frontend] done\n"
            + "dynnc: [subgraph] sg0 (1/2) from the compile cache\n"
            + "dynnc: [subgraph] sg1 (2/2) compiled by TVM\n"
            + "dynnc: [host] done\n",
        log.toString().replace(System.lineSeparator(), "\n"));
    assertFalse(log.toString().contains("\033"), "no control characters in a log");
    // Two workers can also start them out of order: sg2 announced before sg1 (seen in CI).
    StringWriter shuffled = new StringWriter();
    ProgressDisplay o = new ProgressDisplay(new PrintWriter(shuffled, true), false, false);
    o.stage(Stage.SUBGRAPH, "sg0 (1/3)");
    o.stage(Stage.SUBGRAPH, "sg2 (3/3)");
    o.subgraphDone("sg0", true);
    o.subgraphDone("sg2", true);
    o.stage(Stage.SUBGRAPH, "sg1 (2/3)");
    o.subgraphDone("sg1", true);
    o.done(true);
    assertEquals(
        "dynnc: [subgraph] sg0 (1/3) from the compile cache\n"
            + "dynnc: [subgraph] sg1 (2/3) from the compile cache\n"
            + "dynnc: [subgraph] sg2 (3/3) from the compile cache\n",
        shuffled.toString().replace(System.lineSeparator(), "\n"));
    StringWriter failed = new StringWriter();
    ProgressDisplay f = new ProgressDisplay(new PrintWriter(failed, true), false, false);
    f.stage(Stage.FRONTEND, "");
    f.done(false);
    assertEquals("", failed.toString(), "a stage that failed prints no line");
  }

  @Test
  void verboseTimesEachSubgraphFromItsOwnStartWhenTheyOverlap() {
    StringWriter log = new StringWriter();
    ProgressDisplay v = new ProgressDisplay(new PrintWriter(log, true), false, true);
    v.stage(Stage.PARTITION, "");
    v.stage(Stage.SUBGRAPH, "sg0 (1/2)");
    v.stage(Stage.SUBGRAPH, "sg1 (2/2)");
    v.subgraphDone("sg1", false);
    v.cacheHit("sg0");
    v.subgraphDone("sg0", true);
    v.stage(Stage.HOST, "");
    v.done(true);
    List<String> lines = log.toString().lines().toList();
    assertEquals(6, lines.size(), log.toString());
    assertTrue(lines.get(0).matches("dynnc: partition +[0-9.]+ s"), lines.get(0));
    // One timing line per subgraph, as each finishes, naming that subgraph (not the last one
    // announced).
    assertTrue(lines.get(1).matches("dynnc: subgraph +sg1 \\(2/2\\) [0-9.]+ s"), lines.get(1));
    assertEquals("dynnc: sg0 from the compile cache", lines.get(2));
    assertTrue(lines.get(3).matches("dynnc: subgraph +sg0 \\(1/2\\) [0-9.]+ s"), lines.get(3));
    assertTrue(lines.get(4).matches("dynnc: host +[0-9.]+ s"), lines.get(4));
    assertEquals("dynnc: 2 subgraph(s), 1 from the compile cache, 1 compiled by TVM", lines.get(5));
  }
}
