package dev.dynnc.frontend.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A golden test file: a source text with {@code # key: value} directives in its leading comment
 * block, and a trailer holding the expected output with every line prefixed {@code # }.
 *
 * <pre>
 * # entry: build()
 * # input: x=float32[1,8]
 * ...model code...
 * # ---- expected ----
 * # func @forward(...) {
 * # ...
 * </pre>
 *
 * <p>Expected output lives in the file under test itself, so adding a test means adding one file,
 * and {@link #bless} rewrites only the trailer (the code above it, and so every line number the
 * expectation mentions, stays put).
 */
public final class GoldenFile {
  public static final String TRAILER = "# ---- expected ----";

  /** Set by the root POM (surefire); {@code -Dgolden.bless=true} rewrites expectations. */
  public static boolean blessing() {
    return Boolean.parseBoolean(System.getProperty("golden.bless", "false"));
  }

  private final Path path;
  private final String text;
  private final Map<String, List<String>> directives;
  private final Optional<String> expected;
  private final int trailerOffset;

  private GoldenFile(Path path, String text, Map<String, List<String>> directives, Optional<String> expected,
      int trailerOffset) {
    this.path = path;
    this.text = text;
    this.directives = directives;
    this.expected = expected;
    this.trailerOffset = trailerOffset;
  }

  public static GoldenFile read(Path path) throws IOException {
    String text = Files.readString(path, StandardCharsets.UTF_8);
    Map<String, List<String>> directives = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (String line : lines) {
      if (!line.startsWith("#")) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon > 2 && line.startsWith("# ")) {
        String key = line.substring(2, colon).trim();
        if (key.matches("[a-z]+")) {
          directives.computeIfAbsent(key, k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
        }
      }
    }
    int at = text.startsWith(TRAILER + "\n") ? 0 : text.indexOf("\n" + TRAILER + "\n");
    if (at < 0) {
      return new GoldenFile(path, text, directives, Optional.empty(), text.length());
    }
    int offset = at == 0 ? 0 : at + 1;
    StringBuilder exp = new StringBuilder();
    String rest = text.substring(offset + TRAILER.length() + 1);
    for (String line : rest.split("\n", -1)) {
      if (line.equals("#")) {
        exp.append('\n');
      } else if (line.startsWith("# ")) {
        exp.append(line, 2, line.length()).append('\n');
      } else if (!line.isEmpty()) {
        throw new IllegalStateException(path + ": line after '" + TRAILER + "' does not start with '# ': " + line);
      }
    }
    return new GoldenFile(path, text, directives, Optional.of(exp.toString()), offset);
  }

  public Path path() {
    return path;
  }

  /** The file's full text, trailer included. */
  public String text() {
    return text;
  }

  public Optional<String> directive(String key) {
    List<String> v = directives.get(key);
    return v == null ? Optional.empty() : Optional.of(v.get(v.size() - 1));
  }

  public List<String> directives(String key) {
    return directives.getOrDefault(key, List.of());
  }

  public Optional<String> expected() {
    return expected;
  }

  /** Compares; returns an empty string on a match, else a unified diff (expected → actual). */
  public String compare(String actual) {
    if (expected.isEmpty()) {
      return path + " has no '" + TRAILER + "' section; run with -Dgolden.bless=true to write it. Actual output:\n" + actual;
    }
    String d = UnifiedDiff.diff("expected (" + path.getFileName() + ")", normalize(expected.get()), "actual", normalize(actual));
    return d.isEmpty() ? "" : "output differs from the expectation in " + path
        + " (rerun with -Dgolden.bless=true to accept it)\n" + d;
  }

  /** Rewrites the trailer with {@code actual}, leaving everything above it unchanged. */
  public void bless(String actual) throws IOException {
    StringBuilder sb = new StringBuilder(text.substring(0, trailerOffset));
    if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '\n') {
      sb.append('\n');
    }
    sb.append(TRAILER).append('\n');
    for (String line : normalize(actual).split("\n", -1)) {
      sb.append(line.isEmpty() ? "#" : "# " + line).append('\n');
    }
    Files.writeString(path, sb.toString(), StandardCharsets.UTF_8);
  }

  private static String normalize(String s) {
    String t = s.replace("\r\n", "\n");
    int end = t.length();
    while (end > 0 && (t.charAt(end - 1) == '\n' || t.charAt(end - 1) == ' ')) {
      end--;
    }
    return t.substring(0, end);
  }
}
