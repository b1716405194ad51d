package dev.dynnc.weights;

import dev.dynnc.weights.RestrictedUnpickler.PyDict;
import dev.dynnc.weights.RestrictedUnpickler.StorageRef;
import dev.dynnc.weights.RestrictedUnpickler.TensorSpec;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads the zip archives that {@code torch.save} writes by default.
 *
 * <p>Layout: every entry sits under one directory, {@code <prefix>/} (the file's stem in torch 1.x,
 * {@code archive} in 2.x). {@code data.pkl} is the pickled object; each tensor storage it
 * references through a persistent id {@code ('storage', type, key, location, numel)} is the raw
 * bytes of entry {@code data/<key>}; {@code byteorder} (torch &gt;= 2.1) says whether those bytes
 * are little- or big-endian, and is absent, meaning little, in older files. {@code version} and
 * other bookkeeping entries are ignored: the data.pkl + data/ layout is the same in every version
 * of the format.
 */
final class TorchZipReader extends Checkpoint {

  /** Largest data.pkl accepted; a state dict pickle takes roughly 300 bytes per tensor. */
  static final int MAX_PICKLE_BYTES = 64 << 20;

  /** The keys under which training checkpoints commonly nest the state dict. */
  private static final List<String> NESTED_STATE_DICT_KEYS =
      List.of("state_dict", "model", "model_state_dict");

  private final ZipFile zip;
  private final String prefix;
  private boolean bigEndian;
  private LinkedHashMap<String, TensorSpec> specs;
  private LinkedHashMap<String, Entry> entries;

  private TorchZipReader(ZipFile zip, String name, String prefix) {
    super(name);
    this.zip = zip;
    this.prefix = prefix;
  }

  /** Opens the archive and runs its pickle, which declares the tensors; no storage is read yet. */
  static TorchZipReader open(Path file, String name, String weightsKey)
      throws CheckpointException, IOException {
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new CheckpointException(
          name + ": not a valid zip archive; the file is truncated or corrupt", e);
    }
    try {
      TorchZipReader reader = new TorchZipReader(zip, name, findPrefix(zip, name));
      reader.readDeclarations(weightsKey);
      return reader;
    } catch (CheckpointException | IOException | RuntimeException | Error e) {
      zip.close();
      throw e;
    }
  }

  @Override
  public LinkedHashMap<String, Entry> entries() {
    return entries;
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }

  /** Finds the single {@code <prefix>/data.pkl} and returns {@code "<prefix>/"}. */
  private static String findPrefix(ZipFile zip, String name) throws CheckpointException {
    List<String> pickles = new ArrayList<>();
    for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
      String entry = e.nextElement().getName();
      int slash = entry.indexOf('/');
      if (slash > 0 && entry.substring(slash + 1).equals("data.pkl")) {
        pickles.add(entry);
      }
    }
    if (pickles.isEmpty()) {
      throw new CheckpointException(
          name
              + ": the zip archive has no '<dir>/data.pkl' entry, so it was not "
              + "written by torch.save");
    }
    if (pickles.size() > 1) {
      throw new CheckpointException(
          name
              + ": the zip archive holds several data.pkl entries ("
              + pickles.stream()
                  .limit(5)
                  .map(RestrictedUnpickler::printable)
                  .collect(Collectors.joining(", "))
              + "); torch.save writes exactly one");
    }
    String prefix = pickles.get(0).substring(0, pickles.get(0).length() - "data.pkl".length());
    // TorchScript archives share the layout, but their data.pkl references compiled classes: say so
    // up front
    // instead of failing on the first '__torch__' global.
    if (zip.getEntry(prefix + "constants.pkl") != null) {
      throw new CheckpointException(
          name
              + ": this is a TorchScript archive (torch.jit.save); dynnc reads "
              + "weights saved with torch.save(model.state_dict(), path)");
    }
    return prefix;
  }

  private void readDeclarations(String weightsKey) throws CheckpointException, IOException {
    bigEndian = readByteOrder();
    String pickleEntry = prefix + "data.pkl";
    byte[] pickle = readEntry(zip.getEntry(pickleEntry), MAX_PICKLE_BYTES, "a weights pickle");
    Object root =
        new RestrictedUnpickler(pickle, name + ": " + RestrictedUnpickler.printable(pickleEntry))
            .load();
    specs = selectStateDict(root, weightsKey);
    entries = new LinkedHashMap<>();
    for (Map.Entry<String, TensorSpec> e : specs.entrySet()) {
      entries.put(e.getKey(), new Entry(e.getValue().storage().dtype(), e.getValue().size()));
    }
  }

  private boolean readByteOrder() throws CheckpointException, IOException {
    ZipEntry entry = zip.getEntry(prefix + "byteorder");
    if (entry == null) {
      return false; // written only since torch 2.1; older files are little-endian
    }
    String order =
        new String(readEntry(entry, 64, "a byteorder entry"), StandardCharsets.US_ASCII).trim();
    switch (order) {
      case "little":
        return false;
      case "big":
        return true;
      default:
        throw new CheckpointException(
            name
                + ": zip entry '"
                + RestrictedUnpickler.printable(entry.getName())
                + "' says '"
                + RestrictedUnpickler.printable(order)
                + "'; expected 'little' or 'big'");
    }
  }

  /**
   * Picks the dict of tensors out of the unpickled object: the entry {@code weightsKey} names when
   * given, else the object itself, or the one dict found under {@link #NESTED_STATE_DICT_KEYS} when
   * the object holds no tensors of its own. Non-tensor values and non-string keys are dropped.
   */
  private LinkedHashMap<String, TensorSpec> selectStateDict(Object root, String weightsKey)
      throws CheckpointException {
    if (!(root instanceof PyDict top)) {
      throw new CheckpointException(
          name
              + ": the checkpoint holds a "
              + RestrictedUnpickler.describe(root)
              + ", not a dict of tensors; save model.state_dict() instead");
    }
    PyDict chosen = weightsKey != null ? entryAt(top, weightsKey) : top;
    if (weightsKey == null && tensorsOf(top).isEmpty()) {
      List<PyDict> nested = new ArrayList<>();
      for (String key : NESTED_STATE_DICT_KEYS) {
        if (top.map.get(key) instanceof PyDict d) {
          nested.add(d);
        }
      }
      if (nested.size() == 1) {
        chosen = nested.get(0);
      } else {
        // A training checkpoint: name the entries that could be the weights.
        List<String> candidates = new ArrayList<>();
        findTensorDicts(top, "", 0, candidates, new IdentityHashMap<>());
        if (!candidates.isEmpty()) {
          throw new CheckpointException(
              name
                  + ": the checkpoint's top-level dict holds no tensors; the dicts of tensors in it"
                  + " are "
                  + quoted(candidates)
                  + "; choose one with --weights-key KEY");
        }
      }
    }
    LinkedHashMap<String, TensorSpec> specs = tensorsOf(chosen);
    if (specs.isEmpty() && !chosen.map.isEmpty()) {
      // A layout without any dict of tensors: list the keys so the user can find the weights.
      throw new CheckpointException(
          name
              + ": no tensors found; the "
              + (weightsKey == null
                  ? "checkpoint's dict"
                  : "entry '" + RestrictedUnpickler.printable(weightsKey) + "'")
              + " has the keys "
              + quoted(chosen.map.keySet().stream().map(TorchZipReader::keyText).toList())
              + (weightsKey == null
                  ? " (expected a state dict, or one nested under "
                      + "'state_dict', 'model' or 'model_state_dict')"
                  : ""));
    }
    return specs;
  }

  /** Dicts nest at most this deep below the top when looking for candidate state dicts. */
  private static final int MAX_CANDIDATE_DEPTH = 3;

  /**
   * Returns the dict that {@code path} names below {@code top}: an entry of that exact name, else
   * the entry named by the text before one of its dots, searched again with the rest (so {@code
   * a.b} is {@code top['a']['b']} unless {@code top} has a key {@code 'a.b'}).
   */
  private PyDict entryAt(PyDict top, String path) throws CheckpointException {
    PyDict d = top;
    String rest = path;
    while (true) {
      Object v = d.map.get(rest);
      if (v instanceof PyDict found) {
        return found;
      }
      if (v != null) {
        throw new CheckpointException(
            name
                + ": --weights-key '"
                + RestrictedUnpickler.printable(path)
                + "' names "
                + (RestrictedUnpickler.describe(v).matches("[aeiou].*") ? "an " : "a ")
                + RestrictedUnpickler.describe(v)
                + ", not a dict of tensors");
      }
      int dot = rest.indexOf('.');
      while (dot > 0 && !(d.map.get(rest.substring(0, dot)) instanceof PyDict)) {
        dot = rest.indexOf('.', dot + 1);
      }
      if (dot <= 0) {
        List<String> candidates = new ArrayList<>();
        findTensorDicts(top, "", 0, candidates, new IdentityHashMap<>());
        throw new CheckpointException(
            name
                + ": --weights-key '"
                + RestrictedUnpickler.printable(path)
                + "' names no entry of the checkpoint's dict"
                + (candidates.isEmpty()
                    ? "; its keys are "
                        + quoted(top.map.keySet().stream().map(TorchZipReader::keyText).toList())
                    : "; the dicts of tensors in it are " + quoted(candidates)));
      }
      d = (PyDict) d.map.get(rest.substring(0, dot));
      rest = rest.substring(dot + 1);
    }
  }

  /**
   * Adds the dotted paths of the dicts below {@code d} that hold tensors directly, depth first; the
   * walk stops at {@link #MAX_CANDIDATE_DEPTH} and looks into each dict once (a dict that several
   * entries share is listed under each of their paths, but its own entries are walked only the
   * first time), so that a hostile pickle's nesting and sharing cost no more than its size.
   *
   * @param hasTensors for each dict seen so far, whether it holds tensors
   */
  private static void findTensorDicts(
      PyDict d,
      String path,
      int depth,
      List<String> out,
      IdentityHashMap<PyDict, Boolean> hasTensors) {
    if (depth == MAX_CANDIDATE_DEPTH) {
      return;
    }
    for (Map.Entry<Object, Object> e : d.map.entrySet()) {
      if (out.size() > 10) {
        return; // quoted() shows ten
      }
      if (e.getKey() instanceof String key && e.getValue() instanceof PyDict inner) {
        String at = path + key;
        Boolean known = hasTensors.get(inner);
        boolean tensors = known != null ? known : !tensorsOf(inner).isEmpty();
        if (tensors) {
          out.add(at);
        }
        if (known == null) {
          hasTensors.put(inner, tensors);
          findTensorDicts(inner, at + ".", depth + 1, out, hasTensors);
        }
      }
    }
  }

  /** Returns the string-keyed tensor entries of {@code d}, in order. */
  private static LinkedHashMap<String, TensorSpec> tensorsOf(PyDict d) {
    LinkedHashMap<String, TensorSpec> specs = new LinkedHashMap<>();
    for (Map.Entry<Object, Object> e : d.map.entrySet()) {
      if (e.getKey() instanceof String key && e.getValue() instanceof TensorSpec spec) {
        specs.put(key, spec);
      }
    }
    return specs;
  }

  private static String keyText(Object k) {
    return k instanceof String s ? s : "<" + RestrictedUnpickler.describe(k) + ">";
  }

  /** Returns {@code 'a', 'b', ...}: at most 10 names, printable. */
  static String quoted(List<String> names) {
    return names.stream()
            .limit(10)
            .map(k -> "'" + RestrictedUnpickler.printable(k) + "'")
            .collect(Collectors.joining(", "))
        + (names.size() > 10 ? ", ..." : "");
  }

  /**
   * Loads each storage the named tensors use once, however many views share it, and drops it after
   * its last view is copied.
   */
  @Override
  LinkedHashMap<String, WeightTensor> read(List<String> keys)
      throws CheckpointException, IOException {
    Map<String, Integer> pendingUses = new HashMap<>();
    for (String key : keys) {
      pendingUses.merge(specs.get(key).storage().key(), 1, Integer::sum);
    }
    Map<String, byte[]> loaded = new HashMap<>();
    LinkedHashMap<String, WeightTensor> out = new LinkedHashMap<>();
    for (String key : keys) {
      TensorSpec spec = specs.get(key);
      StorageRef storage = spec.storage();
      byte[] bytes = loaded.get(storage.key());
      if (bytes == null) {
        bytes = loadStorage(key, storage);
        loaded.put(storage.key(), bytes);
      }
      int remainingUses = pendingUses.merge(storage.key(), -1, Integer::sum);
      int elem = storage.dtype().byteSize();
      byte[] data;
      if (remainingUses == 0
          && spec.offset() == 0
          && spec.isContiguous()
          && spec.numel() * elem == bytes.length) {
        // The tensor is the whole storage and nothing else needs it: hand over the array, no copy.
        data = bytes;
      } else {
        charge(
            key,
            spec.numel() * elem,
            "copying the view out of storage '"
                + RestrictedUnpickler.printable(storage.key())
                + "'");
        data = StridedCopy.toContiguous(bytes, elem, spec.offset(), spec.size(), spec.stride());
      }
      if (remainingUses == 0) {
        loaded.remove(storage.key());
      }
      out.put(key, new WeightTensor(storage.dtype(), spec.size(), data));
    }
    return out;
  }

  /**
   * Reads a storage whole, after checking that the zip directory gives its entry exactly the
   * declared size and charging that size to the budget; inflation stops after the declared size
   * whatever the headers say.
   */
  private byte[] loadStorage(String key, StorageRef storage)
      throws CheckpointException, IOException {
    String entryName = prefix + "data/" + storage.key();
    String shownEntry = RestrictedUnpickler.printable(entryName);
    String shownStorage = RestrictedUnpickler.printable(storage.key());
    ZipEntry entry = zip.getEntry(entryName);
    if (entry == null) {
      throw new CheckpointException(
          name
              + ": storage '"
              + shownStorage
              + "' is missing: the archive has no "
              + "entry '"
              + shownEntry
              + "'");
    }
    // Fits: the unpickler checked numel * size for overflow.
    long needed = storage.numel() * storage.dtype().byteSize();
    if (needed > RestrictedUnpickler.MAX_TENSOR_BYTES) {
      throw new CheckpointException(
          where(key)
              + "storage '"
              + shownStorage
              + "' is "
              + needed
              + " bytes, larger than the 2 GiB that dynnc can load");
    }
    if (entry.getSize() >= 0 && entry.getSize() < needed) {
      throw shortStorage(shownEntry, entry.getSize(), needed, storage);
    }
    if (entry.getSize() > needed) {
      throw longStorage(key, shownEntry, entry.getSize() + " bytes", needed, storage);
    }
    charge(key, needed, "loading storage '" + shownStorage + "' of " + needed + " bytes");
    byte[] bytes = new byte[(int) needed];
    try (InputStream in = zip.getInputStream(entry)) {
      int n = in.readNBytes(bytes, 0, bytes.length);
      if (n < needed) {
        throw shortStorage(shownEntry, n, needed, storage);
      }
      // The directory may lie about a deflated entry's size: one byte more than declared is enough
      // to refuse.
      if (in.read() >= 0) {
        throw longStorage(key, shownEntry, "more than " + needed + " bytes", needed, storage);
      }
    } catch (ZipException | EOFException e) {
      throw unreadable(shownEntry, e);
    }
    checkCrc(entry, shownEntry, bytes);
    if (bigEndian) {
      swapBytes(bytes, storage.dtype().byteSize());
    }
    return bytes;
  }

  /**
   * Compares the bytes read with the CRC-32 the zip directory records for the entry. Java's
   * ZipFile, like torch.load, does not check it: a flipped bit in a stored tensor loaded as a wrong
   * weight, which no later check could tell from a right one.
   */
  private void checkCrc(ZipEntry entry, String shownEntry, byte[] bytes)
      throws CheckpointException {
    long expected = entry.getCrc();
    if (expected < 0) {
      return; // the directory records none
    }
    CRC32 crc = new CRC32();
    crc.update(bytes);
    if (crc.getValue() != expected) {
      throw new CheckpointException(
          String.format(
              "%s: zip entry '%s' fails its CRC-32 check (the zip records %08x, its bytes give"
                  + " %08x); the file is corrupt",
              name, shownEntry, expected, crc.getValue()));
    }
  }

  private CheckpointException shortStorage(
      String entry, long size, long needed, StorageRef storage) {
    return new CheckpointException(
        name
            + ": zip entry '"
            + entry
            + "' holds "
            + size
            + " bytes, but storage '"
            + RestrictedUnpickler.printable(storage.key())
            + "' needs "
            + needed
            + " ("
            + storage.numel()
            + " "
            + storage.dtype().numpyName()
            + " elements); the file is truncated or corrupt");
  }

  private CheckpointException longStorage(
      String key, String entry, String size, long needed, StorageRef storage) {
    return new CheckpointException(
        where(key)
            + "zip entry '"
            + entry
            + "' holds "
            + size
            + ", but storage '"
            + RestrictedUnpickler.printable(storage.key())
            + "' declares "
            + needed
            + " ("
            + storage.numel()
            + " "
            + storage.dtype().numpyName()
            + " elements); the file is corrupt or hostile");
  }

  private CheckpointException unreadable(String entry, IOException e) {
    return new CheckpointException(
        name
            + ": zip entry '"
            + entry
            + "' cannot be read ("
            + e.getMessage()
            + "); the file is truncated or corrupt",
        e);
  }

  /**
   * Reads a small entry whole, refusing more than {@code limit} bytes whatever the zip directory
   * claims.
   */
  private byte[] readEntry(ZipEntry entry, int limit, String what)
      throws CheckpointException, IOException {
    String shown = RestrictedUnpickler.printable(entry.getName());
    byte[] bytes;
    try (InputStream in = zip.getInputStream(entry)) {
      bytes = in.readNBytes(limit + 1);
    } catch (ZipException | EOFException e) {
      throw unreadable(shown, e);
    }
    if (bytes.length > limit) {
      throw new CheckpointException(
          name
              + ": zip entry '"
              + shown
              + "' is larger than the "
              + limit
              + " bytes allowed for "
              + what);
    }
    checkCrc(entry, shown, bytes);
    return bytes;
  }

  private static void swapBytes(byte[] bytes, int elem) {
    for (int i = 0; i + elem <= bytes.length; i += elem) {
      for (int a = i, b = i + elem - 1; a < b; a++, b--) {
        byte t = bytes[a];
        bytes[a] = bytes[b];
        bytes[b] = t;
      }
    }
  }
}
