package dev.dynnc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleTest {
  @TempDir Path tmp;

  private static Map<String, HostTensor> input(float... v) {
    return Map.of("x", HostTensor.ofFloats(new long[] {1, 4}, v));
  }

  @Test
  void runsHostProgramWithDataDependentBranch() throws Exception {
    Path dir = TestSupport.writeBundle(tmp.resolve("b"));
    try (Bundle b = Bundle.open(dir)) {
      // max(relu(x)+1) = 5 > 3, so the host program calls the subgraph a second time.
      OutputValue out = b.run(input(-1, 2, -3, 4));
      assertEquals(List.of(0, 0), b.lastTrace());
      List<HostTensor> leaves = out.flattenLeaves();
      assertArrayEquals(new float[] {2, 4, 2, 6}, leaves.get(0).toFloats());
      assertEquals(HostTensor.scalarDouble(5.0), leaves.get(1));
      assertEquals(HostTensor.scalarBool(true), leaves.get(2));
      assertEquals(
          "{\"type\":\"tuple\",\"items\":["
              + "{\"type\":\"tensor\",\"index\":0,\"dtype\":\"float32\",\"shape\":[1,4]},"
              + "{\"type\":\"float\",\"index\":1,\"value\":5.0},"
              + "{\"type\":\"dict\",\"keys\":[\"big\"],\"items\":[{\"type\":\"bool\",\"index\":2,\"value\":true}]},"
              + "{\"type\":\"none\"}]}",
          out.structureJson());

      // max = 2, so only one call; the same Bundle is reusable across runs.
      OutputValue small = b.run(input(-1, 0.5f, -3, 1));
      assertEquals(List.of(0), b.lastTrace());
      assertArrayEquals(new float[] {1, 1.5f, 1, 2}, small.flattenLeaves().get(0).toFloats());
      assertEquals(HostTensor.scalarBool(false), small.flattenLeaves().get(2));
    }
  }

  @Test
  void runsWithoutItsInspectionFiles() throws Exception {
    Path dir = TestSupport.writeBundle(tmp.resolve("b"));
    Manifest split = Manifest.read(dir).withFilesOf(dir);
    split.write(dir);
    assertEquals(
        java.util.Set.of("host/src/dynnc/generated/ForwardHost.java"),
        split.inspectionOrEmpty().keySet());
    assertFalse(split.files().containsKey("host/src/dynnc/generated/ForwardHost.java"));
    // A bundle packed to ship leaves them out, and runs as before.
    Files.delete(dir.resolve("host/src/dynnc/generated/ForwardHost.java"));
    try (Bundle b = Bundle.open(dir)) {
      assertArrayEquals(
          new float[] {2, 4, 2, 6}, b.run(input(-1, 2, -3, 4)).flattenLeaves().get(0).toFloats());
    }
  }

  @Test
  void timesKernelsOnlyWhenAsked() throws Exception {
    try (Bundle b = Bundle.open(TestSupport.writeBundle(tmp.resolve("b")))) {
      b.run(input(-1, 2, -3, 4));
      assertEquals(0, b.lastRun().kernelNanos(), "the clock is not read by default");
      b.timeKernels(true);
      b.run(input(-1, 2, -3, 4));
      assertTrue(b.lastRun().kernelNanos() > 0, "two calls, timed");
      b.timeKernels(false);
      b.run(input(-1, 2, -3, 4));
      assertEquals(0, b.lastRun().kernelNanos());
    }
  }

  /**
   * Keys that would be code, or break out of a literal or comment, if they were spliced into
   * source.
   */
  static final List<String> HOSTILE_KEYS =
      List.of(
          "say \"hi\"",
          "C:\\temp\\new",
          "*/",
          "a\nb",
          "\0",
          "ключ 🔑",
          "\" + String.valueOf(Runtime.getRuntime().exec(\"touch /tmp/pwned\")) + \"",
          "{'a': 1}[\"a\"]",
          "",
          "lone \uD800 surrogates \uDC00\uD83D",
          "pair \uD83D\uDD11");

  @Test
  void rebuildsTheResultStructureAndKeysFromTheManifest() throws Exception {
    List<Manifest.OutputNode> three =
        List.of(
            Manifest.OutputNode.leaf(0), Manifest.OutputNode.leaf(1), Manifest.OutputNode.leaf(2));
    // Leaves 0..2 under hostile keys, then None under every other key, nested in a list.
    List<Manifest.OutputNode> items = new java.util.ArrayList<>(three);
    while (items.size() < HOSTILE_KEYS.size()) {
      items.add(Manifest.OutputNode.none());
    }
    Manifest.OutputNode root =
        Manifest.OutputNode.sequence(
            Manifest.OutputNode.LIST, List.of(Manifest.OutputNode.dict(HOSTILE_KEYS, items)));
    Path dir =
        TestSupport.writeBundle(
            tmp.resolve("b"), TestSupport.HOST_SOURCE, m -> withOutputs(m, root));
    try (Bundle b = Bundle.open(dir)) {
      OutputValue out = b.run(input(-1, 2, -3, 4));
      OutputValue.Dict d = (OutputValue.Dict) ((OutputValue.ListV) out).items().get(0);
      assertEquals(HOSTILE_KEYS, List.copyOf(d.entries().keySet()));
      assertEquals(HostTensor.scalarDouble(5.0), out.flattenLeaves().get(1));
      com.google.gson.JsonObject json =
          com.google.gson.JsonParser.parseString(out.structureJson())
              .getAsJsonObject()
              .getAsJsonArray("items")
              .get(0)
              .getAsJsonObject();
      assertEquals(
          HOSTILE_KEYS,
          json.getAsJsonArray("keys").asList().stream()
              .map(com.google.gson.JsonElement::getAsString)
              .toList());
    }
  }

  @Test
  void refusesMalformedOutputStructures() throws Exception {
    Manifest.OutputNode l0 = Manifest.OutputNode.leaf(0);
    List<Map.Entry<String, Manifest.OutputNode>> bad = new java.util.ArrayList<>();
    add(
        bad,
        "leaf 1 where leaf 0 was expected (leaves are numbered depth-first from 0)",
        Manifest.OutputNode.sequence("tuple", List.of(Manifest.OutputNode.leaf(1))));
    add(
        bad,
        "a dict node needs one distinct key per item",
        Manifest.OutputNode.dict(List.of("k", "k"), List.of(l0, Manifest.OutputNode.leaf(1))));
    add(
        bad,
        "a dict node needs one distinct key per item",
        Manifest.OutputNode.dict(List.of("k"), List.of()));
    add(bad, "unknown node type 'set'", new Manifest.OutputNode("set", null, null, List.of(l0)));
    add(
        bad,
        "a tuple node needs items and nothing else",
        new Manifest.OutputNode("tuple", null, null, null));
    add(
        bad,
        "a tuple node has a dtype or shape; only leaves do",
        new Manifest.OutputNode("tuple", null, null, List.of(l0), "float32", null));
    add(
        bad,
        "leaf 0 has a shape without a dtype or a negative dim",
        new Manifest.OutputNode("leaf", 0, null, null, "float32", new long[] {-1}));
    Manifest.OutputNode deep = l0;
    for (int i = 0; i < 101; i++) {
      deep = Manifest.OutputNode.sequence("list", List.of(deep));
    }
    add(bad, "nested deeper than 100 levels", deep);
    int n = 0;
    for (Map.Entry<String, Manifest.OutputNode> e : bad) {
      Path dir =
          TestSupport.writeBundle(
              tmp.resolve("b" + n++), TestSupport.HOST_SOURCE, m -> withOutputs(m, e.getValue()));
      assertEquals("bad bundle " + dir + ": outputs[0]: " + e.getKey(), openError(dir));
    }
  }

  @Test
  void refusesResultsThatDisagreeWithTheManifest() throws Exception {
    String twoLeaves =
        TestSupport.HOST_SOURCE.replace(
            "ctx.result(0, o[0], firstMax, ctx.readBool(o[2]))", "ctx.result(0, o[0], firstMax)");
    try (Bundle b = Bundle.open(TestSupport.writeBundle(tmp.resolve("b"), twoLeaves, m -> m))) {
      assertEquals(
          "host program dynnc.generated.ForwardHost returned an unusable result: result structure 0"
              + " has 3 leaves, the host program gave 2",
          assertThrows(HostProgramException.class, () -> b.run(input(1, 2, 3, 4))).getMessage());
    }
    String otherRoot = TestSupport.HOST_SOURCE.replace("ctx.result(0,", "ctx.result(1,");
    try (Bundle b = Bundle.open(TestSupport.writeBundle(tmp.resolve("c"), otherRoot, m -> m))) {
      assertEquals(
          "host program dynnc.generated.ForwardHost returned an unusable result: result structure 1"
              + " out of range; the manifest has 1",
          assertThrows(HostProgramException.class, () -> b.run(input(1, 2, 3, 4))).getMessage());
    }
  }

  private static void add(
      List<Map.Entry<String, Manifest.OutputNode>> cases, String error, Manifest.OutputNode root) {
    cases.add(Map.entry(error, root));
  }

  private static Manifest withOutputs(Manifest m, Manifest.OutputNode root) {
    return new Manifest(
        m.format(),
        m.formatVersion(),
        m.target(),
        m.device(),
        m.entry(),
        m.hostClass(),
        m.inputs(),
        List.of(root),
        m.subgraphs(),
        m.files());
  }

  @Test
  void refusesTamperedLibrary() throws Exception {
    Path dir = TestSupport.writeBundle(tmp.resolve("b"));
    Path so = dir.resolve("lib/sg0.so");
    String expected = Manifest.sha256(so);
    byte[] bytes = Files.readAllBytes(so);
    bytes[bytes.length / 2] ^= 1;
    Files.write(so, bytes);
    String found = Manifest.sha256(so);
    assertEquals(
        "bad bundle "
            + dir
            + ": file lib/sg0.so: SHA-256 mismatch (expected "
            + expected.substring(0, 12)
            + "…, found "
            + found.substring(0, 12)
            + "…); the bundle was modified or corrupted",
        openError(dir));
  }

  @Test
  void refusesPathsOutsideTheBundle() throws Exception {
    Path dir =
        TestSupport.writeBundle(
            tmp.resolve("b"),
            TestSupport.HOST_SOURCE,
            m -> withLibrary(m, "../x.so", "0".repeat(64)));
    assertEquals(
        "bad bundle " + dir + ": path '../x.so' in manifest contains '..'", openError(dir));

    Path abs =
        TestSupport.writeBundle(
            tmp.resolve("abs"),
            TestSupport.HOST_SOURCE,
            m -> withLibrary(m, "/etc/x.so", "0".repeat(64)));
    assertEquals(
        "bad bundle " + abs + ": path '/etc/x.so' in manifest is absolute", openError(abs));

    // A symbolic link inside the bundle to a file outside it, with a correct hash, is still
    // refused.
    Path outside = tmp.resolve("outside.so");
    Files.copy(TestSupport.modelLibrary(), outside);
    Path link = TestSupport.writeBundle(tmp.resolve("link"), TestSupport.HOST_SOURCE, m -> m);
    Files.createSymbolicLink(link.resolve("lib/evil.so"), outside);
    withLibrary(Manifest.read(link), "lib/evil.so", Manifest.sha256(outside)).write(link);
    assertEquals(
        "bad bundle "
            + link
            + ": path 'lib/evil.so' in manifest resolves outside the bundle via a"
            + " symbolic link",
        openError(link));
  }

  /** Points subgraph 0 at {@code path} and lists that path with {@code hash}. */
  private static Manifest withLibrary(Manifest m, String path, String hash) {
    Manifest.SubgraphSpec sg = m.subgraphs().get(0);
    Map<String, String> files = new LinkedHashMap<>(m.files());
    files.put(path, hash);
    return new Manifest(
        m.format(),
        m.formatVersion(),
        m.target(),
        m.device(),
        m.entry(),
        m.hostClass(),
        m.inputs(),
        m.outputs(),
        List.of(new Manifest.SubgraphSpec(sg.name(), path, sg.inputs(), sg.outputs())),
        files);
  }

  @Test
  void refusesOtherFormatVersionsAndUnlistedReferences() throws Exception {
    Path dir =
        TestSupport.writeBundle(
            tmp.resolve("b"),
            TestSupport.HOST_SOURCE,
            m ->
                new Manifest(
                    m.format(),
                    1,
                    m.target(),
                    m.device(),
                    m.entry(),
                    m.hostClass(),
                    m.inputs(),
                    m.outputs(),
                    m.subgraphs(),
                    m.files()));
    assertEquals(
        "bad bundle "
            + dir
            + ": formatVersion 1 is not supported; this runtime reads formatVersion 2",
        openError(dir));

    Path unlisted =
        TestSupport.writeBundle(
            tmp.resolve("unlisted"),
            TestSupport.HOST_SOURCE,
            m -> {
              Map<String, String> files = new LinkedHashMap<>(m.files());
              files.remove("lib/sg0.so");
              return m.withFiles(files);
            });
    assertEquals(
        "bad bundle "
            + unlisted
            + ": subgraph 'sg0' library 'lib/sg0.so' is not listed in the"
            + " manifest's files",
        openError(unlisted));
  }

  /** A CPU requirement that is not LLVM names is a bad bundle; one this CPU meets opens. */
  @Test
  void checksTheManifestsCpuRequirement() throws Exception {
    java.util.function.Function<Manifest.CpuRequirement, java.util.function.UnaryOperator<Manifest>>
        withCpu =
            cpu ->
                m ->
                    new Manifest(
                        m.format(),
                        m.formatVersion(),
                        m.target(),
                        m.device(),
                        m.entry(),
                        m.hostClass(),
                        m.inputs(),
                        m.outputs(),
                        m.subgraphs(),
                        m.files(),
                        m.sharedWeights(),
                        cpu);
    Path bad =
        TestSupport.writeBundle(
            tmp.resolve("bad-cpu"),
            TestSupport.HOST_SOURCE,
            withCpu.apply(new Manifest.CpuRequirement("znver4\nerror[DN0000]: forged", List.of())));
    assertEquals(
        "bad bundle " + bad + ": cpu name is missing or not an LLVM CPU name", openError(bad));
    // sse2 is part of every x86-64 CPU, and a feature the runtime does not check is ignored.
    Path ok =
        TestSupport.writeBundle(
            tmp.resolve("ok-cpu"),
            TestSupport.HOST_SOURCE,
            withCpu.apply(new Manifest.CpuRequirement("x86-64", List.of("sse2", "64bit"))));
    try (Bundle b = Bundle.open(ok)) {
      assertEquals("x86-64", Manifest.read(ok).cpu().name());
    }
  }

  /**
   * Found by mutating a manifest at random: a null in one of its lists was a NullPointerException.
   */
  @Test
  void refusesNullEntriesInTheManifestsLists() throws Exception {
    Path input =
        TestSupport.writeBundle(
            tmp.resolve("input"),
            TestSupport.HOST_SOURCE,
            m -> {
              List<Manifest.TensorSpec> in = new ArrayList<>(m.inputs());
              in.add(0, null);
              return withLists(m, in, m.subgraphs());
            });
    assertEquals("bad bundle " + input + ": inputs: an entry is null", openError(input));

    Path subgraph =
        TestSupport.writeBundle(
            tmp.resolve("subgraph"),
            TestSupport.HOST_SOURCE,
            m -> {
              List<Manifest.SubgraphSpec> sgs = new ArrayList<>(m.subgraphs());
              sgs.add(null);
              return withLists(m, m.inputs(), sgs);
            });
    assertEquals("bad bundle " + subgraph + ": subgraphs: an entry is null", openError(subgraph));

    Path spec =
        TestSupport.writeBundle(
            tmp.resolve("spec"),
            TestSupport.HOST_SOURCE,
            m -> {
              Manifest.SubgraphSpec sg = m.subgraphs().get(0);
              List<Manifest.TensorSpec> outs = new ArrayList<>(sg.outputs());
              outs.set(0, null);
              return withLists(
                  m,
                  m.inputs(),
                  List.of(new Manifest.SubgraphSpec(sg.name(), sg.library(), sg.inputs(), outs)));
            });
    assertEquals(
        "bad bundle " + spec + ": subgraph 'sg0' output: null instead of a tensor spec",
        openError(spec));
  }

  private static Manifest withLists(
      Manifest m, List<Manifest.TensorSpec> inputs, List<Manifest.SubgraphSpec> subgraphs) {
    return new Manifest(
        m.format(),
        m.formatVersion(),
        m.target(),
        m.device(),
        m.entry(),
        m.hostClass(),
        inputs,
        m.outputs(),
        subgraphs,
        m.files());
  }

  @Test
  void refusesHostClassNotImplementingHostProgram() throws Exception {
    Path dir =
        TestSupport.writeBundle(
            tmp.resolve("b"),
            "package dynnc.generated; public final class ForwardHost { }",
            m -> m);
    assertEquals(
        "bad bundle "
            + dir
            + ": host class dynnc.generated.ForwardHost does not implement "
            + "dev.dynnc.runtime.HostProgram",
        openError(dir));
  }

  @Test
  void refusesLibraryThatDisagreesWithTheManifest() throws Exception {
    Path dir =
        TestSupport.writeBundle(
            tmp.resolve("b"),
            TestSupport.HOST_SOURCE,
            m -> {
              Manifest.SubgraphSpec sg = m.subgraphs().get(0);
              return new Manifest(
                  m.format(),
                  m.formatVersion(),
                  m.target(),
                  m.device(),
                  m.entry(),
                  m.hostClass(),
                  m.inputs(),
                  m.outputs(),
                  List.of(
                      new Manifest.SubgraphSpec(
                          sg.name(), sg.library(), sg.inputs(), sg.outputs().subList(0, 2))),
                  m.files());
            });
    assertEquals(
        "bad bundle "
            + dir
            + ": subgraph 'sg0' (lib/sg0.so): library has 3 outputs, manifest declares 2",
        openError(dir));
  }

  @Test
  void validatesInputs() throws Exception {
    try (Bundle b = Bundle.open(TestSupport.writeBundle(tmp.resolve("b")))) {
      assertEquals(
          "input 'x': expected float32[1,4], got float32[1,3]",
          assertThrows(
                  BadInputException.class,
                  () -> b.run(Map.of("x", HostTensor.ofFloats(new long[] {1, 3}, new float[3]))))
              .getMessage());
      assertEquals(
          "input 'x': expected float32[1,4], got float64[]",
          assertThrows(
                  BadInputException.class, () -> b.run(Map.of("x", HostTensor.scalarDouble(1))))
              .getMessage());
      assertEquals(
          "missing input 'x' (expected float32[1,4])",
          assertThrows(BadInputException.class, () -> b.run(Map.of())).getMessage());
      Map<String, HostTensor> extra = new LinkedHashMap<>(input(1, 2, 3, 4));
      extra.put("y", HostTensor.scalarLong(1));
      assertEquals(
          "unknown input 'y'; the model's inputs are: x",
          assertThrows(BadInputException.class, () -> b.run(extra)).getMessage());
      b.run(input(1, 1, 1, 1)); // rejected inputs leave the bundle usable
      assertEquals(List.of(0), b.lastTrace());
    }
  }

  @Test
  void reportsHostProgramFailures() throws Exception {
    String failing =
        TestSupport.HOST_SOURCE.replace(
            "double firstMax = ctx.readDouble(o[1]);", "double firstMax = ctx.readDouble(o[0]);");
    try (Bundle b = Bundle.open(TestSupport.writeBundle(tmp.resolve("b"), failing, m -> m))) {
      HostProgramException e =
          assertThrows(HostProgramException.class, () -> b.run(input(1, 2, 3, 4)));
      assertInstanceOf(IllegalStateException.class, e.getCause());
      assertEquals(
          "host program dynnc.generated.ForwardHost failed: java.lang.IllegalStateException: expected"
              + " a 1-element array to read a scalar from, got float32[1,4]",
          e.getMessage());
      assertEquals(List.of(0), b.lastTrace());
    }
  }

  @Test
  void runsZipBundlesAndDeletesTheirExtraction() throws Exception {
    Path dir = TestSupport.writeBundle(tmp.resolve("b"));
    for (String prefix : new String[] {"", "model/"}) {
      Path zip = tmp.resolve("b" + prefix.length() + ".zip");
      zip(dir, zip, prefix);
      Path extracted;
      try (Bundle b = Bundle.open(zip)) {
        extracted = b.root();
        assertTrue(Files.isDirectory(extracted));
        assertFalse(extracted.startsWith(dir));
        assertArrayEquals(
            new float[] {1, 1.5f, 1, 2},
            b.run(input(-1, 0.5f, -3, 1)).flattenLeaves().get(0).toFloats());
      }
      assertFalse(Files.exists(extracted), "temporary extraction must be deleted on close");
    }
  }

  @Test
  void refusesUnsafeZips() throws Exception {
    Path evil = tmp.resolve("evil.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(evil))) {
      z.putNextEntry(new ZipEntry("../escape.txt"));
      z.write(1);
    }
    assertEquals(
        "bad bundle " + evil + ": zip entry '../escape.txt' contains '..'", openError(evil));
    assertFalse(Files.exists(tmp.resolve("escape.txt")));

    Path big = tmp.resolve("big.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(big))) {
      z.putNextEntry(new ZipEntry("a.bin"));
      z.write(new byte[1000]);
    }
    Path dest = Files.createDirectory(tmp.resolve("dest"));
    assertEquals(
        "bad bundle " + big + ": zip expands to more than 100 bytes",
        assertThrows(BundleException.class, () -> ZipBundles.extract(big, dest, 100, 10))
            .getMessage());
    assertEquals(
        "bad bundle " + big + ": zip has 1 entries, more than the limit of 0",
        assertThrows(BundleException.class, () -> ZipBundles.extract(big, dest, 100, 0))
            .getMessage());
  }

  private static void zip(Path dir, Path zip, String prefix) throws Exception {
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip));
        Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        z.putNextEntry(new ZipEntry(prefix + dir.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, z);
        z.closeEntry();
      }
    }
  }

  private static String openError(Path bundle) {
    return assertThrows(BundleException.class, () -> Bundle.open(bundle).close()).getMessage();
  }
}
