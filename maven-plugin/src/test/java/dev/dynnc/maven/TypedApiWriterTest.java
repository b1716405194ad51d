package dev.dynnc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.runtime.Bundle;
import dev.dynnc.runtime.Manifest;
import dev.dynnc.runtime.Manifest.OutputNode;
import java.io.File;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TypedApiWriterTest {
  @TempDir Path dir;

  private static Manifest manifest(List<Manifest.TensorSpec> inputs, List<OutputNode> outputs) {
    return new Manifest(
        Manifest.FORMAT,
        Manifest.FORMAT_VERSION,
        "llvm",
        "cpu",
        "forward",
        "dynnc.generated.Host",
        inputs,
        outputs,
        List.of(),
        Map.of());
  }

  private static Manifest.TensorSpec input(String name) {
    return new Manifest.TensorSpec(name, "float32", new long[] {1, 3, 8, 8});
  }

  /** Compiles the generated source against the runtime and loads the class. */
  private Class<?> compile(String pkg, String cls, String source) throws Exception {
    Path src = dir.resolve(pkg.replace('.', '/')).resolve(cls + ".java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, source);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String cp =
        Path.of(Bundle.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    int rc =
        javac.run(
            null,
            null,
            null,
            "-d",
            dir.toString(),
            "-cp",
            cp,
            "-Xlint:all,-processing",
            "-Werror",
            src.toString());
    assertEquals(0, rc, source);
    URLClassLoader cl =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
    return cl.loadClass(pkg + "." + cls);
  }

  @Test
  void dictResultBecomesARecordWithNamedFields() throws Exception {
    OutputNode root =
        OutputNode.dict(
            List.of("logits", "exit"),
            List.of(
                OutputNode.leaf(0, "float32", new long[] {1, 5}),
                OutputNode.leaf(1, "int64", null)));
    // Two returns of the same structure (the two exits) give one result type.
    String src =
        TypedApiWriter.write(
            "dynnc.models", "TinyExit", manifest(List.of(input("x")), List.of(root, root)));
    Class<?> c = compile("dynnc.models", "TinyExit", src);
    Method forward = c.getMethod("forward", dev.dynnc.runtime.HostTensor.class);
    Class<?> result = forward.getReturnType();
    assertEquals(
        "TinyExit$Result", result.getName().substring(result.getName().lastIndexOf('.') + 1));
    RecordComponent[] rc = result.getRecordComponents();
    assertEquals("logits", rc[0].getName());
    assertEquals(dev.dynnc.runtime.HostTensor.class, rc[0].getType());
    assertEquals("exit", rc[1].getName());
    assertEquals(long.class, rc[1].getType());
    assertTrue(AutoCloseable.class.isAssignableFrom(c));
    assertEquals(c, c.getMethod("load").getReturnType());
    assertEquals("TinyExit.dynnc.zip", c.getField("BUNDLE_RESOURCE").get(null));
  }

  @Test
  void nestedTuplesListsAndScalarsFollowThePythonStructure() throws Exception {
    OutputNode root =
        OutputNode.sequence(
            OutputNode.TUPLE,
            List.of(
                OutputNode.leaf(0, "float32", new long[] {2}),
                OutputNode.sequence(
                    OutputNode.LIST,
                    List.of(
                        OutputNode.leaf(1, "float64", null), OutputNode.leaf(2, "float64", null))),
                OutputNode.none(),
                OutputNode.dict(
                    List.of("done", "class"),
                    List.of(OutputNode.leaf(3, "bool", null), OutputNode.leaf(4, "int64", null)))));
    Class<?> c =
        compile(
            "p",
            "M",
            TypedApiWriter.write(
                "p", "M", manifest(List.of(input("x"), input("h")), List.of(root))));
    Class<?> result =
        c.getMethod(
                "forward", dev.dynnc.runtime.HostTensor.class, dev.dynnc.runtime.HostTensor.class)
            .getReturnType();
    RecordComponent[] rc = result.getRecordComponents();
    assertEquals(
        List.of("item0", "item1", "item3"),
        List.of(rc[0].getName(), rc[1].getName(), rc[2].getName()));
    assertEquals(List.class, rc[1].getType());
    assertEquals("java.util.List<java.lang.Double>", rc[1].getGenericType().getTypeName());
    RecordComponent[] inner = rc[2].getType().getRecordComponents();
    // 'class' is a keyword: it gets a positional name instead.
    assertEquals(List.of("done", "value1"), List.of(inner[0].getName(), inner[1].getName()));
    assertEquals(boolean.class, inner[0].getType());
  }

  @Test
  void modelTextNeverEntersTheSource() throws Exception {
    String evil = "x\"); Runtime.getRuntime().exec(\"touch /tmp/pwned\"); //";
    OutputNode root =
        OutputNode.dict(
            List.of("a\nb", "*/ class X {} /*", "ok"),
            List.of(
                OutputNode.leaf(0, "float32", new long[] {1}),
                OutputNode.leaf(1, "int64", null),
                OutputNode.leaf(2, "int64", null)));
    String src =
        TypedApiWriter.write(
            "p", "M", manifest(List.of(input(evil), input("class")), List.of(root)));
    assertFalse(src.contains("Runtime"), src);
    assertFalse(src.contains("class X"), src);
    assertFalse(src.contains("a\nb"), src);
    // Inputs reach the bundle by position through its manifest, under safe parameter names.
    assertTrue(src.contains("in.put(bundle.manifest().inputs().get(0).name(), input0);"), src);
    assertTrue(src.contains("in.put(bundle.manifest().inputs().get(1).name(), input1);"), src);
    Class<?> c = compile("p", "M", src);
    RecordComponent[] rc =
        c.getMethod(
                "forward", dev.dynnc.runtime.HostTensor.class, dev.dynnc.runtime.HostTensor.class)
            .getReturnType()
            .getRecordComponents();
    assertEquals(
        List.of("value0", "value1", "ok"),
        List.of(rc[0].getName(), rc[1].getName(), rc[2].getName()));
  }

  @Test
  void returnsOfDifferentStructureGiveTheUntypedValue() throws Exception {
    OutputNode a = OutputNode.leaf(0, "float32", new long[] {1});
    OutputNode b =
        OutputNode.sequence(
            OutputNode.TUPLE,
            List.of(
                OutputNode.leaf(0, "float32", new long[] {1}), OutputNode.leaf(1, "int64", null)));
    Class<?> c =
        compile(
            "p",
            "Two",
            TypedApiWriter.write("p", "Two", manifest(List.of(input("x")), List.of(a, b))));
    assertEquals(
        dev.dynnc.runtime.OutputValue.class,
        c.getMethod("forward", dev.dynnc.runtime.HostTensor.class).getReturnType());
    // An untyped leaf (a bundle from before leaves carried types) also gives the untyped value.
    Class<?> old =
        compile(
            "p",
            "Old",
            TypedApiWriter.write(
                "p", "Old", manifest(List.of(input("x")), List.of(OutputNode.leaf(0)))));
    assertEquals(
        dev.dynnc.runtime.OutputValue.class,
        old.getMethod("forward", dev.dynnc.runtime.HostTensor.class).getReturnType());
  }

  @Test
  void returnsWhoseTensorShapesDependOnThePathShareOneTypedResult() throws Exception {
    // A decoder: one token and its count on one path, nine tokens on another.
    OutputNode one =
        OutputNode.sequence(
            OutputNode.TUPLE,
            List.of(
                OutputNode.leaf(0, "int64", new long[] {1, 1}), OutputNode.leaf(1, "int64", null)));
    OutputNode nine =
        OutputNode.sequence(
            OutputNode.TUPLE,
            List.of(
                OutputNode.leaf(0, "int64", new long[] {1, 9}), OutputNode.leaf(1, "int64", null)));
    assertEquals(
        List.of("int64[1,-1]", "int64"),
        OutputNode.mergedLeafTypes(List.of(one, nine)).orElseThrow());
    String src =
        TypedApiWriter.write("p", "Dec", manifest(List.of(input("x")), List.of(one, nine)));
    assertTrue(src.contains("0: int64[1,-1]"), src);
    Class<?> c = compile("p", "Dec", src);
    Class<?> result = c.getMethod("forward", dev.dynnc.runtime.HostTensor.class).getReturnType();
    assertTrue(result.isRecord(), "one typed result for both paths, got " + result);
    assertEquals(dev.dynnc.runtime.HostTensor.class, result.getRecordComponents()[0].getType());
    // Different ranks or leaf counts have no merged type.
    OutputNode rank3 = OutputNode.leaf(0, "int64", new long[] {1, 1, 1});
    OutputNode rank2 = OutputNode.leaf(0, "int64", new long[] {1, 9});
    assertTrue(OutputNode.mergedLeafTypes(List.of(rank2, rank3)).isEmpty());
    assertTrue(OutputNode.mergedLeafTypes(List.of(one, rank2)).isEmpty());
  }

  @Test
  void namesAreChecked() {
    assertEquals("EarlyExitCnn", TypedApiWriter.className("early_exit_cnn"));
    assertEquals("SkipNetFf", TypedApiWriter.className("skip-net-ff"));
    assertThrows(
        IllegalArgumentException.class,
        () -> TypedApiWriter.write("Bad.Package", "M", manifest(List.of(), List.of())));
    assertThrows(
        IllegalArgumentException.class,
        () -> TypedApiWriter.write("p.class", "M", manifest(List.of(), List.of())));
    assertFalse(TypedApiWriter.isSafeIdentifier("enum"));
    assertFalse(TypedApiWriter.isSafeIdentifier("é"));
    assertTrue(TypedApiWriter.isSafeIdentifier("logits_2"));
    assertEquals(File.separatorChar == '/' ? "/" : "\\", File.separator);
  }
}
