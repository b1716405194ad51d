package dev.dynnc.backend;

import dev.dynnc.runtime.Manifest;
import dev.dynnc.runtime.OwnedDirs;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a bundle to the {@code -o} path: refuses any path whose replacement could destroy
 * something that is not a dynnc bundle, builds in a temporary directory beside it, and swaps it in
 * so that a kill at any instant leaves the old or the new bundle there once the next compile to the
 * same path has run.
 *
 * <p>Rule OUTPUT-GUARD: {@code -o} may name nothing, an empty directory or a directory holding a
 * {@code manifest.json} of format {@value Manifest#FORMAT}; never the current directory, the
 * sources, the checkpoint, a file, a symbolic link or any other directory. It is checked before any
 * expensive work and again just before the swap.
 *
 * <p>Rule RECOVERABLE-SWAP: beside {@code NAME} live only directories named {@code .NAME.tmp-TAG}
 * (being built), {@code .NAME.ready-TAG} (complete, about to be installed) and {@code
 * .NAME.old-TAG} (the previous bundle, moved aside), where TAG names the owning process ({@link
 * OwnedDirs}). The swap is: tmp → ready, NAME → old, ready → NAME, delete old, each step one
 * rename. Before writing, {@link #recover} looks at the leftovers of dead owners: if NAME is
 * missing it completes the swap from a ready bundle, else puts the old one back; then it deletes
 * the rest. Only verifiable bundles are ever renamed to NAME.
 *
 * <p>Rule UMASK: the bundle gets the permissions that new files and directories get under the umask
 * (the temporary directory's own, created with {@link Files#createDirectory}), so a bundle built by
 * one account can be read by another when the umask allows it.
 */
public final class BundleOutput {
  /**
   * Test-only: {@code -Ddynnc.test.haltAfter=STEP} stops the JVM at once after STEP of the swap.
   */
  static final String HALT_PROPERTY = "dynnc.test.haltAfter";

  private static final long MAX_MANIFEST_BYTES = 64L << 20;

  private final Path out;
  private final Path tmp;
  private final List<Path> createdParents;

  private BundleOutput(Path out, Path tmp, List<Path> createdParents) {
    this.out = out;
    this.tmp = tmp;
    this.createdParents = createdParents;
  }

  /** The directory the bundle is assembled in. */
  public Path dir() {
    return tmp;
  }

  /**
   * Why {@code output} must not be written, or empty when it may (rule OUTPUT-GUARD). Pure: reads
   * the file system, changes nothing.
   */
  public static Optional<String> refusal(Path output, Path sourceRoot, Path weights) {
    String given = output.toString();
    if (given.isBlank()) {
      return Optional.of("-o is empty; name the bundle directory to write, e.g. -o model.bundle");
    }
    String at = "-o " + given + ": ";
    Path out = output.toAbsolutePath().normalize();
    if (out.getFileName() == null) {
      return Optional.of(at + "is the file system root");
    }
    Path real = real(out);
    Path cwd = real(Path.of("").toAbsolutePath());
    if (cwd.startsWith(real)) {
      return Optional.of(
          at + (cwd.equals(real) ? "is" : "contains") + " the current directory; " + REPLACES_ONLY);
    }
    if (sourceRoot != null) {
      Path src = real(sourceRoot.toAbsolutePath().normalize());
      if (src.equals(real)) {
        return Optional.of(at + "is the --source-root directory; " + REPLACES_ONLY);
      }
      if (src.startsWith(real)) {
        return Optional.of(at + "contains --source-root " + sourceRoot + "; " + REPLACES_ONLY);
      }
      if (real.startsWith(src)) {
        return Optional.of(
            at
                + "lies inside --source-root "
                + sourceRoot
                + "; write the bundle outside the model's sources");
      }
    }
    if (weights != null) {
      Path w = real(weights.toAbsolutePath().normalize());
      if (w.startsWith(real)) {
        return Optional.of(
            at
                + (w.equals(real) ? "is the --weights file" : "contains the --weights file")
                + "; "
                + REPLACES_ONLY);
      }
    }
    Path existing = nearestExisting(out);
    if (!existing.equals(out)) {
      return Files.isDirectory(existing)
          ? Optional.empty()
          : Optional.of(at + existing + " is not a directory");
    }
    if (Files.isSymbolicLink(out)) {
      return Optional.of(at + "is a symbolic link; " + REPLACES_ONLY);
    }
    if (!Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.of(at + "is a file, not a dynnc bundle; " + REPLACES_ONLY);
    }
    if (!isEmptyDir(out) && !isBundle(out)) {
      return Optional.of(
          at
              + "is a directory but not a dynnc bundle (no "
              + Manifest.FILE_NAME
              + " of format "
              + Manifest.FORMAT
              + "); "
              + REPLACES_ONLY);
    }
    return Optional.empty();
  }

  private static final String REPLACES_ONLY =
      "dynnc only replaces an empty directory or a bundle it wrote";

  /**
   * Checks {@code output} again, finishes or undoes swaps that a killed compile left, and creates
   * the temporary directory (and any missing parents, removed again by {@link #discard}).
   *
   * @throws Refused when the path must not be written
   * @throws IOException when the file system refuses
   */
  public static BundleOutput prepare(Path output, Path sourceRoot, Path weights)
      throws IOException {
    Optional<String> no = refusal(output, sourceRoot, weights);
    if (no.isPresent()) {
      throw new Refused(no.get());
    }
    Path out = output.toAbsolutePath().normalize();
    List<Path> created = new ArrayList<>();
    for (Path p = out.getParent(); !Files.exists(p); p = p.getParent()) {
      created.add(0, p);
    }
    try {
      for (Path p : created) {
        Files.createDirectory(p);
      }
      recover(out);
      Path tmp = OwnedDirs.create(out.getParent(), prefix(out, "tmp"));
      OwnedDirs.deleteAtExit(tmp);
      return new BundleOutput(out, tmp, created);
    } catch (IOException e) {
      removeEmpty(created);
      throw e;
    }
  }

  /**
   * Deletes the temporary directory and the parents {@link #prepare} created; for failed compiles.
   */
  public void discard() {
    OwnedDirs.delete(tmp);
    removeEmpty(createdParents);
  }

  /**
   * Installs the finished bundle at the output path (rule RECOVERABLE-SWAP) after giving it the
   * umask's permissions (rule UMASK).
   */
  public void install(Path sourceRoot, Path weights) throws IOException {
    applyUmask(tmp);
    Path ready = out.resolveSibling(OwnedDirs.name(prefix(out, "ready")));
    Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE);
    haltIfTesting("staged");
    try {
      // Someone may have put something at -o while TVM ran: the guard holds until the last moment.
      Optional<String> no = refusal(out, sourceRoot, weights);
      if (no.isPresent()) {
        throw new Refused(no.get());
      }
      Path old = null;
      if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
        old = out.resolveSibling(OwnedDirs.name(prefix(out, "old")));
        Files.move(out, old, StandardCopyOption.ATOMIC_MOVE);
        haltIfTesting("old-moved");
      }
      try {
        Files.move(ready, out, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        if (old != null && !Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
          Files.move(old, out, StandardCopyOption.ATOMIC_MOVE);
          old = null;
        }
        throw e;
      }
      haltIfTesting("installed");
      if (old != null) {
        deleteBundle(old);
      }
    } finally {
      OwnedDirs.delete(ready);
    }
  }

  /**
   * Repairs what killed compiles to {@code out} left (rule RECOVERABLE-SWAP): with {@code out}
   * missing, the newest verifiable ready bundle, else the newest verifiable old one, is renamed to
   * {@code out}; every other dead owner's temporary, ready and old directory is deleted.
   * Directories of live owners are left alone.
   */
  static void recover(Path out) throws IOException {
    Path parent = out.getParent();
    List<Path> tmps = new ArrayList<>();
    List<Path> readies = new ArrayList<>();
    List<Path> olds = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(parent)) {
      for (Path p : s) {
        String n = p.getFileName().toString();
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        if (OwnedDirs.isStale(n, prefix(out, "tmp"))) {
          tmps.add(p);
        } else if (OwnedDirs.isStale(n, prefix(out, "ready"))) {
          readies.add(p);
        } else if (OwnedDirs.isStale(n, prefix(out, "old"))) {
          olds.add(p);
        }
      }
    }
    Comparator<Path> newestFirst =
        Comparator.comparing((Path p) -> startOf(p.getFileName().toString())).reversed();
    readies.sort(newestFirst);
    olds.sort(newestFirst);
    if (!Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
      for (Path candidate : Stream.concat(readies.stream(), olds.stream()).toList()) {
        if (isBundle(candidate)) {
          Files.move(candidate, out, StandardCopyOption.ATOMIC_MOVE);
          break;
        }
      }
    }
    tmps.forEach(OwnedDirs::delete);
    readies.stream().filter(Files::exists).forEach(OwnedDirs::delete);
    for (Path old : olds) {
      // An old directory is only ever deleted once a bundle stands at out again.
      if (Files.exists(old) && Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
        deleteBundle(old);
      }
    }
  }

  /** True for a real directory holding a {@code manifest.json} whose format is dynnc's. */
  public static boolean isBundle(Path dir) {
    Path m = dir.resolve(Manifest.FILE_NAME);
    try {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
          || !Files.isRegularFile(m, LinkOption.NOFOLLOW_LINKS)
          || Files.size(m) > MAX_MANIFEST_BYTES) {
        return false;
      }
      return Manifest.FORMAT.equals(Manifest.read(dir).format());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The path itself if it exists, else its nearest existing ancestor. */
  public static Path nearestExisting(Path p) {
    Path a = p.toAbsolutePath().normalize();
    while (a.getParent() != null && !Files.exists(a, LinkOption.NOFOLLOW_LINKS)) {
      a = a.getParent();
    }
    return a;
  }

  /** A short reason for a file-system failure, without exception class names. */
  public static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason().toLowerCase(java.util.Locale.ROOT);
    }
    return e.getMessage() == null ? "I/O error" : e.getMessage();
  }

  /** Refusal of an output path (rule OUTPUT-GUARD); the message is complete and user-facing. */
  public static final class Refused extends IOException {
    public Refused(String message) {
      super(message);
    }
  }

  private static String prefix(Path out, String kind) {
    return "." + out.getFileName() + "." + kind + "-";
  }

  private static long startOf(String name) {
    String[] parts =
        name.substring(name.lastIndexOf('-', name.lastIndexOf('-') - 1) + 1).split("-");
    try {
      return Long.parseLong(parts[0]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Deletes a bundle directory, manifest first, so that a half-deleted one is never taken for a
   * bundle.
   */
  private static void deleteBundle(Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve(Manifest.FILE_NAME));
    OwnedDirs.delete(dir);
  }

  private static void removeEmpty(List<Path> created) {
    for (int i = created.size() - 1; i >= 0; i--) {
      try {
        Files.deleteIfExists(created.get(i));
      } catch (IOException ignored) {
        // Not empty (someone else wrote there) or not ours to remove any more: leave it.
      }
    }
  }

  private static boolean isEmptyDir(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  /** The real path of the longest existing prefix of {@code p}, with the rest appended. */
  private static Path real(Path p) {
    Path existing = nearestExisting(p);
    try {
      return existing
          .toRealPath()
          .resolve(existing.relativize(p.toAbsolutePath().normalize()))
          .normalize();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }

  /**
   * Gives every file and directory under {@code root} the permissions new ones get under the umask.
   */
  private static void applyUmask(Path root) throws IOException {
    Set<PosixFilePermission> dirPerms;
    try {
      dirPerms = Files.getPosixFilePermissions(root);
    } catch (UnsupportedOperationException e) {
      return; // not a POSIX file system: nothing like a umask to honour
    }
    Set<PosixFilePermission> filePerms = EnumSet.copyOf(dirPerms);
    filePerms.removeAll(
        EnumSet.of(
            PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_EXECUTE));
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        if (Files.isSymbolicLink(p)) {
          continue;
        }
        boolean exec =
            Files.isDirectory(p)
                || Files.getPosixFilePermissions(p).contains(PosixFilePermission.OWNER_EXECUTE);
        Files.setPosixFilePermissions(p, exec ? dirPerms : filePerms);
      }
    }
  }

  private static void haltIfTesting(String step) {
    if (step.equals(System.getProperty(HALT_PROPERTY))) {
      Runtime.getRuntime().halt(86);
    }
  }
}
