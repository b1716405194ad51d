package dev.dynnc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed bundles: a bundle signed with one key opens under a policy trusting it, and every other
 * bundle (unsigned, signed by another key, with a damaged signature, or with a library swapped and
 * the hashes recomputed) is refused before any of its code is loaded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BundleSignatureTest {
  @TempDir Path tmp;

  KeyPair key;
  KeyPair other;
  TrustPolicy trustKey;

  @BeforeAll
  void keys() {
    key = BundleSignature.generateKeyPair();
    other = BundleSignature.generateKeyPair();
    trustKey = TrustPolicy.signedBy(List.of(key.getPublic()));
  }

  private Path signedBundle(String name) throws Exception {
    Path dir = TestSupport.writeBundle(tmp.resolve(name));
    BundleSignature.sign(dir, key.getPrivate());
    return dir;
  }

  private static float[] run(Bundle b) throws Exception {
    return b.run(Map.of("x", HostTensor.ofFloats(new long[] {1, 4}, new float[] {-1, 0.5f, -3, 1})))
        .flattenLeaves()
        .get(0)
        .toFloats();
  }

  private static String openError(Path dir, TrustPolicy policy) {
    return assertThrows(BundleException.class, () -> Bundle.open(dir, policy).close()).getMessage();
  }

  @Test
  void signedBundleOpensUnderATrustedKeyAmongOthers() throws Exception {
    Path dir = signedBundle("b");
    assertEquals(64, Files.size(dir.resolve(BundleSignature.FILE_NAME)));
    try (Bundle b =
        Bundle.open(dir, TrustPolicy.signedBy(List.of(other.getPublic(), key.getPublic())))) {
      assertArrayEquals(new float[] {1, 1.5f, 1, 2}, run(b));
    }
    // The signature is not a bundle file: re-hashing leaves it out and the manifest bytes
    // unchanged.
    assertFalse(Manifest.hashFiles(dir).containsKey(BundleSignature.FILE_NAME));
  }

  /**
   * Rule PRIVATE-COPY: under a trust policy a directory bundle is loaded from a private copy made
   * before checking.
   */
  @Test
  void signedDirectoryIsLoadedFromAPrivateCopy() throws Exception {
    Path dir = signedBundle("copied");
    Path root;
    try (Bundle b = Bundle.open(dir, trustKey)) {
      root = b.root();
      assertFalse(root.startsWith(dir.toAbsolutePath()), "loaded in place: " + root);
      assertEquals(
          "[OWNER_READ, OWNER_WRITE, OWNER_EXECUTE]",
          new java.util.TreeSet<>(Files.getPosixFilePermissions(root)).toString());
      // What the bundle directory holds after the check no longer matters to the open bundle.
      try (var files = Files.walk(dir)) {
        for (Path p : files.filter(Files::isRegularFile).toList()) {
          Files.write(p, new byte[] {0});
        }
      }
      assertArrayEquals(new float[] {1, 1.5f, 1, 2}, run(b));
    }
    assertFalse(Files.exists(root), "the private copy outlived close()");
    Path linked = signedBundle("linked");
    Files.createSymbolicLink(linked.resolve("extra"), tmp);
    assertEquals(
        "bad bundle " + linked + ": 'extra' is a symbolic link", openError(linked, trustKey));
  }

  @Test
  void refusesUnsignedBundlesAndBundlesSignedByAnotherKey() throws Exception {
    Path unsigned = TestSupport.writeBundle(tmp.resolve("unsigned"));
    assertEquals(
        "bad bundle "
            + unsigned
            + ": it is not signed (no manifest.sig), and only bundles signed by a "
            + "trusted key may be opened",
        openError(unsigned, trustKey));
    try (Bundle b = Bundle.open(unsigned)) {
      run(b); // without a policy an intact unsigned bundle runs, as before signatures existed
    }
    Path dir = signedBundle("b");
    assertEquals(
        "bad bundle "
            + dir
            + ": its signature does not verify with any trusted key; it was modified "
            + "after signing, or signed by a key that is not trusted",
        openError(dir, TrustPolicy.signedBy(List.of(other.getPublic()))));
  }

  @Test
  void refusesDamagedSignatures() throws Exception {
    Path dir = signedBundle("b");
    Path sig = dir.resolve(BundleSignature.FILE_NAME);
    byte[] good = Files.readAllBytes(sig);
    byte[] flipped = good.clone();
    flipped[10] ^= 1;
    Files.write(sig, flipped);
    assertTrue(
        openError(dir, trustKey)
            .endsWith(
                ": its signature does not verify with any trusted key; it was "
                    + "modified after signing, or signed by a key that is not trusted"));
    Files.write(sig, new byte[64]); // not even a valid curve point
    assertTrue(openError(dir, trustKey).contains("does not verify"));
    Files.write(sig, "not a signature\n".getBytes());
    assertEquals(
        "bad bundle " + dir + ": manifest.sig is not an Ed25519 signature (64 bytes expected)",
        openError(dir, trustKey));
    Files.delete(sig);
    Files.createDirectory(sig);
    assertEquals(
        "bad bundle " + dir + ": manifest.sig is not an Ed25519 signature (64 bytes expected)",
        openError(dir, trustKey));
  }

  @Test
  void editedManifestIsRefusedEvenWithValidJson() throws Exception {
    Path dir = signedBundle("b");
    Manifest m = Manifest.read(dir);
    new Manifest(
            m.format(),
            m.formatVersion(),
            m.target(),
            m.device(),
            "other",
            m.hostClass(),
            m.inputs(),
            m.outputs(),
            m.subgraphs(),
            m.files())
        .write(dir);
    assertTrue(openError(dir, trustKey).contains("does not verify"));
  }

  /**
   * The attack of issue 5: swap a library for one whose constructor runs code, and recompute the
   * manifest's hashes. Hash checking alone loads it (the constructor runs); a trust policy refuses
   * it first.
   */
  @Test
  void swappedLibraryWithRecomputedHashesNeverRunsUnderTrust() throws Exception {
    Path marker = tmp.resolve("constructor-ran");
    Path c = tmp.resolve("evil.c");
    Files.writeString(
        c,
        "#include <stdio.h>\n__attribute__((constructor)) static void ran(void) {\n"
            + "  FILE *f = fopen(MARKER, \"w\");\n  if (f) fclose(f);\n}\n");
    Path evil = tmp.resolve("evil.so");
    Process gcc =
        new ProcessBuilder(
                "gcc",
                "-shared",
                "-fPIC",
                "-DMARKER=\"" + marker + "\"",
                "-o",
                evil.toString(),
                c.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(gcc.getInputStream().readAllBytes());
    assertEquals(0, gcc.waitFor(), log);

    Path dir = signedBundle("b");
    Files.copy(evil, dir.resolve("lib/sg0.so"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Manifest.read(dir).withFiles(Manifest.hashFiles(dir)).write(dir);

    assertTrue(openError(dir, trustKey).contains("its signature does not verify"));
    assertFalse(Files.exists(marker), "the swapped library's constructor ran under a trust policy");
    // Control: the same bundle under hash checking alone does load the library, so the marker is
    // meaningful.
    assertTrue(openError(dir, TrustPolicy.HASHES_ONLY).contains("subgraph 'sg0'"));
    assertTrue(Files.exists(marker), "the swapped library was not loaded without a trust policy");
  }

  @Test
  void keyFilesAreNeverOverwrittenAndThePrivateKeyIsOwnerOnly() throws Exception {
    Path priv = tmp.resolve("k");
    Path pub = tmp.resolve("k.pub");
    KeyPair pair = BundleSignature.generateKeyPair();
    BundleSignature.writeKeyPair(pair, priv, pub);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)));
    assertEquals(pair.getPublic(), BundleSignature.readPublicKey(pub));
    assertEquals(pair.getPrivate(), BundleSignature.readPrivateKey(priv));
    String before = Files.readString(priv);

    Path fresh = tmp.resolve("fresh");
    assertEquals(
        pub.toString(),
        assertThrows(
                FileAlreadyExistsException.class,
                () -> BundleSignature.writeKeyPair(BundleSignature.generateKeyPair(), fresh, pub))
            .getFile());
    assertFalse(Files.exists(fresh), "nothing is written when one of the files exists");
    assertThrows(
        FileAlreadyExistsException.class,
        () ->
            BundleSignature.writeKeyPair(
                BundleSignature.generateKeyPair(), priv, tmp.resolve("x.pub")));
    assertEquals(before, Files.readString(priv));
  }

  @Test
  void badKeyFilesSayWhatIsWrong() throws Exception {
    Path priv = tmp.resolve("k");
    Path pub = tmp.resolve("k.pub");
    BundleSignature.writeKeyPair(BundleSignature.generateKeyPair(), priv, pub);
    assertEquals(
        priv
            + ": holds a private key, but checking needs the public key (never hand out the private one)",
        keyError(() -> BundleSignature.readPublicKey(priv)));
    assertEquals(
        pub + ": holds a public key, but signing needs the private key",
        keyError(() -> BundleSignature.readPrivateKey(pub)));
    Path missing = tmp.resolve("missing.pem");
    assertEquals(
        missing + ": no such key file", keyError(() -> BundleSignature.readPublicKey(missing)));
    assertEquals(
        "/dev/zero: not a key file (a PEM file of at most 16384 bytes)",
        keyError(() -> BundleSignature.readPublicKey(Path.of("/dev/zero"))));
    Path text = Files.writeString(tmp.resolve("text.pem"), "hello\n");
    assertEquals(
        text + ": not a PEM public key file (expected '-----BEGIN PUBLIC KEY-----')",
        keyError(() -> BundleSignature.readPublicKey(text)));
    // An RSA public key is well-formed PEM but not Ed25519.
    java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    Path rsaPub =
        Files.writeString(
            tmp.resolve("rsa.pem"),
            "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder()
                    .encodeToString(rsa.generateKeyPair().getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
    assertEquals(
        rsaPub + ": not an Ed25519 public key",
        keyError(() -> BundleSignature.readPublicKey(rsaPub)));
  }

  private interface KeyRead {
    Object read() throws Exception;
  }

  private static String keyError(KeyRead r) {
    return assertThrows(BundleSignature.KeyFileException.class, r::read).getMessage();
  }
}
