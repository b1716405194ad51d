package dev.dynnc.frontend.parser;

import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostic;
import dev.dynnc.diag.DiagnosticException;
import dev.dynnc.ir.Span;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenFactory;
import org.antlr.v4.runtime.TokenSource;

/**
 * Turns the lexer's raw NEWLINE tokens into Python's NEWLINE / INDENT / DEDENT structure.
 *
 * <p>Rules (Python reference, "Lexical analysis" §2.1): newlines inside (), [] or {} are dropped;
 * blank and comment-only lines produce nothing; a logical line's indentation is the whitespace
 * after its last preceding newline (tab advances to the next multiple of 8); a dedent must return
 * to an enclosing level, otherwise the line is reported through {@link #indentErrors()}. As in
 * CPython's tokenizer, indentation is also measured with tabs as one column, and a line whose
 * nesting differs between the two measures mixes tabs and spaces ambiguously (TabError). Brackets
 * must match and close (reported at the bracket, thrown at once), and nest at most {@link
 * #MAX_NESTING} deep.
 */
final class IndentingTokenSource implements TokenSource {
  /**
   * CPython's limit on open brackets (MAXLEVEL in its tokenizer); also bounds the parser's
   * recursion.
   */
  static final int MAX_NESTING = 200;

  private final PythonLexer lexer;

  /** A whole file (its first line must not be indented), not an expression embedded at a column. */
  private final boolean file;

  private final Deque<Token> pending = new ArrayDeque<>();

  /** Indentation levels as {column with tabs to multiples of 8, column with tabs as 1}. */
  private final Deque<int[]> indents = new ArrayDeque<>();

  private final Deque<Token> brackets = new ArrayDeque<>();
  private final List<Diagnostic> indentErrors = new ArrayList<>();
  private Token lastQueued;
  private Token lookahead;

  IndentingTokenSource(PythonLexer lexer, boolean file) {
    this.lexer = lexer;
    this.file = file;
    indents.push(new int[] {0, 0});
  }

  /** Lines whose indentation matches no enclosing level, or mixes tabs and spaces ambiguously. */
  List<Diagnostic> indentErrors() {
    return indentErrors;
  }

  /** The innermost bracket still open, if any: syntax errors inside one mention it. */
  Optional<Token> openBracket() {
    return Optional.ofNullable(brackets.peek());
  }

  private Token raw() {
    if (lookahead != null) {
      Token t = lookahead;
      lookahead = null;
      return t;
    }
    return lexer.nextToken();
  }

  @Override
  public Token nextToken() {
    while (pending.isEmpty()) {
      fill();
    }
    return pending.poll();
  }

  /** Reads raw tokens until at least one token is queued (or none is needed for this one). */
  private void fill() {
    Token t = raw();
    if (t.getType() == PythonLexer.NEWLINE) {
      if (!brackets.isEmpty()) {
        return; // a newline inside brackets joins lines
      }
      // Skip blank lines: keep the last newline, whose text holds the next line's indentation.
      Token last = t;
      Token next = raw();
      while (next.getType() == PythonLexer.NEWLINE) {
        last = next;
        next = raw();
      }
      lookahead = next;
      if (lastQueued != null && lastQueued.getType() != PythonLexer.NEWLINE) {
        queue(synth(PythonLexer.NEWLINE, "\n", t));
      }
      if (next.getType() != Token.EOF) {
        indent(measure(last.getText(), 8), measure(last.getText(), 1), next);
      }
      return;
    }
    if (file && lastQueued == null && t.getType() != Token.EOF && t.getCharPositionInLine() > 0) {
      // The first line is indented: no newline token carried its indentation, so add the INDENT
      // here for the parser to reject, as CPython does ("unexpected indent").
      indents.push(new int[] {t.getCharPositionInLine(), t.getCharPositionInLine()});
      queue(synth(PythonParser.INDENT, "<INDENT>", t));
    }
    if (t.getType() == Token.EOF) {
      if (!brackets.isEmpty()) {
        Token open = brackets.peek();
        throw error(open, "'" + open.getText() + "' was never closed", "close it, or remove it");
      }
      if (lastQueued != null
          && lastQueued.getType() != PythonLexer.NEWLINE
          && lastQueued.getType() != PythonParser.DEDENT
          && lastQueued.getType() != Token.EOF) {
        queue(synth(PythonLexer.NEWLINE, "\n", t));
      }
      while (indents.peek()[0] > 0) {
        indents.pop();
        queue(synth(PythonParser.DEDENT, "<DEDENT>", t));
      }
      queue(t);
      return;
    }
    String text = t.getText();
    if (text.equals("(") || text.equals("[") || text.equals("{")) {
      if (brackets.size() >= MAX_NESTING) {
        throw error(
            t,
            "too many nested parentheses",
            "CPython allows "
                + MAX_NESTING
                + " levels; split the expression into several statements");
      }
      brackets.push(t);
    } else if (text.equals(")") || text.equals("]") || text.equals("}")) {
      Token open = brackets.poll();
      if (open == null) {
        throw error(t, "unmatched '" + text + "'", "remove it, or add the bracket it closes");
      }
      if ("([{".indexOf(open.getText().charAt(0)) != ")]}".indexOf(text.charAt(0))) {
        throw error(
            t,
            "closing parenthesis '"
                + text
                + "' does not match opening parenthesis '"
                + open.getText()
                + "'"
                + (open.getLine() == t.getLine() ? "" : " on line " + open.getLine()),
            null);
      }
    }
    queue(t);
  }

  /** Emits INDENT or DEDENTs for a logical line starting at {@code next}, or records an error. */
  private void indent(int col, int alt, Token next) {
    int[] top = indents.peek();
    if (col > top[0]) {
      if (alt <= top[1]) {
        tabError(next);
      }
      indents.push(new int[] {col, alt});
      queue(synth(PythonParser.INDENT, "<INDENT>", next));
      return;
    }
    while (col < indents.peek()[0]) {
      indents.pop();
      queue(synth(PythonParser.DEDENT, "<DEDENT>", next));
    }
    top = indents.peek();
    if (col != top[0]) {
      indentErrors.add(
          Diagnostic.of(
              Code.DN0002,
              span(next),
              "unindent does not match any outer indentation level",
              "indent this line exactly like the block it belongs to"));
    } else if (alt != top[1]) {
      tabError(next);
    }
  }

  private void tabError(Token at) {
    indentErrors.add(
        Diagnostic.of(
            Code.DN0002,
            span(at),
            "inconsistent use of tabs and spaces in indentation",
            "indent with spaces only (or tabs only) in the whole file"));
  }

  private void queue(Token t) {
    pending.add(t);
    lastQueued = t;
  }

  /**
   * The column a line's indentation reaches, a tab advancing to the next multiple of {@code
   * tabSize}.
   */
  private static int measure(String newlineText, int tabSize) {
    int col = 0;
    for (char c : newlineText.toCharArray()) {
      if (c == ' ') {
        col++;
      } else if (c == '\t') {
        col = (col / tabSize + 1) * tabSize;
      } else if (c == '\r' || c == '\n' || c == '\f') {
        col = 0;
      }
    }
    return col;
  }

  private Span span(Token t) {
    return new Span(lexer.getSourceName(), t.getLine(), t.getCharPositionInLine() + 1);
  }

  private DiagnosticException error(Token at, String message, String hint) {
    return new DiagnosticException(Diagnostic.of(Code.DN0001, span(at), message, hint));
  }

  private Token synth(int type, String text, Token at) {
    CommonToken tok = new CommonToken(type, text);
    tok.setLine(at.getLine());
    tok.setCharPositionInLine(at.getCharPositionInLine());
    tok.setStartIndex(at.getStartIndex());
    tok.setStopIndex(at.getStartIndex() - 1);
    return tok;
  }

  @Override
  public int getLine() {
    return lexer.getLine();
  }

  @Override
  public int getCharPositionInLine() {
    return lexer.getCharPositionInLine();
  }

  @Override
  public CharStream getInputStream() {
    return lexer.getInputStream();
  }

  @Override
  public String getSourceName() {
    return lexer.getSourceName();
  }

  @Override
  public void setTokenFactory(TokenFactory<?> factory) {
    lexer.setTokenFactory(factory);
  }

  @Override
  public TokenFactory<?> getTokenFactory() {
    return lexer.getTokenFactory();
  }
}
