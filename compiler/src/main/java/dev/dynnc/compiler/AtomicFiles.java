package dev.dynnc.compiler;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Writes a file through a temporary file beside it that is renamed into place, so a failed or
 * interrupted write leaves the old file or none, never half a file. The temporary is created like
 * any new file (not with {@code Files.createTempFile}'s owner-only mode), so the result gets the
 * permissions the umask gives (rule UMASK).
 */
public final class AtomicFiles {
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

  /** Writes the bytes a writer produces. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(OutputStream out) throws IOException;
  }

  public static void write(Path file, byte[] bytes) throws IOException {
    write(file, out -> out.write(bytes));
  }

  public static void write(Path file, Writer writer) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp =
        dir.resolve(
            "."
                + file.getFileName()
                + "."
                + ProcessHandle.current().pid()
                + "."
                + Long.toHexString(RANDOM.nextLong())
                + ".partial");
    try {
      try (OutputStream out =
          Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        writer.writeTo(out);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
