package dev.dynnc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.runtime.HostTensor;
import dev.dynnc.runtime.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The research-style corpus under samples/ (see samples/CORPUS-STATUS.md): runs every sample in
 * PyTorch on its committed checkpoint and inputs, reads the dynamic decisions each input took back
 * from the outputs, and checks them against inputs/expected_paths.json and that together they take
 * every required outcome. Each sample dynnc takes unmodified ({@link Spec#compiles}) is then
 * compiled by the CLI (subgraphs cached under target/corpus-cache), run on every input, and every
 * output leaf compared with PyTorch's (floats within 1e-4, other dtypes exactly, dtypes and shapes
 * equal); the decisions read from the bundle's outputs must take every required outcome too.
 */
class CorpusSamplesTest {
  static final Path SAMPLES =
      Path.of(System.getProperty("dynnc.repo.root", "..")).resolve("samples").toAbsolutePath();

  /**
   * One sample: how to build and call it, and how to read its decisions from its outputs
   * (output_i.npy).
   */
  record Spec(
      String dir,
      String entry,
      String method,
      String input,
      String inputType,
      boolean compiles,
      Function<List<HostTensor>, List<String>> decisions) {
    @Override
    public String toString() {
      return dir;
    }
  }

  static long scalar(HostTensor t) {
    assertEquals(1, t.numel());
    return Math.round(t.getDouble(0));
  }

  /** Gate masks (0-d, 0 or 1) at outputs first..first+labels-1, as label:run or label:skip. */
  static Function<List<HostTensor>, List<String>> masks(int first, String... labels) {
    return out -> {
      List<String> d = new ArrayList<>();
      for (int k = 0; k < labels.length; k++) {
        d.add(labels[k] + (scalar(out.get(first + k)) == 1 ? ":run" : ":skip"));
      }
      return d;
    };
  }

  static Stream<Spec> samples() {
    return Stream.of(
        new Spec(
            "skipnet_ff",
            "models.skipnet:build_model()",
            "forward",
            "x",
            IMAGE,
            true,
            masks(
                1, "group1_gate0", "group1_gate1", "group2_gate0", "group2_gate1", "group3_gate0")),
        new Spec(
            "skipnet_rnn",
            "models.skipnet_rnn:build_model()",
            "forward",
            "x",
            IMAGE,
            true,
            masks(1, "gate0", "gate1", "gate2", "gate3", "gate4")),
        new Spec(
            "blockdrop",
            "models.blockdrop:build_model()",
            "forward",
            "inputs",
            IMAGE,
            true,
            out -> {
              HostTensor policy = out.get(1);
              List<String> d = new ArrayList<>();
              for (int t = 0; t < policy.numel(); t++) {
                d.add("block" + t + (policy.getDouble(t) == 1.0 ? ":keep" : ":drop"));
              }
              return d;
            }),
        new Spec(
            "msdnet",
            "models.msdnet:build_model()",
            "forward",
            "x",
            IMAGE,
            true,
            out -> List.of("exit" + scalar(out.get(1)))),
        new Spec(
            "moe_top1",
            "models.moe:build_model()",
            "forward",
            "x",
            IMAGE,
            true,
            out -> List.of("moe0:expert" + scalar(out.get(1)), "moe1:expert" + scalar(out.get(2)))),
        new Spec(
            "sdn",
            "models.sdn_vgg:create_vgg_sdn()",
            "predict_early",
            "x",
            IMAGE,
            true,
            out -> List.of("exit" + scalar(out.get(1)))),
        new Spec(
            "act_rnn",
            ACT_ENTRY,
            "forward",
            "x",
            "float32[1,8]",
            true,
            out -> List.of("steps:" + scalar(out.get(3)))),
        new Spec(
            "deebert",
            "models.deebert:build_model()",
            "forward",
            "input_ids",
            "int64[1,16]",
            true,
            out -> List.of("exit" + scalar(out.get(1)))),
        new Spec(
            "caption_decoder",
            "models.caption:build_model()",
            "forward",
            "images",
            IMAGE,
            true,
            CorpusSamplesTest::captionStop));
  }

  /**
   * caption_decoder's stopping behaviour: after 1 word, after a few (at the end token) or at
   * max_len (8); the tokens [1,n] and the attention weights [1,n,16] must have the count's length.
   */
  static List<String> captionStop(List<HostTensor> out) {
    long n = scalar(out.get(1));
    assertEquals(n, out.get(0).numel(), "tokens");
    assertEquals(n * 16, out.get(2).numel(), "attention weights");
    return List.of(n == 1 ? "stop:1" : n == 8 ? "stop:max_len" : "stop:few");
  }

  static final String IMAGE = "float32[1,3,32,32]";
  static final String ACT_ENTRY = "models.act:build_model()";

  static final Pattern STRINGS = Pattern.compile("\"([^\"]*)\"");
  static final Pattern INPUT =
      Pattern.compile("\"(x\\d+\\.npy)\": \\{[^}]*\"outcomes\": \\[([^\\]]*)\\]");
  static final Pattern REQUIRED = Pattern.compile("\"required\": \\[([^\\]]*)\\]");

  static List<String> strings(String list) {
    return STRINGS.matcher(list).results().map(r -> r.group(1)).toList();
  }

  /**
   * expected_paths.json (as corpus_common.write_sample writes it: sorted keys, no nested lists) as
   * 'required' -> the outcomes every sample input together must take, and 'xN.npy' -> the outcomes
   * of that input in order.
   */
  static Map<String, List<String>> expected(Path sample) throws Exception {
    String json = Files.readString(sample.resolve("inputs/expected_paths.json"));
    Map<String, List<String>> m = new LinkedHashMap<>();
    Matcher r = REQUIRED.matcher(json);
    assertTrue(r.find(), "no 'required' list in " + sample);
    m.put("required", strings(r.group(1)));
    INPUT.matcher(json).results().forEach(i -> m.put(i.group(1), strings(i.group(2))));
    return m;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void takesTheRecordedPathsInPyTorchAndInTheCompiledBundle(Spec spec, @TempDir Path work)
      throws Exception {
    Path sample = SAMPLES.resolve(spec.dir());
    Path ref = work.resolve("reference");
    reference(sample, spec, ref);
    Map<String, List<String>> expected = expected(sample);
    List<Path> inputs = EarlyExitCnnTest.inputs(sample.resolve("inputs"));
    assertEquals(expected.size() - 1, inputs.size(), "inputs and expected_paths.json disagree");
    Set<String> taken = new TreeSet<>();
    for (Path in : inputs) {
      String name = in.getFileName().toString();
      Path dir = ref.resolve(name.replace(".npy", ""));
      List<HostTensor> outputs = new ArrayList<>();
      for (int i = 0; Files.exists(dir.resolve("output_" + i + ".npy")); i++) {
        outputs.add(Npy.read(dir.resolve("output_" + i + ".npy")));
      }
      List<String> decisions = spec.decisions().apply(outputs);
      assertEquals(expected.get(name), decisions, spec.dir() + "/" + name);
      taken.addAll(decisions);
    }
    Set<String> missing = new TreeSet<>(expected.get("required"));
    missing.removeAll(taken);
    assertEquals(Set.of(), missing, spec.dir() + ": outcomes no input takes");
    if (spec.compiles()) {
      // as a user's compile is: the host program in native code (rule NATIVE-HOST)
      compileRunAndCompare(spec, sample, ref, work, inputs, expected);
      NativeHostTest.assertNative(work.resolve("bundle"));
      // Small parallel loops run serially (relay_builder's _serialize_small_parallel): act_rnn's
      // kernels, on vectors of 16, never go through TVM's parallel launch, while the first
      // convolutions of early_exit_cnn, over 32x32 feature maps, still do.
      if (spec.dir().equals("act_rnn") || spec.dir().equals("early_exit_cnn")) {
        String lib =
            new String(
                Files.readAllBytes(work.resolve("bundle/lib/native.so")),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(
            spec.dir().equals("early_exit_cnn"),
            lib.contains("__TVMBackendParallelLaunch"),
            spec.dir() + ": parallel launches");
      }
      if (spec.dir().equals("caption_decoder") || spec.dir().equals("deebert")) {
        // caption_decoder: three of its subgraphs repeat the decoder step and its 58 KB of
        // weights; deebert: its four exits each run the same transformer layer's kernels on weights
        // of their own. The native library takes the weights unlinked, as constants of the weights
        // file, each once (relay_builder's _unique_params), and compiles each distinct kernel once
        // (_KernelPool). Linked into each subgraph's kernels, caption_decoder's library was 411 KB,
        // with 239 KB of constant data, and deebert's 440 KB, with 96 kernels, 29 of them distinct.
        long tensors =
            dev.dynnc.weights.Checkpoints.read(sample.resolve("checkpoint.pt")).values().stream()
                .mapToLong(t -> t.data().length)
                .sum();
        Path bundle = work.resolve("bundle");
        long weightsFile = Files.size(bundle.resolve("weights/shared.bin"));
        long lib = Files.size(bundle.resolve("lib/native.so"));
        // At most 1% over the tensors: every weight once, in one layout. caption_decoder's
        // weights file was 1.8% over while TVM's ForwardFoldScaleAxis kept L_h's weight twice.
        assertTrue(
            weightsFile > 0.9 * tensors && weightsFile < 1.01 * tensors,
            "weights file " + weightsFile + " B for " + tensors + " B of tensors");
        assertTrue(lib < 150 * 1024, "library " + lib + " B");
        // The kernels are C functions (the unpacked API), one per distinct kernel, which the native
        // function calls by name (its TIR, relay/native.relay) and the library keeps local.
        String relay = Files.readString(bundle.resolve("relay/native.relay"));
        java.util.regex.Matcher k = java.util.regex.Pattern.compile("tvmgen_sg\\w+").matcher(relay);
        Set<String> kernels = new TreeSet<>();
        while (k.find()) {
          kernels.add(k.group());
        }
        assertTrue(
            kernels.size() > 10 && kernels.size() < (spec.dir().equals("deebert") ? 40 : 60),
            kernels.size() + " kernels: " + kernels);
        Matcher o2 =
            Pattern.compile("(?m)^// kernels compiled with -O2, [^:]*: (.*)$").matcher(relay);
        assertTrue(o2.find(), "relay/native.relay does not say which kernels -O2 compiled");
        for (String name : o2.group(1).split(" ")) {
          assertTrue(name.equals("none") || kernels.contains(name), "-O2 kernel " + name);
        }
        if (spec.dir().equals("deebert")) {
          // Its kernels' code is about 9% of its weights, not code-heavy: -O3 throughout, which ran
          // 0.5-1.4% faster than -O2 on blockdrop's bloated kernels.
          assertEquals("none", o2.group(1), "deebert is not code-heavy");
        }
        if (spec.dir().equals("caption_decoder")
            && Files.readString(bundle.resolve("manifest.json")).contains("\"avx512f\"")) {
          // With AVX-512, -O3 unrolled its 16x32x24 dense whole: 18 KB of code, against 8.9 KB
          // at -O2 (relay_builder's _by_code_size).
          assertTrue(
              List.of(o2.group(1).split(" "))
                  .contains("tvmgen_sg0_fused_nn_contrib_dense_pack_add"),
              "the unrolled dense kernel is not compiled with -O2: " + o2.group(1));
        }
        String text =
            new String(
                Files.readAllBytes(bundle.resolve("lib/native.so")),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("tvmgen_"), "the library exports kernel symbols");
        assertTrue(text.contains("dynnc_native"), "the library lacks the native function");
      }
    }
  }

  /**
   * Every sample with the Java host program ({@code --java-host}): one library per subgraph, called
   * from the generated Java class, must match PyTorch and take the recorded paths too.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void theJavaHostProgramTakesTheRecordedPathsToo(Spec spec, @TempDir Path work) throws Exception {
    Path sample = SAMPLES.resolve(spec.dir());
    Path ref = work.resolve("reference");
    reference(sample, spec, ref);
    compileRunAndCompare(
        spec,
        sample,
        ref,
        work,
        EarlyExitCnnTest.inputs(sample.resolve("inputs")),
        expected(sample),
        "--java-host");
    List<String> libs =
        dev.dynnc.runtime.Manifest.read(work.resolve("bundle")).subgraphs().stream()
            .map(dev.dynnc.runtime.Manifest.SubgraphSpec::library)
            .toList();
    assertTrue(
        !libs.isEmpty() && libs.stream().allMatch(l -> l.matches("lib/sg[0-9]+\\.so")),
        libs.toString());
  }

  /**
   * act_rnn's pondering loop is a loop of the host program whose body is compiled once: with a step
   * limit of 6 or of 12 the bundle has the same three subgraphs (the first update, which the
   * compiler runs with the known zero state, the loop body, and the code after the loop) and one
   * back edge, and with the limit of 12 it still matches PyTorch on every input, now running up to
   * 12 iterations.
   */
  @org.junit.jupiter.api.Test
  void actRnnCompilesItsLoopBodyOnceWhateverTheStepLimit(@TempDir Path work) throws Exception {
    Path sample = SAMPLES.resolve("act_rnn");
    Map<Integer, Integer> subgraphs = new LinkedHashMap<>();
    for (int limit : new int[] {6, 12}) {
      String entry = "models.act:build_model(max_ponder=" + limit + ")";
      Spec spec =
          new Spec("act_rnn", entry, "forward", "x", "float32[1,8]", true, out -> List.of());
      Path ref = work.resolve("reference" + limit);
      reference(sample, spec, ref);
      Map<String, List<String>> expected = new LinkedHashMap<>();
      List<Path> inputs = EarlyExitCnnTest.inputs(sample.resolve("inputs"));
      inputs.forEach(in -> expected.put(in.getFileName().toString(), List.of()));
      expected.put("required", List.of());
      Path dir = work.resolve("limit" + limit);
      compileRunAndCompare(spec, sample, ref, dir, inputs, expected, "--java-host");
      String manifest = Files.readString(dir.resolve("bundle/manifest.json"));
      subgraphs.put(
          limit, (int) Pattern.compile("\"library\"").matcher(manifest).results().count());
      EarlyExitCnnTest.Cli check =
          EarlyExitCnnTest.cli(
              "check",
              "--source-root",
              sample.toString(),
              "--entry",
              entry,
              "--input",
              "x=float32[1,8]");
      assertEquals(0, check.code(), check.err());
      assertTrue(check.out().contains("1 dynamic loop(s), 3 subgraph(s)"), check.out());
    }
    assertEquals(Map.of(6, 3, 12, 3), subgraphs);
  }

  /** Runs the sample in PyTorch on every input: out/xN/output_i.npy. */
  static void reference(Path sample, Spec spec, Path out) throws Exception {
    EarlyExitCnnTest.python(
        SAMPLES,
        "corpus_reference.py",
        "--sample",
        sample.toString(),
        "--entry",
        spec.entry(),
        "--method",
        spec.method(),
        "--checkpoint",
        sample.resolve("checkpoint.pt").toString(),
        "--inputs-dir",
        sample.resolve("inputs").toString(),
        "--out-dir",
        out.toString());
  }

  /**
   * Compiles the unmodified sample (with {@code extraArgs} added to the compile command), runs
   * every input and compares with PyTorch's outputs.
   */
  static void compileRunAndCompare(
      Spec spec,
      Path sample,
      Path ref,
      Path work,
      List<Path> inputs,
      Map<String, List<String>> expected,
      String... extraArgs)
      throws Exception {
    Path bundle = work.resolve("bundle");
    List<String> args =
        new ArrayList<>(
            List.of(
                "compile",
                "--source-root",
                sample.toString(),
                "--entry",
                spec.entry(),
                "--method",
                spec.method(),
                "--input",
                spec.input() + "=" + spec.inputType(),
                "--weights",
                sample.resolve("checkpoint.pt").toString(),
                "--cache-dir",
                SAMPLES.resolve("target/corpus-cache").toString(),
                "-o",
                bundle.toString()));
    args.addAll(List.of(extraArgs));
    EarlyExitCnnTest.Cli c = EarlyExitCnnTest.cli(args.toArray(new String[0]));
    assertEquals(0, c.code(), c.err());
    if (spec.dir().equals("blockdrop") && List.of(extraArgs).contains("--java-host")) {
      // A residual block (convolutions, the add of its blocked input, the ReLU) runs blocked from
      // its input to its output: the add and the ReLU of transformed values run on the blocked
      // values, and the transform back cancels against the blocked output (relay_builder's Sink).
      List<String> blocked = new ArrayList<>();
      for (dev.dynnc.runtime.Manifest.SubgraphSpec sg :
          dev.dynnc.runtime.Manifest.read(bundle).subgraphs()) {
        String relay = Files.readString(bundle.resolve("relay/" + sg.name() + ".relay"));
        if (sg.inputs().stream().allMatch(t -> t.shape().length == 5)
            && sg.outputs().stream().allMatch(t -> t.shape().length == 5)
            && relay.contains(" add(")
            && !relay.contains("layout_transform(")) {
          blocked.add(sg.name());
        }
      }
      assertTrue(blocked.size() >= 2, "residual blocks run blocked throughout: " + blocked);
    }
    Set<String> taken = new TreeSet<>();
    for (Path in : inputs) {
      String stem = in.getFileName().toString().replace(".npy", "");
      Path out = work.resolve("out-" + stem);
      c =
          EarlyExitCnnTest.cli(
              "run",
              bundle.toString(),
              "--input",
              spec.input() + "=" + in,
              "--output-dir",
              out.toString());
      assertEquals(0, c.code(), c.err());
      List<HostTensor> outputs = new ArrayList<>();
      int i = 0;
      for (; Files.exists(ref.resolve(stem).resolve("output_" + i + ".npy")); i++) {
        HostTensor got = Npy.read(out.resolve("output_" + i + ".npy"));
        DifferentialTest.compare(
            Npy.read(ref.resolve(stem).resolve("output_" + i + ".npy")),
            got,
            spec.dir() + "/" + stem + " output " + i,
            1e-4,
            0);
        outputs.add(got);
      }
      assertTrue(i > 0, "no reference outputs for " + stem);
      assertTrue(
          !Files.exists(out.resolve("output_" + i + ".npy")),
          spec.dir() + "/" + stem + ": dynnc wrote more outputs than PyTorch");
      List<String> decisions = spec.decisions().apply(outputs);
      assertEquals(expected.get(in.getFileName().toString()), decisions, "bundle " + stem);
      taken.addAll(decisions);
    }
    Set<String> missing = new TreeSet<>(expected.get("required"));
    missing.removeAll(taken);
    assertEquals(Set.of(), missing, spec.dir() + ": outcomes the bundle never takes");
  }
}
