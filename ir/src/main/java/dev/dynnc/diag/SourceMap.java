package dev.dynnc.diag;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Source text by file name, so diagnostics can quote the offending line. */
public final class SourceMap {
  public static final SourceMap EMPTY = new SourceMap();

  private final Map<String, List<String>> lines = new HashMap<>();

  public void add(String file, String text) {
    lines.put(file, List.of(text.split("\r\n|\r|\n", -1)));
  }

  public Optional<String> line(String file, int line) {
    List<String> l = lines.get(file);
    if (l == null || line < 1 || line > l.size()) {
      return Optional.empty();
    }
    return Optional.of(l.get(line - 1));
  }
}
