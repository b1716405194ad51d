package dev.dynnc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.runtime.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed bundles through the CLI: {@code keygen}, {@code compile --sign}, and {@code run}/{@code
 * bench --trust} accepting the signed bundle and refusing, with exit 1 and one clear line, a bundle
 * signed by another key, a damaged signature, and a library swapped with the hashes recomputed,
 * whose constructor must never run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignedBundleTest {
  static final String MODEL =
      String.join(
          "\n",
          "import torch.nn as nn",
          "",
          "",
          "class Tiny(nn.Module):",
          "    def __init__(self):",
          "        super().__init__()",
          "        self.fc = nn.Linear(4, 2)",
          "",
          "    def forward(self, x):",
          "        return self.fc(x).relu()",
          "");

  Path work;
  Path signed;
  Path input;

  @BeforeAll
  void compileSigned(@TempDir Path dir) throws Exception {
    work = dir;
    ok(
        EarlyExitCnnTest.cli(
            "keygen",
            "--out-private",
            dir.resolve("k").toString(),
            "--out-public",
            dir.resolve("k.pub").toString()));
    ok(
        EarlyExitCnnTest.cli(
            "keygen",
            "--out-private",
            dir.resolve("o").toString(),
            "--out-public",
            dir.resolve("o.pub").toString()));
    Files.createDirectories(dir.resolve("src"));
    Files.writeString(dir.resolve("src/tiny.py"), MODEL);
    signed = dir.resolve("signed.bundle");
    ok(
        EarlyExitCnnTest.cli(
            "compile",
            "--source-root",
            dir.resolve("src").toString(),
            "--entry",
            "tiny:Tiny()",
            "--input",
            "x=float32[1,4]",
            "--weights",
            HostileCorpusTest.CORPUS.resolve("files/inject_model.pt").toString(),
            "-o",
            signed.toString(),
            "--sign",
            dir.resolve("k").toString()));
    input = HostileCorpusTest.CORPUS.resolve("files/x_1x4.npy");
  }

  static EarlyExitCnnTest.Cli ok(EarlyExitCnnTest.Cli c) {
    assertEquals(0, c.code(), c.out() + c.err());
    return c;
  }

  EarlyExitCnnTest.Cli run(Path bundle, String key) {
    return EarlyExitCnnTest.cli(
        "run",
        bundle.toString(),
        "--input",
        "x=" + input,
        "--output-dir",
        work.resolve("out-" + System.nanoTime()).toString(),
        "--trust",
        work.resolve(key).toString());
  }

  /** A copy of the signed bundle to damage. */
  Path copy(String name) throws Exception {
    Path to = work.resolve(name);
    try (Stream<Path> s = Files.walk(signed)) {
      for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
        Files.copy(p, to.resolve(signed.relativize(p).toString()));
      }
    }
    return to;
  }

  @Test
  void signedBundleRunsAndBenchesUnderItsKey() {
    assertTrue(Files.isRegularFile(signed.resolve("manifest.sig")));
    assertTrue(ok(run(signed, "k.pub")).out().contains("wrote 1 output(s)"));
    EarlyExitCnnTest.Cli b =
        ok(
            EarlyExitCnnTest.cli(
                "bench",
                signed.toString(),
                "--input",
                "x=" + input,
                "--warmup",
                "1",
                "--iterations",
                "2",
                "--trust",
                work.resolve("o.pub").toString(),
                "--trust",
                work.resolve("k.pub").toString()));
    assertTrue(b.out().contains("x_1x4.npy"), b.out());
  }

  @Test
  void anotherKeysBundleIsRefused() {
    EarlyExitCnnTest.Cli c = run(signed, "o.pub");
    assertEquals(1, c.code());
    assertEquals(
        "error[DN0403]: bad bundle "
            + signed
            + ": its signature does not verify with any trusted key; it was"
            + " modified after signing, or signed by a key that is not trusted\n",
        c.err());
  }

  @Test
  void damagedSignatureIsRefused() throws Exception {
    Path dir = copy("damaged.bundle");
    Files.write(dir.resolve("manifest.sig"), new byte[] {1, 2, 3});
    EarlyExitCnnTest.Cli c = run(dir, "k.pub");
    assertEquals(1, c.code());
    assertEquals(
        "error[DN0403]: bad bundle "
            + dir
            + ": manifest.sig is not an Ed25519 signature (64 bytes expected)\n",
        c.err());
  }

  @Test
  void swappedLibraryWithRecomputedHashesIsRefusedBeforeItRuns() throws Exception {
    Path marker = work.resolve("constructor-ran");
    Path c =
        Files.writeString(
            work.resolve("evil.c"),
            "#include <stdio.h>\n"
                + "__attribute__((constructor)) static void ran(void) { FILE *f = fopen(MARKER, \"w\"); if (f) fclose(f); }\n");
    Path dir = copy("swapped.bundle");
    Process gcc =
        new ProcessBuilder(
                "gcc",
                "-shared",
                "-fPIC",
                "-DMARKER=\"" + marker + "\"",
                "-o",
                dir.resolve("lib/sg0.so").toString(),
                c.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(gcc.getInputStream().readAllBytes());
    assertEquals(0, gcc.waitFor(), log);
    Manifest.read(dir).withFiles(Manifest.hashFiles(dir)).write(dir);
    for (String cmd : new String[] {"run", "bench"}) {
      EarlyExitCnnTest.Cli r =
          cmd.equals("run")
              ? run(dir, "k.pub")
              : EarlyExitCnnTest.cli(
                  "bench",
                  dir.toString(),
                  "--input",
                  "x=" + input,
                  "--trust",
                  work.resolve("k.pub").toString());
      assertEquals(1, r.code(), r.err());
      assertTrue(
          r.err()
              .startsWith("error[DN0403]: bad bundle " + dir + ": its signature does not verify"),
          r.err());
      assertFalse(Files.exists(marker), "the swapped library's constructor ran under --trust");
    }
  }
}
