package dev.dynnc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the hostile-input corpus: every {@code samples/src/test/resources/hostile/*.case} file is
 * one attack on the CLI, and each must end with its expected exit code and message, with no
 * internal error, no stack trace, nothing deleted and nothing left behind.
 *
 * <p>A case file has one directive a line ({@code #} starts a comment):
 *
 * <ul>
 *   <li>{@code arg: TEXT} — one command-line argument; {@code \n \t \0 \\ \}uXXXX} escapes are
 *       decoded, and {@code {sample}}, {@code {work}}, {@code {files}} and {@code {bundle}} are
 *       replaced by the sample's directory, the case's fresh work directory, {@code hostile/files}
 *       and a bundle of the sample compiled once for the class;
 *   <li>{@code file: NAME} — copies {@code hostile/files/NAME} into the work directory first;
 *   <li>{@code write: NAME=TEXT} — writes TEXT (escapes decoded, placeholders expanded) to {@code
 *       work/NAME}, creating parents;
 *   <li>{@code exit: N} — the expected exit code (1 diagnostics, 2 usage; 3 is never acceptable);
 *   <li>{@code err: TEXT} — a line that stderr must contain (repeatable); {@code out:} likewise for
 *       stdout; {@code not-err: TEXT} — text that stderr must not contain (repeatable);
 *   <li>{@code creates: NAME} — a path under work the command may create (repeatable); anything
 *       else new in the work directory fails the case;
 *   <li>{@code absent: PATH} — a path (placeholders expanded) that must not exist after the run:
 *       the mark of code that an attack tried to run or of a file it tried to write outside the
 *       bundle.
 * </ul>
 *
 * Every file placed in the work directory before the run must be there, unchanged, afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileCorpusTest {
  static final Path CORPUS =
      Path.of(System.getProperty("dynnc.repo.root", ".."))
          .resolve("samples/src/test/resources/hostile")
          .toAbsolutePath();
  Path bundle;

  @BeforeAll
  void compileSample(@TempDir Path dir) {
    bundle = dir.resolve("sample.bundle");
    EarlyExitCnnTest.Cli c = EarlyExitCnnTest.compileSample(bundle);
    assertEquals(0, c.code(), c.err());
  }

  @TestFactory
  Stream<DynamicTest> corpus(@TempDir Path root) throws IOException {
    List<Path> cases;
    try (Stream<Path> s = Files.list(CORPUS)) {
      cases = s.filter(p -> p.toString().endsWith(".case")).sorted().toList();
    }
    assertFalse(cases.isEmpty(), "no cases under " + CORPUS);
    return cases.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.getFileName().toString(),
                    () ->
                        assertTimeoutPreemptively(
                            Duration.ofSeconds(120), () -> runCase(c, root))));
  }

  private void runCase(Path file, Path root) throws IOException {
    String name = file.getFileName().toString().replace(".case", "");
    Path work = Files.createDirectories(root.resolve(name));
    Files.writeString(work.resolve("sentinel.txt"), "user data that must survive\n");
    List<String> args = new ArrayList<>();
    List<String> errs = new ArrayList<>();
    List<String> outs = new ArrayList<>();
    List<String> notErrs = new ArrayList<>();
    Set<String> creates = new TreeSet<>();
    List<Path> absent = new ArrayList<>();
    Integer exit = null;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(": ");
      if (colon < 0) {
        fail(file + ": directive without ': ': " + line);
      }
      String key = line.substring(0, colon);
      String value = line.substring(colon + 2);
      switch (key) {
        case "arg" -> args.add(expand(unescape(value), work));
        case "file" -> Files.copy(CORPUS.resolve("files").resolve(value), work.resolve(value));
        case "write" -> {
          int eq = value.indexOf('=');
          Path target = work.resolve(value.substring(0, eq));
          Files.createDirectories(target.getParent());
          Files.writeString(
              target, expand(unescape(value.substring(eq + 1)), work), StandardCharsets.UTF_8);
        }
        case "exit" -> exit = Integer.parseInt(value.trim());
        case "err" -> errs.add(expand(unescape(value), work));
        case "out" -> outs.add(expand(unescape(value), work));
        case "not-err" -> notErrs.add(expand(unescape(value), work));
        case "creates" -> creates.add(value.trim());
        case "absent" -> absent.add(Path.of(expand(value.trim(), work)));
        default -> fail(file + ": unknown directive '" + key + "'");
      }
    }
    assertTrue(exit != null, file + ": no 'exit:' line");
    for (Path p : absent) {
      Files.deleteIfExists(p);
    }
    Snapshot before = Snapshot.of(work);
    EarlyExitCnnTest.Cli c = EarlyExitCnnTest.cli(args.toArray(String[]::new));
    String both = c.out() + c.err();
    assertTrue(c.code() != 3, "internal error (exit 3):\n" + both);
    assertFalse(
        both.contains("\tat ") || both.contains("Exception") || both.contains("internal error"),
        "stack trace or internal error in the output:\n" + both);
    assertEquals(exit, c.code(), "exit code; output was:\n" + both);
    for (String e : errs) {
      assertTrue(c.err().contains(e), "stderr lacks '" + e + "'; it was:\n" + c.err());
    }
    for (String e : notErrs) {
      assertFalse(c.err().contains(e), "stderr has '" + e + "'; it was:\n" + c.err());
    }
    for (String o : outs) {
      assertTrue(c.out().contains(o), "stdout lacks '" + o + "'; it was:\n" + c.out());
    }
    for (Path p : absent) {
      assertFalse(
          Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS),
          "the attack left " + p + "\n" + both);
    }
    Snapshot after = Snapshot.of(work);
    for (var e : before.files().entrySet()) {
      assertEquals(
          e.getValue(), after.files().get(e.getKey()), "changed or deleted: " + e.getKey());
    }
    for (String p : after.files().keySet()) {
      if (!before.files().containsKey(p)
          && creates.stream().noneMatch(cr -> p.equals(cr) || p.startsWith(cr + "/"))) {
        fail("left behind in the work directory: " + p + "\n" + both);
      }
    }
  }

  /** Relative path -> content hash of every file and directory under a root. */
  record Snapshot(java.util.Map<String, String> files) {
    static Snapshot of(Path root) throws IOException {
      java.util.Map<String, String> m = new java.util.TreeMap<>();
      try (Stream<Path> s = Files.walk(root)) {
        for (Path p : s.toList()) {
          if (p.equals(root)) {
            continue;
          }
          String rel = root.relativize(p).toString();
          m.put(
              rel,
              Files.isDirectory(p)
                  ? "dir"
                  : Integer.toHexString(java.util.Arrays.hashCode(Files.readAllBytes(p))));
        }
      }
      return new Snapshot(m);
    }
  }

  private String expand(String s, Path work) {
    return s.replace("{sample}", EarlyExitCnnTest.SAMPLE.toString())
        .replace("{work}", work.toString())
        .replace("{files}", CORPUS.resolve("files").toString())
        .replace("{bundle}", bundle.toString());
  }

  static String unescape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch != '\\' || i + 1 == s.length()) {
        sb.append(ch);
        continue;
      }
      char n = s.charAt(++i);
      switch (n) {
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case '0' -> sb.append('\0');
        case '\\' -> sb.append('\\');
        case 'u' -> {
          sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> sb.append('\\').append(n);
      }
    }
    return sb.toString();
  }
}
