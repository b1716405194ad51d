package dev.dynnc.ir;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the IR text format written by {@link Printer}; {@code parse(print(f)).equals(f)} holds.
 *
 * <p>Lines starting with {@code //} are comments. Errors name line and column of the text.
 */
public final class Parser {
  /** A syntax or reference error in IR text. */
  public static final class ParseException extends Exception {
    public ParseException(String message) {
      super(message);
    }
  }

  private final String src;
  private int pos;
  private int line = 1;
  private int lineStart;

  private Parser(String src) {
    this.src = src;
  }

  public static Function parse(String text) throws ParseException {
    Parser p = new Parser(text);
    Function f = p.function();
    p.skipSpace();
    if (p.pos < p.src.length()) {
      throw p.error("unexpected text after function");
    }
    return f;
  }

  private Function function() throws ParseException {
    keyword("func");
    expect('@');
    String name = ident();
    expect('(');
    List<String> inputNames = new ArrayList<>();
    List<Param> params = new ArrayList<>();
    if (!peekIs(')')) {
      do {
        ValueId id = valueId();
        inputNames.add(string());
        expect(':');
        params.add(new Param(id, type()));
      } while (tryConsume(','));
    }
    expect(')');
    expect('{');
    List<Block> blocks = new ArrayList<>();
    while (!peekIs('}')) {
      blocks.add(block());
    }
    expect('}');
    return new Function(
        name,
        ImmutableList.copyOf(inputNames),
        ImmutableList.copyOf(params),
        ImmutableList.copyOf(blocks));
  }

  private Block block() throws ParseException {
    BlockId id = blockId();
    List<Param> params = new ArrayList<>();
    if (tryConsume('(')) {
      if (!peekIs(')')) {
        do {
          ValueId v = valueId();
          expect(':');
          params.add(new Param(v, type()));
        } while (tryConsume(','));
      }
      expect(')');
    }
    expect(':');
    List<Op> ops = new ArrayList<>();
    while (true) {
      skipSpace();
      if (peekIs('%')) {
        ops.add(op());
      } else {
        Terminator t = terminator();
        return new Block(id, ImmutableList.copyOf(params), ImmutableList.copyOf(ops), t);
      }
    }
  }

  private Op op() throws ParseException {
    ValueId result = valueId();
    expect('=');
    String name = ident();
    List<ValueId> operands = new ArrayList<>();
    expect('(');
    if (!peekIs(')')) {
      do {
        operands.add(valueId());
      } while (tryConsume(','));
    }
    expect(')');
    Map<String, Attr> attrs = new HashMap<>();
    if (tryConsume('{')) {
      do {
        String key = ident();
        expect('=');
        attrs.put(key, attr());
      } while (tryConsume(','));
      expect('}');
    }
    expect(':');
    Type type = type();
    Span span = loc();
    return new Op(
        result, name, ImmutableList.copyOf(operands), ImmutableSortedMap.copyOf(attrs), type, span);
  }

  private Terminator terminator() throws ParseException {
    String kw = ident();
    switch (kw) {
      case "jump":
        {
          BlockId t = blockId();
          List<ValueId> args = args();
          return new Terminator.Jump(t, ImmutableList.copyOf(args), loc());
        }
      case "br":
        {
          ValueId c = valueId();
          expect(',');
          BlockId t = blockId();
          List<ValueId> ta = args();
          expect(',');
          BlockId f = blockId();
          List<ValueId> fa = args();
          return new Terminator.Branch(
              c, t, ImmutableList.copyOf(ta), f, ImmutableList.copyOf(fa), loc());
        }
      case "ret":
        {
          OutputTree tree = tree();
          return new Terminator.Return(tree, loc());
        }
      default:
        throw error("expected an op or a terminator (jump, br, ret), found '" + kw + "'");
    }
  }

  private OutputTree tree() throws ParseException {
    skipSpace();
    if (peekIs('%')) {
      return new OutputTree.Leaf(valueId());
    }
    if (tryConsume('(')) {
      List<OutputTree> items = new ArrayList<>();
      if (!peekIs(')')) {
        items.add(tree());
        while (tryConsume(',')) {
          if (peekIs(')')) {
            break;
          }
          items.add(tree());
        }
      }
      expect(')');
      return new OutputTree.TupleNode(ImmutableList.copyOf(items));
    }
    if (tryConsume('[')) {
      List<OutputTree> items = new ArrayList<>();
      if (!peekIs(']')) {
        do {
          items.add(tree());
        } while (tryConsume(','));
      }
      expect(']');
      return new OutputTree.ListNode(ImmutableList.copyOf(items));
    }
    if (tryConsume('{')) {
      List<String> keys = new ArrayList<>();
      List<OutputTree> items = new ArrayList<>();
      if (!peekIs('}')) {
        do {
          keys.add(string());
          expect(':');
          items.add(tree());
        } while (tryConsume(','));
      }
      expect('}');
      return new OutputTree.DictNode(ImmutableList.copyOf(keys), ImmutableList.copyOf(items));
    }
    keyword("None");
    return new OutputTree.NoneNode();
  }

  private List<ValueId> args() throws ParseException {
    List<ValueId> args = new ArrayList<>();
    expect('(');
    if (!peekIs(')')) {
      do {
        args.add(valueId());
      } while (tryConsume(','));
    }
    expect(')');
    return args;
  }

  private Attr attr() throws ParseException {
    skipSpace();
    if (peekIs('"')) {
      return new Attr.StrAttr(string());
    }
    if (tryConsume('[')) {
      ImmutableList.Builder<Long> b = ImmutableList.builder();
      if (!peekIs(']')) {
        do {
          String n = number();
          try {
            b.add(Long.parseLong(n));
          } catch (NumberFormatException e) {
            throw error("expected an integer in list, found '" + n + "'");
          }
        } while (tryConsume(','));
      }
      expect(']');
      return new Attr.IntsAttr(b.build());
    }
    if (Character.isLetter(peek())) {
      String w = ident();
      return switch (w) {
        case "true" -> new Attr.BoolAttr(true);
        case "false" -> new Attr.BoolAttr(false);
        case "Infinity" -> new Attr.FloatAttr(Double.POSITIVE_INFINITY);
        case "NaN" -> new Attr.FloatAttr(Double.NaN);
        default -> throw error("unexpected attribute value '" + w + "'");
      };
    }
    String n = number();
    if (n.equals("-Infinity")) {
      return new Attr.FloatAttr(Double.NEGATIVE_INFINITY);
    }
    try {
      if (n.contains(".") || n.contains("E") || n.contains("e")) {
        return new Attr.FloatAttr(Double.parseDouble(n));
      }
      return new Attr.IntAttr(Long.parseLong(n));
    } catch (NumberFormatException e) {
      throw error("malformed number '" + n + "'");
    }
  }

  private Type type() throws ParseException {
    String dt = ident();
    DType d;
    try {
      d = DType.fromIrName(dt);
    } catch (IllegalArgumentException e) {
      throw error("unknown dtype '" + dt + "'");
    }
    if (src.startsWith("[", pos)) {
      pos++;
      List<Long> dims = new ArrayList<>();
      if (!peekIs(']')) {
        do {
          dims.add(Long.parseLong(number()));
        } while (tryConsume(','));
      }
      expect(']');
      return new Type.TensorType(d, ImmutableList.copyOf(dims));
    }
    return new Type.ScalarType(d);
  }

  private Span loc() throws ParseException {
    skipSpaceSameLine();
    if (!src.startsWith("loc(", pos)) {
      return Span.NONE;
    }
    pos += 4;
    String file = string();
    expect(':');
    int l = Integer.parseInt(number());
    expect(':');
    int c = Integer.parseInt(number());
    expect(')');
    return new Span(file, l, c);
  }

  private ValueId valueId() throws ParseException {
    expect('%');
    return new ValueId(Integer.parseInt(digits()));
  }

  private BlockId blockId() throws ParseException {
    expect('^');
    if (!src.startsWith("bb", pos)) {
      throw error("expected a block name like ^bb1");
    }
    pos += 2;
    return new BlockId(Integer.parseInt(digits()));
  }

  private String digits() throws ParseException {
    int start = pos;
    while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
      pos++;
    }
    if (start == pos) {
      throw error("expected digits");
    }
    return src.substring(start, pos);
  }

  private String number() throws ParseException {
    skipSpace();
    int start = pos;
    while (pos < src.length() && "0123456789.eE+-".indexOf(src.charAt(pos)) >= 0) {
      pos++;
    }
    if (src.startsWith("Infinity", pos) && start < pos && src.charAt(pos - 1) == '-') {
      pos += "Infinity".length();
    }
    if (start == pos) {
      throw error("expected a number");
    }
    return src.substring(start, pos);
  }

  private String ident() throws ParseException {
    skipSpace();
    int start = pos;
    while (pos < src.length()
        && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
      pos++;
    }
    if (start == pos) {
      throw error("expected a name");
    }
    return src.substring(start, pos);
  }

  private String string() throws ParseException {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= src.length()) {
        throw error("unterminated string");
      }
      char c = src.charAt(pos++);
      if (c == '"') {
        return sb.toString();
      }
      if (c == '\\' && pos < src.length()) {
        char e = src.charAt(pos++);
        if (e == 'u') {
          String hex = src.substring(pos, Math.min(pos + 4, src.length()));
          if (hex.length() < 4 || !hex.chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
            throw error("expected four hex digits after \\u");
          }
          sb.append((char) Integer.parseInt(hex, 16));
          pos += 4;
        } else {
          sb.append(e == 'n' ? '\n' : e);
        }
      } else {
        sb.append(c);
      }
    }
  }

  private void keyword(String kw) throws ParseException {
    String w = ident();
    if (!w.equals(kw)) {
      throw error("expected '" + kw + "', found '" + w + "'");
    }
  }

  private void expect(char c) throws ParseException {
    skipSpace();
    if (pos >= src.length() || src.charAt(pos) != c) {
      throw error(
          "expected '"
              + c
              + "'"
              + (pos < src.length() ? ", found '" + src.charAt(pos) + "'" : " at end of input"));
    }
    pos++;
  }

  private boolean tryConsume(char c) {
    skipSpace();
    if (pos < src.length() && src.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private boolean peekIs(char c) {
    skipSpace();
    return pos < src.length() && src.charAt(pos) == c;
  }

  private char peek() {
    skipSpace();
    return pos < src.length() ? src.charAt(pos) : '\0';
  }

  private void skipSpaceSameLine() {
    while (pos < src.length() && (src.charAt(pos) == ' ' || src.charAt(pos) == '\t')) {
      pos++;
    }
  }

  private void skipSpace() {
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == '\n') {
        line++;
        lineStart = pos + 1;
        pos++;
      } else if (Character.isWhitespace(c)) {
        pos++;
      } else if (src.startsWith("//", pos)) {
        while (pos < src.length() && src.charAt(pos) != '\n') {
          pos++;
        }
      } else {
        return;
      }
    }
  }

  private ParseException error(String message) {
    return new ParseException("ir:" + line + ":" + (pos - lineStart + 1) + ": " + message);
  }
}
