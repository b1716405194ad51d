package dev.dynnc.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.ir.Parser;
import dev.dynnc.rewrite.Partitioner;
import dev.dynnc.runtime.HostProgram;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostCodegenTest {
  /** A join with tensor and scalar parameters, scalar arithmetic of every kind, and nested returns. */
  static final String PROGRAM = """
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
    assertTrue(source.contains("Math.floorDiv(v5, v6)"), source);
    try (URLClassLoader cl = compile(dir, "StepHost", source)) {
      Class<?> c = cl.loadClass("dynnc.generated.StepHost");
      assertTrue(HostProgram.class.isAssignableFrom(c));
      assertEquals("StepHost", HostCodegen.className("step"));
    }
  }

  /** Float %, // and max/min of host scalars follow CPython on NaN and infinities (PyFloat), not Java's operators. */
  @Test
  void floatHostArithmeticUsesPythonSemantics(@TempDir Path dir) throws Exception {
    String program = """
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
    String source = HostCodegen.generate(Partitioner.partition(Parser.parse(program)).host()).toString();
    for (String call : List.of("dev.dynnc.ir.PyFloat.mod(v2, v3)", "dev.dynnc.ir.PyFloat.floorDiv(v2, v3)",
        "dev.dynnc.ir.PyFloat.max(v2, v3)", "dev.dynnc.ir.PyFloat.min(v2, v3)", "Math.max(v8, v8)")) {
      assertTrue(source.contains(call), call + " missing in\n" + source);
    }
    compile(dir, "PyHost", source).close();
  }

  static URLClassLoader compile(Path dir, String simpleName, String source) throws Exception {
    Path src = dir.resolve("dynnc/generated/" + simpleName + ".java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, source);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter log = new StringWriter();
    boolean ok = javac.getTask(log, null, null,
        List.of("-classpath", System.getProperty("java.class.path"), "-d", dir.toString()), null,
        javac.getStandardFileManager(null, null, null).getJavaFileObjects(src.toFile())).call();
    assertTrue(ok, log + "\n" + source);
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, HostCodegenTest.class.getClassLoader());
  }
}
