package dev.dynnc.frontend.parser;

import com.google.common.collect.ImmutableList;
import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostic;
import dev.dynnc.diag.DiagnosticException;
import dev.dynnc.frontend.ast.Expr;
import dev.dynnc.frontend.ast.Stmt;
import dev.dynnc.ir.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/** Parses Python source text into dynnc's AST, reporting syntax errors as diagnostics. */
public final class PythonSource {
  private PythonSource() {}

  /**
   * PEP 263: a comment on line 1 or 2 naming the file's encoding, e.g. {@code # -*- coding: latin-1
   * -*-}.
   */
  private static final java.util.regex.Pattern CODING =
      java.util.regex.Pattern.compile("^[ \\t\\f]*#.*?coding[:=][ \\t]*([-\\w.]+)");

  /**
   * Decodes a source file's bytes as Python does: UTF-8 unless a PEP 263 declaration on line 1 or 2
   * names another encoding, with a leading UTF-8 byte-order mark dropped. Bytes that are not valid
   * in the encoding are reported at the line and column of the first one, never replaced silently.
   *
   * @param file the name diagnostics show
   * @param sources receives the text (bad bytes shown as U+FFFD) so that a diagnostic can quote the
   *     line
   * @throws DiagnosticException (DN0004) for undecodable bytes or an unknown or contradictory
   *     declaration
   */
  public static String decode(String file, byte[] bytes, dev.dynnc.diag.SourceMap sources) {
    boolean bom =
        bytes.length >= 3
            && (bytes[0] & 0xff) == 0xef
            && (bytes[1] & 0xff) == 0xbb
            && (bytes[2] & 0xff) == 0xbf;
    int start = bom ? 3 : 0;
    java.nio.charset.Charset charset = java.nio.charset.StandardCharsets.UTF_8;
    // The declaration is ASCII in every encoding Python accepts, so it can be looked for before
    // decoding.
    String head =
        new String(
            bytes,
            start,
            Math.min(bytes.length - start, 1024),
            java.nio.charset.StandardCharsets.ISO_8859_1);
    String[] lines = head.split("\r\n|\r|\n", 3);
    for (int i = 0; i < Math.min(2, lines.length); i++) {
      java.util.regex.Matcher m = CODING.matcher(lines[i]);
      if (m.find()) {
        Span at = new Span(file, i + 1, m.start(1) + 1);
        sources.add(file, head); // lets an error about the declaration quote its line
        charset = charset(m.group(1), bom, at);
        break;
      }
      if (!lines[i].isBlank() && !lines[i].stripLeading().startsWith("#")) {
        break; // only a comment or blank first line lets the declaration sit on line 2
      }
    }
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes, start, bytes.length - start);
    try {
      return charset
          .newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(in)
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      // Decode again to find the first bad byte: everything before it is valid and gives its line
      // and column.
      java.nio.charset.CharsetDecoder d = charset.newDecoder();
      java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length - start + 1);
      in = java.nio.ByteBuffer.wrap(bytes, start, bytes.length - start);
      d.decode(in, out, true);
      int bad = in.position();
      String[] before = out.flip().toString().split("\r\n|\r|\n", -1);
      Span at = new Span(file, before.length, before[before.length - 1].length() + 1);
      sources.add(file, new String(bytes, start, bytes.length - start, charset));
      throw new DiagnosticException(
          Diagnostic.of(
              Code.DN0004,
              at,
              String.format("byte 0x%02x is not valid %s", bytes[bad] & 0xff, charset.name()),
              charset.equals(java.nio.charset.StandardCharsets.UTF_8)
                  ? "save the file as UTF-8, or declare its encoding on the first line, e.g. # -*- coding: latin-1 -*-"
                  : "the file's bytes do not match its coding declaration"));
    }
  }

  /**
   * Resolves a PEP 263 encoding name; a BOM with anything but UTF-8 is a contradiction, as in
   * CPython.
   */
  private static java.nio.charset.Charset charset(String name, boolean bom, Span at) {
    String n = name.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    java.nio.charset.Charset c = null;
    if (n.equals("utf-8") || n.equals("utf8") || n.startsWith("utf-8-")) {
      c = java.nio.charset.StandardCharsets.UTF_8;
    } else if (n.equals("latin-1")
        || n.equals("latin1")
        || n.equals("l1")
        || n.equals("iso-8859-1")) {
      c = java.nio.charset.StandardCharsets.ISO_8859_1;
    } else {
      try {
        c = java.nio.charset.Charset.forName(n);
      } catch (IllegalArgumentException e) {
        // unknown or malformed name: reported below
      }
    }
    if (c == null) {
      throw new DiagnosticException(
          Diagnostic.of(
              Code.DN0004,
              at,
              "unknown source encoding '" + name + "'",
              "declare utf-8 or latin-1, or save the file as UTF-8 and drop the declaration"));
    }
    if (bom && !c.equals(java.nio.charset.StandardCharsets.UTF_8)) {
      throw new DiagnosticException(
          Diagnostic.of(
              Code.DN0004,
              at,
              "the file starts with a UTF-8 byte-order mark "
                  + "but declares the encoding '"
                  + name
                  + "'",
              "drop the byte-order mark or the declaration"));
    }
    return c;
  }

  /**
   * Parses a file. Syntax errors are returned through {@link DiagnosticException}'s diagnostics
   * (first error only: later ones are usually consequences).
   */
  public static ImmutableList<Stmt> parseFile(String file, String text) {
    Parsed p = setup(file, text, 1, 0, true);
    PythonParser.File_inputContext tree;
    try {
      tree = p.parser.file_input();
    } catch (ParseCancellationException e) {
      throw new DiagnosticException(p.errors);
    } catch (StackOverflowError e) {
      throw tooDeep(file, p.parser.getCurrentToken());
    }
    p.checkErrors();
    return new AstBuilder(file).fileInput(tree);
  }

  /**
   * The source nests deeper than the Java stack allows (e.g. thousands of chained operators);
   * reported at the statement being read. Bracket nesting is bounded earlier, as in CPython.
   */
  private static DiagnosticException tooDeep(String file, Token at) {
    return new DiagnosticException(
        Diagnostic.of(
            Code.DN0001,
            at == null
                ? new Span(file, 1, 1)
                : new Span(file, at.getLine(), at.getCharPositionInLine() + 1),
            "this statement nests too deeply to parse",
            "split it into several statements"));
  }

  /** Parses one expression (entry expressions, f-string fields) located at {@code at}. */
  public static Expr parseExpression(String text, Span at) {
    Parsed p = setup(at.file(), text, at.line(), at.column() - 1, false);
    PythonParser.TestContext tree;
    try {
      tree = p.parser.test();
      if (p.parser.getCurrentToken().getType() != Token.EOF
          && p.parser.getCurrentToken().getType() != PythonLexer.NEWLINE) {
        Token t = p.parser.getCurrentToken();
        p.errors.add(
            Diagnostic.of(
                Code.DN0001,
                new Span(at.file(), t.getLine(), t.getCharPositionInLine() + 1),
                "unexpected " + describe(t) + " after expression"));
      }
    } catch (ParseCancellationException e) {
      throw new DiagnosticException(p.errors);
    }
    p.checkErrors();
    AstBuilder builder = new AstBuilder(at.file());
    try {
      return builder.test(tree);
    } catch (StackOverflowError e) {
      throw tooDeep(at.file(), tree.getStart());
    }
  }

  private record Parsed(
      PythonParser parser, IndentingTokenSource tokens, List<Diagnostic> errors, String file) {
    void checkErrors() {
      errors.addAll(tokens.indentErrors());
      if (!errors.isEmpty()) {
        errors.sort(
            (a, b) ->
                a.span().line() != b.span().line()
                    ? Integer.compare(a.span().line(), b.span().line())
                    : Integer.compare(a.span().column(), b.span().column()));
        throw new DiagnosticException(errors.subList(0, 1));
      }
    }
  }

  private static Parsed setup(String file, String text, int line, int column, boolean isFile) {
    PythonLexer lexer = new PythonLexer(CharStreams.fromString(text, file));
    lexer.setLine(line);
    lexer.setCharPositionInLine(column);
    List<Diagnostic> errors = new ArrayList<>();
    lexer.removeErrorListeners();
    IndentingTokenSource tokens = new IndentingTokenSource(lexer, isFile);
    PythonParser parser = new PythonParser(new CommonTokenStream(tokens));
    parser.removeErrorListeners();
    parser.addErrorListener(
        new BaseErrorListener() {
          @Override
          public void syntaxError(
              Recognizer<?, ?> r,
              Object offending,
              int l,
              int c,
              String msg,
              RecognitionException e) {
            Token t = (Token) offending;
            String message = "invalid syntax: unexpected " + describe(t);
            String hint = null;
            IntervalSet expected = ((Parser) r).getExpectedTokens();
            if (t.getType() == PythonLexer.UNKNOWN_CHAR
                && (t.getText().equals("'") || t.getText().equals("\""))) {
              String q = t.getText();
              // An unterminated ''' lexes as an empty string '' and a stray quote: report the
              // opening.
              boolean triple =
                  t.getStartIndex() >= 2 && text.startsWith(q.repeat(3), t.getStartIndex() - 2);
              if (triple && c >= 2) {
                c -= 2;
              }
              message = "unterminated " + (triple ? "triple-quoted " : "") + "string literal";
              hint =
                  triple
                      ? "close the string with " + q.repeat(3)
                      : "close the string on the same line, or use triple quotes for text over several lines";
            } else if (t.getType() == PythonLexer.UNKNOWN_CHAR) {
              hint = "this character cannot start a Python token here";
            } else if (t.getType() == PythonParser.INDENT) {
              message = "invalid syntax: unexpected indent";
              hint = "remove the extra indentation";
            } else if (expected.size() == 1 && expected.contains(PythonParser.INDENT)) {
              message = "expected an indented block";
              hint = "indent the body of the statement that ends with ':' on the line above";
            } else if (msg.contains("missing ':'") || msg.contains("expecting ':'")) {
              hint = "a compound statement header ends with ':'";
            }
            Optional<Token> open = tokens.openBracket();
            if (hint == null && open.isPresent() && open.get().getLine() < t.getLine()) {
              hint =
                  "the '"
                      + open.get().getText()
                      + "' at line "
                      + open.get().getLine()
                      + ", column "
                      + (open.get().getCharPositionInLine() + 1)
                      + " is not closed";
            }
            errors.add(Diagnostic.of(Code.DN0001, new Span(file, l, c + 1), message, hint));
            throw new ParseCancellationException();
          }
        });
    return new Parsed(parser, tokens, errors, file);
  }

  private static String describe(Token t) {
    return switch (t.getType()) {
      case Token.EOF -> "end of file";
      case PythonLexer.NEWLINE -> "end of line";
      case PythonParser.INDENT -> "indent";
      case PythonParser.DEDENT -> "dedent";
      // A token can be a whole line (a long string literal): quote its start only.
      default ->
          "'"
              + (t.getText().length() > 40 ? t.getText().substring(0, 37) + "..." : t.getText())
              + "'";
    };
  }
}
