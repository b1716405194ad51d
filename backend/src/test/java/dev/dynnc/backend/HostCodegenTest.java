package dev.dynnc.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.comments.Comment;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Parser;
import dev.dynnc.ir.Verifier;
import dev.dynnc.rewrite.Partitioner;
import dev.dynnc.runtime.FakeHostRun;
import dev.dynnc.runtime.HostProgram;
import dev.dynnc.runtime.HostTensor;
import dev.dynnc.runtime.Manifest;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostCodegenTest {
  /**
   * A join with tensor and scalar parameters, scalar arithmetic of every kind, and nested returns.
   */
  static final String PROGRAM =
      """
      func @step(%0 "x": f32[1]) {
      ^bb0:
        %1 = item(%0) : f32
        %2 = const() {value = 0.5} : f64
        %3 = gt(%1, %2) : bool
        %4 = logical_not(%3) : bool
        %5 = const() {value = 7} : i64
        %6 = const() {value = -2} : i64
        %7 = floor_div(%5, %6) : i64
        %8 = mod(%5, %6) : i64
        %9 = cast(%3) {dtype = "i64"} : i64
        %10 = add(%8, %9) : i64
        br %4, ^bb1(), ^bb2()
      ^bb1:
        %11 = relu(%0) : f32[1]
        jump ^bb3(%11, %7)
      ^bb2:
        %12 = exp(%0) : f32[1]
        jump ^bb3(%12, %10)
      ^bb3(%13: f32[1], %14: i64):
        %15 = cast(%14) {dtype = "f64"} : f64
        %16 = pow(%15, %2) : f64
        ret {"y": %13, "k": [%14, (%16,)], "none": None}
      }
      """;

  @Test
  void generatedHostCompilesAndImplementsHostProgram(@TempDir Path dir) throws Exception {
    Partitioner.Result parts = Partitioner.partition(Parser.parse(PROGRAM));
    String source = HostCodegen.generate(parts.host()).toString();
    assertTrue(source.contains("@javax.annotation.processing.Generated(\"dynnc\")"), source);
    assertTrue(
        source.contains("dev.dynnc.semantics.PyScalar.floorDiv(v5, v6)"),
        source); // exact: -2**63 // -1 raises
    assertTrue(source.contains("return ctx.result(0, v13, v14, v16);"), source);
    // Leaves carry their types: a f32[1] tensor, a Python int and a Python float.
    assertEquals(
        List.of(
            Manifest.OutputNode.dict(
                List.of("y", "k", "none"),
                List.of(
                    Manifest.OutputNode.leaf(0, "float32", new long[] {1}),
                    Manifest.OutputNode.sequence(
                        "list",
                        List.of(
                            Manifest.OutputNode.leaf(1, "int64", null),
                            Manifest.OutputNode.sequence(
                                "tuple", List.of(Manifest.OutputNode.leaf(2, "float64", null))))),
                    Manifest.OutputNode.none()))),
        HostCodegen.outputStructures(parts.host()));
    try (URLClassLoader cl = compile(dir, "Host", source)) {
      assertTrue(HostProgram.class.isAssignableFrom(cl.loadClass("dynnc.generated.Host")));
    }
  }

  /**
   * Float %, // and max/min of host scalars follow CPython on NaN and infinities (PyFloat), not
   * Java's operators.
   */
  @Test
  void floatHostArithmeticUsesPythonSemantics(@TempDir Path dir) throws Exception {
    String program =
        """
        func @py(%0 "x": f32[1]) {
        ^bb0:
          %1 = item(%0) : f32
          %2 = cast(%1) {dtype = "f64"} : f64
          %3 = const() {value = Infinity} : f64
          %4 = mod(%2, %3) : f64
          %5 = floor_div(%2, %3) : f64
          %6 = maximum(%2, %3) : f64
          %7 = minimum(%2, %3) : f64
          %8 = const() {value = 3} : i64
          %9 = maximum(%8, %8) : i64
          ret (%4, %5, %6, %7, %9)
        }
        """;
    String source =
        HostCodegen.generate(Partitioner.partition(Parser.parse(program)).host()).toString();
    for (String call :
        List.of(
            "dev.dynnc.semantics.PyFloat.mod(v2, v3)",
            "dev.dynnc.semantics.PyFloat.floorDiv(v2, v3)",
            "dev.dynnc.semantics.PyFloat.max(v2, v3)",
            "dev.dynnc.semantics.PyFloat.min(v2, v3)",
            "dev.dynnc.semantics.PyScalar.max(v8, v8)")) {
      assertTrue(source.contains(call), call + " missing in\n" + source);
    }
    compile(dir, "Host", source).close();
  }

  /** A chain of {@code n} blocks, each with a subgraph call and an early return. */
  static String exits(int n) {
    StringBuilder ir = new StringBuilder("func @forward(%0 \"x\": f32[1]) {\n");
    int v = 0;
    int x = 0;
    for (int i = 0; i < n; i++) {
      ir.append("^bb").append(2 * i).append(":\n");
      ir.append("  %").append(v + 1).append(" = tanh(%").append(x).append(") : f32[1]\n");
      ir.append("  %").append(v + 2).append(" = item(%").append(v + 1).append(") : f32\n");
      ir.append("  %").append(v + 3).append(" = const() {value = 0.5} : f64\n");
      ir.append("  %").append(v + 4).append(" = gt(%").append(v + 2).append(", %");
      ir.append(v + 3).append(") : bool\n");
      ir.append("  br %").append(v + 4).append(", ^bb").append(2 * i + 1).append("(), ^bb");
      ir.append(2 * i + 2).append("()\n");
      ir.append("^bb").append(2 * i + 1).append(":\n  ret %").append(v + 1).append("\n");
      x = v + 1;
      v += 4;
    }
    ir.append("^bb").append(2 * n).append(":\n  ret %").append(x).append("\n}\n");
    return ir.toString();
  }

  /**
   * A host program too large for one method is split into methods of {@link
   * HostCodegen#BLOCKS_PER_PART} blocks ({@link SplitShape}), and still compiles; a small one keeps
   * the one-method shape.
   */
  @Test
  void largeProgramsAreSplitIntoMethods(@TempDir Path dir) throws Exception {
    Function f = Parser.parse(exits(400));
    assertEquals(List.of(), Verifier.verify(f));
    String small =
        HostCodegen.generate(Partitioner.partition(Parser.parse(exits(20))).host()).toString();
    assertFalse(small.contains("class Frame"), small);
    String large = HostCodegen.generate(Partitioner.partition(f).host()).toString();
    assertTrue(large.contains("private static final class Frame"), large);
    int parts = 801 / HostCodegen.BLOCKS_PER_PART + 1;
    assertTrue(large.contains("boolean part" + (parts - 1) + "("), large);
    assertFalse(large.contains("boolean part" + parts + "("), large);
    compile(dir, "Host", large).close();
  }

  /**
   * One block of 1,500 host ops (Python arithmetic on a value read back, as an unrolled loop makes
   * it): the split shape moves its straight-line statements into several methods, and computes what
   * the one-method shape computes.
   */
  @Test
  void aBlockOfManyHostOpsIsSplitToo(@TempDir Path dir) throws Exception {
    StringBuilder ir = new StringBuilder("func @forward(%0 \"x\": f32[1]) {\n^bb0:\n");
    ir.append("  %1 = tanh(%0) : f32[1]\n");
    ir.append("  %2 = reduce_max(%1) {axes = [0], keepdims = false} : f32[]\n");
    ir.append("  %3 = item(%2) : f32\n");
    ir.append("  %4 = const() {value = 0.5} : f64\n");
    ir.append("  %5 = const() {value = 3.0} : f64\n");
    ir.append("  %6 = cast(%3) {dtype = \"f64\"} : f64\n");
    String[] ops = {"mul", "add", "floor_div"};
    for (int i = 0; i < 1500; i++) {
      ir.append("  %").append(7 + i).append(" = ").append(ops[i % 3]).append("(%").append(6 + i);
      ir.append(i % 3 == 2 ? ", %5" : ", %4").append(") : f64\n");
    }
    ir.append("  ret (%").append(6 + 1500).append(", %1)\n}\n");
    Function f = Parser.parse(ir.toString());
    assertEquals(List.of(), Verifier.verify(f));
    Partitioner.Result parts = Partitioner.partition(f);
    String split = HostCodegen.generate(parts.host()).toString();
    assertTrue(split.contains("private static void block0s1("), split);
    String one = HostCodegen.generate(parts.host(), -1).toString();
    assertFalse(one.contains("class Frame"));
    List<List<FakeHostRun.Output>> outputs =
        List.of(
            List.of(
                new FakeHostRun.Output("float32", new long[] {1}),
                new FakeHostRun.Output("float32", new long[] {})));
    List<HostTensor> in = List.of(FakeHostRun.filled("float32", new long[] {1}, 10));
    List<String> results = new ArrayList<>();
    for (String source : List.of(one, split)) {
      Path d = Files.createDirectories(dir.resolve("d" + results.size()));
      try (URLClassLoader cl = compile(d, "Host", source)) {
        HostProgram p =
            (HostProgram)
                cl.loadClass("dynnc.generated.Host").getDeclaredConstructor().newInstance();
        FakeHostRun.Run r =
            FakeHostRun.run(
                p, outputs, HostCodegen.outputStructures(parts.host()), in, List.of(1.75, 2.5));
        results.add(r.calls() + " " + r.result());
      }
    }
    assertEquals(results.get(0), results.get(1));
  }

  static URLClassLoader compile(Path dir, String simpleName, String source) throws Exception {
    Path src = dir.resolve("dynnc/generated/" + simpleName + ".java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, source);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter log = new StringWriter();
    boolean ok =
        javac
            .getTask(
                log,
                null,
                null,
                List.of("-classpath", System.getProperty("java.class.path"), "-d", dir.toString()),
                null,
                javac.getStandardFileManager(null, null, null).getJavaFileObjects(src.toFile()))
            .call();
    assertTrue(ok, log + "\n" + source);
    return new URLClassLoader(
        new URL[] {dir.toUri().toURL()}, HostCodegenTest.class.getClassLoader());
  }

  /** Dict keys, input names and source file names that would be code if they reached the source. */
  static final List<String> HOSTILE =
      List.of(
          "say \"hi\"",
          "C:\\temp\\new",
          "*/ /*",
          "a\nb",
          "\0",
          "ключ 🔑",
          "\" + String.valueOf(Runtime.getRuntime().exec(\"touch /tmp/pwned\")) + \"",
          "__import__('os').system('touch /tmp/pwned')",
          "x\n//",
          "\\u0022");

  /** A string literal of the IR text format. */
  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  @Test
  void noModelOrUserTextReachesTheSource(@TempDir Path dir) throws Exception {
    StringBuilder keys = new StringBuilder();
    for (int i = 0; i < HOSTILE.size(); i++) {
      keys.append(i == 0 ? "" : ", ")
          .append(quote(HOSTILE.get(i)))
          .append(": %")
          .append(i % 2 == 0 ? 1 : 3);
    }
    String file = quote(String.join("", HOSTILE));
    Function f =
        Parser.parse(
            "func @forward(%0 "
                + quote(HOSTILE.get(6))
                + ": f32[1]) {\n"
                + "^bb0:\n"
                + "  %1 = relu(%0) : f32[1] loc("
                + file
                + ":3:9)\n"
                + "  %2 = item(%1) : f32 loc("
                + file
                + ":4:9)\n"
                + "  %3 = const() {value = 0.5} : f64 loc("
                + file
                + ":4:12)\n"
                + "  %4 = gt(%2, %3) : bool loc("
                + file
                + ":4:9)\n"
                + "  br %4, ^bb1(), ^bb2() loc("
                + file
                + ":5:5)\n"
                + "^bb1:\n"
                + "  ret {"
                + keys
                + "} loc("
                + file
                + ":6:9)\n"
                + "^bb2:\n"
                + "  ret (%1, {"
                + quote(HOSTILE.get(2))
                + ": None}) loc("
                + file
                + ":7:9)\n"
                + "}\n");
    Partitioner.Result parts = Partitioner.partition(f);
    CompilationUnit cu = HostCodegen.generate(parts.host());
    String source = cu.toString();
    for (String h : HOSTILE) {
      assertFalse(source.contains(h), "model text '" + h + "' in the generated source:\n" + source);
    }
    // The whole class of bug: every literal and comment is dynnc's own text.
    assertEquals(
        Set.of("dynnc", "no block "),
        cu.findAll(StringLiteralExpr.class).stream()
            .map(StringLiteralExpr::getValue)
            .collect(Collectors.toSet()));
    for (Comment c : cu.getAllContainedComments()) {
      assertTrue(
          c.getContent().matches(" (at|return at|branch at) [0-9]+:[0-9]+")
              || c.getContent().contains("Host program of the compiled method"),
          "comment: " + c.getContent());
    }
    // Both returns are described in the manifest, keys exactly as the model wrote them, and named
    // by index.
    List<Manifest.OutputNode> structures = HostCodegen.outputStructures(parts.host());
    assertEquals(HOSTILE, structures.get(0).keys());
    assertEquals(List.of(HOSTILE.get(2)), structures.get(1).items().get(1).keys());
    assertTrue(source.contains("return ctx.result(0, "), source);
    assertTrue(source.contains("return ctx.result(1, "), source);
    assertEquals(HOSTILE.size(), structures.get(0).checkRoot());
    try (URLClassLoader cl = compile(dir, "Host", source)) {
      assertTrue(HostProgram.class.isAssignableFrom(cl.loadClass("dynnc.generated.Host")));
    }
  }
}
