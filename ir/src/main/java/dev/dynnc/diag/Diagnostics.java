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
  private final List<Diagnostic> list = new ArrayList<>();

  public void add(Diagnostic d) {
    list.add(d);
  }

  public void addAll(List<Diagnostic> ds) {
    list.addAll(ds);
  }

  public boolean hasErrors() {
    return !list.isEmpty();
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
    sb.append("error[").append(d.code().name()).append("]: ");
    if (!d.span().file().isEmpty()) {
      sb.append(d.span().file());
      if (d.span().isKnown()) {
        sb.append(':').append(d.span().line()).append(':').append(d.span().column());
      }
      sb.append(": ");
    }
    sb.append(d.message()).append('\n');
    String gutter = " ".repeat(String.valueOf(Math.max(d.span().line(), 1)).length());
    var text = d.span().isKnown() ? sources.line(d.span().file(), d.span().line()) : java.util.Optional.<String>empty();
    if (text.isPresent()) {
      String line = text.get().replace('\t', ' ');
      sb.append(gutter).append(" |\n");
      sb.append(d.span().line()).append(" | ").append(line).append('\n');
      int col = Math.max(1, Math.min(d.span().column(), line.length() + 1));
      sb.append(gutter).append(" | ").append(" ".repeat(col - 1)).append("^\n");
    }
    d.hint().ifPresent(h -> sb.append(gutter).append(" = hint: ").append(h).append('\n'));
    return sb.toString();
  }
}
