package dev.dynnc.frontend.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.testing.GoldenFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * Keeps {@code docs/supported-api.md} equal to the table the torch-function registry generates
 * ({@link TorchRegistry#markdown}): a stale committed file fails with a diff, and {@code
 * -Dgolden.bless=true} (the golden harness's flag) rewrites it, failing once so the new table is
 * reviewed.
 */
class SupportedApiTest {
  /** The committed table, relative to the frontend module (surefire's working directory). */
  static final Path TABLE = Path.of("..", "docs", "supported-api.md");

  @Test
  void committedTableIsTheRegistrys() throws Exception {
    String want = TorchRegistry.REGISTRY.markdown();
    String have =
        Files.exists(TABLE)
            ? Files.readString(TABLE, StandardCharsets.UTF_8).replace("\r\n", "\n")
            : null;
    if (want.equals(have)) {
      return;
    }
    String diff = have == null ? "(no file)\n" : GoldenFile.diff(have, want);
    if (GoldenFile.blessing()) {
      Files.writeString(TABLE, want, StandardCharsets.UTF_8);
      throw new AssertionFailedError(
          "BLESSED "
              + TABLE
              + ": rewritten from the registry; review it (git diff) and rerun"
              + " without -Dgolden.bless\n"
              + diff);
    }
    throw new AssertionFailedError(
        TABLE
            + " is stale: it differs from the registry's table (rerun with"
            + " -Dgolden.bless=true to regenerate it)\n"
            + diff);
  }

  @Test
  void tableHasARowPerSupportedAndPerKnownUnsupportedName() {
    String md = TorchRegistry.REGISTRY.markdown();
    assertTrue(
        md.contains(
            "| `torch.nn.functional.conv2d` | `conv2d(Tensor input, Tensor weight, Tensor? bias=None,"
                + " int[2] stride=1, int[2] padding=0, int[2] dilation=1, int groups=1) -> Tensor`<br>"),
        md);
    assertTrue(
        md.contains(
            "| `Tensor.softmax` | `softmax(Tensor self, int dim, ScalarType? dtype=None) -> Tensor` |"),
        md);
    assertTrue(md.contains("| `torch.fft` | complex tensors are not supported |"), md);
    long rows = md.lines().filter(l -> l.startsWith("| `")).count();
    long expected = 0;
    for (TorchRegistry.Space s : TorchRegistry.Space.values()) {
      expected += TorchRegistry.REGISTRY.entries(s).size();
    }
    assertTrue(
        rows > expected,
        rows + " rows for " + expected + " supported names and the unsupported ones");
  }
}
