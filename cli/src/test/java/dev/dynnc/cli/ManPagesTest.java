package dev.dynnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Man pages and shell completion come from the command model, so they list what --help lists. */
class ManPagesTest {
  @Test
  void everyCommandGetsAPageWithEveryOption(@TempDir Path dir) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(
        0,
        Main.run(
            new String[] {"man", "-o", dir.toString()},
            new PrintWriter(out, true),
            new PrintWriter(err, true)),
        err.toString());
    CommandLine cl = new CommandLine(new Main());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(cl.getSubcommands().size() + 1, files.count());
    }
    for (var sub : cl.getSubcommands().entrySet()) {
      String page = Files.readString(dir.resolve("dynnc-" + sub.getKey() + ".1"));
      assertTrue(
          page.startsWith(".TH DYNNC-" + sub.getKey().toUpperCase(java.util.Locale.ROOT) + " 1 "),
          page);
      for (var o : sub.getValue().getCommandSpec().options()) {
        assertTrue(
            page.contains(ManPages.esc(o.longestName())),
            sub.getKey() + " lacks " + o.longestName());
      }
    }
    String top = Files.readString(dir.resolve("dynnc.1"));
    assertTrue(top.contains(".SH COMMANDS\n.TP\n.B compile\n"), top);
  }

  @Test
  void roffControlCharactersAreEscaped() {
    assertEquals("\\&.TH evil\nx\\e\\-y", ManPages.esc(".TH evil\nx\\-y"));
    assertEquals("\\&'br", ManPages.esc("'br"));
  }

  @Test
  void bashCompletionKnowsTheCommands() {
    StringWriter out = new StringWriter();
    assertEquals(
        0,
        Main.run(
            new String[] {"generate-completion"},
            new PrintWriter(out, true),
            new PrintWriter(new StringWriter(), true)));
    String script = out.toString();
    for (String cmd : List.of("compile", "check", "inspect", "run", "bench", "keygen")) {
      assertTrue(script.contains(cmd), cmd);
    }
    assertTrue(script.contains("complete -F"), script.substring(0, 200));
  }
}
