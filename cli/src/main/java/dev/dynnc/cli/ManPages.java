package dev.dynnc.cli;

import dev.dynnc.compiler.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;

/**
 * Writes man pages (roff, section 1) for {@code dynnc} and each of its commands, generated from
 * picocli's command model: the same names, parameters and descriptions as {@code --help}, so the
 * pages cannot drift from the code.
 */
@Command(
    name = "man",
    mixinStandardHelpOptions = true,
    description =
        "Write man pages for dynnc and each command (dynnc.1, dynnc-compile.1, ...) into a directory.")
final class ManPages implements Callable<Integer> {
  @CommandLine.Spec CommandSpec spec;

  @Option(
      names = {"-o", "--output-dir"},
      required = true,
      paramLabel = "DIR",
      description =
          "Directory to write the pages into; existing pages of the same names are replaced.")
  Path dir;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    return Main.reportingErrors(
        spec.commandLine().getErr(),
        () -> {
          CommandSpec root = spec.root();
          List<Path> written = new ArrayList<>();
          try {
            Files.createDirectories(dir);
            written.add(write(dir, root, "dynnc"));
            for (Map.Entry<String, CommandLine> sub : root.subcommands().entrySet()) {
              written.add(write(dir, sub.getValue().getCommandSpec(), "dynnc-" + sub.getKey()));
            }
          } catch (IOException e) {
            throw new Main.CliError(
                dev.dynnc.diag.Code.DN0406,
                Main.DIAGNOSTICS,
                "cannot write man pages to " + dir + ": " + e.getMessage());
          }
          out.println("wrote " + written.size() + " man page(s) to " + dir);
          return Main.OK;
        });
  }

  private static Path write(Path dir, CommandSpec cmd, String name) throws IOException {
    Path file = dir.resolve(name + ".1");
    AtomicFiles.write(file, page(cmd, name).getBytes(StandardCharsets.UTF_8));
    return file;
  }

  /** The roff text of one page. */
  static String page(CommandSpec cmd, String name) {
    StringBuilder b = new StringBuilder();
    String version = cmd.root().version().length > 0 ? cmd.root().version()[0] : "dynnc";
    b.append(".TH ")
        .append(name.toUpperCase(Locale.ROOT))
        .append(" 1 \"\" \"")
        .append(esc(version))
        .append("\" \"dynnc manual\"\n");
    b.append(".SH NAME\n")
        .append(esc(name))
        .append(" \\- ")
        .append(esc(first(cmd.usageMessage().description())))
        .append('\n');
    b.append(".SH SYNOPSIS\n.B ").append(esc(cmd.qualifiedName())).append('\n');
    for (PositionalParamSpec p : cmd.positionalParameters()) {
      b.append(".I ").append(esc(p.paramLabel())).append('\n');
    }
    b.append("[\\fIOPTIONS\\fR]\n");
    b.append(".SH DESCRIPTION\n")
        .append(esc(String.join(" ", cmd.usageMessage().description())))
        .append('\n');
    if (!cmd.positionalParameters().isEmpty()) {
      b.append(".SH ARGUMENTS\n");
      for (PositionalParamSpec p : cmd.positionalParameters()) {
        b.append(".TP\n.I ")
            .append(esc(p.paramLabel()))
            .append('\n')
            .append(esc(String.join(" ", p.description())))
            .append('\n');
      }
    }
    b.append(".SH OPTIONS\n");
    for (OptionSpec o : cmd.options()) {
      if (o.hidden()) {
        continue;
      }
      b.append(".TP\n.B ").append(esc(String.join(", ", o.names())));
      if (o.arity().max() > 0) {
        b.append(" \\fI").append(esc(o.paramLabel())).append("\\fR");
      }
      b.append('\n')
          .append(
              esc(
                  String.join(" ", o.description())
                      .replace(
                          "${DEFAULT-VALUE}", o.defaultValue() == null ? "" : o.defaultValue())))
          .append('\n');
    }
    if (!cmd.subcommands().isEmpty()) {
      b.append(".SH COMMANDS\n");
      cmd.subcommands()
          .forEach(
              (n, sub) ->
                  b.append(".TP\n.B ")
                      .append(esc(n))
                      .append('\n')
                      .append(esc(first(sub.getCommandSpec().usageMessage().description())))
                      .append(" See \\fBdynnc\\-")
                      .append(esc(n))
                      .append("\\fR(1).\n"));
    }
    b.append(
        ".SH EXIT STATUS\n0 success, 1 diagnostics (a bad model or input), 2 bad usage, 3 internal error.\n");
    return b.toString();
  }

  private static String first(String[] lines) {
    return lines.length == 0 ? "" : lines[0];
  }

  /** Text made safe for roff: backslashes, hyphens, and a control character at a line's start. */
  static String esc(String s) {
    String t = s.replace("\\", "\\e").replace("-", "\\-");
    StringBuilder b = new StringBuilder();
    for (String line : t.split("\n", -1)) {
      if (b.length() > 0) {
        b.append('\n');
      }
      b.append(line.startsWith(".") || line.startsWith("'") ? "\\&" + line : line);
    }
    return b.toString();
  }
}
