package dev.dynnc.frontend.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableList;
import dev.dynnc.diag.DiagnosticException;
import dev.dynnc.diag.Diagnostics;
import dev.dynnc.diag.SourceMap;
import dev.dynnc.frontend.ast.Expr;
import dev.dynnc.frontend.ast.Stmt;
import dev.dynnc.frontend.testing.AstDump;
import dev.dynnc.ir.Span;
import dev.dynnc.testing.Golden;
import dev.dynnc.testing.GoldenFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Tests of {@link PythonSource}: real model files parse, tricky syntax gives the expected AST
 * (written like Python's {@code ast.dump}, spans left out), and syntax errors render exactly.
 */
class PythonSourceTest {

  // ------------------------------------------------------------------------------------------
  // Real files

  /** The repository root: set by the root POM for surefire, else the parent of this module. */
  private static Path repoRoot() {
    String root = System.getProperty("dynnc.repo.root");
    return root != null ? Path.of(root) : Path.of("..");
  }

  @TestFactory
  Stream<DynamicTest> sampleSourcesParse() throws IOException {
    Path samples = repoRoot().resolve("samples");
    List<Path> files;
    try (Stream<Path> s = Files.walk(samples)) {
      // The hostile-input corpus holds deliberately unreadable sources; its cases check those.
      files =
          s.filter(
                  p ->
                      p.toString().endsWith(".py")
                          && !p.toString().contains("/target/")
                          && !p.toString().contains("/hostile/"))
              .sorted()
              .toList();
    }
    assertFalse(files.isEmpty(), "no Python files under " + samples.toAbsolutePath());
    return files.stream()
        .map(
            p ->
                DynamicTest.dynamicTest(
                    samples.relativize(p).toString(),
                    p.toUri(),
                    () -> {
                      ImmutableList<Stmt> body =
                          PythonSource.parseFile(p.getFileName().toString(), Files.readString(p));
                      assertFalse(body.isEmpty() && Files.size(p) > 0, "parsed to nothing");
                    }));
  }

  @TestFactory
  Stream<DynamicTest> goldenModelsParse() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(Golden.ROOT.resolve("lower"))) {
      files = s.filter(p -> p.toString().endsWith(".py")).sorted().toList();
    }
    return files.stream()
        .map(
            p ->
                DynamicTest.dynamicTest(
                    p.getFileName().toString(),
                    p.toUri(),
                    () -> {
                      GoldenFile g = GoldenFile.read(p);
                      String expected = g.expected().orElse("");
                      boolean syntaxError =
                          expected.startsWith("error[DN0001]")
                              || expected.startsWith("error[DN0002]");
                      if (syntaxError) {
                        assertThrows(
                            DiagnosticException.class,
                            () -> PythonSource.parseFile("m.py", g.text()));
                      } else {
                        assertFalse(PythonSource.parseFile("m.py", g.text()).isEmpty());
                      }
                    }));
  }

  // ------------------------------------------------------------------------------------------
  // Tricky syntax

  private static void assertAst(String source, String expected) {
    assertEquals(expected, AstDump.dump(PythonSource.parseFile("m.py", source)));
  }

  @Test
  void backslashContinuation() {
    assertAst(
        "x = 1 + \\\n    2\n",
        "[Assign(targets=[Name(id='x')], value=BinOp(op='+', left=Num(value=1), right=Num(value=2)))]");
  }

  @Test
  void nestedBracketsAcrossLines() {
    assertAst(
        """
        y = foo(1,
                [2, 3,
                 {'a': (4,

                        5)}],  # a comment inside
                )
        z = 0
        """,
        "[Assign(targets=[Name(id='y')], value=Call(func=Name(id='foo'), args=[Arg(name=None, value=Num(value=1),"
            + " kind=POSITIONAL), Arg(name=None, value=ListExpr(elts=[Num(value=2), Num(value=3), DictExpr(keys=["
            + "Str(value='a', bytes=false)], values=[TupleExpr(elts=[Num(value=4), Num(value=5)])])]), kind=POSITIONAL)])),"
            + " Assign(targets=[Name(id='z')], value=Num(value=0))]");
  }

  @Test
  void decoratorsAndParameterKinds() {
    assertAst(
        """
        @decorator
        @mod.deco(arg=1)
        def f(a, b=2, *args, c, d=4, **kw):
            pass
        """,
        "[FunctionDef(name='f', params=[Parameter(name='a', kind=POSITIONAL, defaultValue=None), Parameter(name='b',"
            + " kind=POSITIONAL, defaultValue=Num(value=2)), Parameter(name='args', kind=VAR_POSITIONAL, defaultValue=None),"
            + " Parameter(name='c', kind=KEYWORD_ONLY, defaultValue=None), Parameter(name='d', kind=KEYWORD_ONLY,"
            + " defaultValue=Num(value=4)), Parameter(name='kw', kind=VAR_KEYWORD, defaultValue=None)], body=[Pass()],"
            + " decorators=[Name(id='decorator'), Call(func=Attribute(value=Name(id='mod'), attr='deco'),"
            + " args=[Arg(name='arg', value=Num(value=1), kind=KEYWORD)])])]");
  }

  @Test
  void lambdas() {
    assertAst(
        "g = lambda a, b=1, *r, **k: a + b\nh = lambda: 0\n",
        "[Assign(targets=[Name(id='g')], value=Lambda(params=[Parameter(name='a', kind=POSITIONAL, defaultValue=None),"
            + " Parameter(name='b', kind=POSITIONAL, defaultValue=Num(value=1)), Parameter(name='r', kind=VAR_POSITIONAL,"
            + " defaultValue=None), Parameter(name='k', kind=VAR_KEYWORD, defaultValue=None)], body=BinOp(op='+',"
            + " left=Name(id='a'), right=Name(id='b')))), Assign(targets=[Name(id='h')], value=Lambda(params=[],"
            + " body=Num(value=0)))]");
  }

  @Test
  void chainedComparisonsNotInIsNot() {
    assertAst(
        "t = a < b <= c != d\nu = x not in y and p is not None\nv = not a in b\n",
        "[Assign(targets=[Name(id='t')], value=Compare(left=Name(id='a'), ops=['<', '<=', '!='],"
            + " comparators=[Name(id='b'), Name(id='c'), Name(id='d')])), Assign(targets=[Name(id='u')],"
            + " value=BoolOp(op='and', values=[Compare(left=Name(id='x'), ops=['not in'], comparators=[Name(id='y')]),"
            + " Compare(left=Name(id='p'), ops=['is not'], comparators=[Const(value=None)])])),"
            + " Assign(targets=[Name(id='v')], value=UnaryOp(op='not', operand=Compare(left=Name(id='a'), ops=['in'],"
            + " comparators=[Name(id='b')])))]");
  }

  @Test
  void starredAssignment() {
    assertAst(
        "a, *b, c = items\n*d, e = items\n[f, g] = h\n",
        "[Assign(targets=[TupleExpr(elts=[Name(id='a'), Starred(value=Name(id='b')), Name(id='c')])],"
            + " value=Name(id='items')), Assign(targets=[TupleExpr(elts=[Starred(value=Name(id='d')), Name(id='e')])],"
            + " value=Name(id='items')), Assign(targets=[ListExpr(elts=[Name(id='f'), Name(id='g')])],"
            + " value=Name(id='h'))]");
  }

  @Test
  void nestedTernariesAssociateRight() {
    assertAst(
        "r = p if q else s if t else u\n",
        "[Assign(targets=[Name(id='r')], value=IfExp(test=Name(id='q'), body=Name(id='p'),"
            + " orelse=IfExp(test=Name(id='t'), body=Name(id='s'), orelse=Name(id='u'))))]");
  }

  @Test
  void nestedFStrings() {
    assertAst(
        "s = f'{x!r:>{width}} {y:.{prec}f} {{lit}} {f\"{z}\"}'\n",
        "[Assign(targets=[Name(id='s')], value=FStr(parts=[FPart(literal=None, expr=Name(id='x'), conversion='r',"
            + " spec=FStr(parts=[FPart(literal='>', expr=None, conversion=None, spec=None), FPart(literal=None,"
            + " expr=Name(id='width'), conversion=None, spec=None)])), FPart(literal=' ', expr=None, conversion=None,"
            + " spec=None), FPart(literal=None, expr=Name(id='y'), conversion=None, spec=FStr(parts=[FPart(literal='.',"
            + " expr=None, conversion=None, spec=None), FPart(literal=None, expr=Name(id='prec'), conversion=None,"
            + " spec=None), FPart(literal='f', expr=None, conversion=None, spec=None)])), FPart(literal=' {lit} ',"
            + " expr=None, conversion=None, spec=None), FPart(literal=None, expr=FStr(parts=[FPart(literal=None,"
            + " expr=Name(id='z'), conversion=None, spec=None)]), conversion=None, spec=None)]))]");
  }

  @Test
  void semicolons() {
    assertAst(
        "a = 1; b = 2;\nc = 3\n",
        "[Assign(targets=[Name(id='a')], value=Num(value=1)), Assign(targets=[Name(id='b')], value=Num(value=2)),"
            + " Assign(targets=[Name(id='c')], value=Num(value=3))]");
  }

  @Test
  void tabIndentation() {
    assertAst(
        "if x:\n\ty = 1\n\tif z:\n\t\tw = 2\nv = 3\n",
        "[If(test=Name(id='x'), body=[Assign(targets=[Name(id='y')], value=Num(value=1)), If(test=Name(id='z'),"
            + " body=[Assign(targets=[Name(id='w')], value=Num(value=2))], orelse=[])], orelse=[]),"
            + " Assign(targets=[Name(id='v')], value=Num(value=3))]");
  }

  @Test
  void operatorPrecedence() {
    assertAst(
        "r = -x ** 2 // 3 % 4 @ w + a * b ** -c\n",
        "[Assign(targets=[Name(id='r')], value=BinOp(op='+', left=BinOp(op='@', left=BinOp(op='%', left=BinOp(op='//',"
            + " left=UnaryOp(op='-', operand=BinOp(op='**', left=Name(id='x'), right=Num(value=2))), right=Num(value=3)),"
            + " right=Num(value=4)), right=Name(id='w')), right=BinOp(op='*', left=Name(id='a'), right=BinOp(op='**',"
            + " left=Name(id='b'), right=UnaryOp(op='-', operand=Name(id='c'))))))]");
  }

  @Test
  void comprehensionsAndSubscripts() {
    assertAst(
        "x = [i * j for i in range(3) if i for j in range(i)]\ny = x[1:2, ::3, ..., None]\n",
        "[Assign(targets=[Name(id='x')], value=Comprehension(kind=LIST, elt=BinOp(op='*', left=Name(id='i'),"
            + " right=Name(id='j')), value=None, generators=[CompFor(target=Name(id='i'), iter=Call(func=Name(id='range'),"
            + " args=[Arg(name=None, value=Num(value=3), kind=POSITIONAL)]), ifs=[Name(id='i')]), CompFor(target=Name(id='j'),"
            + " iter=Call(func=Name(id='range'), args=[Arg(name=None, value=Name(id='i'), kind=POSITIONAL)]), ifs=[])])),"
            + " Assign(targets=[Name(id='y')], value=Subscript(value=Name(id='x'), index=TupleExpr(elts=[Slice("
            + "lower=Num(value=1), upper=Num(value=2), step=None), Slice(lower=None, upper=None, step=Num(value=3)),"
            + " Const(value=...), Const(value=None)])))]");
  }

  @Test
  void literals() {
    assertAst(
        "x = 0x1f + 0o17 + 0b101 + 1_000 + 1e-3 + .5\ns = 'a' \"b\" r'\\n'\nt = \"\"\"multi\nline\"\"\"\n",
        "[Assign(targets=[Name(id='x')], value=BinOp(op='+', left=BinOp(op='+', left=BinOp(op='+', left=BinOp(op='+',"
            + " left=BinOp(op='+', left=Num(value=31), right=Num(value=15)), right=Num(value=5)), right=Num(value=1000)),"
            + " right=Num(value=0.001)), right=Num(value=0.5))), Assign(targets=[Name(id='s')], value=Str(value='ab\\\\n',"
            + " bytes=false)), Assign(targets=[Name(id='t')], value=Str(value='multi\\nline', bytes=false))]");
  }

  @Test
  void importsWithAndTry() {
    assertAst(
        """
        from ..pkg.mod import (b as c,
                               d,)
        import torch.nn as nn, os
        with torch.no_grad(), open(p) as fh:
            pass
        try:
            pass
        except (A, B) as e:
            raise C() from e
        """,
        "[ImportFrom(module='pkg.mod', level=2, names=[Alias(name='b', asName='c'), Alias(name='d', asName=None)]),"
            + " Import(names=[Alias(name='torch.nn', asName='nn'), Alias(name='os', asName=None)]), With(items=["
            + "WithItem(context=Call(func=Attribute(value=Name(id='torch'), attr='no_grad'), args=[]), target=None),"
            + " WithItem(context=Call(func=Name(id='open'), args=[Arg(name=None, value=Name(id='p'), kind=POSITIONAL)]),"
            + " target=Name(id='fh'))], body=[Pass()]), Try(body=[Pass()], handlers=[Handler(type=TupleExpr(elts=["
            + "Name(id='A'), Name(id='B')]), name='e', body=[Raise(exc=Call(func=Name(id='C'), args=[]))])], orelse=[],"
            + " finalbody=[])]");
  }

  @Test
  void spansSurviveContinuationsAndTabs() {
    List<Stmt> body = PythonSource.parseFile("m.py", "x = (1 +\n     foo)\nif x:\n\ty = bar\n");
    Expr.BinOp sum = (Expr.BinOp) ((Stmt.Assign) body.get(0)).value();
    assertEquals(new Span("m.py", 2, 6), sum.right().span());
    Stmt.Assign inner = (Stmt.Assign) ((Stmt.If) body.get(1)).body().get(0);
    assertEquals(new Span("m.py", 4, 2), inner.span());
    assertEquals(new Span("m.py", 4, 6), inner.value().span());
  }

  @Test
  void fStringFieldSpansPointIntoTheString() {
    List<Stmt> body = PythonSource.parseFile("m.py", "s = f'ab{x}'\n");
    Expr.FStr f = (Expr.FStr) ((Stmt.Assign) body.get(0)).value();
    assertEquals(new Span("m.py", 1, 10), f.parts().get(1).expr().orElseThrow().span());
  }

  // ------------------------------------------------------------------------------------------
  // Syntax errors, rendered in full

  private static void assertError(String source, String expected) {
    DiagnosticException e =
        assertThrows(DiagnosticException.class, () -> PythonSource.parseFile("m.py", source));
    SourceMap sources = new SourceMap();
    sources.add("m.py", source);
    Diagnostics d = new Diagnostics();
    d.addAll(e.diagnostics());
    assertEquals(expected, d.render(sources));
  }

  @Test
  void missingColon() {
    assertError(
        "for x in y\n    pass\n",
        """
        error[DN0001]: m.py:1:11: invalid syntax: unexpected end of line
          |
        1 | for x in y
          |           ^
          = hint: a compound statement header ends with ':'
        """);
  }

  @Test
  void unexpectedIndent() {
    assertError(
        "x = 1\n    y = 2\n",
        """
        error[DN0001]: m.py:2:5: invalid syntax: unexpected indent
          |
        2 |     y = 2
          |     ^
          = hint: remove the extra indentation
        """);
  }

  @Test
  void indentedFirstLine() {
    assertError(
        "  x = 1\n",
        """
        error[DN0001]: m.py:1:3: invalid syntax: unexpected indent
          |
        1 |   x = 1
          |   ^
          = hint: remove the extra indentation
        """);
  }

  @Test
  void unindentToNoLevel() {
    assertError(
        "if x:\n        a = 1\n    b = 2\n",
        """
        error[DN0002]: m.py:3:5: unindent does not match any outer indentation level
          |
        3 |     b = 2
          |     ^
          = hint: indent this line exactly like the block it belongs to
        """);
  }

  @Test
  void missingIndentedBlock() {
    assertError(
        "if x:\npass\n",
        """
        error[DN0001]: m.py:2:1: expected an indented block
          |
        2 | pass
          | ^
          = hint: indent the body of the statement that ends with ':' on the line above
        """);
  }

  @Test
  void tabsAndSpacesMixedAmbiguously() {
    assertError(
        "if x:\n\ta = 1\n        b = 2\n",
        """
        error[DN0002]: m.py:3:9: inconsistent use of tabs and spaces in indentation
          |
        3 |         b = 2
          |         ^
          = hint: indent with spaces only (or tabs only) in the whole file
        """);
  }

  @Test
  void bracketNeverClosed() {
    assertError(
        "y = foo(1,\n        2\n",
        """
        error[DN0001]: m.py:1:8: '(' was never closed
          |
        1 | y = foo(1,
          |        ^
          = hint: close it, or remove it
        """);
  }

  @Test
  void bracketOpenWhenTheNextStatementStarts() {
    assertError(
        "x = [1, 2, 3\ny = 4\n",
        """
        error[DN0001]: m.py:2:1: invalid syntax: unexpected 'y'
          |
        2 | y = 4
          | ^
          = hint: the '[' at line 1, column 5 is not closed
        """);
  }

  @Test
  void mismatchedBracket() {
    assertError(
        "x = (1,\n     2]\n",
        """
        error[DN0001]: m.py:2:7: closing parenthesis ']' does not match opening parenthesis '(' on line 1
          |
        2 |      2]
          |       ^
        """);
  }

  @Test
  void unmatchedClosingBracket() {
    assertError(
        "x = 1)\n",
        """
        error[DN0001]: m.py:1:6: unmatched ')'
          |
        1 | x = 1)
          |      ^
          = hint: remove it, or add the bracket it closes
        """);
  }

  @Test
  void tooManyNestedParentheses() {
    String src = "x = " + "(".repeat(201) + "1" + ")".repeat(201) + "\n";
    DiagnosticException e =
        assertThrows(DiagnosticException.class, () -> PythonSource.parseFile("m.py", src));
    assertEquals(
        "error[DN0001]: m.py:1:205: too many nested parentheses",
        e.diagnostics().get(0).toString().lines().findFirst().orElseThrow());
  }

  @Test
  void thousandsOfChainedOperatorsAreAnErrorNotACrash() {
    String src = "x = 1\ny = x" + " + x".repeat(50_000) + "\n";
    DiagnosticException e =
        assertThrows(DiagnosticException.class, () -> PythonSource.parseFile("m.py", src));
    assertTrue(
        e.diagnostics()
            .get(0)
            .toString()
            .startsWith("error[DN0001]: m.py:2:1: this statement nests too deeply"),
        e.diagnostics().get(0).toString());
  }

  @Test
  void unterminatedString() {
    assertError(
        "s = 'abc\n",
        """
        error[DN0001]: m.py:1:5: unterminated string literal
          |
        1 | s = 'abc
          |     ^
          = hint: close the string on the same line, or use triple quotes for text over several lines
        """);
  }

  @Test
  void unterminatedTripleQuotedString() {
    assertError(
        "x = 1\ns = '''abc\n\n",
        """
        error[DN0001]: m.py:2:5: unterminated triple-quoted string literal
          |
        2 | s = '''abc
          |     ^
          = hint: close the string with '''
        """);
  }

  @Test
  void invalidCharacter() {
    assertError(
        "x = a $ b\n",
        """
        error[DN0001]: m.py:1:7: invalid syntax: unexpected '$'
          |
        1 | x = a $ b
          |       ^
          = hint: this character cannot start a Python token here
        """);
  }

  @Test
  void fStringErrorsPointIntoTheString() {
    assertError(
        "s = f'a } b'\n",
        """
        error[DN0001]: m.py:1:9: single '}' is not allowed in an f-string
          |
        1 | s = f'a } b'
          |         ^
        """);
    assertError(
        "s = f'{x'\n",
        """
        error[DN0001]: m.py:1:8: unterminated replacement field in f-string
          |
        1 | s = f'{x'
          |        ^
        """);
  }

  @Test
  void returnBreakAndContinueOutsideTheirScopes() {
    assertError(
        "class A:\n    return 1\n",
        """
        error[DN0001]: m.py:2:5: 'return' outside function
          |
        2 |     return 1
          |     ^
        """);
    assertError(
        "def f():\n    for i in x:\n        pass\n    else:\n        break\n",
        """
        error[DN0001]: m.py:5:9: 'break' outside loop
          |
        5 |         break
          |         ^
        """);
    assertError(
        "for i in x:\n    def g():\n        continue\n",
        """
        error[DN0001]: m.py:3:9: 'continue' not properly in loop
          |
        3 |         continue
          |         ^
        """);
  }

  @Test
  void duplicateParameter() {
    assertError(
        "def f(a, b, a=1):\n    pass\n",
        """
        error[DN0001]: m.py:1:13: duplicate argument 'a' in function definition
          |
        1 | def f(a, b, a=1):
          |             ^
        """);
  }

  @Test
  void unsupportedSyntaxIsDn0003() {
    assertError(
        "def f():\n    x = yield 1\n",
        """
        error[DN0003]: m.py:2:9: 'yield' is not supported
          |
        2 |     x = yield 1
          |         ^
          = hint: dynnc compiles plain methods; generators are not supported
        """);
  }

  @Test
  void entryExpressionErrorsUseTheirOwnColumns() {
    DiagnosticException e =
        assertThrows(
            DiagnosticException.class,
            () -> PythonSource.parseExpression("build(1,", new Span("<entry>", 1, 8)));
    assertEquals(
        "error[DN0001]: <entry>:1:13: '(' was never closed",
        e.diagnostics().get(0).toString().lines().findFirst().orElseThrow());
  }

  /**
   * Literals whose escapes must decode exactly as CPython decodes them (checked against python3
   * below).
   */
  static final List<String> ESCAPES =
      List.of(
          "'say \\\"hi\\\"'",
          "'C:\\\\temp\\\\new'",
          "'C:\\temp\\new'",
          "'\\x00nul \\x7f \\xe9'",
          "'\\0 \\07 \\012 \\101\\1012 \\777 \\8'",
          "'\\a\\b\\f\\v\\r\\t'",
          "'\\u043a\\u043b\\u044e\\u0447 \\U0001F511'",
          "'\\N{SNOWMAN} \\N{LATIN SMALL LETTER A}'",
          "'\\q \\d'",
          "'a\\\nb'",
          "b'\\x00\\xff \\u0041 \\N{x} \\101'",
          "'''*/ \" + x + \" ''' \"\\u0022\"",
          "r'\\x00\\n'",
          "'ключ 🔑'");

  @Test
  void escapesDecodeAsInPython(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path file = dir.resolve("literals.txt");
    Files.writeString(file, String.join("\u001e", ESCAPES));
    Process p =
        new ProcessBuilder(
                "/usr/bin/python3",
                "-c",
                String.join(
                    "\n",
                    "import ast, sys",
                    "for lit in open(sys.argv[1], encoding='utf-8').read().split('\\x1e'):",
                    "    v = ast.literal_eval(lit)",
                    "    print(' '.join(str(c) for c in (v if isinstance(v, bytes) else map(ord, v))))"),
                file.toString())
            .redirectErrorStream(true)
            .start();
    List<String> expected =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
            .lines()
            .toList();
    assertEquals(0, p.waitFor(), String.join("\n", expected));
    for (int i = 0; i < ESCAPES.size(); i++) {
      Expr.Str str =
          (Expr.Str) PythonSource.parseExpression(ESCAPES.get(i), new Span("m.py", 1, 1));
      String got = String.join(" ", str.value().codePoints().mapToObj(String::valueOf).toList());
      assertEquals(expected.get(i), got, ESCAPES.get(i));
    }
  }

  @Test
  void malformedEscapesAreSyntaxErrors() {
    for (String[] c :
        new String[][] {
          {"'\\x4'", "truncated \\xXX escape"},
          {"'\\xZZ'", "truncated \\xXX escape"},
          {"'\\u12'", "truncated \\uXXXX escape"},
          {"'\\U00110000'", "illegal Unicode character"},
          {"'\\N{NO SUCH NAME}'", "unknown Unicode character name"},
          {"'\\N'", "malformed \\N character escape"}
        }) {
      DiagnosticException e =
          assertThrows(
              DiagnosticException.class,
              () -> PythonSource.parseExpression(c[0], new Span("m.py", 3, 5)));
      assertEquals(
          "error[DN0001]: m.py:3:5: invalid escape in string literal: " + c[1],
          e.diagnostics().get(0).toString().lines().findFirst().orElseThrow(),
          c[0]);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Source bytes: encodings, byte-order marks, long lines

  /**
   * Decodes bytes as a file would be, then parses the text; returns the rendered diagnostic, or ""
   * when it parses.
   */
  private static String decodeAndParse(byte[] bytes) {
    SourceMap sources = new SourceMap();
    try {
      String text = PythonSource.decode("m.py", bytes, sources);
      sources.add("m.py", text);
      PythonSource.parseFile("m.py", text);
      return "";
    } catch (DiagnosticException e) {
      Diagnostics d = new Diagnostics();
      d.addAll(e.diagnostics());
      return d.render(sources);
    }
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Test
  void aUtf8ByteOrderMarkIsDropped() {
    byte[] file =
        concat(
            bytes(0xef, 0xbb, 0xbf),
            "x = 'caf\u00e9'\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals("x = 'caf\u00e9'\n", PythonSource.decode("m.py", file, new SourceMap()));
    assertEquals("", decodeAndParse(file));
  }

  @Test
  void latin1BytesWithoutADeclarationAreReportedAtTheFirstBadByte() {
    byte[] file =
        concat(
            "import torch\n\n# caf".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            bytes(0xe9),
            "s \u00e0\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    assertEquals(
        """
        error[DN0004]: m.py:3:6: byte 0xe9 is not valid UTF-8
          |
        3 | # caf\ufffds \ufffd
          |      ^
          = hint: save the file as UTF-8, or declare its encoding on the first line, e.g. # -*- coding: latin-1 -*-
        """,
        decodeAndParse(file));
  }

  @Test
  void aPep263DeclarationIsHonoured() {
    byte[] file =
        concat(
            "#!/usr/bin/env python\n# -*- coding: latin-1 -*-\nname = 'caf"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            bytes(0xe9),
            "'\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertTrue(PythonSource.decode("m.py", file, new SourceMap()).endsWith("name = 'caf\u00e9'\n"));
    assertEquals("", decodeAndParse(file));
    // Only on line 1 or 2, and on line 2 only after a comment: here it is a plain comment and UTF-8
    // applies.
    byte[] late =
        concat(
            "x = 1\n# coding: latin-1\ny = '".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            bytes(0xe9),
            "'\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertTrue(
        decodeAndParse(late).startsWith("error[DN0004]: m.py:3:6: byte 0xe9 is not valid UTF-8\n"));
  }

  @Test
  void unknownOrContradictoryDeclarationsAreErrors() {
    assertEquals(
        """
        error[DN0004]: m.py:1:11: unknown source encoding 'klingon'
          |
        1 | # coding: klingon
          |           ^
          = hint: declare utf-8 or latin-1, or save the file as UTF-8 and drop the declaration
        """,
        decodeAndParse(
            "# coding: klingon\nx = 1\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    byte[] bomLatin =
        concat(
            bytes(0xef, 0xbb, 0xbf),
            "# coding: latin-1\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertTrue(
        decodeAndParse(bomLatin)
            .startsWith(
                "error[DN0004]: m.py:1:11: the file starts with a UTF-8 byte-order "
                    + "mark but declares the encoding 'latin-1'\n"),
        decodeAndParse(bomLatin));
  }

  @Test
  void aTenKilobyteLineIsQuotedAsAWindowWithTheCaretInPlace() {
    String line = "x = [" + "1, ".repeat(2000) + "$" + ", 2".repeat(2000) + "]";
    String rendered =
        decodeAndParse((line + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    List<String> lines = rendered.lines().toList();
    assertEquals("error[DN0001]: m.py:1:6006: invalid syntax: unexpected '$'", lines.get(0));
    String quoted = lines.get(2);
    String caret = lines.get(3);
    assertTrue(quoted.startsWith("1 | ...") && quoted.endsWith("..."), quoted);
    assertTrue(quoted.length() < 140, "quoted " + quoted.length() + " characters");
    assertEquals(
        '$', quoted.charAt(caret.indexOf('^')), "caret under the '$':\n" + quoted + "\n" + caret);
    // Near the start of the line the window begins at column 1 and only the end is cut.
    String early =
        decodeAndParse(
            ("$ = [" + "1, ".repeat(3000) + "]\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertTrue(early.lines().toList().get(2).startsWith("1 | $ = [1, 1,"), early);
    assertEquals("  | ^", early.lines().toList().get(3));
  }

  @Test
  void aHugeTokenIsQuotedByItsStartInTheMessage() {
    String rendered =
        decodeAndParse(
            ("x = 1 '" + "a".repeat(10000) + "'\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(
        "error[DN0001]: m.py:1:7: invalid syntax: unexpected ''" + "a".repeat(36) + "...'",
        rendered.lines().findFirst().orElseThrow());
  }

  @Test
  void badHexEscapesAndHugeLiteralsAreSyntaxErrors() {
    assertError(
        "s = 'a\\xzz'\n",
        """
        error[DN0001]: m.py:1:5: invalid escape in string literal: truncated \\xXX escape
          |
        1 | s = 'a\\xzz'
          |     ^
        """);
    assertError(
        "s = '\\u12'\n",
        """
        error[DN0001]: m.py:1:5: invalid escape in string literal: truncated \\uXXXX escape
          |
        1 | s = '\\u12'
          |     ^
        """);
    DiagnosticException e =
        assertThrows(
            DiagnosticException.class,
            () -> PythonSource.parseFile("m.py", "n = " + "9".repeat(1_000_000) + "\n"));
    assertEquals(
        "number literal of 1000000 digits exceeds Python's limit of 4300",
        e.diagnostics().get(0).message());
  }
}
