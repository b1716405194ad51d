package dev.dynnc.weights;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a safetensors header with Gson's strict streaming reader into plain Java values.
 *
 * <p>Objects become {@link LinkedHashMap}s (file order kept, duplicate keys refused, which Gson's
 * own tree model would silently resolve), arrays {@link ArrayList}s, integers that fit {@link
 * Long}s, other numbers {@link Double}s, and {@code true/false/null} the Java equivalents. Nesting
 * is capped so that a hostile header cannot exhaust the Java stack.
 */
final class SafetensorsHeader {

  /** Deepest nesting accepted; a safetensors header needs three levels. */
  static final int MAX_DEPTH = 64;

  /**
   * Gson's location, {@code " at line L column C path P"}; the path is dropped as it repeats
   * hostile key text.
   */
  private static final Pattern LOCATION =
      Pattern.compile(" at line (\\d+) column (\\d+)( path [^\\n]*)?");

  private SafetensorsHeader() {}

  /**
   * Parses one JSON value that spans all of {@code text} (surrounding whitespace allowed).
   *
   * @throws IllegalArgumentException with a message saying what is wrong and where (line, column
   *     and JSON path)
   */
  static Object parse(String text) {
    try (JsonReader in = new JsonReader(new StringReader(text))) {
      in.setStrictness(Strictness.STRICT);
      Object value = value(in, 0);
      String after = where(in);
      try {
        if (in.peek() == JsonToken.END_DOCUMENT) {
          return value;
        }
      } catch (MalformedJsonException e) {
        // Strict mode refuses a second value with advice about lenient parsing; say what is wrong
        // instead.
      }
      throw new IllegalArgumentException("unexpected text after the JSON value" + after);
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      // MalformedJsonException, EOFException and Gson's type errors: its message says what and
      // where.
      throw new IllegalArgumentException(located(e.getMessage()), e);
    }
  }

  private static Object value(JsonReader in, int depth) throws IOException {
    JsonToken token = in.peek();
    if ((token == JsonToken.BEGIN_OBJECT || token == JsonToken.BEGIN_ARRAY) && depth >= MAX_DEPTH) {
      throw new IllegalArgumentException("nesting deeper than " + MAX_DEPTH + where(in));
    }
    switch (token) {
      case BEGIN_OBJECT -> {
        in.beginObject();
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        while (in.hasNext()) {
          String key = in.nextName();
          if (map.containsKey(key)) {
            throw new IllegalArgumentException(
                "duplicate key \"" + RestrictedUnpickler.printable(key) + "\"" + where(in));
          }
          map.put(key, value(in, depth + 1));
        }
        in.endObject();
        return map;
      }
      case BEGIN_ARRAY -> {
        in.beginArray();
        List<Object> list = new ArrayList<>();
        while (in.hasNext()) {
          list.add(value(in, depth + 1));
        }
        in.endArray();
        return list;
      }
      case STRING -> {
        return in.nextString();
      }
      case NUMBER -> {
        String literal = in.nextString();
        try {
          return Long.parseLong(literal);
        } catch (NumberFormatException e) {
          // A fraction, an exponent or out of long range: a double, which callers wanting an int
          // reject.
          return Double.parseDouble(literal);
        }
      }
      case BOOLEAN -> {
        return in.nextBoolean();
      }
      case NULL -> {
        in.nextNull();
        return null;
      }
      default -> throw new IllegalArgumentException("unexpected " + token + where(in));
    }
  }

  /** Where the reader stands, e.g. {@code " at line 1 column 9"}. */
  private static String where(JsonReader in) {
    Matcher m = LOCATION.matcher(in.toString());
    return m.find() ? " at line " + m.group(1) + " column " + m.group(2) : "";
  }

  /**
   * Rewrites a Gson message as "what at line L column C": without the JSON path (it repeats key
   * text from the file), the advice to switch to lenient parsing, or the troubleshooting URL, all
   * of which speak to a Gson user rather than to someone holding a bad checkpoint.
   */
  private static String located(String message) {
    Matcher m = LOCATION.matcher(message);
    if (!m.find()) {
      return message.lines().findFirst().orElse("malformed JSON");
    }
    String what =
        message
            .substring(0, m.start())
            .replace(
                "Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON",
                "malformed JSON");
    return Character.toLowerCase(what.charAt(0))
        + what.substring(1)
        + " at line "
        + m.group(1)
        + " column "
        + m.group(2);
  }
}
