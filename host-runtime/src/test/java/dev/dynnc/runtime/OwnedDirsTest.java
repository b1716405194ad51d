package dev.dynnc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rule OWNED-TEMP: only directories of dead owners are deleted, whoever asks. */
class OwnedDirsTest {
  /** No process has this PID: PIDs stay far below it on every supported kernel. */
  static final String DEAD = "2147483646-1700000000000-x1";

  @TempDir Path tmp;

  @Test
  void staleMeansTheOwnerPidAndStartTimeAreGone() {
    long pid = ProcessHandle.current().pid();
    assertTrue(OwnedDirs.isStale("p-" + DEAD, "p-"));
    // Our PID with another start time: a reused PID, so the owner is dead.
    assertTrue(OwnedDirs.isStale("p-" + pid + "-1000-ab", "p-"));
    assertFalse(OwnedDirs.isStale(OwnedDirs.name("p-"), "p-"));
    assertFalse(OwnedDirs.isStale("p-notatag", "p-"));
    assertFalse(OwnedDirs.isStale("q-" + DEAD, "p-"));
  }

  @Test
  void cleanStaleDeletesOnlyDeadOwnersDirectories() throws Exception {
    Path dead = Files.createDirectories(tmp.resolve("p-" + DEAD).resolve("lib"));
    Files.writeString(dead.resolve("big.so"), "x");
    Path live = OwnedDirs.create(tmp, "p-");
    Path file = Files.writeString(tmp.resolve("p-2147483646-1700000000000-x2"), "a file, not ours");
    Path foreign = Files.createDirectories(tmp.resolve("p-mine"));
    OwnedDirs.cleanStale(tmp, "p-");
    assertFalse(Files.exists(tmp.resolve("p-" + DEAD)));
    assertTrue(Files.isDirectory(live) && Files.isRegularFile(file) && Files.isDirectory(foreign));
  }

  @Test
  void openingAZipRemovesExtractionsThatKilledRunsLeft() throws Exception {
    Path tmpRoot = Path.of(System.getProperty("java.io.tmpdir"));
    Path stale = Files.createDirectories(tmpRoot.resolve("dynnc-bundle-" + DEAD).resolve("lib"));
    Path notZip = Files.writeString(tmp.resolve("not.zip"), "not a zip");
    assertThrows(BundleException.class, () -> Bundle.open(notZip));
    assertFalse(Files.exists(stale.getParent()));
    try (Stream<Path> s = Files.list(tmpRoot)) {
      String own = "dynnc-bundle-" + OwnedDirs.ownerTag() + "-";
      assertEquals(
          List.of(),
          s.filter(p -> p.getFileName().toString().startsWith(own)).toList(),
          "a failed open must not leave its extraction directory");
    }
  }
}
