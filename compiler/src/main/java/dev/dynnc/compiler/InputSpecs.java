package dev.dynnc.compiler;

import dev.dynnc.ir.Type;
import dev.dynnc.semantics.DType;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and checks the {@code --input NAME=DTYPE[D0,D1,...]} specs of {@code dynnc compile} before
 * any work starts.
 *
 * <p>Every dimension must be at least 1 (no stage of dynnc handles empty tensors), and a whole
 * input must fit in {@value #MAX_BYTES} bytes, because the runtime holds a tensor in one Java
 * array; counts are computed without overflow, so absurd shapes get a message, not a wrapped
 * number. Names must be distinct; whether they are parameters of the method is checked by the
 * frontend, which knows them.
 */
public final class InputSpecs {
  /** The largest input, in bytes: the runtime holds a tensor in one Java byte array. */
  public static final long MAX_BYTES = Integer.MAX_VALUE;

  private static final Pattern SPEC =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=([a-z0-9]+)\\[([^\\]]*)\\]");
  private static final Pattern DIM = Pattern.compile("-?[0-9]+");
  private static final int SHOWN = 80;

  private InputSpecs() {}

  /** Parses all specs in order; the message of the exception is complete and user-facing. */
  public static LinkedHashMap<String, Type.TensorType> parse(List<String> specs) {
    LinkedHashMap<String, Type.TensorType> out = new LinkedHashMap<>();
    for (String s : specs) {
      Type.TensorType t = parseOne(s);
      String name = s.trim().substring(0, s.trim().indexOf('='));
      if (out.putIfAbsent(name, t) != null) {
        throw new IllegalArgumentException(
            "--input " + name + " is given twice; give each input once");
      }
    }
    return out;
  }

  private static Type.TensorType parseOne(String s) {
    String at = "--input '" + shown(s) + "': ";
    Matcher m = SPEC.matcher(s.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          at + "must look like NAME=DTYPE[D0,D1,...], e.g. x=float32[1,3,32,32]");
    }
    DType dt;
    try {
      dt = DType.fromNumpyName(m.group(2));
      if (!dt.inIr()) {
        throw new IllegalArgumentException("a storage type only");
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          at + "unknown dtype '" + m.group(2) + "' (float32, float64, int64, int32, bool)");
    }
    String dims = m.group(3).trim();
    String[] parts = dims.isEmpty() ? new String[0] : dims.split(",", -1);
    long[] shape = new long[parts.length];
    BigInteger elements = BigInteger.ONE;
    for (int i = 0; i < parts.length; i++) {
      String d = parts[i].trim();
      if (!DIM.matcher(d).matches()) {
        throw new IllegalArgumentException(
            at + "dimension " + (i + 1) + " ('" + shown(d) + "') is not a whole number");
      }
      BigInteger v = new BigInteger(d);
      if (v.signum() <= 0) {
        throw new IllegalArgumentException(
            at
                + "dimension "
                + (i + 1)
                + " is "
                + v
                + "; every dimension must be at least 1 (dynnc does not compile empty tensors)");
      }
      elements = elements.multiply(v);
      shape[i] = v.bitLength() < 63 ? v.longValue() : Long.MAX_VALUE;
    }
    BigInteger bytes = elements.multiply(BigInteger.valueOf(dt.byteSize()));
    if (bytes.compareTo(BigInteger.valueOf(MAX_BYTES)) > 0) {
      throw new IllegalArgumentException(
          at
              + count(elements)
              + " elements of "
              + dt.numpyName()
              + " take "
              + count(bytes)
              + " bytes; an input may take at most "
              + MAX_BYTES
              + " bytes (2 GiB)");
    }
    return Type.TensorType.of(dt, shape);
  }

  /** A count for a message; beyond 30 digits only its size matters. */
  private static String count(BigInteger n) {
    String digits = n.toString();
    return digits.length() <= 30 ? digits : "about 10^" + (digits.length() - 1);
  }

  /** {@code s}, shortened for messages: a pasted megabyte of digits must not be echoed whole. */
  private static String shown(String s) {
    return s.length() <= SHOWN ? s : s.substring(0, SHOWN) + "...";
  }
}
