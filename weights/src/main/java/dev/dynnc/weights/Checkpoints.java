package dev.dynnc.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;

/**
 * Reads the tensors of a PyTorch checkpoint without executing anything in it.
 *
 * <p>Two formats are read, told apart by their content rather than the file name:
 *
 * <ul>
 *   <li>{@code torch.save} archives ({@code .pt}, {@code .pth}, {@code .tar}, {@code .bin}), the
 *       zip format torch has written by default since 1.6; the pickle inside is run by {@link
 *       RestrictedUnpickler}, which only knows tensors, containers and basic values (see {@link
 *       TorchZipReader});
 *   <li>{@code .safetensors} files (see {@link SafetensorsReader}).
 * </ul>
 *
 * Pre-1.6 (non-zip) torch files are recognised and rejected with a hint to re-save them, because
 * their format embeds storages in the pickle stream itself and is not worth a second reader.
 */
public final class Checkpoints {

  /**
   * The zip local-file-header magic, and the end-of-central-directory magic of an empty archive.
   */
  private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

  private static final byte[] EMPTY_ZIP_MAGIC = {'P', 'K', 5, 6};

  /**
   * The legacy format starts with pickle.dump(0x1950a86a20f9469cfc6c): LONG1, 10 bytes
   * little-endian. Protocols below 2 write it as text instead, hence the decimal spelling.
   */
  private static final byte[] LEGACY_MAGIC_LONG1 = {
    (byte) 0x8a,
    0x0a,
    0x6c,
    (byte) 0xfc,
    (byte) 0x9c,
    0x46,
    (byte) 0xf9,
    0x20,
    0x6a,
    (byte) 0xa8,
    0x50,
    0x19
  };

  private static final byte[] LEGACY_MAGIC_TEXT =
      "119547037146038801333356".getBytes(StandardCharsets.US_ASCII);

  private Checkpoints() {}

  /**
   * Where the state dict sits in a checkpoint and how its names differ from the model's.
   *
   * @param weightsKey the entry of the top-level dict that holds the state dict (a dotted path
   *     reaches into nested dicts: {@code a.b} is {@code ckpt['a']['b']} unless the file has a key
   *     {@code 'a.b'}), or null for the default choice that {@link #open(Path)} describes
   * @param stripPrefix a prefix removed from every key that starts with it, such as the {@code
   *     module.} that {@code nn.DataParallel} adds, or null
   */
  public record Selection(String weightsKey, String stripPrefix) {
    /** The file's own layout and names. */
    public static final Selection NONE = new Selection(null, null);
  }

  /**
   * Reads every tensor of a checkpoint, keyed by name in file order; {@link #open} then {@link
   * Checkpoint#load} of every entry.
   *
   * @throws CheckpointException when the file is not a supported checkpoint, is corrupt, or
   *     references anything beyond plain tensors and data (the message says what and where)
   * @throws IOException when the file cannot be read at all
   */
  public static LinkedHashMap<String, WeightTensor> read(Path file)
      throws CheckpointException, IOException {
    try (Checkpoint c = open(file)) {
      return c.load(c.entries().keySet());
    }
  }

  /**
   * Opens a checkpoint and reads its declarations (names, dtypes, shapes), but none of its tensor
   * data.
   *
   * <p>The tensors are the state dict: when the file's top-level dict holds no tensors and has
   * exactly one dict value under {@code "state_dict"}, {@code "model"} or {@code
   * "model_state_dict"} (the usual training-checkpoint layout), that inner dict is read instead;
   * any other top level without tensors is an error naming the entries that hold dicts of tensors
   * (see {@link Selection#weightsKey}). Entries that are not tensors (counters, hyper-parameters,
   * optimizer state, {@code _metadata}) are read as plain data and skipped.
   *
   * @throws CheckpointException when the file is not a supported checkpoint, is corrupt, or
   *     references anything beyond plain tensors and data (the message says what and where)
   * @throws IOException when the file cannot be read at all
   */
  public static Checkpoint open(Path file) throws CheckpointException, IOException {
    return open(file, Selection.NONE);
  }

  /**
   * Opens a checkpoint as {@link #open(Path)} does, taking its tensors from where {@code selection}
   * says and renaming them as it says.
   *
   * @throws CheckpointException also when the selection does not fit the file: no such entry, not a
   *     dict, a key of a safetensors file (which is flat), no key with the prefix, or two keys that
   *     stripping makes equal
   */
  public static Checkpoint open(Path file, Selection selection)
      throws CheckpointException, IOException {
    Path fileName = file.getFileName();
    String name = fileName == null ? file.toString() : fileName.toString();
    try {
      Checkpoint c = openFormat(file, name, selection.weightsKey());
      if (selection.stripPrefix() == null) {
        return c;
      }
      try {
        return new PrefixStripped(c, selection.stripPrefix());
      } catch (CheckpointException | RuntimeException e) {
        c.close();
        throw e;
      }
    } catch (OutOfMemoryError e) {
      // The pickle and header are bounded in size, so this should not happen; never let it escape
      // as a crash.
      throw new CheckpointException(
          name
              + ": not enough memory to read the checkpoint's declarations; "
              + "give the JVM more heap (-Xmx)");
    }
  }

  private static Checkpoint openFormat(Path file, String name, String weightsKey)
      throws CheckpointException, IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(512);
    }
    if (startsWith(head, ZIP_MAGIC) || startsWith(head, EMPTY_ZIP_MAGIC)) {
      return TorchZipReader.open(file, name, weightsKey);
    }
    if (contains(head, 64, LEGACY_MAGIC_LONG1)
        || contains(head, 64, LEGACY_MAGIC_TEXT)
        || isTar(head)) {
      throw new CheckpointException(
          name
              + ": this is a legacy (pre-1.6, non-zip) torch.save file, which dynnc "
              + "does not read; load it in Python and re-save it with torch.save(obj, path) using the default "
              + "zip format (without _use_new_zipfile_serialization=False)");
    }
    if (head.length > 0 && (head[0] & 0xff) == 0x80) {
      throw new CheckpointException(
          name
              + ": this is a bare pickle file, not a torch.save archive; save the "
              + "weights with torch.save(model.state_dict(), path) or as .safetensors");
    }
    // A safetensors file starts with a little-endian u64 header length, then the JSON header's '{'.
    if (head.length > 8 && head[8] == '{') {
      if (weightsKey != null) {
        throw new CheckpointException(
            name
                + ": --weights-key '"
                + RestrictedUnpickler.printable(weightsKey)
                + "' was given, but a .safetensors file is a flat map of tensors with no entries to"
                + " choose from; drop it");
      }
      return SafetensorsReader.open(file, name);
    }
    throw new CheckpointException(
        name
            + ": not a PyTorch checkpoint; expected a torch.save zip archive "
            + "(.pt, .pth, .bin) or a .safetensors file");
  }

  private static boolean startsWith(byte[] data, byte[] prefix) {
    return data.length >= prefix.length
        && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** Whether {@code needle} occurs within the first {@code window} bytes of {@code data}. */
  private static boolean contains(byte[] data, int window, byte[] needle) {
    int end = Math.min(window, data.length) - needle.length;
    for (int i = 0; i <= end; i++) {
      if (Arrays.equals(data, i, i + needle.length, needle, 0, needle.length)) {
        return true;
      }
    }
    return false;
  }

  /** Torch before 0.4 wrote tar archives; their header carries "ustar" at offset 257. */
  private static boolean isTar(byte[] head) {
    byte[] ustar = {'u', 's', 't', 'a', 'r'};
    return head.length >= 262 && Arrays.equals(head, 257, 262, ustar, 0, 5);
  }
}
