package dev.dynnc.frontend.parser;

import com.google.common.collect.ImmutableList;
import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostic;
import dev.dynnc.diag.DiagnosticException;
import dev.dynnc.frontend.ast.Expr;
import dev.dynnc.frontend.ast.Parameter;
import dev.dynnc.frontend.ast.Stmt;
import dev.dynnc.frontend.parser.PythonParser.*;
import dev.dynnc.ir.Span;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/** Builds dynnc's AST from an ANTLR parse tree; ANTLR types never leave this package. */
final class AstBuilder {
  private final String file;

  /**
   * Enclosing function definitions and, within the innermost scope, loops: 'return', 'break' and
   * 'continue' are checked as CPython's compiler does.
   */
  private int functions;

  private int loops;

  AstBuilder(String file) {
    this.file = file;
  }

  Span span(ParserRuleContext ctx) {
    return span(ctx.getStart());
  }

  Span span(Token t) {
    return new Span(file, t.getLine(), t.getCharPositionInLine() + 1);
  }

  private DiagnosticException unsupported(ParserRuleContext ctx, String what, String hint) {
    return new DiagnosticException(
        Diagnostic.of(Code.DN0003, span(ctx), what + " is not supported", hint));
  }

  // ------------------------------------------------------------------------------------------
  // Statements

  ImmutableList<Stmt> fileInput(File_inputContext ctx) {
    ImmutableList.Builder<Stmt> b = ImmutableList.builder();
    for (StmtContext s : ctx.stmt()) {
      b.addAll(stmt(s));
    }
    return b.build();
  }

  List<Stmt> stmt(StmtContext ctx) {
    try {
      if (ctx.simple_stmts() != null) {
        return simpleStmts(ctx.simple_stmts());
      }
      return List.of(compound(ctx.compound_stmt()));
    } catch (StackOverflowError e) {
      // Thousands of chained operators: the innermost statement still able to report does.
      throw new DiagnosticException(
          Diagnostic.of(
              Code.DN0001,
              span(ctx),
              "this statement nests too deeply to parse",
              "split it into several statements"));
    }
  }

  List<Stmt> simpleStmts(Simple_stmtsContext ctx) {
    List<Stmt> out = new ArrayList<>();
    for (Simple_stmtContext s : ctx.simple_stmt()) {
      out.add(simple(s));
    }
    return out;
  }

  ImmutableList<Stmt> block(BlockContext ctx) {
    ImmutableList.Builder<Stmt> b = ImmutableList.builder();
    if (ctx.simple_stmts() != null) {
      b.addAll(simpleStmts(ctx.simple_stmts()));
    } else {
      for (StmtContext s : ctx.stmt()) {
        b.addAll(stmt(s));
      }
    }
    return b.build();
  }

  Stmt simple(Simple_stmtContext ctx) {
    Span sp = span(ctx);
    if (ctx instanceof PassStmtContext) {
      return new Stmt.Pass(sp);
    } else if (ctx instanceof BreakStmtContext) {
      if (loops == 0) {
        throw new DiagnosticException(Diagnostic.of(Code.DN0001, sp, "'break' outside loop"));
      }
      return new Stmt.Break(sp);
    } else if (ctx instanceof ContinueStmtContext) {
      if (loops == 0) {
        throw new DiagnosticException(
            Diagnostic.of(Code.DN0001, sp, "'continue' not properly in loop"));
      }
      return new Stmt.Continue(sp);
    } else if (ctx instanceof ReturnStmtContext r) {
      if (functions == 0) {
        throw new DiagnosticException(Diagnostic.of(Code.DN0001, sp, "'return' outside function"));
      }
      return new Stmt.Return(Optional.ofNullable(r.testlist_star()).map(this::testlistStar), sp);
    } else if (ctx instanceof YieldStmtContext y) {
      // Parsed so that a generator the model never calls costs nothing; evaluating it is DN0003.
      Optional<Expr> value =
          Optional.ofNullable(y.yield_expr().testlist_star()).map(this::testlistStar);
      return new Stmt.ExprStmt(new Expr.Yield(value, sp), sp);
    } else if (ctx instanceof RaiseStmtContext r) {
      return new Stmt.Raise(
          r.test().isEmpty() ? Optional.empty() : Optional.of(test(r.test(0))), sp);
    } else if (ctx instanceof GlobalStmtContext g) {
      return new Stmt.Global(
          g.NAME().stream().map(TerminalNode::getText).collect(ImmutableList.toImmutableList()),
          sp);
    } else if (ctx instanceof NonlocalStmtContext g) {
      return new Stmt.Global(
          g.NAME().stream().map(TerminalNode::getText).collect(ImmutableList.toImmutableList()),
          sp);
    } else if (ctx instanceof AssertStmtContext a) {
      return new Stmt.Assert(
          test(a.test(0)),
          a.test().size() > 1 ? Optional.of(test(a.test(1))) : Optional.empty(),
          sp);
    } else if (ctx instanceof DelStmtContext d) {
      Expr t = exprlist(d.exprlist());
      return new Stmt.Del(t instanceof Expr.TupleExpr tu ? tu.elts() : ImmutableList.of(t), sp);
    } else if (ctx instanceof ImportStmtContext i) {
      ImmutableList.Builder<Stmt.Alias> names = ImmutableList.builder();
      for (Dotted_as_nameContext d : i.dotted_as_name()) {
        names.add(
            new Stmt.Alias(
                d.dotted_name().getText(),
                Optional.ofNullable(d.NAME()).map(TerminalNode::getText)));
      }
      return new Stmt.Import(names.build(), sp);
    } else if (ctx instanceof FromImportStmtContext f) {
      Import_from_moduleContext m = f.import_from_module();
      int level = 0;
      for (ParseTree c : m.children) {
        if (c.getText().equals(".")) {
          level++;
        } else if (c.getText().equals("...")) {
          level += 3;
        }
      }
      String module = m.dotted_name() == null ? "" : m.dotted_name().getText();
      ImmutableList.Builder<Stmt.Alias> names = ImmutableList.builder();
      Import_as_namesContext ns = f.import_targets().import_as_names();
      if (ns != null) {
        for (Import_as_nameContext n : ns.import_as_name()) {
          names.add(
              new Stmt.Alias(
                  n.NAME(0).getText(),
                  n.NAME().size() > 1 ? Optional.of(n.NAME(1).getText()) : Optional.empty()));
        }
      }
      return new Stmt.ImportFrom(module, level, names.build(), sp);
    } else if (ctx instanceof AugAssignStmtContext a) {
      if (a.yield_expr() != null) {
        throw unsupported(
            a.yield_expr(),
            "'yield'",
            "dynnc compiles plain methods; generators are not supported");
      }
      String op = a.augassign().getText();
      return new Stmt.AugAssign(
          testlistStar(a.testlist_star()),
          op.substring(0, op.length() - 1),
          testlist(a.testlist()),
          sp);
    } else if (ctx instanceof AnnAssignStmtContext a) {
      Optional<Expr> value =
          a.testlist_star().size() > 1
              ? Optional.of(testlistStar(a.testlist_star(1)))
              : Optional.empty();
      return new Stmt.AnnAssign(testlistStar(a.testlist_star(0)), value, sp);
    } else if (ctx instanceof ExprOrAssignStmtContext e) {
      List<Expr> parts = new ArrayList<>();
      for (ParseTree c : e.children) {
        if (c instanceof Testlist_starContext t) {
          parts.add(testlistStar(t));
        } else if (c instanceof Yield_exprContext y) {
          throw unsupported(
              y, "'yield'", "dynnc compiles plain methods; generators are not supported");
        }
      }
      if (parts.size() == 1) {
        return new Stmt.ExprStmt(parts.get(0), sp);
      }
      return new Stmt.Assign(
          ImmutableList.copyOf(parts.subList(0, parts.size() - 1)),
          parts.get(parts.size() - 1),
          sp);
    }
    throw new IllegalStateException("unhandled statement " + ctx.getClass().getSimpleName());
  }

  Stmt compound(Compound_stmtContext ctx) {
    if (ctx.if_stmt() != null) {
      return ifStmt(ctx.if_stmt());
    } else if (ctx.while_stmt() != null) {
      While_stmtContext w = ctx.while_stmt();
      return new Stmt.While(
          test(w.test()),
          loopBody(w.block(0)),
          w.block().size() > 1 ? block(w.block(1)) : ImmutableList.of(),
          span(w));
    } else if (ctx.for_stmt() != null) {
      For_stmtContext f = ctx.for_stmt();
      return new Stmt.For(
          exprlist(f.exprlist()),
          testlist(f.testlist()),
          loopBody(f.block(0)),
          f.block().size() > 1 ? block(f.block(1)) : ImmutableList.of(),
          span(f));
    } else if (ctx.try_stmt() != null) {
      return tryStmt(ctx.try_stmt());
    } else if (ctx.with_stmt() != null) {
      With_stmtContext w = ctx.with_stmt();
      ImmutableList.Builder<Stmt.WithItem> items = ImmutableList.builder();
      for (With_itemContext i : w.with_item()) {
        items.add(new Stmt.WithItem(test(i.test()), Optional.ofNullable(i.expr()).map(this::expr)));
      }
      return new Stmt.With(items.build(), block(w.block()), span(w));
    } else if (ctx.funcdef() != null) {
      return funcdef(ctx.funcdef(), ImmutableList.of());
    } else if (ctx.classdef() != null) {
      return classdef(ctx.classdef(), ImmutableList.of());
    } else {
      DecoratedContext d = ctx.decorated();
      ImmutableList<Expr> decos =
          d.decorator().stream().map(x -> test(x.test())).collect(ImmutableList.toImmutableList());
      return d.funcdef() != null ? funcdef(d.funcdef(), decos) : classdef(d.classdef(), decos);
    }
  }

  private Stmt ifStmt(If_stmtContext ctx) {
    // elif chains become nested ifs in the else branch.
    ImmutableList<Stmt> orelse = ctx.block().size() > 1 ? block(ctx.block(1)) : ImmutableList.of();
    List<Elif_clauseContext> elifs = ctx.elif_clause();
    for (int i = elifs.size() - 1; i >= 0; i--) {
      Elif_clauseContext e = elifs.get(i);
      orelse = ImmutableList.of(new Stmt.If(test(e.test()), block(e.block()), orelse, span(e)));
    }
    return new Stmt.If(test(ctx.test()), block(ctx.block(0)), orelse, span(ctx));
  }

  private Stmt tryStmt(Try_stmtContext ctx) {
    ImmutableList<Stmt> body = block(ctx.block(0));
    ImmutableList.Builder<Stmt.Handler> handlers = ImmutableList.builder();
    for (Except_clauseContext e : ctx.except_clause()) {
      handlers.add(
          new Stmt.Handler(
              Optional.ofNullable(e.test()).map(this::test),
                  Optional.ofNullable(e.NAME()).map(TerminalNode::getText),
              block(e.block()), span(e)));
    }
    ImmutableList<Stmt> orelse = ImmutableList.of();
    ImmutableList<Stmt> fin = ImmutableList.of();
    for (int i = 0; i < ctx.children.size(); i++) {
      String t = ctx.children.get(i).getText();
      if (t.equals("else") && ctx.children.get(i + 2) instanceof BlockContext b) {
        orelse = block(b);
      } else if (t.equals("finally") && ctx.children.get(i + 2) instanceof BlockContext b) {
        fin = block(b);
      }
    }
    return new Stmt.Try(body, handlers.build(), orelse, fin, span(ctx));
  }

  private ImmutableList<Stmt> loopBody(BlockContext ctx) {
    loops++;
    try {
      return block(ctx);
    } finally {
      loops--;
    }
  }

  private Stmt funcdef(FuncdefContext ctx, ImmutableList<Expr> decorators) {
    ImmutableList<Parameter> params = params(ctx.parameters());
    int outerLoops = loops;
    functions++;
    loops = 0;
    try {
      return new Stmt.FunctionDef(
          ctx.NAME().getText(), params, block(ctx.block()), decorators, span(ctx));
    } finally {
      functions--;
      loops = outerLoops;
    }
  }

  private ImmutableList<Parameter> params(ParametersContext ctx) {
    ImmutableList.Builder<Parameter> b = ImmutableList.builder();
    if (ctx == null) {
      return b.build();
    }
    boolean keywordOnly = false;
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (ParameterContext p : ctx.parameter()) {
      TerminalNode name =
          p instanceof PlainParamContext pp
              ? pp.NAME()
              : p instanceof StarParamContext sp
                  ? sp.NAME()
                  : p instanceof DoubleStarParamContext dp ? dp.NAME() : null;
      if (name != null && !seen.add(name.getText())) {
        throw new DiagnosticException(
            Diagnostic.of(
                Code.DN0001,
                span(name.getSymbol()),
                "duplicate argument '" + name.getText() + "' in function definition"));
      }
      if (p instanceof PlainParamContext pp) {
        Optional<Expr> def = Optional.empty();
        // The default is the test after '='; an annotation is the test after ':'.
        for (int i = 0; i < pp.children.size(); i++) {
          if (pp.children.get(i).getText().equals("=")) {
            def = Optional.of(test((TestContext) pp.children.get(i + 1)));
          }
        }
        b.add(
            new Parameter(
                pp.NAME().getText(),
                keywordOnly ? Parameter.Kind.KEYWORD_ONLY : Parameter.Kind.POSITIONAL,
                def,
                span(pp)));
      } else if (p instanceof StarParamContext sp) {
        keywordOnly = true;
        if (sp.NAME() != null) {
          b.add(
              new Parameter(
                  sp.NAME().getText(), Parameter.Kind.VAR_POSITIONAL, Optional.empty(), span(sp)));
        }
      } else if (p instanceof DoubleStarParamContext dp) {
        b.add(
            new Parameter(
                dp.NAME().getText(), Parameter.Kind.VAR_KEYWORD, Optional.empty(), span(dp)));
      }
    }
    return b.build();
  }

  private Stmt classdef(ClassdefContext ctx, ImmutableList<Expr> decorators) {
    ImmutableList<Expr.Arg> bases =
        ctx.arglist() == null ? ImmutableList.of() : arglist(ctx.arglist());
    int outerFunctions = functions;
    int outerLoops = loops;
    functions = 0; // a class body is not a function body, nor inside the loops around it
    loops = 0;
    try {
      return new Stmt.ClassDef(
          ctx.NAME().getText(), bases, block(ctx.block()), decorators, span(ctx));
    } finally {
      functions = outerFunctions;
      loops = outerLoops;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Expressions

  Expr testlistStar(Testlist_starContext ctx) {
    List<Expr> elts = new ArrayList<>();
    int commas = 0;
    for (ParseTree c : ctx.children) {
      if (c instanceof TestContext t) {
        elts.add(test(t));
      } else if (c instanceof Star_exprContext s) {
        elts.add(new Expr.Starred(expr(s.expr()), span(s)));
      } else {
        commas++;
      }
    }
    return commas == 0 ? elts.get(0) : new Expr.TupleExpr(ImmutableList.copyOf(elts), span(ctx));
  }

  Expr testlist(TestlistContext ctx) {
    List<Expr> elts = ctx.test().stream().map(this::test).toList();
    boolean comma = ctx.children.size() > elts.size();
    return comma ? new Expr.TupleExpr(ImmutableList.copyOf(elts), span(ctx)) : elts.get(0);
  }

  Expr exprlist(ExprlistContext ctx) {
    List<Expr> elts = new ArrayList<>();
    int commas = 0;
    for (ParseTree c : ctx.children) {
      if (c instanceof ExprContext e) {
        elts.add(expr(e));
      } else if (c instanceof Star_exprContext s) {
        elts.add(new Expr.Starred(expr(s.expr()), span(s)));
      } else {
        commas++;
      }
    }
    return commas == 0 ? elts.get(0) : new Expr.TupleExpr(ImmutableList.copyOf(elts), span(ctx));
  }

  Expr test(TestContext ctx) {
    if (ctx instanceof LambdaTestContext l) {
      return new Expr.Lambda(params(l.parameters()), test(l.test()), span(l));
    }
    if (ctx instanceof NamedExprTestContext n) {
      return new Expr.NamedExpr(n.NAME().getText(), test(n.test()), span(n));
    }
    CondTestContext c = (CondTestContext) ctx;
    Expr body = orTest(c.or_test(0));
    if (c.test() == null) {
      return body;
    }
    return new Expr.IfExp(orTest(c.or_test(1)), body, test(c.test()), span(c));
  }

  Expr orTest(Or_testContext ctx) {
    if (ctx.and_test().size() == 1) {
      return andTest(ctx.and_test(0));
    }
    return new Expr.BoolOp(
        "or",
        ctx.and_test().stream().map(this::andTest).collect(ImmutableList.toImmutableList()),
        span(ctx));
  }

  Expr andTest(And_testContext ctx) {
    if (ctx.not_test().size() == 1) {
      return notTest(ctx.not_test(0));
    }
    return new Expr.BoolOp(
        "and",
        ctx.not_test().stream().map(this::notTest).collect(ImmutableList.toImmutableList()),
        span(ctx));
  }

  Expr notTest(Not_testContext ctx) {
    if (ctx.not_test() != null) {
      return new Expr.UnaryOp("not", notTest(ctx.not_test()), span(ctx));
    }
    ComparisonContext c = ctx.comparison();
    if (c.comp_op().isEmpty()) {
      return expr(c.expr(0));
    }
    ImmutableList<String> ops =
        c.comp_op().stream()
            .map(
                o ->
                    o.getChildCount() == 2
                        ? o.getChild(0).getText() + " " + o.getChild(1).getText()
                        : o.getText())
            .collect(ImmutableList.toImmutableList());
    ImmutableList<Expr> rest =
        c.expr().subList(1, c.expr().size()).stream()
            .map(this::expr)
            .collect(ImmutableList.toImmutableList());
    return new Expr.Compare(expr(c.expr(0)), ops, rest, span(c));
  }

  Expr expr(ExprContext ctx) {
    if (ctx instanceof PrimaryExprContext p) {
      Expr e = atom(p.atom());
      for (TrailerContext t : p.trailer()) {
        e = trailer(e, t);
      }
      return e;
    } else if (ctx instanceof PowerExprContext p) {
      return new Expr.BinOp("**", expr(p.expr(0)), expr(p.expr(1)), span(p.op));
    } else if (ctx instanceof UnaryExprContext u) {
      return new Expr.UnaryOp(u.op.getText(), expr(u.expr()), span(u));
    } else if (ctx instanceof BinExprContext b) {
      return new Expr.BinOp(b.op.getText(), expr(b.expr(0)), expr(b.expr(1)), span(b.op));
    }
    throw unsupported(ctx, "'await'", "dynnc compiles synchronous model code");
  }

  private Expr trailer(Expr base, TrailerContext t) {
    if (t instanceof CallTrailerContext c) {
      return new Expr.Call(
          base, c.arglist() == null ? ImmutableList.of() : arglist(c.arglist()), base.span());
    } else if (t instanceof IndexTrailerContext i) {
      return new Expr.Subscript(base, subscriptlist(i.subscriptlist()), span(i));
    }
    AttrTrailerContext a = (AttrTrailerContext) t;
    return new Expr.Attribute(base, a.NAME().getText(), span(a.NAME().getSymbol()));
  }

  private Expr subscriptlist(SubscriptlistContext ctx) {
    List<Expr> items = ctx.subscript().stream().map(this::subscript).toList();
    boolean comma = ctx.children.size() > items.size();
    return comma ? new Expr.TupleExpr(ImmutableList.copyOf(items), span(ctx)) : items.get(0);
  }

  private Expr subscript(SubscriptContext ctx) {
    boolean isSlice = ctx.children.stream().anyMatch(c -> c.getText().equals(":"));
    if (!isSlice) {
      return test(ctx.test(0));
    }
    return new Expr.Slice(
        Optional.ofNullable(ctx.lower).map(this::test),
            Optional.ofNullable(ctx.upper).map(this::test),
        Optional.ofNullable(ctx.step).map(this::test), span(ctx));
  }

  ImmutableList<Expr.Arg> arglist(ArglistContext ctx) {
    ImmutableList.Builder<Expr.Arg> b = ImmutableList.builder();
    for (ArgumentContext a : ctx.argument()) {
      if (a instanceof GenArgContext g) {
        Expr gen =
            new Expr.Comprehension(
                Expr.CompKind.GENERATOR,
                test(g.test()),
                Optional.empty(),
                compFor(g.comp_for()),
                span(g));
        b.add(new Expr.Arg(Optional.empty(), gen, Expr.ArgKind.POSITIONAL));
      } else if (a instanceof KeywordArgContext k) {
        b.add(new Expr.Arg(Optional.of(k.NAME().getText()), test(k.test()), Expr.ArgKind.KEYWORD));
      } else if (a instanceof DoubleStarArgContext d) {
        b.add(new Expr.Arg(Optional.empty(), test(d.test()), Expr.ArgKind.DOUBLE_STAR));
      } else if (a instanceof StarArgContext s) {
        b.add(new Expr.Arg(Optional.empty(), test(s.test()), Expr.ArgKind.STAR));
      } else {
        b.add(
            new Expr.Arg(
                Optional.empty(), test(((PlainArgContext) a).test()), Expr.ArgKind.POSITIONAL));
      }
    }
    return b.build();
  }

  private ImmutableList<Expr.CompFor> compFor(Comp_forContext ctx) {
    List<Expr.CompFor> out = new ArrayList<>();
    Comp_forContext cur = ctx;
    while (cur != null) {
      Expr target = exprlist(cur.exprlist());
      Expr iter = orTest(cur.or_test());
      List<Expr> ifs = new ArrayList<>();
      Comp_iterContext it = cur.comp_iter();
      cur = null;
      while (it != null) {
        if (it.comp_for() != null) {
          cur = it.comp_for();
          break;
        }
        ifs.add(orTest(it.comp_if().or_test()));
        it = it.comp_if().comp_iter();
      }
      out.add(new Expr.CompFor(target, iter, ImmutableList.copyOf(ifs)));
    }
    return ImmutableList.copyOf(out);
  }

  private Expr atom(AtomContext ctx) {
    Span sp = span(ctx);
    if (ctx instanceof ParenAtomContext p) {
      if (p.yield_expr() != null) {
        throw unsupported(
            p, "'yield'", "dynnc compiles plain methods; generators are not supported");
      }
      if (p.testlist_comp() == null) {
        return new Expr.TupleExpr(ImmutableList.of(), sp);
      }
      return testlistComp(p.testlist_comp(), Expr.CompKind.GENERATOR, sp, true);
    } else if (ctx instanceof ListAtomContext l) {
      if (l.testlist_comp() == null) {
        return new Expr.ListExpr(ImmutableList.of(), sp);
      }
      return testlistComp(l.testlist_comp(), Expr.CompKind.LIST, sp, false);
    } else if (ctx instanceof DictAtomContext d) {
      return dictOrSet(d.dictorsetmaker(), sp);
    } else if (ctx instanceof NameAtomContext n) {
      return new Expr.Name(n.NAME().getText(), sp);
    } else if (ctx instanceof NumberAtomContext n) {
      return number(n.NUMBER().getSymbol());
    } else if (ctx instanceof StringAtomContext s) {
      return strings(s.STRING(), sp);
    } else if (ctx instanceof EllipsisAtomContext) {
      return new Expr.Const(Expr.Const.ELLIPSIS, sp);
    } else if (ctx instanceof NoneAtomContext) {
      return new Expr.Const(Expr.Const.NONE, sp);
    } else if (ctx instanceof TrueAtomContext) {
      return new Expr.Const(Boolean.TRUE, sp);
    }
    return new Expr.Const(Boolean.FALSE, sp);
  }

  private Expr testlistComp(Testlist_compContext ctx, Expr.CompKind kind, Span sp, boolean paren) {
    List<Expr> elts = new ArrayList<>();
    int commas = 0;
    for (ParseTree c : ctx.children) {
      if (c instanceof TestContext t) {
        elts.add(test(t));
      } else if (c instanceof Star_exprContext s) {
        elts.add(new Expr.Starred(expr(s.expr()), span(s)));
      } else if (c.getText().equals(",")) {
        commas++;
      }
    }
    if (ctx.comp_for() != null) {
      return new Expr.Comprehension(
          kind, elts.get(0), Optional.empty(), compFor(ctx.comp_for()), sp);
    }
    if (paren) {
      return commas == 0 ? elts.get(0) : new Expr.TupleExpr(ImmutableList.copyOf(elts), sp);
    }
    return new Expr.ListExpr(ImmutableList.copyOf(elts), sp);
  }

  private Expr dictOrSet(DictorsetmakerContext ctx, Span sp) {
    if (ctx == null) {
      return new Expr.DictExpr(ImmutableList.of(), ImmutableList.of(), sp);
    }
    if (!ctx.dict_item().isEmpty()) {
      if (ctx.comp_for() != null) {
        Dict_itemContext d = ctx.dict_item(0);
        return new Expr.Comprehension(
            Expr.CompKind.DICT,
            test(d.test(0)),
            Optional.of(test(d.test(1))),
            compFor(ctx.comp_for()),
            sp);
      }
      ImmutableList.Builder<Optional<Expr>> keys = ImmutableList.builder();
      ImmutableList.Builder<Expr> values = ImmutableList.builder();
      for (Dict_itemContext d : ctx.dict_item()) {
        if (d.expr() != null) {
          keys.add(Optional.empty());
          values.add(expr(d.expr()));
        } else {
          keys.add(Optional.of(test(d.test(0))));
          values.add(test(d.test(1)));
        }
      }
      return new Expr.DictExpr(keys.build(), values.build(), sp);
    }
    List<Expr> elts = new ArrayList<>();
    for (ParseTree c : ctx.children) {
      if (c instanceof TestContext t) {
        elts.add(test(t));
      } else if (c instanceof Star_exprContext s) {
        elts.add(new Expr.Starred(expr(s.expr()), span(s)));
      }
    }
    if (ctx.comp_for() != null) {
      return new Expr.Comprehension(
          Expr.CompKind.SET, elts.get(0), Optional.empty(), compFor(ctx.comp_for()), sp);
    }
    return new Expr.SetExpr(ImmutableList.copyOf(elts), sp);
  }

  /**
   * Python's default limit on the digits of an int converted from text
   * (sys.get_int_max_str_digits()).
   */
  private static final int MAX_INT_DIGITS = 4300;

  private Expr number(Token tok) {
    String text = tok.getText().replace("_", "");
    Span sp = span(tok);
    String lower = text.toLowerCase();
    if (lower.endsWith("j")) {
      throw new DiagnosticException(
          Diagnostic.of(Code.DN0003, sp, "complex literals are not supported"));
    }
    if (text.length() > MAX_INT_DIGITS) {
      // Parsing a long literal takes quadratic time, and no value beyond 64 bits is usable anyway.
      throw new DiagnosticException(
          Diagnostic.of(
              Code.DN0001,
              sp,
              "number literal of "
                  + text.length()
                  + " digits exceeds Python's limit of "
                  + MAX_INT_DIGITS));
    }
    if (lower.startsWith("0x") || lower.startsWith("0o") || lower.startsWith("0b")) {
      int radix = lower.charAt(1) == 'x' ? 16 : lower.charAt(1) == 'o' ? 8 : 2;
      return integer(new BigInteger(text.substring(2), radix), sp);
    }
    if (lower.contains(".") || lower.contains("e")) {
      return new Expr.Num(Double.parseDouble(text), sp);
    }
    return integer(new BigInteger(text), sp);
  }

  private static Expr integer(BigInteger v, Span sp) {
    return new Expr.Num(v.bitLength() < 64 ? (Object) v.longValue() : v, sp);
  }

  private Expr strings(List<TerminalNode> parts, Span sp) {
    List<Expr.FPart> fparts = new ArrayList<>();
    StringBuilder plain = new StringBuilder();
    boolean anyF = false;
    boolean bytes = false;
    for (TerminalNode n : parts) {
      String raw = n.getText();
      int q = 0;
      while (raw.charAt(q) != '\'' && raw.charAt(q) != '"') {
        q++;
      }
      String prefix = raw.substring(0, q).toLowerCase();
      String body = raw.substring(q);
      int quoteLen = body.startsWith("\"\"\"") || body.startsWith("'''") ? 3 : 1;
      body = body.substring(quoteLen, body.length() - quoteLen);
      boolean isRaw = prefix.contains("r");
      bytes |= prefix.contains("b");
      if (prefix.contains("f")) {
        anyF = true;
        if (plain.length() > 0) {
          fparts.add(
              new Expr.FPart(
                  Optional.of(plain.toString()),
                  Optional.empty(),
                  Optional.empty(),
                  Optional.empty()));
          plain.setLength(0);
        }
        fparts.addAll(new FStringParser(this, n.getSymbol(), body, isRaw, q + quoteLen).parse());
      } else {
        String s = isRaw ? body : unescape(body, n.getSymbol(), prefix.contains("b"));
        if (anyF) {
          fparts.add(
              new Expr.FPart(Optional.of(s), Optional.empty(), Optional.empty(), Optional.empty()));
        } else {
          plain.append(s);
        }
      }
    }
    if (!anyF) {
      return new Expr.Str(plain.toString(), bytes, sp);
    }
    return new Expr.FStr(ImmutableList.copyOf(fparts), sp);
  }

  /** Decodes a str literal's escapes as Python does. */
  String unescape(String s, Token at) {
    return unescape(s, at, false);
  }

  /**
   * Decodes the escapes of a str (or, with {@code bytes}, a bytes) literal body exactly as Python
   * does, so strings such as dict keys reach the output as the model wrote them; a malformed escape
   * is the syntax error Python reports.
   */
  String unescape(String s, Token at, boolean bytes) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= s.length()) {
        sb.append(c);
        continue;
      }
      char e = s.charAt(++i);
      switch (e) {
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case 'a' -> sb.append('\u0007');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'v' -> sb.append('\u000b');
        case '\\', '\'', '"' -> sb.append(e);
        case '\n' -> {}
        case '\r' -> i += i + 1 < s.length() && s.charAt(i + 1) == '\n' ? 1 : 0;
        case '0', '1', '2', '3', '4', '5', '6', '7' -> {
          int end = i + 1;
          while (end < s.length() && end < i + 3 && s.charAt(end) >= '0' && s.charAt(end) <= '7') {
            end++;
          }
          sb.append((char) Integer.parseInt(s.substring(i, end), 8));
          i = end - 1;
        }
        case 'x' -> i = hexEscape(s, i, 2, sb, at);
        case 'u' -> i = bytes ? literalEscape(sb, e, i) : hexEscape(s, i, 4, sb, at);
        case 'U' -> i = bytes ? literalEscape(sb, e, i) : hexEscape(s, i, 8, sb, at);
        case 'N' -> {
          int close = s.indexOf('}', i);
          if (bytes) {
            i = literalEscape(sb, e, i);
          } else if (i + 1 >= s.length() || s.charAt(i + 1) != '{' || close < 0) {
            throw badEscape(at, "malformed \\N character escape");
          } else {
            try {
              sb.appendCodePoint(Character.codePointOf(s.substring(i + 2, close)));
            } catch (IllegalArgumentException ex) {
              throw badEscape(at, "unknown Unicode character name");
            }
            i = close;
          }
        }
        default -> literalEscape(sb, e, i);
      }
    }
    return sb.toString();
  }

  /** An unrecognised escape stays as written, backslash included. */
  private static int literalEscape(StringBuilder sb, char e, int i) {
    sb.append('\\').append(e);
    return i;
  }

  /**
   * Decodes exactly {@code digits} hex digits after index {@code i}; returns the index of the last
   * one.
   */
  private int hexEscape(String s, int i, int digits, StringBuilder sb, Token at) {
    String hex = s.substring(i + 1, Math.min(i + 1 + digits, s.length()));
    if (hex.length() < digits || !hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
      throw badEscape(at, "truncated \\" + s.charAt(i) + "X".repeat(digits) + " escape");
    }
    long cp = Long.parseLong(hex, 16);
    if (cp > Character.MAX_CODE_POINT) {
      throw badEscape(at, "illegal Unicode character");
    }
    sb.appendCodePoint((int) cp);
    return i + digits;
  }

  private DiagnosticException badEscape(Token at, String what) {
    return new DiagnosticException(
        Diagnostic.of(Code.DN0001, span(at), "invalid escape in string literal: " + what));
  }
}
