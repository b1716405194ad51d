package dev.dynnc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.runtime.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Activations passed between subgraphs in TVM's blocked layouts, compiled for real: the bundle of
 * {@code diff/boundary_layouts.py} (a skipped block, a loop, two readers of one feature map, a
 * convolution and two poolings of it in one subgraph, a returned activation) passes some
 * activations blocked, TVM's transforms at those boundaries are gone, and the outputs match PyTorch
 * on every branch; {@code --nchw-boundaries} passes everything in NCHW and matches too. Compiled
 * with {@code --java-host}, whose bundle keeps each subgraph's library and Relay (the native host
 * program builds the same subgraphs, with the same boundary layouts, into one library).
 */
class BoundaryLayoutsTest {
  static final Path MODEL = DifferentialTest.DIR.resolve("boundary_layouts.py");
  static final Path SHORTCUT = DifferentialTest.DIR.resolve("blocked_shortcut.py");

  /**
   * BlockDrop's residual stages ({@code diff/blocked_shortcut.py}): every activation between
   * subgraphs travels blocked, although the subgraphs that read it add it to a convolution's
   * result, pool it or concatenate it into a shortcut. Those reads cast no vote for NCHW in TVM's
   * answer, and the shortcut's concatenation joins blocked channel groups. The decisions, slices of
   * the policy, cost no subgraph call of their own.
   */
  @Test
  void residualStagesTravelBlockedThroughTheirShortcutsAndAdds() throws Exception {
    Path work = Files.createTempDirectory("dynnc-shortcut");
    try {
      Path bundle = work.resolve("bundle");
      DifferentialTest.check(SHORTCUT, work, "--java-host");
      Manifest m = Manifest.read(bundle);
      List<String> nchw = new ArrayList<>();
      List<String> blockedConcats = new ArrayList<>();
      int twoSumPools = 0;
      int adaptivePools = 0;
      java.util.regex.Pattern concat5d =
          java.util.regex.Pattern.compile(
              "concatenate\\(%[0-9]+, axis=1\\) /\\* ty=Tensor\\[\\(1, [0-9]+, [0-9]+, [0-9]+, [0-9]+\\)");
      java.util.regex.Pattern call =
          java.util.regex.Pattern.compile("(?m)(?:= |^  )([A-Za-z_][A-Za-z_.0-9]*)\\(");
      for (Manifest.SubgraphSpec sg : m.subgraphs()) {
        String relay = Files.readString(bundle.resolve("relay/" + sg.name() + ".relay"));
        if (concat5d.matcher(relay).find()) {
          blockedConcats.add(sg.name());
        }
        twoSumPools += (int) relay.lines().filter(l -> l.contains("axes=[0, 2, 3, 1, 4]")).count();
        for (String l : relay.lines().filter(l -> l.contains("nn.adaptive_avg_pool2d(")).toList()) {
          adaptivePools++;
          assertTrue(l.contains("layout=\"NCHW8c\"") || l.contains("layout=\"NCHW16c\""), l);
        }
        java.util.Set<String> ops = new java.util.TreeSet<>();
        java.util.regex.Matcher c = call.matcher(relay);
        while (c.find()) {
          ops.add(c.group(1));
        }
        // Without HoistIntoDominators, the block after a dropped one slices the policy (a
        // strided_slice and a reshape) and is a subgraph call of its own.
        assertFalse(
            ops.contains("strided_slice")
                && java.util.Set.of("strided_slice", "reshape", "squeeze").containsAll(ops),
            sg.name() + " only slices the policy: a call of its own\n" + relay);
        for (Manifest.TensorSpec t :
            Stream.concat(sg.inputs().stream(), sg.outputs().stream()).toList()) {
          if (t.shape().length == 4 && t.shape()[2] > 1 && !t.name().equals("in0")) {
            nchw.add(sg.name() + "." + t.name() + " " + t.describe());
          }
        }
      }
      assertEquals(List.of(), nchw, "activations passed between subgraphs in NCHW");
      // The 16x16 stage's global pooling and the stem's mean over H and W became two sums over
      // the activation with its channel blocks moved innermost; the head's 8x8 pooling stays
      // TVM's, and pools the ReLU of its blocked input blocked (the ReLU sinks the transform to the
      // pooling's input first).
      assertEquals(2, twoSumPools, "global poolings and means rewritten as two sums");
      assertEquals(1, adaptivePools, "global poolings left to TVM");
      assertFalse(blockedConcats.isEmpty(), "no shortcut concatenates blocked channel groups");
    } finally {
      deleteTree(work);
    }
  }

  @Test
  void blockedBoundariesMatchPyTorchAndLoseTheirTransforms() throws Exception {
    Path work = Files.createTempDirectory("dynnc-layouts");
    try {
      Path bundle = work.resolve("bundle");
      DifferentialTest.check(MODEL, work, "--java-host");
      Manifest m = Manifest.read(bundle);
      List<String> blockedInputs = new ArrayList<>();
      List<String> readByKernels = new ArrayList<>();
      List<String> convAndPool = new ArrayList<>();
      int blockedOutputs = 0;
      for (Manifest.SubgraphSpec sg : m.subgraphs()) {
        String relay = Files.readString(bundle.resolve("relay/" + sg.name() + ".relay"));
        for (Manifest.TensorSpec in : sg.inputs()) {
          if (in.shape().length == 5) {
            blockedInputs.add(sg.name() + "." + in.name());
            // A convolution reads the blocked input as it comes: TVM's transform into the blocked
            // layout cancelled against dynnc's back to NCHW. (The loop's condition, a mean, still
            // transforms its input back: it is one reader against the several that want it
            // blocked.)
            boolean conv = relay.contains("nn.contrib_conv2d_NCHWc(%" + in.name() + ",");
            boolean pool =
                relay.contains("nn.adaptive_avg_pool2d(%" + in.name() + ",")
                    && relay.contains("nn.avg_pool2d(%" + in.name() + ",");
            if (conv) {
              readByKernels.add(sg.name() + "." + in.name());
            }
            if (conv && pool) {
              // The else branch's convolution and two poolings read the feature map in one
              // subgraph: all take it blocked, with no transform of the input at all. (A two-op
              // pattern did not match an input with two readers, and left both transforms.)
              convAndPool.add(sg.name() + "." + in.name());
              assertFalse(relay.contains("layout_transform(%" + in.name() + ","), relay);
            }
          }
        }
        for (Manifest.TensorSpec out : sg.outputs()) {
          if (out.shape().length == 5) {
            blockedOutputs++;
          }
        }
      }
      // The stem's output, the block's, the loop body's input and output, and the feature map
      // that narrow and wide read are all blocked (NCHW16c for 16 channels on x86).
      assertTrue(blockedInputs.size() >= 4, "blocked inputs: " + blockedInputs);
      assertTrue(readByKernels.size() >= 3, "read blocked by a convolution: " + readByKernels);
      assertTrue(blockedOutputs >= 3, "blocked outputs: " + blockedOutputs);
      assertEquals(1, convAndPool.size(), "read blocked by a convolution and both poolings");
      // Every blocked activation has one layout on both sides of each boundary: a subgraph that
      // gets a blocked input from one producer never gets an NCHW one from another, or the
      // runtime's
      // type check before each call would have failed the runs above.

      DifferentialTest.check(MODEL, work, "--java-host", "--nchw-boundaries");
      for (Manifest.SubgraphSpec sg : Manifest.read(bundle).subgraphs()) {
        for (Manifest.TensorSpec t :
            Stream.concat(sg.inputs().stream(), sg.outputs().stream()).toList()) {
          assertTrue(t.shape().length <= 4, sg.name() + " " + t.describe());
        }
      }
      assertEquals(
          m.subgraphs().size(),
          Manifest.read(bundle).subgraphs().size(),
          "the layouts change how activations travel, not how the model is split");
    } finally {
      deleteTree(work);
    }
  }

  static void deleteTree(Path dir) throws java.io.IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
