package dev.dynnc.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.runtime.Manifest;
import dev.dynnc.runtime.OwnedDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rules OUTPUT-GUARD, RECOVERABLE-SWAP and UMASK of {@link BundleOutput}, on hand-made bundles. */
class BundleOutputTest {
  /** An owner tag no process can have: PIDs stay far below this on every supported kernel. */
  static final String DEAD = "2147483646-1700000000000-x1";

  @TempDir Path dir;
  Path src;
  Path weights;

  @BeforeEach
  void sources() throws IOException {
    src = Files.createDirectories(dir.resolve("src/models"));
    Files.writeString(src.resolve("m.py"), "x = 1\n");
    weights = Files.writeString(dir.resolve("w.pt"), "weights");
  }

  /** A directory that {@link BundleOutput#isBundle} accepts, with one marker file. */
  static Path fakeBundle(Path at, String marker) throws IOException {
    Files.createDirectories(at.resolve("lib"));
    Files.writeString(at.resolve("lib/marker.txt"), marker);
    new Manifest(
            Manifest.FORMAT,
            Manifest.FORMAT_VERSION,
            "llvm",
            "cpu",
            "forward",
            "a.B",
            List.of(),
            List.of(),
            List.of(),
            Map.of(),
            null)
        .write(at);
    return at;
  }

  String refusal(Path out) {
    return BundleOutput.refusal(out, src, weights).orElse("accepted");
  }

  @Test
  void refusesWhatIsNotABundle() throws IOException {
    String keep = "; dynnc only replaces an empty directory or a bundle it wrote";
    assertEquals(
        "-o is empty; name the bundle directory to write, e.g. -o model.bundle",
        refusal(Path.of("")));
    assertEquals("-o .: is the current directory" + keep, refusal(Path.of(".")));
    assertEquals("-o /: is the file system root", refusal(Path.of("/")));
    assertEquals("-o " + src + ": is the --source-root directory" + keep, refusal(src));
    assertEquals(
        "-o " + dir.resolve("src") + ": contains --source-root " + src + keep,
        refusal(dir.resolve("src")));
    assertEquals(
        "-o "
            + src.resolve("b")
            + ": lies inside --source-root "
            + src
            + "; write the bundle outside the model's sources",
        refusal(src.resolve("b")));
    assertEquals("-o " + weights + ": is the --weights file" + keep, refusal(weights));
    Path file = Files.writeString(dir.resolve("notes.txt"), "mine");
    assertEquals("-o " + file + ": is a file, not a dynnc bundle" + keep, refusal(file));
    assertEquals(
        "-o " + file.resolve("x.b") + ": " + file + " is not a directory",
        refusal(file.resolve("x.b")));
    Path mine = Files.createDirectories(dir.resolve("mine"));
    Files.writeString(mine.resolve("thesis.tex"), "years of work");
    assertEquals(
        "-o "
            + mine
            + ": is a directory but not a dynnc bundle (no manifest.json of format dynnc-bundle)"
            + keep,
        refusal(mine));
    Files.writeString(mine.resolve("manifest.json"), "{\"format\": \"something-else\"}");
    assertTrue(refusal(mine).contains("is a directory but not a dynnc bundle"));
    Path link =
        Files.createSymbolicLink(
            dir.resolve("link.bundle"), fakeBundle(dir.resolve("real.bundle"), "a"));
    assertEquals("-o " + link + ": is a symbolic link" + keep, refusal(link));
    assertEquals(
        "-o " + link.resolve("..") + ": contains --source-root " + src + keep,
        refusal(link.resolve("..")));
  }

  @Test
  void acceptsNothingAnEmptyDirectoryOrABundle() throws IOException {
    assertEquals("accepted", refusal(dir.resolve("new/deeper/m.bundle")));
    assertEquals("accepted", refusal(Files.createDirectories(dir.resolve("empty"))));
    assertEquals("accepted", refusal(fakeBundle(dir.resolve("old.bundle"), "old")));
  }

  @Test
  void installReplacesABundleWithUmaskPermissions() throws IOException {
    Path out = fakeBundle(dir.resolve("m.bundle"), "old");
    BundleOutput o = BundleOutput.prepare(out, src, weights);
    fakeBundle(o.dir(), "new");
    Files.writeString(o.dir().resolve("lib/run.sh"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(
        o.dir().resolve("lib/run.sh"), PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(
        o.dir().resolve("lib/marker.txt"), PosixFilePermissions.fromString("rw-------"));
    o.install(src, weights);
    assertEquals("new", Files.readString(out.resolve("lib/marker.txt")));
    assertEquals(List.of("m.bundle", "src", "w.pt"), names(dir));
    Set<PosixFilePermission> dirs = umaskDirPermissions();
    Set<PosixFilePermission> files =
        PosixFilePermissions.fromString(PosixFilePermissions.toString(dirs).replace('x', '-'));
    try (Stream<Path> s = Files.walk(out)) {
      for (Path p : s.toList()) {
        Set<PosixFilePermission> want = Files.isDirectory(p) || p.endsWith("run.sh") ? dirs : files;
        assertEquals(want, Files.getPosixFilePermissions(p), p.toString());
      }
    }
  }

  /**
   * What the umask leaves of rwxrwxrwx, read from the kernel rather than derived as the code does.
   */
  static Set<PosixFilePermission> umaskDirPermissions() throws IOException {
    String line =
        Files.readAllLines(Path.of("/proc/self/status")).stream()
            .filter(l -> l.startsWith("Umask:"))
            .findFirst()
            .orElseThrow();
    int umask = Integer.parseInt(line.substring(6).trim(), 8);
    int mode = 0777 & ~umask;
    StringBuilder sb = new StringBuilder();
    for (int bit = 8; bit >= 0; bit--) {
      sb.append((mode & (1 << bit)) != 0 ? "rwx".charAt((8 - bit) % 3) : '-');
    }
    return PosixFilePermissions.fromString(sb.toString());
  }

  @Test
  void installRefusesWhatAppearedAtTheOutputMeanwhile() throws IOException {
    Path out = dir.resolve("m.bundle");
    BundleOutput o = BundleOutput.prepare(out, src, weights);
    fakeBundle(o.dir(), "new");
    Files.writeString(out, "a file someone wrote while TVM ran");
    BundleOutput.Refused e =
        assertThrows(BundleOutput.Refused.class, () -> o.install(src, weights));
    assertTrue(e.getMessage().contains("is a file, not a dynnc bundle"), e.getMessage());
    assertEquals("a file someone wrote while TVM ran", Files.readString(out));
    o.discard();
    assertEquals(List.of("m.bundle", "src", "w.pt"), names(dir));
  }

  @Test
  void discardRemovesTheTemporaryAndTheParentsItCreated() throws IOException {
    BundleOutput o = BundleOutput.prepare(dir.resolve("a/b/m.bundle"), src, weights);
    assertTrue(Files.isDirectory(o.dir()));
    o.discard();
    assertEquals(List.of("src", "w.pt"), names(dir));
  }

  @Test
  void recoveryCompletesASwapKilledBetweenTheRenames() throws IOException {
    Path out = dir.resolve("m.bundle");
    fakeBundle(dir.resolve(".m.bundle.old-" + DEAD), "old");
    fakeBundle(dir.resolve(".m.bundle.ready-" + DEAD), "new");
    assertRecoversTo(out, "new");
  }

  @Test
  void recoveryPutsTheOldBundleBackWhenNothingNewIsComplete() throws IOException {
    Path out = dir.resolve("m.bundle");
    fakeBundle(dir.resolve(".m.bundle.old-" + DEAD), "old");
    Files.createDirectories(
        dir.resolve(".m.bundle.ready-" + DEAD).resolve("lib")); // no manifest: not a bundle
    Files.createDirectories(dir.resolve(".m.bundle.tmp-" + DEAD).resolve("lib"));
    assertRecoversTo(out, "old");
  }

  @Test
  void recoveryDeletesDeadLeftoversBesideAnInstalledBundle() throws IOException {
    Path out = fakeBundle(dir.resolve("m.bundle"), "current");
    fakeBundle(dir.resolve(".m.bundle.old-" + DEAD), "old");
    fakeBundle(dir.resolve(".m.bundle.ready-" + DEAD), "staged");
    Files.createDirectories(dir.resolve(".m.bundle.tmp-" + DEAD));
    assertRecoversTo(out, "current");
  }

  @Test
  void recoveryLeavesLiveOwnersAndForeignNamesAlone() throws IOException {
    Path out = dir.resolve("m.bundle");
    Path live = fakeBundle(dir.resolve(OwnedDirs.name(".m.bundle.ready-")), "a live compile's");
    Path liveTmp = Files.createDirectories(dir.resolve(OwnedDirs.name(".m.bundle.tmp-")));
    Path foreign = fakeBundle(dir.resolve(".m.bundle.old-mine"), "not ours by name");
    Path other = Files.createDirectories(dir.resolve(".other.bundle.tmp-" + DEAD));
    BundleOutput.recover(out);
    assertFalse(Files.exists(out));
    assertTrue(
        Files.isDirectory(live)
            && Files.isDirectory(liveTmp)
            && Files.isDirectory(foreign)
            && Files.isDirectory(other));
  }

  /**
   * Runs recovery and expects the bundle with {@code marker} at {@code out} and nothing beside it.
   */
  void assertRecoversTo(Path out, String marker) throws IOException {
    BundleOutput.recover(out);
    assertEquals(marker, Files.readString(out.resolve("lib/marker.txt")));
    assertEquals(List.of("m.bundle", "src", "w.pt"), names(dir));
  }

  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void reasonsNameNoExceptionClass() {
    assertEquals(
        "permission denied", BundleOutput.reason(new java.nio.file.AccessDeniedException("/x")));
    assertEquals(
        "read-only file system",
        BundleOutput.reason(
            new java.nio.file.FileSystemException("/x", null, "Read-only file system")));
  }
}
