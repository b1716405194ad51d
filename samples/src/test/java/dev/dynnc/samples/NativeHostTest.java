package dev.dynnc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.runtime.Bundle;
import dev.dynnc.runtime.HostProgramException;
import dev.dynnc.runtime.HostTensor;
import dev.dynnc.runtime.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rule NATIVE-HOST ({@code compile --native-host}): the host program compiled to native code with
 * the subgraphs' kernels, one library that a run calls once. Corpus samples and differential models
 * whose host programs native code can run are compiled that way and must match PyTorch on every
 * input, taking the recorded paths, with the whole bundle one native library; an error of the host
 * arithmetic is raised where the Java host program raises it, with the same message; a host program
 * native code cannot run stays in Java with a warning that says why.
 */
class NativeHostTest {
  /** Corpus samples whose host programs run natively. */
  static final Set<String> NATIVE_SAMPLES =
      Set.of(
          "early_exit_cnn", "skipnet_ff", "skipnet_rnn", "blockdrop", "msdnet", "sdn", "act_rnn");

  static Stream<CorpusSamplesTest.Spec> samples() {
    return CorpusSamplesTest.samples().filter(s -> NATIVE_SAMPLES.contains(s.dir()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void corpusSampleRunsNativelyAndMatchesPyTorch(CorpusSamplesTest.Spec spec, @TempDir Path work)
      throws Exception {
    Path sample = CorpusSamplesTest.SAMPLES.resolve(spec.dir());
    Path ref = work.resolve("reference");
    CorpusSamplesTest.reference(sample, spec, ref);
    Map<String, List<String>> expected = CorpusSamplesTest.expected(sample);
    List<Path> inputs = EarlyExitCnnTest.inputs(sample.resolve("inputs"));
    CorpusSamplesTest.compileRunAndCompare(
        spec, sample, ref, work, inputs, expected, "--native-host");
    assertNative(work.resolve("bundle"));
  }

  /** Differential models (random weights, PyTorch's outputs) whose host programs run natively. */
  static Stream<String> models() {
    return Stream.of(
        "dyn_loops.py", "dyn_nested_loop.py", "branch_join.py", "pabee_exit.py", "resnet_exits.py");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void differentialModelRunsNativelyAndMatchesPyTorch(String model, @TempDir Path work)
      throws Exception {
    EarlyExitCnnTest.Cli c =
        DifferentialTest.check(DifferentialTest.DIR.resolve(model), work, "--native-host");
    assertTrue(!c.err().contains("stays in Java"), c.err());
    assertNative(work.resolve("bundle"));
  }

  @Test
  void aHostProgramNativeCodeCannotRunStaysInJavaAndSaysWhy(@TempDir Path work) throws Exception {
    // run_time_lists.py indexes a list with a run-time int, which Python checks (IndexError).
    EarlyExitCnnTest.Cli c =
        DifferentialTest.check(
            DifferentialTest.DIR.resolve("run_time_lists.py"), work, "--native-host");
    assertTrue(
        c.err().contains("--native-host: the host program stays in Java: host op '"), c.err());
    List<String> names =
        Manifest.read(work.resolve("bundle")).subgraphs().stream()
            .map(Manifest.SubgraphSpec::name)
            .toList();
    assertTrue(!names.contains("native") && names.contains("sg0"), names.toString());
  }

  /**
   * An int past 64 bits in the native host program raises where the Java host program does: the
   * same message, at the same source position; inputs that do not overflow give the same outputs,
   * after a data-dependent loop of host ints.
   */
  @Test
  void hostArithmeticErrorsAreRaisedAsInJava(@TempDir Path work) throws Exception {
    Path model = work.resolve("overflow.py");
    Files.writeString(
        model,
        String.join(
            "\n",
            "# entry: Net()",
            "# input: x=float32[1,4]",
            "import torch",
            "import torch.nn as nn",
            "",
            "",
            "class Net(nn.Module):",
            "    def forward(self, x):",
            "        n = int((x.abs() * 1000).long().sum().item())",
            "        steps = 0",
            "        while steps < n and steps < 3:",
            "            x = x * 2",
            "            steps += 1",
            "        m = n + 9223372036854775000",
            "        if m > 9223372036854775001:",
            "            return x + 1, steps",
            "        return x - 1, steps",
            ""));
    Path src = work.resolve("src");
    Path ref = work.resolve("ref");
    Files.createDirectories(src);
    Files.copy(model, src.resolve("case_model.py"));
    EarlyExitCnnTest.python(DifferentialTest.DIR, "make_case.py", model.toString(), ref.toString());
    Map<String, Path> bundles = new LinkedHashMap<>();
    for (String mode : List.of("java", "native")) {
      Path bundle = work.resolve(mode);
      List<String> args =
          new ArrayList<>(
              List.of(
                  "compile",
                  "--source-root",
                  src.toString(),
                  "--entry",
                  "case_model:Net()",
                  "--weights",
                  ref.resolve("weights.pt").toString(),
                  "--input",
                  "x=float32[1,4]",
                  "-o",
                  bundle.toString()));
      if (mode.equals("native")) {
        args.add("--native-host");
      }
      EarlyExitCnnTest.Cli c = EarlyExitCnnTest.cli(args.toArray(new String[0]));
      assertEquals(0, c.code(), c.err());
      bundles.put(mode, bundle);
    }
    assertNative(bundles.get("native"));
    float[][] xs = {{0.002f, 0, 0, 0}, {0.001f, 0, 0, 0.0005f}, {5, -3, 2, 1}, {0, 0, 0, 0}};
    int raised = 0;
    try (Bundle jvm = Bundle.open(bundles.get("java"));
        Bundle nat = Bundle.open(bundles.get("native"))) {
      for (float[] x : xs) {
        java.nio.ByteBuffer b =
            java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float v : x) {
          b.putFloat(v);
        }
        Map<String, HostTensor> in =
            Map.of("x", new HostTensor("float32", new long[] {1, 4}, b.array()));
        String javaError = null;
        List<HostTensor> javaOut = null;
        try {
          javaOut = jvm.run(in).flattenLeaves();
        } catch (HostProgramException e) {
          javaError = e.getMessage();
        }
        if (javaError != null) {
          raised++;
          String expected = javaError;
          HostProgramException e = assertThrows(HostProgramException.class, () -> nat.run(in));
          assertEquals(expected, e.getMessage());
          assertTrue(
              expected.contains("case_model.py:14:")
                  && expected.contains("integer overflow beyond 64 bits"),
              expected);
          continue;
        }
        List<HostTensor> natOut = nat.run(in).flattenLeaves();
        assertEquals(javaOut.size(), natOut.size());
        for (int k = 0; k < javaOut.size(); k++) {
          DifferentialTest.compare(javaOut.get(k), natOut.get(k), "output " + k, 0, 0);
        }
      }
    }
    assertEquals(1, raised, "inputs that overflow");
  }

  /** The bundle's only library is the native host program's. */
  static void assertNative(Path bundle) throws Exception {
    List<String> names =
        Manifest.read(bundle).subgraphs().stream().map(Manifest.SubgraphSpec::name).toList();
    assertEquals(List.of("native"), names);
    try (Stream<Path> libs = Files.list(bundle.resolve("lib"))) {
      assertEquals(
          List.of("native.so"), libs.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }
}
