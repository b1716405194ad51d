package dev.dynnc.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * Collects the small file helpers shared by the runtime: atomic writes, hashing and recursive
 * deletion.
 */
final class IoUtil {
  private IoUtil() {}

  /**
   * Writes via a sibling temp file and a rename, so readers never observe a half-written file. The
   * temp file is created like any new file (mode 0666 less the umask), not 0600 as {@link
   * Files#createTempFile} would, so outputs are readable by whom the user's umask allows.
   */
  static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path abs = file.toAbsolutePath();
    Path tmp =
        abs.resolveSibling(
            "."
                + abs.getFileName()
                + "."
                + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong())
                + ".tmp");
    try {
      Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static String sha256Hex(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * Writes each lone UTF-16 surrogate in JSON text as a {@code \\uXXXX} escape. Python strings (and
   * so dict keys) may hold lone surrogates, which UTF-8 cannot encode; escaped, they survive
   * writing and parse back to the same string, as Python's {@code json} module does.
   */
  static String escapeLoneSurrogates(String json) {
    StringBuilder sb = null;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      boolean encodable =
          Character.isHighSurrogate(c)
              ? i + 1 < json.length() && Character.isLowSurrogate(json.charAt(i + 1))
              : !Character.isLowSurrogate(c)
                  || (i > 0 && Character.isHighSurrogate(json.charAt(i - 1)));
      if (!encodable && sb == null) {
        sb = new StringBuilder(json.substring(0, i));
      }
      if (sb != null) {
        sb.append(encodable ? String.valueOf(c) : String.format("\\u%04x", (int) c));
      }
    }
    return sb == null ? json : sb.toString();
  }

  /**
   * Deletes a directory tree; best effort, because it runs on cleanup paths that must not mask
   * other errors.
   */
  static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // Leave what cannot be deleted; the OS temp cleaner gets it eventually.
                }
              });
    } catch (IOException ignored) {
      // Same reasoning as above.
    }
  }
}
