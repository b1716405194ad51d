package dev.dynnc.frontend.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * A library function's signature, written like PyTorch's schema strings and parsed once.
 *
 * <p>Example: {@code conv2d(Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1, int[2]
 * padding=0, int[2] dilation=1, int groups=1) -> Tensor}. Types: {@code Tensor}, {@code Tensor[]},
 * {@code Tensor|Scalar} (a tensor or a Python number, as PyTorch's binary functions accept), {@code
 * int}, {@code int[]}, {@code int[N]} (a single int is repeated N times, as PyTorch does; a list
 * needs N values), {@code int[]} (a list, or one int as a list of it: a list of dimensions), {@code
 * int...} (varargs: {@code view(2, 3)} or {@code view((2, 3))}), {@code Any...} (all remaining
 * positional arguments), {@code float}, {@code bool}, {@code str}, {@code ScalarType}, {@code
 * Scalar} (a Python number), {@code Number} and {@code Tensor|Number} (also a run-time scalar such
 * as {@code t.item()} or a loop counter, which the implementation uploads), {@code Device} (a
 * device name, which compiled code ignores) and {@code Any} (checked by the implementation); a
 * trailing {@code ?} allows None. A bare {@code *} makes the parameters after it keyword-only.
 * Defaults are None, True, False, numbers and quoted strings. {@link BoundArgs#bind} binds a call
 * to it.
 */
record Schema(String name, List<Param> params, String returns) {
  /** What a parameter accepts. */
  enum Kind {
    TENSOR("Tensor"),
    TENSOR_LIST("Tensor[]"),
    TENSOR_OR_SCALAR("Tensor|Scalar"),
    INT("int"),
    INT_LIST("int[]"),
    FLOAT("float"),
    BOOL("bool"),
    STR("str"),
    DTYPE("ScalarType"),
    SCALAR("Scalar"),
    /** A Python number or a run-time scalar ({@code t.item()}, a loop counter). */
    NUMBER("Number"),
    /** A tensor, a Python number or a run-time scalar. */
    TENSOR_OR_NUMBER("Tensor|Number"),
    DEVICE("Device"),
    ANY("Any");

    final String spelling;

    Kind(String spelling) {
      this.spelling = spelling;
    }
  }

  /**
   * One parameter. {@code size} is N of {@code int[N]} (0 for any length); {@code fallback} is the
   * parsed default, meaningful only when {@code hasDefault}.
   */
  record Param(
      String name,
      Kind kind,
      int size,
      boolean optional,
      boolean varargs,
      boolean keywordOnly,
      boolean hasDefault,
      Object fallback,
      String defaultText) {
    /** The type as written in the schema. */
    String type() {
      String t =
          varargs
              ? (kind == Kind.INT_LIST ? "int" : kind.spelling) + "..."
              : kind == Kind.INT_LIST && size > 0 ? "int[" + size + "]" : kind.spelling;
      return t + (optional ? "?" : "");
    }

    @Override
    public String toString() {
      return type() + " " + name + (hasDefault ? "=" + defaultText : "");
    }
  }

  /**
   * Parses a schema; a malformed one is a bug in dynnc's own table, so it throws
   * IllegalArgumentException.
   */
  static Schema parse(String text) {
    int open = text.indexOf('(');
    int arrow = text.lastIndexOf("->");
    int close = arrow < 0 ? -1 : text.lastIndexOf(')', arrow);
    if (open <= 0 || close < open || arrow < 0) {
      throw new IllegalArgumentException("malformed schema: " + text);
    }
    String name = text.substring(0, open).trim();
    List<Param> params = new ArrayList<>();
    boolean keywordOnly = false;
    String inner = text.substring(open + 1, close).trim();
    for (String part :
        inner.isEmpty() ? new String[0] : inner.split(",(?=(?:[^']*'[^']*')*[^']*$)")) {
      String p = part.trim();
      if (p.equals("*")) {
        keywordOnly = true;
        continue;
      }
      Param param = param(p, keywordOnly, text);
      if (params.stream().anyMatch(q -> q.name().equals(param.name()))) {
        throw new IllegalArgumentException(
            "duplicate parameter '" + param.name() + "' in schema: " + text);
      }
      if (!param.hasDefault()
          && !param.keywordOnly()
          && !params.isEmpty()
          && params.get(params.size() - 1).hasDefault()
          && !params.get(params.size() - 1).keywordOnly()) {
        throw new IllegalArgumentException("required parameter after a default in schema: " + text);
      }
      params.add(param);
    }
    return new Schema(name, List.copyOf(params), text.substring(arrow + 2).trim());
  }

  private static Param param(String p, boolean keywordOnly, String schema) {
    int space = p.indexOf(' ');
    if (space < 0) {
      throw new IllegalArgumentException("parameter '" + p + "' lacks a type in schema: " + schema);
    }
    String type = p.substring(0, space);
    String rest = p.substring(space + 1).trim();
    int eq = rest.indexOf('=');
    String name = eq < 0 ? rest : rest.substring(0, eq).trim();
    String defaultText = eq < 0 ? null : rest.substring(eq + 1).trim();
    boolean optional = type.endsWith("?");
    String base = optional ? type.substring(0, type.length() - 1) : type;
    boolean varargs = base.equals("int...") || base.equals("Any...");
    int size = 0;
    Kind kind = null;
    if (varargs) {
      kind = base.equals("int...") ? Kind.INT_LIST : Kind.ANY;
    } else if (base.matches("int\\[[0-9]*\\]")) {
      kind = Kind.INT_LIST;
      String n = base.substring(4, base.length() - 1);
      size = n.isEmpty() ? 0 : Integer.parseInt(n);
    } else {
      for (Kind k : Kind.values()) {
        if (k.spelling.equals(base)) {
          kind = k;
        }
      }
    }
    if (kind == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("bad parameter '" + p + "' in schema: " + schema);
    }
    Object fallback = defaultText == null ? null : literal(defaultText, schema);
    if (fallback == Values.NONE && !optional) {
      throw new IllegalArgumentException(
          "default None for a non-optional parameter '" + name + "' in schema: " + schema);
    }
    return new Param(
        name,
        kind,
        size,
        optional,
        varargs,
        keywordOnly,
        defaultText != null,
        fallback,
        defaultText);
  }

  private static Object literal(String s, String schema) {
    switch (s) {
      case "None":
        return Values.NONE;
      case "True":
        return true;
      case "False":
        return false;
      default:
        if (s.length() >= 2 && s.startsWith("'") && s.endsWith("'")) {
          return s.substring(1, s.length() - 1);
        }
        try {
          return s.matches("-?[0-9]+")
              ? (Object) Long.parseLong(s)
              : (Object) Double.parseDouble(s);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("bad default '" + s + "' in schema: " + schema, e);
        }
    }
  }

  /** The parameter named {@code name}, or null. */
  Param param(String name) {
    for (Param p : params) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    return null;
  }

  /** This schema with its first parameter renamed (a tensor method's {@code self}). */
  Schema withFirstNamed(String first) {
    List<Param> ps = new ArrayList<>(params);
    Param p = ps.get(0);
    ps.set(
        0,
        new Param(
            first,
            p.kind(),
            p.size(),
            p.optional(),
            p.varargs(),
            p.keywordOnly(),
            p.hasDefault(),
            p.fallback(),
            p.defaultText()));
    return new Schema(name, List.copyOf(ps), returns);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(name).append('(');
    boolean star = false;
    for (int i = 0; i < params.size(); i++) {
      Param p = params.get(i);
      if (i > 0) {
        sb.append(", ");
      }
      if (p.keywordOnly() && !star) {
        sb.append("*, ");
        star = true;
      }
      sb.append(p);
    }
    return sb.append(") -> ").append(returns).toString();
  }
}
