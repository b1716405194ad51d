package dev.dynnc.frontend.ast;

import com.google.common.collect.ImmutableList;
import dev.dynnc.ir.Span;
import java.util.Optional;

/** Python expressions, each with the span of its first token. */
public sealed interface Expr {
  Span span();

  record Name(String id, Span span) implements Expr {}

  /** Integer ({@link Long}, or {@link java.math.BigInteger} when large) or float literal. */
  record Num(Object value, Span span) implements Expr {}

  record Str(String value, boolean bytes, Span span) implements Expr {}

  /** f-string: literal parts and formatted expressions, in order. */
  record FStr(ImmutableList<FPart> parts, Span span) implements Expr {}

  /** A piece of an f-string: literal text, or an expression with optional conversion and spec. */
  record FPart(
      Optional<String> literal,
      Optional<Expr> expr,
      Optional<String> conversion,
      Optional<Expr> spec) {}

  /** None, True, False, Ellipsis. */
  record Const(Object value, Span span) implements Expr {
    public static final Object NONE =
        new Object() {
          @Override
          public String toString() {
            return "None";
          }
        };
    public static final Object ELLIPSIS =
        new Object() {
          @Override
          public String toString() {
            return "Ellipsis";
          }
        };
  }

  record TupleExpr(ImmutableList<Expr> elts, Span span) implements Expr {}

  record ListExpr(ImmutableList<Expr> elts, Span span) implements Expr {}

  record SetExpr(ImmutableList<Expr> elts, Span span) implements Expr {}

  /** Dict display; a key absent means {@code **value}. */
  record DictExpr(ImmutableList<Optional<Expr>> keys, ImmutableList<Expr> values, Span span)
      implements Expr {}

  record Attribute(Expr value, String attr, Span span) implements Expr {}

  record Subscript(Expr value, Expr index, Span span) implements Expr {}

  record Slice(Optional<Expr> lower, Optional<Expr> upper, Optional<Expr> step, Span span)
      implements Expr {}

  record Call(Expr func, ImmutableList<Arg> args, Span span) implements Expr {}

  /** A call argument: positional, keyword ({@code name}), {@code *value} or {@code **value}. */
  record Arg(Optional<String> name, Expr value, ArgKind kind) {}

  enum ArgKind {
    POSITIONAL,
    KEYWORD,
    STAR,
    DOUBLE_STAR
  }

  record BinOp(String op, Expr left, Expr right, Span span) implements Expr {}

  record UnaryOp(String op, Expr operand, Span span) implements Expr {}

  /** {@code and} / {@code or} over two or more values. */
  record BoolOp(String op, ImmutableList<Expr> values, Span span) implements Expr {}

  /** Chained comparison {@code a < b <= c}. */
  record Compare(Expr left, ImmutableList<String> ops, ImmutableList<Expr> comparators, Span span)
      implements Expr {}

  record IfExp(Expr test, Expr body, Expr orelse, Span span) implements Expr {}

  /** An assignment expression {@code target := value}. */
  record NamedExpr(String target, Expr value, Span span) implements Expr {}

  record Lambda(ImmutableList<Parameter> params, Expr body, Span span) implements Expr {}

  /** List/set/dict comprehension or generator expression. */
  record Comprehension(
      CompKind kind, Expr elt, Optional<Expr> value, ImmutableList<CompFor> generators, Span span)
      implements Expr {}

  enum CompKind {
    LIST,
    SET,
    DICT,
    GENERATOR
  }

  record CompFor(Expr target, Expr iter, ImmutableList<Expr> ifs) {}

  record Starred(Expr value, Span span) implements Expr {}

  /** {@code yield}: parsed so the error can be located, never evaluated. */
  record Yield(Optional<Expr> value, Span span) implements Expr {}
}
