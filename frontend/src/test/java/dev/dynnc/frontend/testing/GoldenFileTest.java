package dev.dynnc.frontend.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The golden-file harness itself: directives, trailer, diff and bless. */
class GoldenFileTest {
  @TempDir Path dir;

  private static final String FILE = """
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

  @Test
  void readsDirectivesAndTheExpectedTrailer() throws IOException {
    Path p = dir.resolve("t.py");
    Files.writeString(p, FILE);
    GoldenFile g = GoldenFile.read(p);
    assertEquals(Optional.of("build()"), g.directive("entry"));
    assertEquals(List.of("x=float32[1,8]", "y=int64[2]"), g.directives("input"));
    assertEquals(Optional.empty(), g.directive("method"));
    assertEquals(Optional.of("line one\n\n  indented\n"), g.expected());
    assertEquals("", g.compare("line one\n\n  indented\n\n"));
  }

  @Test
  void mismatchIsAUnifiedDiff() throws IOException {
    Path p = dir.resolve("t.py");
    Files.writeString(p, FILE);
    String diff = GoldenFile.read(p).compare("line one\nline two\n  indented\n");
    assertTrue(diff.endsWith("""
        --- expected (t.py)
        +++ actual
        @@ -1,3 +1,3 @@
         line one
        -
        +line two
           indented
        """), diff);
  }

  @Test
  void blessRewritesOnlyTheTrailer() throws IOException {
    Path p = dir.resolve("t.py");
    Files.writeString(p, FILE);
    GoldenFile.read(p).bless("new\n\nout");
    assertEquals(FILE.substring(0, FILE.indexOf(GoldenFile.TRAILER)) + GoldenFile.TRAILER + "\n# new\n#\n# out\n",
        Files.readString(p));
    Path fresh = dir.resolve("fresh.py");
    Files.writeString(fresh, "x = 1\n");
    GoldenFile.read(fresh).bless("a");
    assertEquals("x = 1\n" + GoldenFile.TRAILER + "\n# a\n", Files.readString(fresh));
    assertEquals(Optional.of("a\n"), GoldenFile.read(fresh).expected());
  }

  @Test
  void diffSeparatesDistantHunks() {
    String a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
    String b = "1\nX\n3\n4\n5\n6\n7\n8\n9\n10\nY\n12\n";
    assertEquals("""
        --- a
        +++ b
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
        """, UnifiedDiff.diff("a", a, "b", b));
  }
}
