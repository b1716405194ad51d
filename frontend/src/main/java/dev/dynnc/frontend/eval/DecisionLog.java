package dev.dynnc.frontend.eval;

import dev.dynnc.frontend.Decision;
import dev.dynnc.frontend.eval.Values.HostScalar;
import dev.dynnc.ir.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records, while {@code forward} is lowered, how each condition and loop was judged: every
 * evaluation of an {@code if}, conditional expression, {@code while} test or {@code for} loop is
 * counted under its source position, so a helper inlined three times or a loop body run four times
 * reports once, with its counts.
 */
final class DecisionLog {
  private static final class Counts {
    final String kind;
    final Span span;
    int dynamic;
    int whenTrue;
    int whenFalse;
    int iterations;
    int runs;
    String dynamicWhy;
    String iterable;

    Counts(String kind, Span span) {
      this.kind = kind;
      this.span = span;
    }
  }

  private final Map<String, Counts> byPlace = new LinkedHashMap<>();

  private Counts at(String kind, Span span) {
    return byPlace.computeIfAbsent(
        kind + "@" + span.file() + ":" + span.line() + ":" + span.column(),
        k -> new Counts(kind, span));
  }

  /**
   * A condition evaluated to {@code value}: dynamic when {@code dynamic}, else its truth {@code
   * truth}.
   */
  void condition(String kind, Span span, Object value, boolean dynamic, boolean truth) {
    Counts c = at(kind, span);
    if (dynamic) {
      c.dynamic++;
      c.dynamicWhy =
          value instanceof HostScalar
              ? "its condition is a Python value read from a tensor at run time (.item(), int(), float()"
                  + " or a comparison of one)"
              : "its condition is the truth of a tensor computed at run time";
    } else if (truth) {
      c.whenTrue++;
    } else {
      c.whenFalse++;
    }
  }

  /**
   * A static {@code for} loop ran {@code iterations} times over a value of type {@code iterable}.
   */
  void loop(Span span, int iterations, String iterable) {
    Counts c = at("for", span);
    c.runs++;
    c.iterations += iterations;
    c.iterable = iterable;
  }

  /** The decisions in source order. */
  List<Decision> decisions() {
    List<Decision> out = new ArrayList<>();
    for (Counts c : byPlace.values()) {
      out.add(new Decision(c.kind, c.span, c.dynamic > 0, why(c)));
    }
    out.sort(
        Comparator.comparing((Decision d) -> d.span().file())
            .thenComparingInt(d -> d.span().line())
            .thenComparingInt(d -> d.span().column()));
    return out;
  }

  private static String why(Counts c) {
    if (c.kind.equals("for")) {
      return "unrolled while compiling: "
          + times(c.iterations, "iteration")
          + (c.runs > 1 ? " over " + times(c.runs, "run") : "")
          + ", over a "
          + c.iterable
          + " known at compile time";
    }
    if (c.dynamic > 0) {
      String also =
          c.whenTrue + c.whenFalse > 0
              ? " (decided while compiling "
                  + times(c.whenTrue + c.whenFalse, "other time")
                  + ", where its inputs were known)"
              : "";
      String what =
          c.kind.equals("while")
              ? "staged as a loop of the host program, its body compiled once ("
              : "left for run time (";
      return what + times(c.dynamic, "time") + "): " + c.dynamicWhy + also;
    }
    String counts =
        c.whenFalse == 0
            ? "always True (" + times(c.whenTrue, "time") + ")"
            : c.whenTrue == 0
                ? "always False (" + times(c.whenFalse, "time") + ")"
                : "True " + times(c.whenTrue, "time") + ", False " + times(c.whenFalse, "time");
    return "decided while compiling, "
        + counts
        + ": its condition reads only values known then (module attributes, shapes, Python"
        + " constants, loop counters)";
  }

  private static String times(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }
}
