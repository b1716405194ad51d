package dev.dynnc.compiler;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import dev.dynnc.backend.CompileService;
import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostic;
import dev.dynnc.runtime.HostProgram;
import dev.dynnc.runtime.Manifest;
import dev.dynnc.weights.Checkpoints;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole pipeline with a fake {@link CompileService} (no TVM): checks what the service was
 * asked to compile, the bundle the compiler wrote around its libraries, and that the host class
 * compiles against {@link HostClasspath}, not {@code java.class.path}.
 */
class DynncCompilerTest {
  /**
   * A head shared by both sides of a data-dependent branch: two subgraphs and one shared weight
   * (head.weight, 32 KiB, Partitioner.SHARE_MIN_BYTES; head.bias is smaller and compiled into
   * each).
   */
  static final String MODEL =
      """
      import torch
      import torch.nn as nn


      class Net(nn.Module):
          def __init__(self):
              super().__init__()
              self.fc = nn.Linear(4, 4)
              self.head = nn.Linear(4, 2048)

          def forward(self, x):
              h = torch.relu(self.fc(x))
              if h.sum() > 1.0:
                  return self.head(h)
              return self.head(h * 2.0) - 1.0
      """;

  @TempDir static Path dir;
  static Path weights;

  /** Records each compile request and writes a stand-in library where the request says. */
  static class FakeService implements CompileService {
    final List<Map<String, Object>> requests = new ArrayList<>();
    final String failWith;

    FakeService(String failWith) {
      this.failWith = failWith;
    }

    @Override
    public void compile(Path request, Path errorFile, Duration timeout) throws CompileException {
      Map<String, Object> req;
      try {
        req =
            new Gson()
                .fromJson(
                    Files.readString(request), new TypeToken<Map<String, Object>>() {}.getType());
        requests.add(req);
        if (failWith != null) {
          throw new CompileException(failWith);
        }
        Files.writeString(Path.of((String) req.get("output")), "fake library " + requests.size());
        Files.writeString(Path.of((String) req.get("relay_file")), "fake relay");
      } catch (IOException e) {
        throw new CompileException(e.toString());
      }
    }

    /** The op names of request {@code i}. */
    @SuppressWarnings("unchecked")
    TreeSet<String> ops(int i) {
      TreeSet<String> out = new TreeSet<>();
      for (Object o : (List<Object>) requests.get(i).get("ops")) {
        out.add((String) ((Map<String, Object>) o).get("op"));
      }
      return out;
    }
  }

  @BeforeAll
  static void writeModel() throws IOException {
    Files.createDirectories(dir.resolve("src/m"));
    Files.writeString(dir.resolve("src/m/__init__.py"), "");
    Files.writeString(dir.resolve("src/m/net.py"), MODEL);
    weights = dir.resolve("net.safetensors");
    writeSafetensors(
        weights,
        new String[] {"fc.weight", "fc.bias", "head.weight", "head.bias"},
        new long[][] {{4, 4}, {4}, {2048, 4}, {2048}});
  }

  /** A float32 safetensors file with small distinct values. */
  static void writeSafetensors(Path file, String[] names, long[][] shapes) throws IOException {
    StringBuilder header = new StringBuilder("{");
    long offset = 0;
    for (int i = 0; i < names.length; i++) {
      long n = 1;
      for (long d : shapes[i]) {
        n *= d;
      }
      header
          .append(i == 0 ? "" : ",")
          .append('"')
          .append(names[i])
          .append("\":{\"dtype\":\"F32\",\"shape\":")
          .append(java.util.Arrays.toString(shapes[i]).replace(" ", ""))
          .append(",\"data_offsets\":[")
          .append(offset)
          .append(',')
          .append(offset + 4 * n)
          .append("]}");
      offset += 4 * n;
    }
    byte[] h = header.append('}').toString().getBytes(UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    for (int i = 0; b.hasRemaining(); i++) {
      b.putFloat((i % 7 - 3) / 10f);
    }
    Files.write(file, b.array());
  }

  static CompileRequest request(Path out) {
    return request(dir.resolve("src"), weights, Checkpoints.Selection.NONE, out);
  }

  /** A request for {@link #MODEL}, written as {@code m/net.py} under {@code sourceRoot}. */
  static CompileRequest request(
      Path sourceRoot, Path weights, Checkpoints.Selection selection, Path out) {
    return new CompileRequest(
        sourceRoot,
        "m.net:Net()",
        "forward",
        InputSpecs.parse(List.of("x=float32[1,4]")),
        weights,
        selection,
        out,
        Duration.ofSeconds(5),
        null);
  }

  @Test
  void runsThePipelineWithAFakeServiceAndWritesTheBundle() throws Exception {
    FakeService fake = new FakeService(null);
    List<String> stages = new ArrayList<>();
    List<Diagnostic> reported = new ArrayList<>();
    DynncCompiler c =
        DynncCompiler.builder()
            .hostProgram(DynncCompiler.HostProgram.JAVA)
            .target(Target.LLVM)
            .compileService(fake)
            .cacheDir(dir.resolve("cache"))
            .diagnostics((d, s) -> reported.add(d))
            .progress(
                (stage, detail) ->
                    stages.add(detail.isEmpty() ? stage.name() : stage + " " + detail))
            .build();
    Path out = dir.resolve("bundle");
    CompileResult r = c.compile(request(out));

    assertTrue(r.ok(), r::renderDiagnostics);
    assertTrue(reported.isEmpty());
    assertEquals(3, r.subgraphs());
    assertEquals(
        List.of(
            "FRONTEND",
            "PASSES",
            "PARTITION",
            "SUBGRAPH sg0 (1/3)",
            "SUBGRAPH sg1 (2/3)",
            "SUBGRAPH sg2 (3/3)",
            "HOST",
            "BUNDLE"),
        stages);
    // What the service was asked: one request per subgraph, for llvm, writing lib/sg<i>.so of the
    // bundle:
    // the condition (fc, relu, sum > 1, with fc's weights compiled in), then each side of the
    // branch, both
    // taking the shared head's weight as an input.
    assertEquals(3, fake.requests.size());
    for (int i = 0; i < 3; i++) {
      Map<String, Object> req = fake.requests.get(i);
      assertEquals("llvm", req.get("target"));
      assertTrue(
          ((String) req.get("output")).endsWith("/lib/sg" + i + ".so"), (String) req.get("output"));
      assertEquals(
          i == 0 ? 0 : 1,
          ((List<?>) req.get("weight_inputs")).size(),
          "shared weight inputs of sg" + i);
    }
    assertTrue(
        fake.ops(0).containsAll(List.of("linear", "relu", "reduce_sum", "gt", "weight")),
        fake.ops(0)::toString);
    // sg1 is the head alone: its weight an input, its bias a constant (op "weight").
    assertEquals(List.of("linear", "weight"), List.copyOf(fake.ops(1)).stream().sorted().toList());
    assertTrue(fake.ops(2).containsAll(List.of("linear", "mul", "sub")), fake.ops(2)::toString);
    assertFalse(fake.ops(2).contains("relu"), fake.ops(2)::toString);

    Manifest m = Manifest.read(out);
    assertEquals("llvm", m.target());
    assertEquals("cpu", m.device());
    assertEquals("dynnc.generated.Host", m.hostClass());
    assertEquals(
        List.of("sg0", "sg1", "sg2"),
        m.subgraphs().stream().map(Manifest.SubgraphSpec::name).toList());
    assertEquals(List.of("x"), m.inputs().stream().map(Manifest.TensorSpec::name).toList());
    assertArrayEquals(new long[] {1, 4}, m.inputs().get(0).shape());
    // The head is used by both subgraphs, so its weight is stored once beside them (its bias,
    // under Partitioner.SHARE_MIN_BYTES, is compiled into both).
    assertEquals(
        List.of("head.weight"),
        m.sharedWeights().tensors().stream().map(Manifest.WeightSpec::key).sorted().toList());
    assertEquals("fake library 1", Files.readString(out.resolve("lib/sg0.so")));
    assertEquals("fake library 3", Files.readString(out.resolve("lib/sg2.so")));
    assertEquals("fake relay", Files.readString(out.resolve("relay/sg1.relay")));
    assertTrue(Files.isRegularFile(out.resolve("host/classes/dynnc/generated/Host.class")));
    assertTrue(Files.isRegularFile(out.resolve("host/src/dynnc/generated/Host.java")));
    java.util.Set<String> listed = new java.util.TreeSet<>(m.files().keySet());
    listed.addAll(m.inspectionOrEmpty().keySet());
    assertEquals(listed, bundleFiles(out), "the manifest hashes every file but itself");
    // What runs the bundle and what is there to inspect it are listed apart: a shipped bundle
    // leaves the inspection files out.
    assertEquals(
        java.util.Set.of(
            "relay/sg0.relay",
            "relay/sg1.relay",
            "relay/sg2.relay",
            "ir/forward.ir",
            "host/src/dynnc/generated/Host.java"),
        m.inspectionOrEmpty().keySet());
    assertTrue(
        m.files().keySet().stream().noneMatch(Manifest::isInspectionFile), m.files()::toString);
    assertEquals(Path.of(dir.resolve("cache").toString()), c.cacheDir().orElseThrow());
    try (var entries = Files.list(dir.resolve("cache"))) {
      assertEquals(4, entries.count(), "one cache entry per subgraph and one for the host class");
    }
  }

  static java.util.Set<String> bundleFiles(Path bundle) throws IOException {
    try (var s = Files.walk(bundle)) {
      return s.filter(Files::isRegularFile)
          .map(p -> bundle.relativize(p).toString())
          .filter(p -> !p.equals(Manifest.FILE_NAME))
          .collect(java.util.stream.Collectors.toSet());
    }
  }

  @Test
  void aFailingServiceIsReportedAtTheSubgraphAndLeavesNoBundle() throws Exception {
    FakeService fake = new FakeService("TVMError: no schedule");
    List<Diagnostic> reported = new ArrayList<>();
    Path out = dir.resolve("failed");
    CompileResult r =
        DynncCompiler.builder()
            .hostProgram(DynncCompiler.HostProgram.JAVA)
            .compileService(fake)
            .diagnostics((d, s) -> reported.add(d))
            .build()
            .compile(request(out));
    assertFalse(r.ok());
    assertEquals(1, fake.requests.size());
    assertEquals(r.diagnostics().all(), reported);
    assertEquals(Code.DN0404, reported.get(0).code());
    assertEquals(
        "TVM could not compile subgraph sg0: TVMError: no schedule", reported.get(0).message());
    assertTrue(reported.get(0).span().isKnown(), "located at the subgraph's last op");
    assertFalse(Files.exists(out));
    try (var left = Files.list(dir)) {
      assertEquals(
          List.of(), left.filter(p -> p.getFileName().toString().contains("failed")).toList());
    }
  }

  /**
   * Compiles {@code out} with {@code b} (and a fake TVM unless {@code fake} is null) and returns
   * the one diagnostic, asserting that it has {@code code}, and that nothing reached TVM and
   * nothing was written: the target is refused before any work.
   */
  private Diagnostic refusedBeforeAnyWork(
      DynncCompiler.Builder b, FakeService fake, Path out, Code code) throws Exception {
    if (fake != null) {
      b.compileService(fake);
    }
    CompileResult r = b.build().compile(request(out));
    assertEquals(List.of(code), r.diagnostics().all().stream().map(Diagnostic::code).toList());
    assertTrue(fake == null || fake.requests.isEmpty());
    assertFalse(Files.exists(out));
    return r.diagnostics().all().get(0);
  }

  @Test
  void cudaIsRefusedBeforeAnyWorkWithoutArchitectureWithTuningOrWithoutTheGpuBuild()
      throws Exception {
    Diagnostic d =
        refusedBeforeAnyWork(
            DynncCompiler.builder().hostProgram(DynncCompiler.HostProgram.JAVA).target(Target.CUDA),
            new FakeService(null),
            dir.resolve("cuda"),
            Code.DN0400);
    assertEquals(
        "target 'cuda' needs the GPU's architecture: the kernels are machine code for it",
        d.message());
    assertTrue(d.hint().orElseThrow().contains("'cuda -arch=sm_NN'"));

    d =
        refusedBeforeAnyWork(
            DynncCompiler.builder()
                .hostProgram(DynncCompiler.HostProgram.JAVA)
                .target(TargetSpec.parse("cuda -arch=sm_90").orElseThrow())
                .tune(Duration.ofSeconds(5)),
            new FakeService(null),
            dir.resolve("cuda-tune"),
            Code.DN0400);
    assertTrue(d.message().startsWith("--tune is not available for target 'cuda'"), d.message());

    // The compiler's test class path has TVM's CPU build only (mvn -Pgpu adds the GPU build to
    // the CLI's), so the default worker pool cannot compile for cuda.
    assertFalse(dev.dynnc.backend.TvmWorker.gpuBuildPresent());
    d =
        refusedBeforeAnyWork(
            DynncCompiler.builder()
                .hostProgram(DynncCompiler.HostProgram.JAVA)
                .target(TargetSpec.parse("cuda -arch=sm_80").orElseThrow()),
            null,
            dir.resolve("cuda-nogpu"),
            Code.DN0409);
    assertEquals(
        "target 'cuda' needs TVM's GPU build, and this dynnc was built without it", d.message());
    assertTrue(d.hint().orElseThrow().contains("mvn -Pgpu install"));
  }

  @Test
  void aCompilerThatCannotRunHereIsADeviceErrorNotABug() throws Exception {
    Path out = dir.resolve("cuda-unusable");
    CompileService unusable =
        (request, errorFile, timeout) -> {
          throw new CompileService.Unavailable("TVM's GPU build cannot compile here: it needs X");
        };
    CompileResult r =
        DynncCompiler.builder()
            .hostProgram(DynncCompiler.HostProgram.JAVA)
            .target(TargetSpec.parse("cuda -arch=sm_90").orElseThrow())
            .compileService(unusable)
            .build()
            .compile(request(out));
    assertEquals(
        List.of(Code.DN0409), r.diagnostics().all().stream().map(Diagnostic::code).toList());
    Diagnostic d = r.diagnostics().all().get(0);
    assertEquals("TVM's GPU build cannot compile here: it needs X", d.message());
    assertTrue(d.hint().isEmpty(), "not reported as a dynnc bug");
    assertFalse(Files.exists(out));
  }

  @Test
  void cudaTargetReachesTvmAndTheManifestWithItsArchitecture() throws Exception {
    FakeService fake = new FakeService(null);
    Path out = dir.resolve("cuda90");
    CompileResult r =
        DynncCompiler.builder()
            .hostProgram(DynncCompiler.HostProgram.JAVA)
            .target(TargetSpec.parse("cuda -arch=sm_90").orElseThrow())
            .compileService(fake)
            .build()
            .compile(request(out));
    assertFalse(r.diagnostics().hasErrors(), r.diagnostics().all().toString());
    assertFalse(fake.requests.isEmpty());
    for (Map<String, Object> req : fake.requests) {
      assertEquals("cuda -arch=sm_90", req.get("target"));
    }
    String manifest = Files.readString(out.resolve("manifest.json"));
    assertTrue(manifest.contains("\"target\": \"cuda -arch=sm_90\""), manifest);
    assertTrue(manifest.contains("\"device\": \"cuda\""), manifest);
  }

  @Test
  void targetTextIsAKindAndForCudaAnArchitectureOnly() {
    // llvm may name one of LLVM's x86-64 CPUs, for bundles that run on other machines.
    TargetSpec v3 = TargetSpec.parse("llvm -mcpu=x86-64-v3").orElseThrow();
    assertEquals("x86-64-v3", v3.cpu());
    assertEquals("llvm -mcpu=x86-64-v3", v3.tvmString());
    assertEquals("znver4", TargetSpec.parse(" llvm  -mcpu=znver4 ").orElseThrow().cpu());
    assertEquals(
        "skylake-avx512", TargetSpec.parse("llvm -mcpu=skylake-avx512").orElseThrow().cpu());
    assertEquals(null, TargetSpec.parse("llvm").orElseThrow().cpu());
    assertEquals(
        "unknown CPU in target 'llvm -mcpu=pentium9'",
        DynncCompiler.unknownTarget("llvm -mcpu=pentium9").message());
    assertEquals(TargetSpec.of(Target.LLVM), TargetSpec.parse("llvm").orElseThrow());
    assertEquals(TargetSpec.of(Target.CUDA), TargetSpec.parse(" cuda ").orElseThrow());
    assertEquals(
        "cuda -arch=sm_90", TargetSpec.parse("cuda -arch=sm_90").orElseThrow().tvmString());
    assertEquals("sm_90a", TargetSpec.parse("cuda  -arch=sm_90a").orElseThrow().arch());
    assertEquals("sm_100", TargetSpec.parse("cuda -arch=sm_100").orElseThrow().arch());
    assertEquals("llvm", TargetSpec.parse("llvm").orElseThrow().tvmString());
    for (String bad :
        List.of(
            "",
            "LLVM",
            "cuda -arch=sm_9",
            "cuda -arch=compute_90",
            "cuda -arch=sm_90;rm",
            "cuda -arch=sm_90 -libs=cublas",
            "cuda -libs=cublas",
            "llvm -arch=sm_90",
            "llvm -mcpu=pentium9",
            "llvm -mcpu=",
            "llvm -mcpu=native",
            "llvm -mcpu=generic",
            "llvm -mcpu=znver4;rm",
            "llvm -mcpu=x86-64-v3 -mattr=+avx512f",
            "llvm -mattr=+avx512f",
            "cuda -mcpu=znver4",
            "cuda -arch=")) {
      assertTrue(TargetSpec.parse(bad).isEmpty(), bad);
    }
    assertEquals(Target.CUDA, Target.named("cuda").orElseThrow());
    assertTrue(Target.named("LLVM").isEmpty(), "target names are exact");
  }

  @Test
  void hostClassCompilesAgainstTheRuntimesCodeSourceNotJavaClassPath() throws Exception {
    Path runtime =
        Path.of(HostProgram.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path junit = Path.of(Test.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Path> cp = HostClasspath.entries();
    assertEquals(runtime, cp.get(0));
    assertEquals(2, cp.size(), cp::toString);
    // Python's scalar semantics come from their own dependency-free module, not from the compiler's
    // ir.
    assertEquals(
        Path.of(
            dev.dynnc.semantics.PyScalar.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI()),
        cp.get(1));
    assertFalse(
        cp.contains(
            Path.of(
                dev.dynnc.ir.Op.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI())));
    assertFalse(cp.contains(junit));
    String saved = System.getProperty("java.class.path");
    System.setProperty("java.class.path", dir.resolve("nothing-here.jar").toString());
    try {
      Path out = dir.resolve("bundle-without-class-path");
      CompileResult r =
          DynncCompiler.builder()
              .hostProgram(DynncCompiler.HostProgram.JAVA)
              .compileService(new FakeService(null))
              .build()
              .compile(request(out));
      assertTrue(r.ok(), r::renderDiagnostics);
      assertTrue(Files.isRegularFile(out.resolve("host/classes/dynnc/generated/Host.class")));
    } finally {
      System.setProperty("java.class.path", saved);
    }
  }
}
