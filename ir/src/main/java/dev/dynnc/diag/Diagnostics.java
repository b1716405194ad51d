package dev.dynnc.diag;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects diagnostics and renders them in the rustc style.
 *
 * <pre>
 * error[DN0201]: models/sdn.py:42:16: torch.fft is not supported
 *    |
 * 42 |         y = torch.fft(x)
 *    |             ^
 *    = hint: ...
 * </pre>
 */
public final class Diagnostics {
  /**
   * Longest source line quoted whole; longer ones are cut to this many characters around the caret.
   */
  static final int MAX_QUOTED = 120;

  /** Marks where a quoted line was cut; ASCII, because the terminal's encoding is unknown. */
  private static final String ELLIPSIS = "...";

  private final List<Diagnostic> list = new ArrayList<>();

  public void add(Diagnostic d) {
    list.add(d);
  }

  public void addAll(List<Diagnostic> ds) {
    list.addAll(ds);
  }

  /** Whether an error is among the diagnostics (warnings and notes do not fail a compile). */
  public boolean hasErrors() {
    return list.stream().anyMatch(d -> d.code().severity() == Severity.ERROR);
  }

  public List<Diagnostic> all() {
    return List.copyOf(list);
  }

  public String render(SourceMap sources) {
    StringBuilder sb = new StringBuilder();
    for (Diagnostic d : list) {
      sb.append(render(d, sources));
    }
    return sb.toString();
  }

  public static String render(Diagnostic d, SourceMap sources) {
    StringBuilder sb = new StringBuilder();
    sb.append(d.code().prefix());
    if (!d.span().file().isEmpty()) {
      sb.append(d.span().file());
      if (d.span().isKnown()) {
        sb.append(':').append(d.span().line()).append(':').append(d.span().column());
      }
      sb.append(": ");
    }
    sb.append(d.message()).append('\n');
    String gutter = " ".repeat(String.valueOf(Math.max(d.span().line(), 1)).length());
    var text =
        d.span().isKnown()
            ? sources.line(d.span().file(), d.span().line())
            : java.util.Optional.<String>empty();
    if (text.isPresent()) {
      String line = text.get().replace('\t', ' ');
      int col = Math.max(1, Math.min(d.span().column(), line.length() + 1));
      if (line.length() > MAX_QUOTED) {
        // Quote a window around the caret: a minified or generated line can be megabytes long.
        int from = Math.max(0, Math.min(col - 1 - MAX_QUOTED / 2, line.length() - MAX_QUOTED));
        int to = from + MAX_QUOTED;
        if (from > 0 && Character.isLowSurrogate(line.charAt(from))) {
          from++;
        }
        if (to < line.length() && Character.isLowSurrogate(line.charAt(to))) {
          to++;
        }
        String cut =
            (from > 0 ? ELLIPSIS : "")
                + line.substring(from, to)
                + (to < line.length() ? ELLIPSIS : "");
        col = col - from + (from > 0 ? ELLIPSIS.length() : 0);
        line = cut;
      }
      sb.append(gutter).append(" |\n");
      sb.append(d.span().line()).append(" | ").append(line).append('\n');
      sb.append(gutter).append(" | ").append(" ".repeat(col - 1)).append("^\n");
    }
    d.hint().ifPresent(h -> sb.append(gutter).append(" = hint: ").append(h).append('\n'));
    return sb.toString();
  }
}
