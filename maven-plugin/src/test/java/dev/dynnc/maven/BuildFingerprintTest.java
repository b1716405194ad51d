package dev.dynnc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildFingerprintTest {
  @TempDir Path dir;

  @Test
  void changesWithEveryInputAndOnlyThen() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src/pkg"));
    Path py = Files.writeString(src.resolve("m.py"), "x = 1\n");
    Files.writeString(src.resolve("notes.txt"), "not Python");
    Path spec = Files.writeString(dir.resolve("dynnc.yaml"), "entry: pkg.m:f()\n");
    Path w = Files.write(dir.resolve("w.pt"), new byte[] {1, 2, 3});
    Path root = dir.resolve("src");
    String base = BuildFingerprint.of("1.0", "target=llvm", spec, w, root);
    assertEquals(base, BuildFingerprint.of("1.0", "target=llvm", spec, w, root));
    assertNotEquals(base, BuildFingerprint.of("1.1", "target=llvm", spec, w, root));
    assertNotEquals(base, BuildFingerprint.of("1.0", "target=cuda", spec, w, root));
    Files.writeString(src.resolve("notes.txt"), "other non-Python file: not read by the frontend");
    assertEquals(base, BuildFingerprint.of("1.0", "target=llvm", spec, w, root));
    Files.writeString(py, "x = 2\n");
    String edited = BuildFingerprint.of("1.0", "target=llvm", spec, w, root);
    assertNotEquals(base, edited);
    Files.write(w, new byte[] {1, 2, 4});
    assertNotEquals(edited, BuildFingerprint.of("1.0", "target=llvm", spec, w, root));
    Files.writeString(src.resolve("new.py"), "");
    assertNotEquals(edited, BuildFingerprint.of("1.0", "target=llvm", spec, w, root));
  }
}
