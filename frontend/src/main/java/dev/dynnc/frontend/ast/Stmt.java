package dev.dynnc.frontend.ast;

import com.google.common.collect.ImmutableList;
import dev.dynnc.ir.Span;
import java.util.Optional;

/** Python statements, each with the span of its first token. */
public sealed interface Stmt {
  Span span();

  record ExprStmt(Expr value, Span span) implements Stmt {}

  /** {@code t1 = t2 = value}. */
  record Assign(ImmutableList<Expr> targets, Expr value, Span span) implements Stmt {}

  record AugAssign(Expr target, String op, Expr value, Span span) implements Stmt {}

  record AnnAssign(Expr target, Optional<Expr> value, Span span) implements Stmt {}

  record Return(Optional<Expr> value, Span span) implements Stmt {}

  record If(Expr test, ImmutableList<Stmt> body, ImmutableList<Stmt> orelse, Span span)
      implements Stmt {}

  record While(Expr test, ImmutableList<Stmt> body, ImmutableList<Stmt> orelse, Span span)
      implements Stmt {}

  record For(
      Expr target, Expr iter, ImmutableList<Stmt> body, ImmutableList<Stmt> orelse, Span span)
      implements Stmt {}

  record Break(Span span) implements Stmt {}

  record Continue(Span span) implements Stmt {}

  record Pass(Span span) implements Stmt {}

  record FunctionDef(
      String name,
      ImmutableList<Parameter> params,
      ImmutableList<Stmt> body,
      ImmutableList<Expr> decorators,
      Span span)
      implements Stmt {}

  record ClassDef(
      String name,
      ImmutableList<Expr.Arg> bases,
      ImmutableList<Stmt> body,
      ImmutableList<Expr> decorators,
      Span span)
      implements Stmt {}

  /** {@code import a.b as c}: one entry per name. */
  record Import(ImmutableList<Alias> names, Span span) implements Stmt {}

  /** {@code from ..a import b as c}; names empty means {@code import *}. */
  record ImportFrom(String module, int level, ImmutableList<Alias> names, Span span)
      implements Stmt {}

  record Alias(String name, Optional<String> asName) {}

  record With(ImmutableList<WithItem> items, ImmutableList<Stmt> body, Span span) implements Stmt {}

  record WithItem(Expr context, Optional<Expr> target) {}

  record Raise(Optional<Expr> exc, Span span) implements Stmt {}

  record Assert(Expr test, Optional<Expr> msg, Span span) implements Stmt {}

  record Global(ImmutableList<String> names, Span span) implements Stmt {}

  record Del(ImmutableList<Expr> targets, Span span) implements Stmt {}

  record Try(
      ImmutableList<Stmt> body,
      ImmutableList<Handler> handlers,
      ImmutableList<Stmt> orelse,
      ImmutableList<Stmt> finalbody,
      Span span)
      implements Stmt {}

  record Handler(Optional<Expr> type, Optional<String> name, ImmutableList<Stmt> body, Span span) {}
}
