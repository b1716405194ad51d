package dev.dynnc.maven;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a model's compile depends on, as one SHA-256: the dynnc version, the effective settings, the
 * spec file, the checkpoint and every Python file under the source root. Equal fingerprints mean
 * the bundle and class from the last build are still right, so the plugin compiles nothing.
 */
final class BuildFingerprint {
  /**
   * More Python files than this under a source root: no fingerprint, the model is always compiled.
   */
  static final int MAX_SOURCE_FILES = 20_000;

  private final MessageDigest sha;

  private BuildFingerprint() {
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /**
   * The fingerprint, or null when the source tree is too large to fingerprint (then the caller
   * compiles every time and says why).
   */
  static String of(String dynncVersion, String settings, Path spec, Path weights, Path sourceRoot)
      throws IOException {
    BuildFingerprint f = new BuildFingerprint();
    f.text("dynnc " + dynncVersion);
    f.text(settings);
    f.file("spec", spec);
    f.file("weights", weights);
    List<Path> sources = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(sourceRoot)) {
      // Files.walk does not follow links; the frontend reads regular .py files only.
      walk.filter(p -> p.getFileName().toString().endsWith(".py") && Files.isRegularFile(p))
          .limit(MAX_SOURCE_FILES + 1L)
          .forEach(sources::add);
    }
    if (sources.size() > MAX_SOURCE_FILES) {
      return null;
    }
    sources.sort(null);
    for (Path p : sources) {
      f.file(sourceRoot.relativize(p).toString(), p);
    }
    return HexFormat.of().formatHex(f.sha.digest());
  }

  private void text(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    length(b.length);
    sha.update(b);
  }

  private void file(String label, Path p) throws IOException {
    text(label);
    length(Files.size(p));
    try (InputStream in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    }
  }

  /** Every part is length-prefixed, so no two different inputs hash the same byte stream. */
  private void length(long n) {
    for (int i = 7; i >= 0; i--) {
      sha.update((byte) (n >>> (8 * i)));
    }
  }
}
