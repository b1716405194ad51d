package dev.dynnc.frontend.parser;

import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostic;
import dev.dynnc.diag.DiagnosticException;
import dev.dynnc.frontend.ast.Expr;
import dev.dynnc.ir.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.Token;

/**
 * Splits the body of an f-string into literal text and replacement fields ({@code {expr!r:spec}}).
 */
final class FStringParser {
  private final AstBuilder builder;
  private final Token token;
  private final String body;
  private final boolean raw;
  private final int offset;

  FStringParser(AstBuilder builder, Token token, String body, boolean raw, int offset) {
    this.builder = builder;
    this.token = token;
    this.body = body;
    this.raw = raw;
    this.offset = offset;
  }

  List<Expr.FPart> parse() {
    List<Expr.FPart> parts = new ArrayList<>();
    StringBuilder lit = new StringBuilder();
    int i = 0;
    while (i < body.length()) {
      char c = body.charAt(i);
      if (c == '{' && i + 1 < body.length() && body.charAt(i + 1) == '{') {
        lit.append('{');
        i += 2;
      } else if (c == '}' && i + 1 < body.length() && body.charAt(i + 1) == '}') {
        lit.append('}');
        i += 2;
      } else if (c == '{') {
        if (lit.length() > 0) {
          parts.add(literal(lit.toString()));
          lit.setLength(0);
        }
        i = field(i + 1, parts);
      } else if (c == '}') {
        throw error(i, "single '}' is not allowed in an f-string");
      } else {
        lit.append(c);
        i++;
      }
    }
    if (lit.length() > 0) {
      parts.add(literal(lit.toString()));
    }
    return parts;
  }

  private Expr.FPart literal(String s) {
    return new Expr.FPart(
        Optional.of(raw ? s : builder.unescape(s, token)),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /** Parses a replacement field starting after '{'; returns the index after its '}'. */
  private int field(int start, List<Expr.FPart> parts) {
    int depth = 0;
    int i = start;
    int exprEnd = -1;
    int convStart = -1;
    int specStart = -1;
    char quote = 0;
    for (; i < body.length(); i++) {
      char c = body.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (c == '\'' || c == '"') {
        quote = c;
      } else if ("([{".indexOf(c) >= 0) {
        depth++;
      } else if (")]".indexOf(c) >= 0 || (c == '}' && depth > 0)) {
        depth--;
      } else if (depth == 0
          && c == '!'
          && i + 1 < body.length()
          && body.charAt(i + 1) != '='
          && specStart < 0) {
        exprEnd = exprEnd < 0 ? i : exprEnd;
        convStart = i + 1;
      } else if (depth == 0 && c == ':' && specStart < 0) {
        exprEnd = exprEnd < 0 ? i : exprEnd;
        specStart = i + 1;
        // The spec runs to the matching '}', and may itself hold nested fields.
        int d = 0;
        for (i = specStart; i < body.length(); i++) {
          char s = body.charAt(i);
          if (s == '{') {
            d++;
          } else if (s == '}') {
            if (d == 0) {
              break;
            }
            d--;
          }
        }
        break;
      } else if (depth == 0 && c == '}') {
        break;
      }
    }
    if (i >= body.length()) {
      throw error(start, "unterminated replacement field in f-string");
    }
    if (exprEnd < 0) {
      exprEnd = i;
    }
    String exprText = body.substring(start, exprEnd);
    String conv =
        convStart >= 0
            ? body.substring(convStart, specStart >= 0 ? specStart - 1 : i).trim()
            : null;
    if (exprText.trim().endsWith("=")) {
      throw error(start, "self-documenting f-string fields ({x=}) are not supported");
    }
    Span at =
        new Span(
            token.getTokenSource() == null ? "" : builder.span(token).file(),
            token.getLine(),
            token.getCharPositionInLine() + 1 + offset + start);
    Expr e = PythonSource.parseExpression(exprText.trim(), at);
    Optional<Expr> spec = Optional.empty();
    if (specStart >= 0) {
      String specText = body.substring(specStart, i);
      List<Expr.FPart> specParts =
          new FStringParser(builder, token, specText, raw, offset + specStart).parse();
      spec =
          Optional.of(new Expr.FStr(com.google.common.collect.ImmutableList.copyOf(specParts), at));
    }
    parts.add(new Expr.FPart(Optional.empty(), Optional.of(e), Optional.ofNullable(conv), spec));
    return i + 1;
  }

  private DiagnosticException error(int at, String message) {
    Span s = builder.span(token);
    return new DiagnosticException(
        Diagnostic.of(
            Code.DN0001, new Span(s.file(), s.line(), s.column() + offset + at), message));
  }
}
