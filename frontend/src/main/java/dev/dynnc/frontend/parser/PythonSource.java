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
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/** Parses Python source text into dynnc's AST, reporting syntax errors as diagnostics. */
public final class PythonSource {
  private PythonSource() {}

  /**
   * Parses a file. Syntax errors are returned through {@link DiagnosticException}'s diagnostics
   * (first error only: later ones are usually consequences).
   */
  public static ImmutableList<Stmt> parseFile(String file, String text) {
    Parsed p = setup(file, text, 1, 0);
    PythonParser.File_inputContext tree;
    try {
      tree = p.parser.file_input();
    } catch (ParseCancellationException e) {
      throw new DiagnosticException(p.errors);
    }
    p.checkErrors();
    return new AstBuilder(file).fileInput(tree);
  }

  /** Parses one expression (entry expressions, f-string fields) located at {@code at}. */
  public static Expr parseExpression(String text, Span at) {
    Parsed p = setup(at.file(), text, at.line(), at.column() - 1);
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
    return new AstBuilder(at.file()).test(tree);
  }

  private record Parsed(PythonParser parser, IndentingTokenSource tokens, List<Diagnostic> errors, String file) {
    void checkErrors() {
      for (Token t : tokens.indentErrors()) {
        errors.add(Diagnostic.of(Code.DN0002, new Span(file, t.getLine(), t.getCharPositionInLine() + 1),
            "unindent does not match any outer indentation level",
            "indent this line exactly like the block it belongs to"));
      }
      if (!errors.isEmpty()) {
        errors.sort((a, b) -> a.span().line() != b.span().line()
            ? Integer.compare(a.span().line(), b.span().line()) : Integer.compare(a.span().column(), b.span().column()));
        throw new DiagnosticException(errors.subList(0, 1));
      }
    }
  }

  private static Parsed setup(String file, String text, int line, int column) {
    PythonLexer lexer = new PythonLexer(CharStreams.fromString(text, file));
    lexer.setLine(line);
    lexer.setCharPositionInLine(column);
    List<Diagnostic> errors = new ArrayList<>();
    lexer.removeErrorListeners();
    IndentingTokenSource tokens = new IndentingTokenSource(lexer);
    PythonParser parser = new PythonParser(new CommonTokenStream(tokens));
    parser.removeErrorListeners();
    parser.addErrorListener(new BaseErrorListener() {
      @Override
      public void syntaxError(Recognizer<?, ?> r, Object offending, int l, int c, String msg, RecognitionException e) {
        Token t = (Token) offending;
        String what = describe(t);
        String hint = null;
        if (t.getType() == PythonLexer.UNKNOWN_CHAR) {
          hint = "this character cannot start a Python token here";
        } else if (t.getType() == PythonParser.INDENT) {
          hint = "remove the extra indentation";
        } else if (msg.contains("missing ':'") || msg.contains("expecting ':'")) {
          hint = "a compound statement header ends with ':'";
        }
        errors.add(Diagnostic.of(Code.DN0001, new Span(file, l, c + 1), "invalid syntax: unexpected " + what, hint));
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
