package dev.dynnc.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Makes a private copy of a bundle to load from: extracts a zipped bundle, or copies a bundle
 * directory, so that no entry escapes the target directory, links are never followed, and the size
 * caps hold.
 */
final class ZipBundles {
  static final long MAX_TOTAL_BYTES = 4L << 30;
  static final int MAX_ENTRIES = 10_000;
  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

  private ZipBundles() {}

  /**
   * Extracts {@code zip} into the empty directory {@code dest} and returns the bundle root: {@code
   * dest}, or its single top-level directory when the archive wraps the bundle in one (as zipping a
   * folder does).
   */
  static Path extract(Path zip, Path dest, long maxBytes, int maxEntries)
      throws BundleException, IOException {
    String prefix = "bad bundle " + zip + ": ";
    Path root = dest.toAbsolutePath().normalize();
    long total = 0;
    try (ZipFile zf = new ZipFile(zip.toFile())) {
      if (zf.size() > maxEntries) {
        throw new BundleException(
            prefix + "zip has " + zf.size() + " entries, more than the limit of " + maxEntries);
      }
      byte[] buf = new byte[1 << 16];
      for (Enumeration<? extends ZipEntry> en = zf.entries(); en.hasMoreElements(); ) {
        ZipEntry e = en.nextElement();
        String name = e.getName();
        String problem = unsafeName(name);
        Path target = root.resolve(name).normalize();
        if (problem == null && !target.startsWith(root)) {
          problem = "resolves outside the bundle";
        }
        if (problem != null) {
          throw new BundleException(prefix + "zip entry '" + name + "' " + problem);
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        Files.createDirectories(target.getParent());
        // Count the bytes actually inflated: the sizes in the zip headers are attacker-controlled.
        try (InputStream in = zf.getInputStream(e);
            OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
          for (int n; (n = in.read(buf)) > 0; ) {
            total += n;
            if (total > maxBytes) {
              throw new BundleException(prefix + "zip expands to more than " + maxBytes + " bytes");
            }
            out.write(buf, 0, n);
          }
        } catch (FileAlreadyExistsException dup) {
          throw new BundleException(prefix + "zip entry '" + name + "' occurs twice");
        }
      }
    } catch (ZipException e) {
      throw new BundleException(prefix + "not a readable zip file (" + e.getMessage() + ")", e);
    }
    if (Files.exists(root.resolve(Manifest.FILE_NAME))) {
      return root;
    }
    try (Stream<Path> top = Files.list(root)) {
      Path[] entries = top.toArray(Path[]::new);
      if (entries.length == 1 && Files.isRegularFile(entries[0].resolve(Manifest.FILE_NAME))) {
        return entries[0];
      }
    }
    throw new BundleException(
        prefix
            + "zip holds no "
            + Manifest.FILE_NAME
            + " at its root or in a single top-level folder");
  }

  /** Why a bundle-relative path (zip entry or manifest key) is unsafe, or null if it is fine. */
  /**
   * Copies the regular files and directories under {@code dir} into the empty directory {@code
   * dest} and returns {@code dest}. A symbolic link or special file anywhere in the tree is refused
   * rather than followed, and the entry and byte caps hold as for a zip.
   */
  static Path copyTree(Path dir, Path dest, long maxBytes, int maxEntries)
      throws BundleException, IOException {
    String prefix = "bad bundle " + dir + ": ";
    Path src = dir.toAbsolutePath().normalize();
    long total = 0;
    int entries = 0;
    try (Stream<Path> walk = Files.walk(src)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path rel = src.relativize(p);
        Path target = dest.resolve(rel.toString());
        if (++entries > maxEntries) {
          throw new BundleException(prefix + "more than " + maxEntries + " files");
        }
        if (Files.isSymbolicLink(p)) {
          throw new BundleException(prefix + "'" + rel + "' is a symbolic link");
        }
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          total += Files.size(p);
          if (total > maxBytes) {
            throw new BundleException(prefix + "holds more than " + maxBytes + " bytes");
          }
          Files.copy(p, target, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } else {
          throw new BundleException(prefix + "'" + rel + "' is not a regular file");
        }
      }
    }
    return dest;
  }

  static String unsafeName(String name) {
    if (name.isEmpty()) {
      return "is empty";
    }
    if (name.startsWith("/") || DRIVE.matcher(name).matches()) {
      return "is absolute";
    }
    if (name.contains("\\")) {
      return "contains a backslash";
    }
    for (String seg : name.split("/")) {
      if (seg.equals("..")) {
        return "contains '..'";
      }
    }
    return null;
  }
}
