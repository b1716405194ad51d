package dev.dynnc.frontend.parser;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenFactory;
import org.antlr.v4.runtime.TokenSource;
import org.antlr.v4.runtime.CharStream;

/**
 * Turns the lexer's raw NEWLINE tokens into Python's NEWLINE / INDENT / DEDENT structure.
 *
 * <p>Rules (Python reference, "Lexical analysis" §2.1): newlines inside (), [] or {} are dropped;
 * blank and comment-only lines produce nothing; a logical line's indentation is the whitespace
 * after its last preceding newline (tab advances to the next multiple of 8); a dedent must return
 * to an enclosing level, otherwise the line is reported through {@link #indentErrors()}.
 */
final class IndentingTokenSource implements TokenSource {
  private final PythonLexer lexer;
  private final Deque<Token> pending = new ArrayDeque<>();
  private final Deque<Integer> indents = new ArrayDeque<>();
  private final List<Token> indentErrors = new ArrayList<>();
  private int depth;
  private Token lastQueued;
  private Token lookahead;

  IndentingTokenSource(PythonLexer lexer) {
    this.lexer = lexer;
    indents.push(0);
  }

  /** Tokens that start a line whose dedent matches no enclosing indentation level. */
  List<Token> indentErrors() {
    return indentErrors;
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
    if (pending.isEmpty()) {
      fill();
    }
    Token t = pending.poll();
        return t;
  }

  private void fill() {
    Token t = raw();
    if (t.getType() == PythonLexer.NEWLINE) {
      if (depth > 0) {
        fill();
        return;
      }
      // Skip blank lines: keep the last newline, whose text holds the next line's indentation.
      Token last = t;
      Token next = raw();
      while (next.getType() == PythonLexer.NEWLINE) {
        last = next;
        next = raw();
      }
      if (next.getType() == Token.EOF) {
        lookahead = next;
        if (lastQueued != null && lastQueued.getType() != PythonLexer.NEWLINE) {
          queue(synth(PythonLexer.NEWLINE, "\n", t));
        }
        fill();
        return;
      }
      lookahead = next;
      if (lastQueued != null && lastQueued.getType() != PythonLexer.NEWLINE) {
        queue(synth(PythonLexer.NEWLINE, "\n", t));
      }
      int indent = measure(last.getText());
      if (indent > indents.peek()) {
        indents.push(indent);
        queue(synth(PythonParser.INDENT, "<INDENT>", next));
      } else {
        while (indent < indents.peek()) {
          indents.pop();
          queue(synth(PythonParser.DEDENT, "<DEDENT>", next));
        }
        if (indent != indents.peek()) {
          indentErrors.add(next);
        }
      }
      if (pending.isEmpty()) {
        fill();
      }
      return;
    }
    if (t.getType() == Token.EOF) {
      if (lastQueued != null && lastQueued.getType() != PythonLexer.NEWLINE
          && lastQueued.getType() != PythonParser.DEDENT && lastQueued.getType() != Token.EOF) {
        queue(synth(PythonLexer.NEWLINE, "\n", t));
      }
      while (indents.peek() > 0) {
        indents.pop();
        queue(synth(PythonParser.DEDENT, "<DEDENT>", t));
      }
      queue(t);
      return;
    }
    String text = t.getText();
    if (text.equals("(") || text.equals("[") || text.equals("{")) {
      depth++;
    } else if ((text.equals(")") || text.equals("]") || text.equals("}")) && depth > 0) {
      depth--;
    }
    queue(t);
  }

  private void queue(Token t) {
    pending.add(t);
    lastQueued = t;
  }

  private static int measure(String newlineText) {
    int col = 0;
    for (char c : newlineText.toCharArray()) {
      if (c == ' ') {
        col++;
      } else if (c == '\t') {
        col = (col / 8 + 1) * 8;
      } else if (c == '\r' || c == '\n' || c == '\f') {
        col = 0;
      }
    }
    return col;
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
