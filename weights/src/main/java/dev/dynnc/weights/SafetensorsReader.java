package dev.dynnc.weights;

import dev.dynnc.semantics.DType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code .safetensors} files: an 8-byte little-endian header length N, N bytes of JSON
 * mapping each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (plus an
 * optional {@code "__metadata__"} object), then the data section, to which the offsets are
 * relative.
 *
 * <p>Every number in the header is validated before it is used: the header must fit in the file,
 * each tensor's byte range must lie inside the data section and match its shape and dtype exactly.
 * Tensors come back in header order.
 */
final class SafetensorsReader extends Checkpoint {

  /** The safetensors reference implementation refuses headers above 100 MB; so do we. */
  static final long MAX_HEADER_BYTES = 100_000_000;

  private final FileChannel ch;
  private long dataStart;
  private final LinkedHashMap<String, TensorEntry> tensors = new LinkedHashMap<>();
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

  private SafetensorsReader(FileChannel ch, String name) {
    super(name);
    this.ch = ch;
  }

  /** Opens the file and validates its header; no tensor data is read yet. */
  static SafetensorsReader open(Path file, String name) throws CheckpointException, IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      SafetensorsReader reader = new SafetensorsReader(ch, name);
      reader.readHeader();
      return reader;
    } catch (CheckpointException | IOException | RuntimeException | Error e) {
      ch.close();
      throw e;
    }
  }

  private void readHeader() throws CheckpointException, IOException {
    long fileSize = ch.size();
    ByteBuffer lengthBytes = readFully(ch, 0, 8, name);
    long headerLength = lengthBytes.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    // Compared as unsigned: a length with the top bit set is as forged as any other oversized one.
    if (Long.compareUnsigned(headerLength, fileSize - 8) > 0) {
      throw new CheckpointException(
          name
              + ": safetensors header length "
              + Long.toUnsignedString(headerLength)
              + " exceeds the "
              + (fileSize - 8)
              + " bytes after it; the file is truncated or corrupt");
    }
    if (headerLength > MAX_HEADER_BYTES) {
      throw new CheckpointException(
          name
              + ": safetensors header of "
              + headerLength
              + " bytes exceeds the limit of "
              + MAX_HEADER_BYTES);
    }
    String headerText = decodeHeader(readFully(ch, 8, (int) headerLength, name), name);
    Object header;
    try {
      header = SafetensorsHeader.parse(headerText);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(
          name + ": safetensors header is not valid JSON: " + e.getMessage(), e);
    }
    if (!(header instanceof Map<?, ?> map)) {
      throw new CheckpointException(name + ": safetensors header must be a JSON object");
    }
    dataStart = 8 + headerLength;
    long dataLength = fileSize - dataStart;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = (String) e.getKey();
      if (key.equals("__metadata__")) {
        continue; // free-form string map (format, framework); nothing dynnc needs
      }
      String where = name + ": safetensors tensor '" + RestrictedUnpickler.printable(key) + "'";
      TensorEntry t = parseEntry(e.getValue(), where, dataLength);
      tensors.put(key, t);
      entries.put(key, new Entry(t.dtype, t.shape));
    }
    refuseOverlaps();
  }

  /**
   * Refuses two tensors sharing bytes: the format gives every tensor its own range, and shared
   * ranges would let a small file make the loader allocate its data section many times over.
   */
  private void refuseOverlaps() throws CheckpointException {
    List<Map.Entry<String, TensorEntry>> byStart = new ArrayList<>(tensors.entrySet());
    byStart.sort(
        Comparator.comparingLong((Map.Entry<String, TensorEntry> e) -> e.getValue().begin)
            .thenComparingLong(e -> e.getValue().end));
    Map.Entry<String, TensorEntry> previous = null;
    for (Map.Entry<String, TensorEntry> e : byStart) {
      TensorEntry t = e.getValue();
      if (t.begin == t.end) {
        continue; // an empty tensor occupies no bytes
      }
      if (previous != null && t.begin < previous.getValue().end) {
        TensorEntry p = previous.getValue();
        throw new CheckpointException(
            where(e.getKey())
                + "data_offsets ["
                + t.begin
                + ", "
                + t.end
                + "] overlap those of '"
                + RestrictedUnpickler.printable(previous.getKey())
                + "' ["
                + p.begin
                + ", "
                + p.end
                + "]; every tensor must have its own bytes, the file is corrupt or hostile");
      }
      previous = e;
    }
  }

  @Override
  public LinkedHashMap<String, Entry> entries() {
    return entries;
  }

  @Override
  LinkedHashMap<String, WeightTensor> read(List<String> keys)
      throws CheckpointException, IOException {
    LinkedHashMap<String, WeightTensor> out = new LinkedHashMap<>();
    for (String key : keys) {
      TensorEntry t = tensors.get(key);
      charge(key, t.end - t.begin, "reading " + (t.end - t.begin) + " bytes");
      ByteBuffer bytes = readFully(ch, dataStart + t.begin, (int) (t.end - t.begin), name);
      out.put(key, new WeightTensor(t.dtype, t.shape, bytes.array()));
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }

  private record TensorEntry(DType dtype, long[] shape, long begin, long end) {}

  private static TensorEntry parseEntry(Object value, String where, long dataLength)
      throws CheckpointException {
    if (!(value instanceof Map<?, ?> info)) {
      throw new CheckpointException(where + ": header entry must be an object");
    }
    if (!(info.get("dtype") instanceof String code)) {
      throw new CheckpointException(where + ": header entry has no \"dtype\" string");
    }
    DType dtype = DType.fromSafetensorsName(code);
    if (dtype == null) {
      throw new CheckpointException(
          where
              + ": dtype '"
              + RestrictedUnpickler.printable(code)
              + "' is not supported; dynnc reads F64, F32, F16, BF16, I64, I32, I16, I8, U8 and BOOL");
    }
    long[] shape = longs(info.get("shape"), -1, where, "shape");
    long[] offsets = longs(info.get("data_offsets"), 2, where, "data_offsets");
    long numel = 1;
    long bytes;
    try {
      for (long d : shape) {
        numel = Math.multiplyExact(numel, d);
      }
      bytes = Math.multiplyExact(numel, dtype.byteSize());
    } catch (ArithmeticException e) {
      throw new CheckpointException(
          where + ": shape " + Arrays.toString(shape) + " is impossibly large");
    }
    long begin = offsets[0];
    long end = offsets[1];
    if (begin > end || end > dataLength) {
      throw new CheckpointException(
          where
              + ": data_offsets ["
              + begin
              + ", "
              + end
              + "] lie outside the "
              + dataLength
              + "-byte data section");
    }
    if (end - begin != bytes) {
      throw new CheckpointException(
          where
              + ": data_offsets ["
              + begin
              + ", "
              + end
              + "] span "
              + (end - begin)
              + " bytes, but shape "
              + Arrays.toString(shape)
              + " of "
              + code
              + " needs "
              + bytes);
    }
    if (bytes > RestrictedUnpickler.MAX_TENSOR_BYTES) {
      throw new CheckpointException(
          where + ": " + bytes + " bytes is larger than the 2 GiB that dynnc can load");
    }
    return new TensorEntry(dtype, shape, begin, end);
  }

  /**
   * Reads a JSON array of non-negative integers, of length {@code expectedLength} unless that is
   * negative.
   */
  private static long[] longs(Object value, int expectedLength, String where, String field)
      throws CheckpointException {
    if (!(value instanceof List<?> list)
        || (expectedLength >= 0 && list.size() != expectedLength)) {
      throw new CheckpointException(
          where
              + ": \""
              + field
              + "\" must be an array of "
              + (expectedLength >= 0 ? expectedLength + " " : "")
              + "non-negative integers");
    }
    long[] out = new long[list.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(list.get(i) instanceof Long v) || v < 0) {
        throw new CheckpointException(
            where
                + ": \""
                + field
                + "\" must be an array of "
                + (expectedLength >= 0 ? expectedLength + " " : "")
                + "non-negative integers");
      }
      out[i] = v;
    }
    return out;
  }

  private static String decodeHeader(ByteBuffer bytes, String name) throws CheckpointException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw new CheckpointException(name + ": safetensors header is not valid UTF-8", e);
    }
  }

  /**
   * Reads exactly {@code length} bytes at {@code position}; the callers have checked they are in
   * the file.
   */
  private static ByteBuffer readFully(FileChannel ch, long position, int length, String name)
      throws CheckpointException, IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    while (buf.hasRemaining()) {
      int n = ch.read(buf, position + buf.position());
      if (n < 0) {
        // Only if the file shrank while being read.
        throw new CheckpointException(
            name
                + ": unexpected end of file at byte "
                + (position + buf.position())
                + "; the file is truncated");
      }
    }
    buf.flip();
    return buf;
  }
}
