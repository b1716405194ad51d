package dev.dynnc.testing;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opentest4j.AssertionFailedError;

/**
 * A golden test file: an input text with {@code KEY: value} directives in its leading comment
 * block, and a trailer holding the expected output with every line commented out.
 *
 * <p>Comments are {@code #} in {@code .py} files and {@code //} in every other kind, so the input
 * part stays valid for its own parser:
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
 * and {@link #check} in bless mode rewrites only the trailer (the input above it, and so every line
 * number the expectation mentions, stays put).
 */
public final class GoldenFile {
  /** The line that opens the trailer, after the comment prefix and a space. */
  public static final String MARKER = "---- expected ----";

  /**
   * {@code -Dgolden.bless=true} (passed on by the root POM's surefire configuration) rewrites
   * expectations.
   */
  public static boolean blessing() {
    return Boolean.parseBoolean(System.getProperty("golden.bless", "false"));
  }

  private final Path path;
  private final String comment;
  private final String text;
  private final Map<String, List<String>> directives;
  private final Optional<String> expected;
  private final int trailerOffset;

  private GoldenFile(
      Path path,
      String comment,
      String text,
      Map<String, List<String>> directives,
      Optional<String> expected,
      int trailerOffset) {
    this.path = path;
    this.comment = comment;
    this.text = text;
    this.directives = directives;
    this.expected = expected;
    this.trailerOffset = trailerOffset;
  }

  /** The comment prefix of a golden file: {@code #} for Python, {@code //} for everything else. */
  static String commentPrefix(Path path) {
    return path.getFileName().toString().endsWith(".py") ? "#" : "//";
  }

  public static GoldenFile read(Path path) throws IOException {
    String comment = commentPrefix(path);
    String text = Files.readString(path, StandardCharsets.UTF_8).replace("\r\n", "\n");
    String trailer = comment + " " + MARKER;
    Map<String, List<String>> directives = new LinkedHashMap<>();
    for (String line : text.split("\n", -1)) {
      if (!line.startsWith(comment) || line.equals(trailer)) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon > comment.length() + 1 && line.startsWith(comment + " ")) {
        String key = line.substring(comment.length() + 1, colon).trim();
        if (key.matches("[a-z]+")) {
          directives
              .computeIfAbsent(key, k -> new ArrayList<>())
              .add(line.substring(colon + 1).trim());
        }
      }
    }
    int at = text.startsWith(trailer + "\n") ? 0 : text.indexOf("\n" + trailer + "\n");
    if (at < 0) {
      return new GoldenFile(path, comment, text, directives, Optional.empty(), text.length());
    }
    int offset = at == 0 ? 0 : at + 1;
    StringBuilder exp = new StringBuilder();
    for (String line : text.substring(offset + trailer.length() + 1).split("\n", -1)) {
      if (line.equals(comment)) {
        exp.append('\n');
      } else if (line.startsWith(comment + " ")) {
        exp.append(line, comment.length() + 1, line.length()).append('\n');
      } else if (!line.isEmpty()) {
        throw new AssertionFailedError(
            path
                + ": a line after '"
                + trailer
                + "' does not start with '"
                + comment
                + " ': "
                + line);
      }
    }
    return new GoldenFile(path, comment, text, directives, Optional.of(exp.toString()), offset);
  }

  public Path path() {
    return path;
  }

  /** The file's full text, trailer included. */
  public String text() {
    return text;
  }

  /** The text above the trailer: the input of the test. */
  public String input() {
    return text.substring(0, trailerOffset);
  }

  /** The last value of directive {@code key}. */
  public Optional<String> directive(String key) {
    List<String> v = directives.get(key);
    return v == null ? Optional.empty() : Optional.of(v.get(v.size() - 1));
  }

  /** The value of directive {@code key}, which the file must have. */
  public String required(String key) {
    return directive(key)
        .orElseThrow(
            () ->
                new AssertionFailedError(
                    path + " lacks the directive '" + comment + " " + key + ": ...'"));
  }

  public List<String> directives(String key) {
    return directives.getOrDefault(key, List.of());
  }

  public Optional<String> expected() {
    return expected;
  }

  /**
   * Compares {@code actual} with the expectation and fails with a unified diff on a mismatch or a
   * missing expectation. In bless mode a differing (or missing) expectation is rewritten and the
   * check still fails, naming the file and showing the diff: a bless run that changed anything is
   * never green, so every blessing is reviewed in a second, plain run.
   */
  public void check(String actual) throws IOException {
    String want = expected.map(GoldenFile::normalize).orElse(null);
    String got = normalize(actual);
    if (got.equals(want)) {
      return;
    }
    String diff = want == null ? "" : diff(want, got);
    if (blessing()) {
      write(got);
      throw new AssertionFailedError(
          "BLESSED "
              + path
              + ": its expectation was "
              + (want == null ? "missing and is now written" : "rewritten")
              + "; review it (git diff) and rerun"
              + " without -Dgolden.bless\n"
              + (want == null ? got : diff));
    }
    if (want == null) {
      throw new AssertionFailedError(
          path
              + " has no '"
              + comment
              + " "
              + MARKER
              + "' section; run with"
              + " -Dgolden.bless=true to write it. Actual output:\n"
              + got);
    }
    throw new AssertionFailedError(
        "output differs from the expectation in "
            + path
            + " (rerun with -Dgolden.bless=true to accept it)\n"
            + diff,
        want,
        got);
  }

  /**
   * A unified diff with three lines of context from {@code expected} to {@code actual}; empty if
   * equal.
   */
  public static String diff(String expected, String actual) {
    List<String> a = List.of(expected.split("\n", -1));
    List<String> b = List.of(actual.split("\n", -1));
    if (a.equals(b)) {
      return "";
    }
    return String.join(
            "\n",
            UnifiedDiffUtils.generateUnifiedDiff("expected", "actual", a, DiffUtils.diff(a, b), 3))
        + "\n";
  }

  /** Rewrites the trailer with {@code actual}, leaving everything above it unchanged. */
  private void write(String actual) throws IOException {
    StringBuilder sb = new StringBuilder(input());
    if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '\n') {
      sb.append('\n');
    }
    sb.append(comment).append(' ').append(MARKER).append('\n');
    for (String line : actual.split("\n", -1)) {
      sb.append(line.isEmpty() ? comment : comment + " " + line).append('\n');
    }
    Files.writeString(path, sb.toString(), StandardCharsets.UTF_8);
  }

  /**
   * Line ends as LF, trailing blank lines and spaces at the end dropped: neither is visible in
   * review.
   */
  private static String normalize(String s) {
    String t = s.replace("\r\n", "\n");
    int end = t.length();
    while (end > 0 && (t.charAt(end - 1) == '\n' || t.charAt(end - 1) == ' ')) {
      end--;
    }
    return t.substring(0, end);
  }
}
