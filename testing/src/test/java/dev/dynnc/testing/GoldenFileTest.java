package dev.dynnc.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * The golden-file harness itself: directives, trailer, diff, bless, and the failures that keep
 * blessings honest.
 */
class GoldenFileTest {
  @TempDir Path dir;

  private static final String FILE =
      """
      # entry: build()
      # input: x=float32[1,8]
      # input: y=int64[2]
      # A comment: not a directive, though it has a colon.
      x = 1
      # ---- expected ----
      # line one
      #
      #   indented
      """;

  @AfterEach
  void noBless() {
    System.clearProperty("golden.bless");
  }

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  @Test
  void readsDirectivesAndTheExpectedTrailer() throws IOException {
    GoldenFile g = GoldenFile.read(write("t.py", FILE));
    assertEquals(Optional.of("build()"), g.directive("entry"));
    assertEquals(List.of("x=float32[1,8]", "y=int64[2]"), g.directives("input"));
    assertEquals(Optional.empty(), g.directive("method"));
    assertEquals(Optional.of("line one\n\n  indented\n"), g.expected());
    assertEquals(FILE.substring(0, FILE.indexOf("# ----")), g.input());
    g.check("line one\n\n  indented\n\n");
  }

  @Test
  void nonPythonFilesUseSlashComments() throws IOException {
    GoldenFile g =
        GoldenFile.read(
            write("t.ir", "// passes: a,b\nfunc\n// ---- expected ----\n// out\n//\n// x\n"));
    assertEquals("a,b", g.required("passes"));
    assertEquals(Optional.of("out\n\nx\n"), g.expected());
    AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> g.required("entry"));
    assertTrue(e.getMessage().contains("lacks the directive '// entry: ...'"), e.getMessage());
  }

  @Test
  void mismatchFailsWithAUnifiedDiff() throws IOException {
    GoldenFile g = GoldenFile.read(write("t.py", FILE));
    AssertionFailedError e =
        assertThrows(AssertionFailedError.class, () -> g.check("line one\nline two\n  indented\n"));
    assertTrue(
        e.getMessage()
            .endsWith(
                """
        --- expected
        +++ actual
        @@ -1,3 +1,3 @@
         line one
        -
        +line two
           indented
        """),
        e.getMessage());
    assertEquals(FILE, Files.readString(g.path()), "a plain run never writes");
  }

  @Test
  void diffSeparatesDistantHunks() {
    String a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12";
    String b = "1\nX\n3\n4\n5\n6\n7\n8\n9\n10\nY\n12";
    assertEquals(
        """
        --- expected
        +++ actual
        @@ -1,5 +1,5 @@
         1
        -2
        +X
         3
         4
         5
        @@ -8,5 +8,5 @@
         8
         9
         10
        -11
        +Y
         12
        """,
        GoldenFile.diff(a, b));
    assertEquals("", GoldenFile.diff(a, a));
  }

  @Test
  void missingExpectationFails() throws IOException {
    GoldenFile g = GoldenFile.read(write("fresh.py", "x = 1\n"));
    AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> g.check("a"));
    assertTrue(e.getMessage().contains("has no '# ---- expected ----' section"), e.getMessage());
  }

  @Test
  void blessRewritesOnlyTheTrailerAndStillFails() throws IOException {
    System.setProperty("golden.bless", "true");
    GoldenFile g = GoldenFile.read(write("t.py", FILE));
    AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> g.check("new\n\nout"));
    assertTrue(
        e.getMessage().startsWith("BLESSED " + g.path() + ": its expectation was rewritten"),
        e.getMessage());
    assertTrue(e.getMessage().contains("+new"), e.getMessage());
    assertEquals(
        FILE.substring(0, FILE.indexOf("# ----")) + "# ---- expected ----\n# new\n#\n# out\n",
        Files.readString(g.path()));
    GoldenFile fresh = GoldenFile.read(write("fresh.ir", "x"));
    assertThrows(AssertionFailedError.class, () -> fresh.check("a"));
    assertEquals("x\n// ---- expected ----\n// a\n", Files.readString(fresh.path()));
    // Blessing an unchanged expectation is a no-op that passes.
    GoldenFile.read(fresh.path()).check("a\n");
    GoldenFile.read(g.path()).check("new\n\nout");
  }

  @Test
  void suiteFailsOnFilesNoTestReads() throws Throwable {
    write("s/a.ir", "x\n// ---- expected ----\n// X\n");
    write("s/notes.txt", "forgotten");
    write("s/sub/b.ir", "y\n");
    write("loose.ir", "z\n");
    List<DynamicTest> tests =
        Golden.suite(dir, "s", "ir", g -> g.input().strip().toUpperCase()).toList();
    assertEquals(
        List.of("no unread files in golden/s", "a.ir"),
        tests.stream().map(DynamicTest::getDisplayName).toList());
    tests.get(1).getExecutable().execute();
    AssertionFailedError e =
        assertThrows(AssertionFailedError.class, () -> tests.get(0).getExecutable().execute());
    for (String stray : List.of("notes.txt", "sub", "loose.ir")) {
      assertTrue(e.getMessage().contains(stray), e.getMessage());
    }
    write("empty/x.py", "");
    assertThrows(AssertionFailedError.class, () -> Golden.suite(dir, "empty", "ir", g -> ""));
  }
}
