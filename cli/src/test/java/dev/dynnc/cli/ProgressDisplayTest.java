package dev.dynnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.compiler.ProgressListener.Stage;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {
  @Test
  void theLauncherDecidesWhetherStderrIsATerminal() {
    assertTrue(ProgressDisplay.stderrIsTerminal("1"));
    assertFalse(ProgressDisplay.stderrIsTerminal("0"));
  }

  @Test
  void aTerminalGetsOneRewrittenLineAndALogGetsNothing() {
    StringWriter tty = new StringWriter();
    ProgressDisplay t = new ProgressDisplay(new PrintWriter(tty, true), true, false);
    t.stage(Stage.FRONTEND, "");
    t.stage(Stage.SUBGRAPH, "sg0 (1/2)");
    t.done();
    assertEquals("\r\033[K[frontend]\r\033[K[subgraph] sg0 (1/2)\r\033[K", tty.toString());
    StringWriter log = new StringWriter();
    ProgressDisplay l = new ProgressDisplay(new PrintWriter(log, true), false, false);
    l.stage(Stage.FRONTEND, "");
    l.cacheHit("sg0");
    l.done();
    assertEquals("", log.toString());
  }
}
