package dev.dynnc.compiler;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.dynnc.backend.RelayExport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A content-addressed store of compiled subgraph libraries, so that compiling an unchanged subgraph
 * again costs a hash instead of a TVM compile.
 *
 * <p>An entry's key is the SHA-256 of everything that decides the library: the compile request as
 * {@link RelayExport} writes it (ops, types, attributes, target) less its file paths, the bytes of
 * the weights compiled into it, the compile service's {@link
 * dev.dynnc.backend.CompileService#identity identity} (TVM's version, the host CPU, {@code
 * relay_builder.py}) and dynnc's version. An entry is a directory named by its key holding the
 * library, the Relay text and their SHA-256s. It is assembled under a temporary name and renamed
 * into place, so no reader sees half an entry, and it is verified on every read: an entry whose
 * files do not match its hashes is deleted and compiled again, never copied into a bundle.
 *
 * <p>The same store keeps generated host classes ({@link #hostKey}): the entry's library file then
 * holds the class file and its text file the Java source.
 *
 * <p>The directory must be the user's own, because a library placed in it runs when a bundle is
 * opened: it is created with mode 0700, and {@link #open} refuses it (the compile then runs without
 * a cache) when it is a symbolic link, is owned by another user, or is writable by group or others.
 */
final class CompileCache {
  private static final String LIB = "lib.so";
  private static final String RELAY = "relay.txt";
  private static final String DIGESTS = "sha256";
  private static final String TEMP_PREFIX = ".tmp-";

  /** A temporary entry older than this belongs to a killed compile and is removed. */
  private static final Duration STALE = Duration.ofHours(1);

  /**
   * Bumped when the key's make-up or the entry layout changes, so old entries are simply never
   * found.
   */
  private static final String FORMAT = "dynnc compile cache 1";

  private final Path dir;

  private CompileCache(Path dir) {
    this.dir = dir;
  }

  /** Why a cache directory was not used; the message says which directory and why. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  /**
   * Opens (creating with mode 0700 if missing) the cache in {@code dir}, or says why it will not be
   * used.
   */
  static CompileCache open(Path dir) throws Refused {
    Path abs = dir.toAbsolutePath().normalize();
    try {
      if (!Files.exists(abs, NOFOLLOW_LINKS)) {
        Files.createDirectories(abs.getParent());
        try {
          Files.createDirectory(
              abs,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
          // Created by someone else meanwhile: checked below like any existing directory.
        }
      }
      String why = insecurity(abs);
      if (why != null) {
        throw new Refused(
            "compile cache " + abs + " is not used: it " + why + "; compiling without a cache");
      }
      removeStaleTemporaries(abs);
    } catch (IOException | UnsupportedOperationException e) {
      throw new Refused(
          "compile cache "
              + abs
              + " is not used: "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + "; compiling without a cache");
    }
    return new CompileCache(abs);
  }

  /**
   * What makes {@code dir} unsafe to load libraries from, or null when it is the user's own private
   * directory.
   */
  private static String insecurity(Path dir) throws IOException {
    if (Files.isSymbolicLink(dir)) {
      return "is a symbolic link";
    }
    PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, NOFOLLOW_LINKS);
    if (!a.isDirectory()) {
      return "is not a directory";
    }
    if (!ownedByThisUser(dir)) {
      return "is owned by " + a.owner().getName() + ", not by this user";
    }
    Set<PosixFilePermission> p = a.permissions();
    if (p.contains(PosixFilePermission.GROUP_WRITE)
        || p.contains(PosixFilePermission.OTHERS_WRITE)) {
      return "is writable by "
          + (p.contains(PosixFilePermission.OTHERS_WRITE) ? "others" : "its group")
          + " (mode "
          + PosixFilePermissions.toString(p)
          + "); make it private with chmod 700";
    }
    return null;
  }

  /**
   * Compares numeric user ids where Linux gives this process's (the owner of /proc/self), else user
   * names.
   */
  private static boolean ownedByThisUser(Path dir) throws IOException {
    Path self = Path.of("/proc/self");
    if (Files.isDirectory(self)) {
      return Files.getAttribute(dir, "unix:uid", NOFOLLOW_LINKS)
          .equals(Files.getAttribute(self, "unix:uid"));
    }
    return Files.getOwner(dir, NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"));
  }

  private static void removeStaleTemporaries(Path dir) throws IOException {
    Instant before = Instant.now().minus(STALE);
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith(TEMP_PREFIX)).toList()) {
        FileTime t = Files.getLastModifiedTime(p, NOFOLLOW_LINKS);
        if (t.toInstant().isBefore(before)) {
          DynncCompiler.deleteTree(p);
        }
      }
    }
  }

  /**
   * The key of the compile {@code request} (a {@link RelayExport} request file) by a service of the
   * given identity: lower-case hex SHA-256.
   */
  static String key(Path request, String identity, String dynncVersion) throws IOException {
    JsonObject req = JsonParser.parseString(Files.readString(request)).getAsJsonObject();
    Path weights = Path.of(req.get("weights_file").getAsString());
    RelayExport.PATH_FIELDS.forEach(req::remove);
    MessageDigest md = sha256();
    for (String part :
        new String[] {FORMAT, dynncVersion, identity, RelayExport.canonical(req).toString()}) {
      byte[] b = part.getBytes(StandardCharsets.UTF_8);
      // Each part length-prefixed, so no two different splits of the same bytes give one key.
      md.update((b.length + ":").getBytes(StandardCharsets.US_ASCII));
      md.update(b);
    }
    try (InputStream in = Files.newInputStream(weights)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * The key of a host class (rule HOST-CACHE): its generated source, the Java runtime whose
   * compiler compiles it, and dynnc's version (the runtime API it is compiled against). A warm
   * compile then skips javac, which took 1.3-2.0 s of the 4-6 s of recompiling an unchanged sample.
   */
  /**
   * The key of a native host program's library (rule NATIVE-HOST): its plan (ids and dtypes, as
   * data), the target, and the key of each subgraph it builds again.
   */
  static String nativeKey(
      String plan, String target, List<String> subgraphKeys, String dynncVersion) {
    List<String> parts =
        new java.util.ArrayList<>(List.of(FORMAT, "native host", dynncVersion, target, plan));
    parts.addAll(subgraphKeys);
    return digest(parts.toArray(new String[0]));
  }

  /**
   * The key of a native host program's constants (the entry's library file holds their bytes, its
   * text file their index), stored beside its library under {@code nativeKey}.
   */
  static String nativeParamsKey(String nativeKey) {
    return digest(FORMAT, "native host constants", nativeKey);
  }

  static String hostKey(String source, String dynncVersion) {
    return digest(FORMAT, "host class", dynncVersion, Runtime.version().toString(), source);
  }

  /**
   * The key of the auto-scheduler records kept for the subgraph whose untuned library has key
   * {@code key} (rule TUNE-RECORDS): the entry's library file holds the records, its text file the
   * tuning report with the seconds spent so far, so that a larger budget continues the search.
   */
  static String recordsKey(String key) {
    return digest(FORMAT, "tuning records", key);
  }

  /**
   * The key of a library built with tuning records: the untuned library's key and the records'
   * SHA-256, so that new records build a new library and the same records find the old one.
   */
  static String tunedKey(String key, Path records) throws IOException {
    byte[] r = sha256().digest(Files.readAllBytes(records));
    return digest(FORMAT, "tuned library", key, HexFormat.of().formatHex(r));
  }

  /** The SHA-256 of {@code parts}, each length-prefixed so no two splits of one text collide. */
  private static String digest(String... parts) {
    MessageDigest md = sha256();
    for (String part : parts) {
      byte[] b = part.getBytes(StandardCharsets.UTF_8);
      md.update((b.length + ":").getBytes(StandardCharsets.US_ASCII));
      md.update(b);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** What {@link #fetch} found. */
  enum Lookup {
    HIT,
    MISS,
    CORRUPT
  }

  /**
   * Writes the entry's library to {@code so} and its Relay text to {@code relay} if there is an
   * entry and it matches its hashes. A corrupt entry is deleted (and nothing written), so that the
   * compile that follows replaces it.
   */
  Lookup fetch(String key, Path so, Path relay) throws IOException {
    return fetch(key, so, relay, "rwxrwxrwx");
  }

  /**
   * As {@link #fetch(String, Path, Path)}, creating {@code so} with {@code mode} (less the umask):
   * a library is executable, a class file is not.
   */
  Lookup fetch(String key, Path so, Path relay, String mode) throws IOException {
    Path entry = dir.resolve(key);
    if (!Files.isDirectory(entry, NOFOLLOW_LINKS)) {
      return Lookup.MISS;
    }
    byte[] lib;
    byte[] text;
    String digests;
    try {
      lib = readRegular(entry.resolve(LIB));
      text = readRegular(entry.resolve(RELAY));
      digests = new String(readRegular(entry.resolve(DIGESTS)), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      DynncCompiler.deleteTree(entry);
      return Lookup.CORRUPT;
    }
    // The bytes written out are the ones just verified, so a change to the entry after this check
    // cannot reach the
    // bundle.
    if (!digests.equals(digests(lib, text))) {
      DynncCompiler.deleteTree(entry);
      return Lookup.CORRUPT;
    }
    // Executable less the umask, as the linker leaves the libraries it writes, so a bundle's files
    // have the same
    // modes whether they came from the cache or from TVM.
    try (SeekableByteChannel out =
        Files.newByteChannel(
            so,
            EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)))) {
      ByteBuffer b = ByteBuffer.wrap(lib);
      while (b.hasRemaining()) {
        out.write(b);
      }
    }
    Files.write(relay, text, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return Lookup.HIT;
  }

  /**
   * Stores a freshly compiled library and its Relay text under {@code key}; a concurrent store of
   * it wins.
   */
  void store(String key, Path so, Path relay) throws IOException {
    store(key, so, relay, false);
  }

  /**
   * Stores as {@link #store} does, replacing an entry already under {@code key}: for tuning
   * records, which grow when a larger budget continues a search. A reader sees the old entry, no
   * entry, or the new one, never a mix.
   */
  void replace(String key, Path so, Path relay) throws IOException {
    store(key, so, relay, true);
  }

  private void store(String key, Path so, Path relay, boolean replace) throws IOException {
    Path tmp = Files.createTempDirectory(dir, TEMP_PREFIX + key.substring(0, 16) + "-");
    Path old = null;
    try {
      byte[] lib = Files.readAllBytes(so);
      byte[] text = Files.readAllBytes(relay);
      Files.write(tmp.resolve(LIB), lib);
      Files.write(tmp.resolve(RELAY), text);
      Files.writeString(tmp.resolve(DIGESTS), digests(lib, text), StandardCharsets.US_ASCII);
      Path entry = dir.resolve(key);
      if (replace && Files.isDirectory(entry, NOFOLLOW_LINKS)) {
        old = Files.createTempDirectory(dir, TEMP_PREFIX + "old-" + key.substring(0, 16) + "-");
        try {
          Files.move(entry, old.resolve(key), StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
          // Another compile replaced it first; ours goes in below.
        }
      }
      try {
        Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException
          | DirectoryNotEmptyException
          | AtomicMoveNotSupportedException e) {
        // Another compile stored the same key first (its content is the same), or the file system
        // cannot rename atomically, in which case dynnc does without the entry rather than risk a
        // half-visible one.
      } catch (FileSystemException e) {
        // Linux reports renaming onto a non-empty directory as ENOTEMPTY, which Java does not
        // always map to DirectoryNotEmptyException: the same case when the entry is there.
        if (!Files.isDirectory(entry, NOFOLLOW_LINKS)) {
          throw e;
        }
      }
    } finally {
      DynncCompiler.deleteTree(tmp);
      if (old != null) {
        DynncCompiler.deleteTree(old);
      }
    }
  }

  private static byte[] readRegular(Path p) throws IOException {
    if (!Files.isRegularFile(p, NOFOLLOW_LINKS)) {
      throw new IOException(p + " is not a regular file");
    }
    return Files.readAllBytes(p);
  }

  private static String digests(byte[] lib, byte[] text) {
    HexFormat hex = HexFormat.of();
    return LIB
        + " "
        + hex.formatHex(sha256().digest(lib))
        + "\n"
        + RELAY
        + " "
        + hex.formatHex(sha256().digest(text))
        + "\n";
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
