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
    return new DiagnosticException(Diagnostic.of(Code.DN0001,
        at == null ? new Span(file, 1, 1) : new Span(file, at.getLine(), at.getCharPositionInLine() + 1),
        "this statement nests too deeply to parse", "split it into several statements"));
  }

  /** Parses one expression (entry expressions, f-string fields) located at {@code at}. */
  public static Expr parseExpression(String text, Span at) {
    Parsed p = setup(at.file(), text, at.line(), at.column() - 1, false);
    PythonParser.TestContext tree;
    try {
      tree = p.parser.test();
      if (p.parser.getCurrentToken().getType() != Token.EOF && p.parser.getCurrentToken().getType() != PythonLexer.NEWLINE) {
        Token t = p.parser.getCurrentToken();
        p.errors.add(Diagnostic.of(Code.DN0001, new Span(at.file(), t.getLine(), t.getCharPositionInLine() + 1),
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

  private record Parsed(PythonParser parser, IndentingTokenSource tokens, List<Diagnostic> errors, String file) {
    void checkErrors() {
      errors.addAll(tokens.indentErrors());
      if (!errors.isEmpty()) {
        errors.sort((a, b) -> a.span().line() != b.span().line()
            ? Integer.compare(a.span().line(), b.span().line()) : Integer.compare(a.span().column(), b.span().column()));
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
    parser.addErrorListener(new BaseErrorListener() {
      @Override
      public void syntaxError(Recognizer<?, ?> r, Object offending, int l, int c, String msg, RecognitionException e) {
        Token t = (Token) offending;
        String message = "invalid syntax: unexpected " + describe(t);
        String hint = null;
        IntervalSet expected = ((Parser) r).getExpectedTokens();
        if (t.getType() == PythonLexer.UNKNOWN_CHAR && (t.getText().equals("'") || t.getText().equals("\""))) {
          String q = t.getText();
          // An unterminated ''' lexes as an empty string '' and a stray quote: report the opening.
          boolean triple = t.getStartIndex() >= 2 && text.startsWith(q.repeat(3), t.getStartIndex() - 2);
          if (triple && c >= 2) {
            c -= 2;
          }
          message = "unterminated " + (triple ? "triple-quoted " : "") + "string literal";
          hint = triple ? "close the string with " + q.repeat(3) : "close the string on the same line, or use triple quotes for text over several lines";
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
          hint = "the '" + open.get().getText() + "' at line " + open.get().getLine() + ", column "
              + (open.get().getCharPositionInLine() + 1) + " is not closed";
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
      default -> "'" + t.getText() + "'";
    };
  }
}
