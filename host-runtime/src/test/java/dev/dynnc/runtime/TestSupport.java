package dev.dynnc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds real test artifacts: a TVM library compiled by the preset's embedded CPython, host
 * classes, bundles.
 */
final class TestSupport {
  /** The test model: y = relu(x) + 1; outputs (y, max(y), max(y) > 3). */
  static final List<Manifest.TensorSpec> MODEL_OUTPUTS =
      List.of(
          new Manifest.TensorSpec(null, "float32", new long[] {1, 4}),
          new Manifest.TensorSpec(null, "float32", new long[0]),
          new Manifest.TensorSpec(null, "bool", new long[0]));

  /**
   * The structure of the test model's result: {@code (y, first max, {"big": max(y) > 3}, None)}.
   */
  static final Manifest.OutputNode RESULT =
      Manifest.OutputNode.sequence(
          Manifest.OutputNode.TUPLE,
          List.of(
              Manifest.OutputNode.leaf(0), Manifest.OutputNode.leaf(1),
              Manifest.OutputNode.dict(List.of("big"), List.of(Manifest.OutputNode.leaf(2))),
                  Manifest.OutputNode.none()));

  /**
   * Runs subgraph 0, and once more on its own output when max(y) > 3 (data-dependent control flow).
   */
  static final String HOST_SOURCE =
      String.join(
          "\n",
          "package dynnc.generated;",
          "import dev.dynnc.runtime.*;",
          "public final class ForwardHost implements HostProgram {",
          "  public Object run(HostContext ctx, DeviceArray[] in) {",
          "    DeviceArray[] o = ctx.call(0, in[0]);",
          "    double firstMax = ctx.readDouble(o[1]);",
          "    if (ctx.readBool(o[2])) {",
          "      o = ctx.call(0, o[0]);",
          "    }",
          "    return ctx.result(0, o[0], firstMax, ctx.readBool(o[2]));",
          "  }",
          "}");

  private static Path library;

  private TestSupport() {}

  /** Compiles the test model once per JVM: CPython may only be initialised once per process. */
  static synchronized Path modelLibrary() throws IOException {
    if (library == null) {
      library =
          build(
              "model.so",
              "x = relay.var('x', shape=(1, 4), dtype='float32')",
              "y = relay.nn.relu(x) + relay.const(np.ones((1, 4), 'float32'))",
              "m = relay.max(y)",
              "f = relay.Function([x], relay.Tuple([y, m, relay.greater(m, relay.const(3.0))]))");
    }
    return library;
  }

  /** The alias model's outputs: {@code (y, reshape(y, [4]), x, y, z * 2)}, y = relu(x) + 1. */
  static final List<Manifest.TensorSpec> ALIAS_OUTPUTS =
      List.of(
          new Manifest.TensorSpec(null, "float32", new long[] {1, 4}),
          new Manifest.TensorSpec(null, "float32", new long[] {4}),
          new Manifest.TensorSpec(null, "float32", new long[] {1, 4}),
          new Manifest.TensorSpec(null, "float32", new long[] {1, 4}),
          new Manifest.TensorSpec(null, "float32", new long[] {1, 4}));

  private static Path aliasLibrary;

  /**
   * A graph whose outputs alias the way TVM's memory plan lets them: a reshape (a {@code __nop}
   * sharing y's buffer), an input returned as it is, and y returned twice; z and z * 2 alias
   * nothing. Inputs x and z, float32[1,4].
   */
  static synchronized Path aliasLibrary() throws IOException {
    if (aliasLibrary == null) {
      aliasLibrary =
          build(
              "alias.so",
              "x = relay.var('x', shape=(1, 4), dtype='float32')",
              "z = relay.var('z', shape=(1, 4), dtype='float32')",
              "y = relay.nn.relu(x) + relay.const(np.ones((1, 4), 'float32'))",
              "out = [y, relay.reshape(y, (4,)), x, y, z * relay.const(2.0)]",
              "f = relay.Function([x, z], relay.Tuple(out))");
    }
    return aliasLibrary;
  }

  private static boolean pythonStarted;

  /** Builds the Relay function {@code f} that {@code lines} define into a library. */
  private static Path build(String name, String... lines) throws IOException {
    Path dir = Files.createTempDirectory("dynnc-test-lib-");
    dir.toFile().deleteOnExit();
    Path so = dir.resolve(name);
    if (!pythonStarted) {
      File[] packages = org.bytedeco.tvm.presets.tvm.cachePackages();
      org.bytedeco.cpython.helper.python.Py_Initialize(packages);
      pythonStarted = true;
    }
    int rc =
        org.bytedeco.cpython.global.python.PyRun_SimpleString(
            String.join(
                "\n",
                "import os",
                "os.environ['TOPHUB_LOCATION'] = 'NONE'",
                "import tvm, numpy as np",
                "from tvm import relay",
                String.join("\n", lines),
                "with tvm.transform.PassContext(opt_level=3):",
                "    lib = relay.build(tvm.IRModule.from_expr(f), target='llvm')",
                "lib.export_library('" + so + "')"));
    assertEquals(0, rc, "compiling the test model with TVM failed (see stderr)");
    so.toFile().deleteOnExit();
    return so;
  }

  /** Compiles one Java source against the runtime classes into {@code outDir}. */
  static void compileJava(String className, String source, Path outDir) throws Exception {
    Path srcDir = Files.createTempDirectory("dynnc-test-src-");
    Path file = srcDir.resolve(className.substring(className.lastIndexOf('.') + 1) + ".java");
    Files.writeString(file, source);
    String runtimeClasses =
        Path.of(HostProgram.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc =
        javac.run(
            null,
            null,
            null,
            "--release",
            "17",
            "-classpath",
            runtimeClasses,
            "-d",
            outDir.toString(),
            file.toString());
    assertEquals(0, rc, "javac failed for " + className);
    IoUtil.deleteTree(srcDir);
  }

  /** The manifest of the standard test bundle, with {@code files} left empty. */
  static Manifest baseManifest() {
    return new Manifest(
        Manifest.FORMAT,
        Manifest.FORMAT_VERSION,
        "llvm",
        "cpu",
        "forward",
        "dynnc.generated.ForwardHost",
        List.of(new Manifest.TensorSpec("x", "float32", new long[] {1, 4})),
        List.of(RESULT),
        List.of(
            new Manifest.SubgraphSpec(
                "sg0",
                "lib/sg0.so",
                List.of(new Manifest.TensorSpec("x", "float32", new long[] {1, 4})),
                MODEL_OUTPUTS)),
        Map.of());
  }

  /**
   * Writes a complete bundle into {@code dir} (library, host class and source, manifest with real
   * hashes); {@code tweak} edits the manifest after hashing, to build broken bundles.
   */
  static Path writeBundle(Path dir, String hostSource, UnaryOperator<Manifest> tweak)
      throws Exception {
    Files.createDirectories(dir.resolve("lib"));
    Files.copy(modelLibrary(), dir.resolve("lib/sg0.so"));
    compileJava("dynnc.generated.ForwardHost", hostSource, dir.resolve("host/classes"));
    Path src = dir.resolve("host/src/dynnc/generated/ForwardHost.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, hostSource);
    tweak.apply(baseManifest().withFiles(Manifest.hashFiles(dir))).write(dir);
    return dir;
  }

  static Path writeBundle(Path dir) throws Exception {
    return writeBundle(dir, HOST_SOURCE, m -> m);
  }

  /** Runs Debian's python3 (which has numpy) and returns its stdout. */
  static String python(String code) throws Exception {
    Process p =
        new ProcessBuilder("/usr/bin/python3", "-c", code).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor() == 0, "python3 failed:\n" + out);
    return out;
  }
}
