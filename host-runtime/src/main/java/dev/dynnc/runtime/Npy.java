package dev.dynnc.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes numpy {@code .npy} files (format 1.0 and 2.0) holding little-endian C-order
 * arrays.
 *
 * <p>Only the dtypes {@link HostTensor} supports are accepted; anything else (Fortran order,
 * big-endian, other dtypes, newer format versions) is refused with a {@link BadInputException}
 * naming the file, rather than silently converted, because a wrong reinterpretation of model inputs
 * is much harder to debug than an error.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Map<String, String> DESCR_TO_DTYPE =
      Map.of(
          "<f4", "float32", "<f8", "float64", "<i8", "int64", "<i4", "int32", "|b1", "bool", "|u1",
          "uint8");
  private static final Map<String, String> DTYPE_TO_DESCR =
      Map.of(
          "float32", "<f4", "float64", "<f8", "int64", "<i8", "int32", "<i4", "bool", "|b1",
          "uint8", "|u1");
  private static final Pattern DESCR =
      Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
  private static final Pattern FORTRAN =
      Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** Largest .npy file read: a tensor lives in one Java array, so its data is below 2 GiB. */
  static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 64;

  /**
   * Reads a regular {@code .npy} file of at most {@link #MAX_FILE_BYTES}; devices and pipes are
   * refused unread.
   */
  public static HostTensor read(Path file) throws IOException, BadInputException {
    if (!Files.isRegularFile(file)) {
      throw bad(
          file.toString(),
          Files.isDirectory(file)
              ? "is a directory, not a .npy file"
              : Files.exists(file)
                  ? "is not a regular file (a device, pipe or socket)"
                  : "no such file");
    }
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw bad(
          file.toString(),
          "is " + size + " bytes, more than the " + MAX_FILE_BYTES + " bytes one tensor can hold");
    }
    return parse(Files.readAllBytes(file), file.toString());
  }

  /** Parses {@code .npy} bytes; {@code source} names the origin in error messages. */
  public static HostTensor parse(byte[] bytes, String source) throws BadInputException {
    if (bytes.length < 8 || !startsWithMagic(bytes)) {
      throw bad(source, "not a .npy file (missing \\x93NUMPY magic)");
    }
    if (bytes.length < 10) {
      throw bad(source, "truncated header");
    }
    int major = bytes[6] & 0xff;
    int minor = bytes[7] & 0xff;
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLen;
    int headerStart;
    if (major == 1 && minor == 0) {
      headerLen = b.getShort(8) & 0xffff;
      headerStart = 10;
    } else if (major == 2 && minor == 0) {
      if (bytes.length < 12) {
        throw bad(source, "truncated header");
      }
      headerLen = b.getInt(8) & 0xffffffffL;
      headerStart = 12;
    } else {
      throw bad(
          source,
          "unsupported .npy format version "
              + major
              + "."
              + minor
              + "; this reader supports 1.0 and 2.0");
    }
    if (headerStart + headerLen > bytes.length) {
      throw bad(source, "truncated header");
    }
    int dataStart = (int) (headerStart + headerLen);
    String header = new String(bytes, headerStart, (int) headerLen, StandardCharsets.ISO_8859_1);

    String descr = group(DESCR, header, source, "descr");
    String dtype = DESCR_TO_DTYPE.get(descr);
    if (dtype == null) {
      throw bad(
          source,
          descr.startsWith(">")
              ? "big-endian dtype '"
                  + descr
                  + "' is not supported; save with arr.astype('<"
                  + descr.substring(1)
                  + "')"
              : "unsupported dtype '" + descr + "' (supported: <f4 <f8 <i8 <i4 |b1 |u1)");
    }
    if (group(FORTRAN, header, source, "fortran_order").equals("True")) {
      throw bad(source, "Fortran-order arrays are not supported; save np.ascontiguousarray(arr)");
    }
    long[] shape = parseShape(group(SHAPE, header, source, "shape"), source);

    long expected;
    try {
      expected = Math.multiplyExact(HostTensor.numel(shape), HostTensor.itemSize(dtype));
    } catch (ArithmeticException e) {
      throw bad(source, "shape " + HostTensor.describe(dtype, shape) + " is too large");
    }
    long actual = bytes.length - (long) dataStart;
    if (actual < expected) {
      throw bad(
          source,
          "truncated: header says "
              + HostTensor.describe(dtype, shape)
              + " ("
              + expected
              + " data bytes) but only "
              + actual
              + " bytes follow");
    }
    if (actual > expected) {
      throw bad(
          source,
          (actual - expected)
              + " unexpected bytes after the "
              + expected
              + " data bytes of "
              + HostTensor.describe(dtype, shape));
    }
    byte[] data = new byte[(int) expected];
    System.arraycopy(bytes, dataStart, data, 0, data.length);
    return new HostTensor(dtype, shape, data);
  }

  /** Serialises a tensor, using format 1.0 unless the header needs 2.0's wider length field. */
  public static byte[] toBytes(HostTensor t) {
    StringBuilder dims = new StringBuilder();
    long[] shape = t.shape();
    for (int i = 0; i < shape.length; i++) {
      dims.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    if (shape.length == 1) {
      dims.append(',');
    }
    String dict =
        "{'descr': '"
            + DTYPE_TO_DESCR.get(t.dtype())
            + "', 'fortran_order': False, 'shape': ("
            + dims
            + "), }";
    boolean v2 = dict.length() + 1 + 10 > 0xffff;
    int preamble = v2 ? 12 : 10;
    // numpy pads the header with spaces and a final newline so the data starts 64-byte aligned.
    int total = (preamble + dict.length() + 1 + 63) / 64 * 64;
    String header = dict + " ".repeat(total - preamble - dict.length() - 1) + "\n";
    ByteBuffer b = ByteBuffer.allocate(total + t.data().length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) (v2 ? 2 : 1)).put((byte) 0);
    if (v2) {
      b.putInt(header.length());
    } else {
      b.putShort((short) header.length());
    }
    b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(t.data());
    return b.array();
  }

  /**
   * Writes atomically (temp file + rename), so a crash never leaves a truncated {@code .npy}
   * behind.
   */
  public static void write(Path file, HostTensor t) throws IOException {
    IoUtil.writeAtomically(file, toBytes(t));
  }

  private static boolean startsWithMagic(byte[] bytes) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static String group(Pattern p, String header, String source, String key)
      throws BadInputException {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw bad(source, "header has no readable '" + key + "' entry: " + header.strip());
    }
    return m.group(1);
  }

  private static long[] parseShape(String text, String source) throws BadInputException {
    List<Long> dims = new ArrayList<>();
    for (String part : text.split(",")) {
      String s = part.strip();
      if (s.endsWith("L")) { // Python 2 era writers spell longs as 3L
        s = s.substring(0, s.length() - 1);
      }
      if (s.isEmpty()) {
        continue;
      }
      try {
        long d = Long.parseLong(s);
        if (d < 0) {
          throw new NumberFormatException();
        }
        dims.add(d);
      } catch (NumberFormatException e) {
        throw bad(source, "malformed shape (" + text + ")");
      }
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  private static BadInputException bad(String source, String problem) {
    return new BadInputException("bad .npy file " + source + ": " + problem);
  }
}
