package dev.dynnc.cli;

import dev.dynnc.compiler.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows a compile's progress on stderr. On a terminal, one status line is rewritten in place
 * ({@code [subgraph] sg1 (2/3)}) and cleared at the end; elsewhere (a log, a CI job) nothing is
 * drawn, so captured output stays clean. With {@code --verbose}, every stage's time and every
 * compile-cache hit are printed as plain lines, on a terminal or not; {@code --quiet} shows
 * nothing.
 */
final class ProgressDisplay implements ProgressListener {
  private final PrintWriter err;
  private final boolean terminal;
  private final boolean verbose;
  private Stage current;
  private String currentDetail = "";
  private long started;
  private int subgraphs;
  private int hits;

  ProgressDisplay(PrintWriter err, boolean terminal, boolean verbose) {
    this.err = err;
    this.terminal = terminal;
    this.verbose = verbose;
  }

  /** The display for a command: a live line only when stderr is probably a terminal. */
  static ProgressListener forCommand(PrintWriter err, boolean quiet, boolean verbose) {
    if (quiet) {
      return ProgressListener.NONE;
    }
    return new ProgressDisplay(
        err, stderrIsTerminal(System.getProperty(TERMINAL_PROPERTY)), verbose);
  }

  /**
   * Set by {@code bin/dynnc} to 1 when stderr is a terminal ({@code [ -t 2 ]}), else 0: Java only
   * knows whether stdin and stdout are, and a redirected stderr must get no control characters.
   */
  static final String TERMINAL_PROPERTY = "dynnc.stderr.terminal";

  static boolean stderrIsTerminal(String property) {
    return property != null ? property.equals("1") : System.console() != null;
  }

  @Override
  public synchronized void stage(Stage stage, String detail) {
    finishStage();
    current = stage;
    currentDetail = detail;
    started = System.nanoTime();
    if (stage == Stage.SUBGRAPH) {
      subgraphs++;
    }
    if (terminal) {
      err.print("\r\033[K[" + name(stage) + "]" + (detail.isEmpty() ? "" : " " + detail));
      err.flush();
    }
  }

  @Override
  public synchronized void cacheHit(String subgraph) {
    hits++;
    if (verbose) {
      clearLine();
      err.println("dynnc: " + subgraph + " from the compile cache");
    }
  }

  /**
   * Ends the display: prints the last stage's time and the cache summary (verbose), clears the
   * line.
   */
  synchronized void done() {
    finishStage();
    current = null;
    clearLine();
    if (verbose && subgraphs > 0) {
      err.println(
          "dynnc: "
              + subgraphs
              + " subgraph(s), "
              + hits
              + " from the compile cache, "
              + (subgraphs - hits)
              + " compiled by TVM");
    }
    err.flush();
  }

  private void finishStage() {
    if (current != null && verbose) {
      clearLine();
      err.printf(
          Locale.ROOT,
          "dynnc: %-9s%s %.2f s%n",
          name(current),
          currentDetail.isEmpty() ? "" : " " + currentDetail,
          (System.nanoTime() - started) / 1e9);
    }
  }

  private void clearLine() {
    if (terminal) {
      err.print("\r\033[K");
    }
  }

  private static String name(Stage s) {
    return s.name().toLowerCase(Locale.ROOT);
  }
}
