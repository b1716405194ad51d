package dev.dynnc.cli;

import dev.dynnc.compiler.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows a compile's progress on stderr. On a terminal, one status line is rewritten in place
 * ({@code [subgraph] sg1 (2/3)}) and cleared at the end. Elsewhere (a log, a CI job) it falls back
 * to plain lines without control characters, one per stage that completed ({@code dynnc: [subgraph]
 * sg1 (2/3) from the compile cache}); a stage that fails prints no line, so a failed compile's
 * stderr starts with its diagnostics. With {@code --verbose}, every stage's time and every cache
 * hit are printed as plain lines instead, on a terminal or not; {@code --quiet} shows nothing.
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
  // Plain lines of subgraphs, printed in subgraph order (sg0, sg1, ...) as they finish: subgraphs
  // compile in parallel, so they start and finish in any order (sg2 may be announced before sg1).
  private final java.util.List<String> announced = new java.util.ArrayList<>();
  private final java.util.Map<String, String> finished = new java.util.HashMap<>();
  private int printed;
  private final java.util.Map<String, Long> subgraphStarted = new java.util.HashMap<>();

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
    completed();
    current = stage;
    currentDetail = detail;
    started = System.nanoTime();
    if (stage == Stage.SUBGRAPH) {
      subgraphs++;
      announced.add(detail);
      subgraphStarted.put(detail.split(" ", 2)[0], started);
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

  @Override
  public synchronized void note(String message) {
    if (verbose) {
      clearLine();
      err.println("dynnc: note: " + message);
      err.flush();
    }
  }

  @Override
  public synchronized void subgraphDone(String subgraph, boolean fromCache) {
    finished.put(subgraph, fromCache ? " from the compile cache" : " compiled by TVM");
    if (verbose) {
      // Its own time, from its announcement to now: with parallel compiles the next announcement
      // comes before this subgraph is done.
      Long t0 = subgraphStarted.get(subgraph);
      String detail =
          announced.stream()
              .filter(d -> d.split(" ", 2)[0].equals(subgraph))
              .findFirst()
              .orElse(subgraph);
      clearLine();
      err.printf(
          Locale.ROOT,
          "dynnc: %-9s%s %.2f s%n",
          name(Stage.SUBGRAPH),
          " " + detail,
          (System.nanoTime() - (t0 == null ? started : t0)) / 1e9);
    }
    if (terminal || verbose) {
      return;
    }
    if (!subgraph.matches("sg[0-9]+")) { // the native host program: one library, nothing to order
      String detail =
          announced.stream()
              .filter(d -> d.split(" ", 2)[0].equals(subgraph))
              .findFirst()
              .orElse(subgraph);
      err.println("dynnc: [subgraph] " + detail + finished.get(subgraph));
      err.flush();
      return;
    }
    // Every finished subgraph whose predecessors have all finished, in subgraph order.
    while (true) {
      String next = "sg" + printed;
      String detail =
          announced.stream().filter(d -> d.split(" ", 2)[0].equals(next)).findFirst().orElse(null);
      String how = finished.get(next);
      if (detail == null || how == null) {
        return;
      }
      err.println("dynnc: [subgraph] " + detail + how);
      err.flush();
      printed++;
    }
  }

  /**
   * Ends the display: prints the last stage's time and the cache summary (verbose), or the last
   * stage's plain line if the compile {@code succeeded} (a log); clears the live line.
   */
  synchronized void done(boolean succeeded) {
    finishStage();
    if (succeeded) {
      completed();
    }
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

  /**
   * With --verbose: the time of the stage that just ended (a subgraph's: {@link #subgraphDone}).
   */
  private void finishStage() {
    if (current != null && current != Stage.SUBGRAPH && verbose) {
      clearLine();
      err.printf(
          Locale.ROOT,
          "dynnc: %-9s%s %.2f s%n",
          name(current),
          currentDetail.isEmpty() ? "" : " " + currentDetail,
          (System.nanoTime() - started) / 1e9);
    }
  }

  /**
   * On a log without --verbose: the plain line of the stage that just completed (a subgraph's is
   * printed by {@link #subgraphDone}).
   */
  private void completed() {
    if (current == null || current == Stage.SUBGRAPH || terminal || verbose) {
      return;
    }
    err.println("dynnc: [" + name(current) + "]" + " done");
    err.flush();
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
