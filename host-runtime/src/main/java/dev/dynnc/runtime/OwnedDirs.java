package dev.dynnc.runtime;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates temporary directories whose names record the process that owns them, and removes those
 * whose owner has died.
 *
 * <p>A name is {@code PREFIX + PID-STARTMILLIS-RANDOM}: the PID alone could be reused by a later
 * process, the PID with the owner's start time cannot (rule OWNED-TEMP). A directory is stale, and
 * may be deleted by anyone, only when no process with that PID and start time is alive; a live
 * owner's directory is never touched. Directories registered with {@link #deleteAtExit} are also
 * removed by a shutdown hook, so an interrupted (SIGINT, SIGTERM) run cleans up after itself and
 * only a killed one (SIGKILL, power loss) leaves work for {@link #cleanStale}.
 */
public final class OwnedDirs {
  private static final Pattern TAG = Pattern.compile("(\\d+)-(\\d+)-[0-9a-z]+");

  /** Start times are derived from clock ticks and the boot time, which may be read differently. */
  private static final long START_TOLERANCE_MS = 2_000;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<Path> AT_EXIT = ConcurrentHashMap.newKeySet();
  private static final String OWN_TAG =
      ProcessHandle.current().pid() + "-" + startMillis(ProcessHandle.current());

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> AT_EXIT.forEach(IoUtil::deleteTree), "dynnc-temp-cleanup"));
  }

  private OwnedDirs() {}

  /** {@code PID-STARTMILLIS} of this process. */
  public static String ownerTag() {
    return OWN_TAG;
  }

  /**
   * Creates {@code parent/PREFIX+PID-START-RANDOM} with {@link Files#createDirectory}, so that,
   * unless {@code attrs} say otherwise, it gets the permissions the umask gives new directories.
   */
  public static Path create(Path parent, String prefix, FileAttribute<?>... attrs)
      throws IOException {
    return Files.createDirectory(parent.resolve(name(prefix)), attrs);
  }

  /** A fresh name {@code PREFIX+PID-START-RANDOM} for this process. */
  public static String name(String prefix) {
    return prefix + OWN_TAG + "-" + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
  }

  /**
   * True when {@code name} is {@code prefix} plus an owner tag whose process is no longer alive.
   */
  public static boolean isStale(String name, String prefix) {
    if (!name.startsWith(prefix)) {
      return false;
    }
    Matcher m = TAG.matcher(name.substring(prefix.length()));
    if (!m.matches()) {
      return false;
    }
    long pid;
    long start;
    try {
      pid = Long.parseLong(m.group(1));
      start = Long.parseLong(m.group(2));
    } catch (NumberFormatException e) {
      return false;
    }
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty() || !h.get().isAlive()) {
      return true;
    }
    long now = startMillis(h.get());
    // Unknown start time: assume the owner is alive rather than risk deleting its work.
    return now != 0 && start != 0 && Math.abs(now - start) > START_TOLERANCE_MS;
  }

  /**
   * Deletes every directory in {@code parent} named {@code prefix}+tag whose owner is dead; best
   * effort.
   */
  public static void cleanStale(Path parent, String prefix) {
    if (!Files.isDirectory(parent)) {
      return;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(parent, glob(prefix) + "*")) {
      for (Path p : s) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
            && isStale(p.getFileName().toString(), prefix)) {
          IoUtil.deleteTree(p);
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // Cleaning is a courtesy; a directory we cannot list holds nothing we could delete either.
    }
  }

  /**
   * Deletes {@code dir} when this JVM exits normally or by a signal, unless {@link #delete} ran
   * first.
   */
  public static void deleteAtExit(Path dir) {
    AT_EXIT.add(dir);
  }

  /** Deletes a directory tree now (best effort) and forgets it for the shutdown hook. */
  public static void delete(Path dir) {
    if (dir != null) {
      IoUtil.deleteTree(dir);
      AT_EXIT.remove(dir);
    }
  }

  private static long startMillis(ProcessHandle h) {
    return h.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }

  private static String glob(String literal) {
    return literal.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
  }
}
