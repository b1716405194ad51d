package dev.dynnc.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Signs bundles and verifies their signatures with Ed25519 (the JDK's own implementation).
 *
 * <p>A bundle is code: its libraries run when it is opened. The manifest's SHA-256 list detects
 * corruption, but whoever can change a file can also rewrite the hashes. A signature settles who
 * made the bundle: {@link #sign} writes {@value #FILE_NAME}, the 64-byte Ed25519 signature of the
 * exact bytes of {@code manifest.json}, and since the manifest holds every other file's SHA-256 the
 * one signature covers the whole bundle. {@link Bundle#open(Path, TrustPolicy)} checks it before it
 * parses the manifest or loads anything.
 *
 * <p>Keys are PEM files as OpenSSL writes them: a PKCS#8 private key ({@code BEGIN PRIVATE KEY})
 * and an X.509 public key ({@code BEGIN PUBLIC KEY}), so {@code openssl genpkey -algorithm ed25519}
 * keys work too.
 */
public final class BundleSignature {
  /** The detached signature at the bundle root, next to {@code manifest.json}. */
  public static final String FILE_NAME = "manifest.sig";

  private static final String ALGORITHM = "Ed25519";
  private static final int SIGNATURE_BYTES = 64;

  /** Key files are a few hundred bytes; anything much larger is not a key and is not read. */
  private static final long MAX_KEY_FILE_BYTES = 16 * 1024;

  private static final String PRIVATE_PEM = "PRIVATE KEY";
  private static final String PUBLIC_PEM = "PUBLIC KEY";

  /** Files of a bundle root that the manifest does not list: itself and its signature. */
  public static final Set<String> UNLISTED = Set.of(Manifest.FILE_NAME, FILE_NAME);

  private BundleSignature() {}

  /** A key file that cannot be used: missing, unreadable, of the wrong kind, or malformed. */
  public static final class KeyFileException extends Exception {
    private static final long serialVersionUID = 1L;

    KeyFileException(Path file, String problem) {
      super(file + ": " + problem);
    }
  }

  /** A fresh Ed25519 key pair. */
  public static KeyPair generateKeyPair() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK lacks Ed25519", e);
    }
  }

  /**
   * Writes a key pair as PEM; the private key file is created readable by its owner only (0600 from
   * the start, not chmod-ed later). Neither file may exist beforehand: an existing key is never
   * overwritten.
   *
   * @throws FileAlreadyExistsException naming the first file that exists; nothing is written then
   */
  public static void writeKeyPair(KeyPair pair, Path privateFile, Path publicFile)
      throws IOException {
    for (Path p : List.of(privateFile, publicFile)) {
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(
            p.toString(), null, "exists; dynnc never overwrites a key file");
      }
    }
    byte[] priv = pem(PRIVATE_PEM, pair.getPrivate().getEncoded());
    boolean posix =
        privateFile
            .toAbsolutePath()
            .getFileSystem()
            .supportedFileAttributeViews()
            .contains("posix");
    if (posix) {
      Files.createFile(
          privateFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(privateFile);
    }
    boolean ok = false;
    try {
      Files.write(privateFile, priv, StandardOpenOption.TRUNCATE_EXISTING);
      Files.write(
          publicFile,
          pem(PUBLIC_PEM, pair.getPublic().getEncoded()),
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
      ok = true;
    } finally {
      if (!ok) {
        Files.deleteIfExists(privateFile);
      }
    }
  }

  public static PrivateKey readPrivateKey(Path file) throws KeyFileException {
    byte[] der =
        readPem(
            file, PRIVATE_PEM, PUBLIC_PEM, "holds a public key, but signing needs the private key");
    return decode(file, "private", f -> f.generatePrivate(new PKCS8EncodedKeySpec(der)));
  }

  public static PublicKey readPublicKey(Path file) throws KeyFileException {
    byte[] der =
        readPem(
            file,
            PUBLIC_PEM,
            PRIVATE_PEM,
            "holds a private key, but checking needs the public key (never hand out the private one)");
    return decode(file, "public", f -> f.generatePublic(new X509EncodedKeySpec(der)));
  }

  private interface KeyDecoder<K> {
    K decode(KeyFactory ed25519) throws InvalidKeySpecException;
  }

  private static <K> K decode(Path file, String kind, KeyDecoder<K> decoder)
      throws KeyFileException {
    try {
      return decoder.decode(KeyFactory.getInstance(ALGORITHM));
    } catch (InvalidKeySpecException e) {
      throw new KeyFileException(file, "not an Ed25519 " + kind + " key");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK lacks Ed25519", e);
    }
  }

  /**
   * Signs the bundle's {@code manifest.json} as it is on disk, writing {@value #FILE_NAME} beside
   * it.
   */
  public static void sign(Path bundleDir, PrivateKey key) throws IOException {
    byte[] manifest = Files.readAllBytes(bundleDir.resolve(Manifest.FILE_NAME));
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initSign(key);
      s.update(manifest);
      IoUtil.writeAtomically(bundleDir.resolve(FILE_NAME), s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  /**
   * Checks that {@code manifest} (the bytes about to be parsed) carries a signature in {@code root}
   * by one of the policy's keys; a policy without keys accepts every bundle, as before signatures
   * existed.
   */
  static void verify(Path source, Path root, byte[] manifest, TrustPolicy policy)
      throws BundleException {
    if (policy.trustedKeys().isEmpty()) {
      return;
    }
    Path file = root.resolve(FILE_NAME);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new BundleException(
          "bad bundle "
              + source
              + ": it is not signed (no "
              + FILE_NAME
              + "), and only bundles signed by a trusted key may be opened");
    }
    byte[] sig;
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
          || Files.size(file) != SIGNATURE_BYTES) {
        throw new BundleException(
            "bad bundle "
                + source
                + ": "
                + FILE_NAME
                + " is not an Ed25519 signature ("
                + SIGNATURE_BYTES
                + " bytes expected)");
      }
      sig = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new BundleException(
          "bad bundle " + source + ": cannot read " + FILE_NAME + ": " + e.getMessage(), e);
    }
    for (PublicKey key : policy.trustedKeys()) {
      if (verifies(manifest, sig, key)) {
        return;
      }
    }
    throw new BundleException(
        "bad bundle "
            + source
            + ": its signature does not verify with any trusted key;"
            + " it was modified after signing, or signed by a key that is not trusted");
  }

  private static boolean verifies(byte[] data, byte[] sig, PublicKey key) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initVerify(key);
      s.update(data);
      return s.verify(sig);
    } catch (SignatureException | InvalidKeyException e) {
      return false; // a malformed signature verifies with no key
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK lacks Ed25519", e);
    }
  }

  private static byte[] pem(String type, byte[] der) {
    return ("-----BEGIN "
            + type
            + "-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
            + "\n-----END "
            + type
            + "-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The DER inside a PEM file of {@code type}; names the other kind of key when the user swapped
   * them.
   */
  private static byte[] readPem(Path file, String type, String otherType, String otherProblem)
      throws KeyFileException {
    String text;
    try {
      if (!Files.exists(file)) {
        throw new KeyFileException(file, "no such key file");
      }
      if (!Files.isRegularFile(file) || Files.size(file) > MAX_KEY_FILE_BYTES) {
        throw new KeyFileException(
            file, "not a key file (a PEM file of at most " + MAX_KEY_FILE_BYTES + " bytes)");
      }
      text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new KeyFileException(file, "cannot read: " + e.getMessage());
    }
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    if (text.startsWith("-----BEGIN " + otherType + "-----")) {
      throw new KeyFileException(file, otherProblem);
    }
    if (!text.startsWith(begin) || !text.endsWith(end)) {
      throw new KeyFileException(
          file,
          "not a PEM "
              + type.toLowerCase(java.util.Locale.ROOT)
              + " file (expected '"
              + begin
              + "')");
    }
    try {
      return Base64.getMimeDecoder()
          .decode(text.substring(begin.length(), text.length() - end.length()));
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(file, "damaged PEM data: " + e.getMessage());
    }
  }
}
