package dev.dynnc.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.opentest4j.AssertionFailedError;

/**
 * Turns a directory of golden files into dynamic tests, one per file, for a {@code @TestFactory}.
 *
 * <p>A suite owns one directory under {@code src/test/resources/golden/} and one file extension.
 * Anything else there (a file of another kind, a subdirectory, a file directly under {@code
 * golden/}) would be read by no test, so it fails the suite; so does an empty directory and a file
 * without an expectation section (see {@link GoldenFile#check}).
 */
public final class Golden {
  /**
   * Root of a module's golden files, relative to the module directory (surefire's working
   * directory).
   */
  public static final Path ROOT = Path.of("src/test/resources/golden");

  private Golden() {}

  /** Computes the actual output of one golden file. */
  @FunctionalInterface
  public interface Runner {
    String run(GoldenFile file) throws Exception;
  }

  /** Work done in a scratch directory. */
  @FunctionalInterface
  public interface InDirectory<T> {
    T run(Path dir) throws Exception;
  }

  /**
   * Runs {@code body} in a fresh temporary directory, which is deleted afterwards whatever happens.
   */
  public static <T> T inTempDir(InDirectory<T> body) throws Exception {
    Path dir = Files.createTempDirectory("dynnc-golden");
    try {
      return body.run(dir);
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /**
   * One dynamic test per {@code *.ext} file in {@code golden/name}, plus one that fails on files no
   * test reads.
   */
  public static Stream<DynamicTest> suite(String name, String ext, Runner runner)
      throws IOException {
    return suite(ROOT, name, ext, runner);
  }

  static Stream<DynamicTest> suite(Path root, String name, String ext, Runner runner)
      throws IOException {
    Path dir = root.resolve(name);
    List<Path> files = new ArrayList<>();
    List<Path> stray = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.sorted().toList()) {
        (Files.isRegularFile(p) && p.getFileName().toString().endsWith("." + ext) ? files : stray)
            .add(p);
      }
    }
    try (Stream<Path> s = Files.list(root)) {
      s.filter(p -> !Files.isDirectory(p)).forEach(stray::add);
    }
    if (files.isEmpty()) {
      throw new AssertionFailedError("no *." + ext + " golden files in " + dir.toAbsolutePath());
    }
    DynamicTest unread =
        DynamicTest.dynamicTest(
            "no unread files in golden/" + name,
            () -> {
              if (!stray.isEmpty()) {
                throw new AssertionFailedError(
                    "read by no test (a golden suite reads only *."
                        + ext
                        + " files in "
                        + dir
                        + "): "
                        + stray);
              }
            });
    return Stream.concat(
        Stream.of(unread),
        files.stream()
            .map(
                p ->
                    DynamicTest.dynamicTest(
                        p.getFileName().toString(),
                        p.toUri(),
                        () -> {
                          GoldenFile g = GoldenFile.read(p);
                          g.check(runner.run(g));
                        })));
  }
}
