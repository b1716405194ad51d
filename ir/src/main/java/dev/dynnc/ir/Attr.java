package dev.dynnc.ir;

import com.google.common.collect.ImmutableList;
import java.util.stream.Collectors;

/** A compile-time attribute of an op: int, float, bool, string or list of ints. */
public sealed interface Attr {
  record IntAttr(long value) implements Attr {
    @Override
    public String toString() {
      return Long.toString(value);
    }
  }

  record FloatAttr(double value) implements Attr {
    @Override
    public String toString() {
      // Always print a '.' or exponent so the parser reads it back as a float; repr is exact.
      String s = Double.toString(value);
      return s;
    }
  }

  record BoolAttr(boolean value) implements Attr {
    @Override
    public String toString() {
      return Boolean.toString(value);
    }
  }

  record StrAttr(String value) implements Attr {
    @Override
    public String toString() {
      return quote(value);
    }
  }

  record IntsAttr(ImmutableList<Long> values) implements Attr {
    public long[] toArray() {
      return values.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public String toString() {
      return values.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
    }
  }

  static IntAttr of(long v) {
    return new IntAttr(v);
  }

  static FloatAttr of(double v) {
    return new FloatAttr(v);
  }

  static BoolAttr of(boolean v) {
    return new BoolAttr(v);
  }

  static StrAttr of(String v) {
    return new StrAttr(v);
  }

  static IntsAttr ints(long... vs) {
    ImmutableList.Builder<Long> b = ImmutableList.builder();
    for (long v : vs) {
      b.add(v);
    }
    return new IntsAttr(b.build());
  }

  /**
   * A string literal of the text format; control characters and lone surrogates (which Python
   * strings may hold but UTF-8 cannot) are written as {@code \\uXXXX}, so IR text stays one op a
   * line and valid UTF-8.
   */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean lone =
          Character.isHighSurrogate(c)
              ? i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
              : Character.isLowSurrogate(c)
                  && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default ->
            sb.append(
                lone || Character.isISOControl(c)
                    ? String.format("\\u%04x", (int) c)
                    : String.valueOf(c));
      }
    }
    return sb.append('"').toString();
  }
}
