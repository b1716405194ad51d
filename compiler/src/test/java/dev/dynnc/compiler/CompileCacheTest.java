package dev.dynnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.compiler.DynncCompilerTest.FakeService;
import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostic;
import dev.dynnc.weights.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compile cache with a fake compile service: what is compiled again after what change, corrupt
 * entries, and cache directories that must not be trusted. {@link DynncCompilerTest#MODEL} has
 * three subgraphs: the condition, with {@code fc}'s weights compiled in, and the two sides of the
 * branch, which take {@code head}'s weight as an input.
 */
class CompileCacheTest {
  static final String[] NAMES = {"fc.weight", "fc.bias", "head.weight", "head.bias"};
  static final long[][] SHAPES = {{4, 4}, {4}, {2048, 4}, {2048}};

  @TempDir static Path dir;
  static Path weights;
  static int bundles;

  @BeforeAll
  static void writeModel() throws IOException {
    weights = writeModel(dir);
  }

  /**
   * Writes {@link DynncCompilerTest#MODEL} as {@code src/m/net.py} under {@code dir}, and its
   * weights; returns the weights file.
   */
  static Path writeModel(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("src/m"));
    Files.writeString(dir.resolve("src/m/__init__.py"), "");
    Files.writeString(dir.resolve("src/m/net.py"), DynncCompilerTest.MODEL);
    Path w = dir.resolve("net.safetensors");
    DynncCompilerTest.writeSafetensors(w, NAMES, SHAPES);
    return w;
  }

  /** A compile result with the service's requests and the warnings reported on the way. */
  record Run(CompileResult result, FakeService service, List<Diagnostic> warnings, Path bundle) {}

  static Run compile(Path cache, Path weightsFile) throws IOException {
    return compile(cache, weightsFile, new FakeService(null));
  }

  static Run compile(Path cache, Path weightsFile, FakeService fake) throws IOException {
    List<Diagnostic> reported = new ArrayList<>();
    Path out = dir.resolve("bundle" + bundles++);
    CompileResult r =
        DynncCompiler.builder()
            .hostProgram(DynncCompiler.HostProgram.JAVA)
            .compileService(fake)
            .cacheDir(cache)
            .diagnostics((d, s) -> reported.add(d))
            .build()
            .compile(
                DynncCompilerTest.request(
                    dir.resolve("src"), weightsFile, Checkpoints.Selection.NONE, out));
    assertTrue(r.ok(), r::renderDiagnostics);
    return new Run(r, fake, reported, out);
  }

  @Test
  void aSecondCompileOfTheSameModelCompilesNothing() throws Exception {
    Path cache = dir.resolve("same");
    Run first = compile(cache, weights);
    assertEquals(3, first.service().requests.size());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
    Run second = compile(cache, weights);
    assertEquals(0, second.service().requests.size(), "every subgraph comes from the cache");
    assertEquals(List.of(), second.warnings());
    for (String f : List.of("lib/sg0.so", "lib/sg1.so", "lib/sg2.so", "relay/sg2.relay")) {
      assertEquals(
          Files.readString(first.bundle().resolve(f)),
          Files.readString(second.bundle().resolve(f)),
          f);
    }
    assertEquals("fake library 3", Files.readString(second.bundle().resolve("lib/sg2.so")));
    // A library from the cache is executable (less the umask), as one the linker writes.
    assertTrue(
        Files.getPosixFilePermissions(second.bundle().resolve("lib/sg0.so"))
            .contains(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE));
    // The host class comes from the cache too (rule HOST-CACHE): the same bytes as javac's, not
    // executable.
    Path hostClass = Path.of("host/classes/dynnc/generated/Host.class");
    assertTrue(
        java.util.Arrays.equals(
            Files.readAllBytes(first.bundle().resolve(hostClass)),
            Files.readAllBytes(second.bundle().resolve(hostClass))));
    assertTrue(
        !Files.getPosixFilePermissions(second.bundle().resolve(hostClass))
            .contains(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE));
    assertTrue(!Files.exists(second.bundle().resolve("host/.cached-source")));
    try (Stream<Path> s = Files.list(cache)) {
      assertEquals(
          4,
          s.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}")).count(),
          "three libraries, the host class, and no temporaries");
    }
  }

  @Test
  void aChangedWeightRecompilesOnlyTheSubgraphItIsCompiledInto() throws Exception {
    Path cache = dir.resolve("weights");
    compile(cache, weights);
    Path changed = dir.resolve("changed-fc.safetensors");
    writeWithFirstFloatOf(changed, 0, 0.5f);
    Run r = compile(cache, changed);
    assertEquals(1, r.service().requests.size(), "only the condition holds fc.weight");
    assertTrue(
        r.service().ops(0).containsAll(List.of("linear", "relu", "gt")),
        r.service().ops(0)::toString);
    // head's weight is the branches' input, stored beside the libraries, so changing it compiles
    // nothing.
    Path head = dir.resolve("changed-head.safetensors");
    writeWithFirstFloatOf(head, 4 * 4 + 4, 0.5f);
    assertEquals(0, compile(cache, head).service().requests.size());
  }

  @Test
  void theKeyIgnoresMemberOrderAndFilePathsButNotContent() throws Exception {
    Path w1 = Files.write(dir.resolve("w1.bin"), new byte[] {1, 2, 3});
    Path w2 = Files.write(dir.resolve("w2.bin"), new byte[] {1, 2, 3});
    Path w3 = Files.write(dir.resolve("w3.bin"), new byte[] {1, 2, 4});
    String a =
        key(
            "{\"ops\":[{\"id\":0,\"dtype\":\"float32\"}],\"target\":\"llvm\",\"weights_file\":\""
                + w1
                + "\",\"output\":\"/a/sg0.so\",\"relay_file\":\"/a/r\",\"error_file\":\"/a/e\"}");
    // The same request written by another JVM (Map.of orders members differently) for another
    // bundle.
    String b =
        key(
            "{\"error_file\":\"/b/e\",\"target\":\"llvm\",\"ops\":[{\"dtype\":\"float32\",\"id\":0}],"
                + "\"output\":\"/b/sg1.so\",\"relay_file\":\"/b/r\",\"weights_file\":\""
                + w2
                + "\"}");
    assertEquals(a, b);
    assertTrue(a.matches("[0-9a-f]{64}"), a);
    String otherWeights =
        key(
            "{\"ops\":[{\"id\":0,\"dtype\":\"float32\"}],\"target\":\"llvm\",\"weights_file\":\""
                + w3
                + "\"}");
    String otherOps =
        key(
            "{\"ops\":[{\"id\":0,\"dtype\":\"float64\"}],\"target\":\"llvm\",\"weights_file\":\""
                + w1
                + "\"}");
    assertEquals(
        4,
        java.util.Set.of(
                a,
                otherWeights,
                otherOps,
                CompileCache.key(
                    Files.writeString(dir.resolve("r.json"), "{\"weights_file\":\"" + w1 + "\"}"),
                    "x",
                    "1"))
            .size());
  }

  private static String key(String requestJson) throws IOException {
    return CompileCache.key(
        Files.writeString(dir.resolve("request.json"), requestJson), "tvm 1", "0.1");
  }

  @Test
  void tuningKeysFollowTheRecordsContent() throws Exception {
    String key = "a".repeat(64);
    Path r1 = Files.writeString(dir.resolve("records1.json"), "{\"r\": 1}\n");
    Path r2 = Files.writeString(dir.resolve("records2.json"), "{\"r\": 1}\n");
    Path r3 = Files.writeString(dir.resolve("records3.json"), "{\"r\": 2}\n");
    // The same records under another name build the same library; other records another one.
    assertEquals(CompileCache.tunedKey(key, r1), CompileCache.tunedKey(key, r2));
    assertNotEquals(CompileCache.tunedKey(key, r1), CompileCache.tunedKey(key, r3));
    assertNotEquals(CompileCache.tunedKey(key, r1), CompileCache.tunedKey("b".repeat(64), r1));
    // Records, tuned and untuned libraries never share an entry.
    assertNotEquals(key, CompileCache.recordsKey(key));
    assertNotEquals(CompileCache.recordsKey(key), CompileCache.tunedKey(key, r1));
  }

  @Test
  void anotherCompilerIdentityCompilesAgain() throws Exception {
    Path cache = dir.resolve("identity");
    compile(cache, weights);
    FakeService newerTvm =
        new FakeService(null) {
          @Override
          public String identity() {
            return "a newer TVM";
          }
        };
    assertEquals(3, compile(cache, weights, newerTvm).service().requests.size());
  }

  @Test
  void aCorruptEntryIsCompiledAgainNeverCopied() throws Exception {
    Path cache = dir.resolve("corrupt");
    compile(cache, weights);
    List<Path> entries;
    try (Stream<Path> s = Files.list(cache)) {
      entries = s.sorted().toList();
    }
    Files.writeString(entries.get(0).resolve("lib.so"), "planted library");
    Run r = compile(cache, weights);
    assertEquals(1, r.service().requests.size());
    assertEquals(1, r.warnings().size(), r.warnings()::toString);
    assertEquals(Code.DN0408, r.warnings().get(0).code());
    assertTrue(
        r.warnings()
            .get(0)
            .message()
            .matches(
                "compile cache entry [0-9a-f]{12} for subgraph sg\\d does not "
                    + "match its hashes; it was removed and the subgraph is compiled again"),
        r.warnings().get(0).message());
    try (Stream<Path> s = Files.walk(r.bundle())) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        assertTrue(
            !Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1).contains("planted"),
            p::toString);
      }
    }
    // The recompiled library replaced the entry: the next compile finds all three intact.
    Run again = compile(cache, weights);
    assertEquals(0, again.service().requests.size());
    assertEquals(List.of(), again.warnings());
  }

  @Test
  void anUntrustworthyDirectoryIsRefusedAndTheCompileRunsWithoutIt() throws Exception {
    Path real =
        Files.createDirectory(
            dir.resolve("real"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    Path open = Files.createDirectory(dir.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path group = Files.createDirectory(dir.resolve("group"));
    Files.setPosixFilePermissions(group, PosixFilePermissions.fromString("rwxrwx---"));
    Path file = Files.writeString(dir.resolve("file"), "");
    String[][] cases = {
      {link.toString(), "is a symbolic link"},
      {open.toString(), "is writable by others (mode rwxrwxrwx); make it private with chmod 700"},
      {
        group.toString(),
        "is writable by its group (mode rwxrwx---); make it private with chmod 700"
      },
      {file.toString(), "is not a directory"},
    };
    for (String[] c : cases) {
      Path cache = Path.of(c[0]);
      Run r = compile(cache, weights);
      assertEquals(3, r.service().requests.size(), "no cache is read: " + c[0]);
      assertEquals(1, r.warnings().size());
      assertEquals(Code.DN0408, r.warnings().get(0).code());
      assertEquals(
          "compile cache " + cache + " is not used: it " + c[1] + "; compiling without a cache",
          r.warnings().get(0).message());
    }
    for (Path d : List.of(real, open, group)) {
      try (Stream<Path> s = Files.list(d)) {
        assertEquals(List.of(), s.toList(), "nothing written to " + d);
      }
    }
  }

  @Test
  void anotherUsersDirectoryIsRefused() throws Exception {
    // As root, a directory given to nobody (uid 65534); as anyone else, the root directory, which
    // root owns.
    Path cache = Path.of("/");
    if (Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0)) {
      cache = Files.createDirectory(dir.resolve("nobodys"));
      Files.setAttribute(cache, "unix:uid", 65534);
    }
    Run r = compile(cache, weights);
    assertEquals(3, r.service().requests.size());
    assertTrue(
        r.warnings()
            .get(0)
            .message()
            .matches(
                "compile cache "
                    + cache.toString().replace("/", "\\/")
                    + " is not used: it is owned by \\S+, not by this user; compiling without a cache"),
        r.warnings().get(0).message());
  }

  /** The test checkpoint with float number {@code index} (in file order) set to {@code value}. */
  static void writeWithFirstFloatOf(Path file, int index, float value) throws IOException {
    DynncCompilerTest.writeSafetensors(file, NAMES, SHAPES);
    byte[] b = Files.readAllBytes(file);
    long headerLength =
        java.nio.ByteBuffer.wrap(b, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    java.nio.ByteBuffer.wrap(b)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putFloat((int) (8 + headerLength + 4L * index), value);
    Files.write(file, b);
  }
}
