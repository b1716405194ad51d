package dev.dynnc.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostic;
import dev.dynnc.diag.Diagnostics;
import dev.dynnc.frontend.eval.ModelLowering;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.semantics.DType;
import dev.dynnc.weights.Checkpoints;
import dev.dynnc.weights.WeightTensor;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Binds the hostile checkpoints of {@code samples/src/test/resources/hostile/files} (see {@code
 * make_ckpt_files.py} there) to the early-exit sample's parameters: each is refused with its
 * message, and the refusal allocates next to nothing, where each file used to make dynnc allocate
 * gigabytes.
 *
 * <p>Memory is measured as the bytes the test thread allocated while binding (HotSpot's per-thread
 * counter), which does not depend on when the garbage collector runs.
 */
class HostileCheckpointTest {
  static final Path ROOT = Path.of(System.getProperty("dynnc.repo.root", "..")).toAbsolutePath();
  static final Path FILES = ROOT.resolve("samples/src/test/resources/hostile/files");

  /** Far below any hostile file's claims, far above what refusing one should cost. */
  static final long SMALL = 16L << 20;

  static List<ModelLowering.StateEntry> state;

  @BeforeAll
  static void lowerSample() {
    LinkedHashMap<String, TensorType> inputs = new LinkedHashMap<>();
    inputs.put("x", TensorType.of(DType.F32, 1, 3, 32, 32));
    Frontend.Result r =
        Frontend.lower(
            ROOT.resolve("samples/early_exit_cnn"),
            "models.sdn:build_model(num_classes=10)",
            "forward",
            inputs,
            Optional.empty());
    assertTrue(r.ok(), r.diagnostics().all().toString());
    state = r.state();
  }

  record Bound(Map<String, WeightTensor> weights, List<Diagnostic> diagnostics, long allocated) {}

  static Bound bind(Path file) {
    ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    Diagnostics diags = new Diagnostics();
    long before = mx.getCurrentThreadAllocatedBytes();
    Map<String, WeightTensor> w =
        Frontend.bindWeights(state, file, Checkpoints.Selection.NONE, diags);
    return new Bound(w, diags.all(), mx.getCurrentThreadAllocatedBytes() - before);
  }

  /** Asserts a single DN0300 with this message, nothing bound, and little allocated. */
  static void assertRefused(String file, String message) {
    Bound b = bind(FILES.resolve(file));
    assertEquals(1, b.diagnostics().size(), b.diagnostics().toString());
    assertEquals(Code.DN0300, b.diagnostics().get(0).code());
    assertEquals(message, b.diagnostics().get(0).message());
    assertTrue(b.weights().isEmpty());
    assertTrue(
        b.allocated() < SMALL, "refusing " + file + " allocated " + b.allocated() + " bytes");
  }

  @Test
  void theSamplesOwnCheckpointBindsWithinTwiceItsSize() {
    Bound b = bind(ROOT.resolve("samples/early_exit_cnn/checkpoint.pt"));
    assertEquals(List.of(), b.diagnostics());
    assertEquals(24, b.weights().size());
    assertTrue(b.allocated() < SMALL, "allocated " + b.allocated());
  }

  @Test
  void stride0ViewsOfHalfAGigaElementAreRefusedByShapeBeforeAnythingIsRead() {
    Bound b = bind(FILES.resolve("ckpt-stride0.pt"));
    assertEquals(state.size(), b.diagnostics().size());
    assertTrue(
        b.diagnostics().stream().allMatch(d -> d.code() == Code.DN0302),
        b.diagnostics().toString());
    assertEquals(
        "checkpoint "
            + FILES.resolve("ckpt-stride0.pt")
            + " entry 'blocks.0.body.0.weight' has shape "
            + "[500000000] but the model creates [16, 3, 3, 3] here",
        b.diagnostics().get(0).message());
    assertTrue(b.weights().isEmpty());
    assertTrue(b.allocated() < SMALL, "allocated " + b.allocated());
  }

  @Test
  void aStorageFarLargerThanTheModelNeedsIsRefusedBeforeItIsInflated() {
    assertRefused(
        "ckpt-views.pt",
        "key 'blocks.0.body.0.weight': loading storage '0' of 100000000 bytes would exceed "
            + "the 67386272 bytes this checkpoint may allocate (twice the 138704 bytes of the model's tensors plus 64 MiB); "
            + "the file is corrupt or hostile");
  }

  @Test
  void aDeflateBombIsRefusedWhetherTheZipDirectoryTellsItsSizeOrLies() {
    assertRefused(
        "ckpt-bomb.pt",
        "key 'blocks.0.body.0.weight': zip entry 'archive/data/0' holds 16777216 bytes, "
            + "but storage '0' declares 1728 (432 float32 elements); the file is corrupt or hostile");
    assertRefused(
        "ckpt-bomb-lying.pt",
        "key 'blocks.0.body.0.weight': zip entry 'archive/data/0' holds more than "
            + "1728 bytes, but storage '0' declares 1728 (432 float32 elements); the file is corrupt or hostile");
  }

  @Test
  void safetensorsEntriesSharingBytesAreRefused() {
    assertRefused(
        "ckpt-overlap.safetensors",
        "key 'blocks.0.body.1.bias': data_offsets [0, 64] overlap those of "
            + "'blocks.0.body.1.weight' [0, 64]; every tensor must have its own bytes, the file is corrupt or hostile");
  }
}
