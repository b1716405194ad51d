package dev.dynnc.runtime;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compiles the benchmarks' tiny subgraph libraries with TVM, through the preset's embedded CPython,
 * once per directory: {@code y = max(0, x) + 1} and the predicate {@code max(y) > 3}, the shape of
 * an early-exit stage's boundary (an activation passed on, a flag read back); and a loop body of
 * seven small inputs and seven outputs, the shape of act_rnn's pondering step ({@link #LOOP_BODY}).
 */
public final class TinyLibraries {
  /** The benchmarked input shapes: a tiny vector and an 8x16x16 activation (8 KiB). */
  static final String[] SHAPES = {"1x16", "1x8x16x16"};

  /**
   * The loop body's inputs, each passed on as one output ({@code x + 1}): act_rnn's step carries an
   * input row, three 1x1 accumulators, two 1x16 states and a 1x4 output sum.
   */
  static final long[][] LOOP_BODY = {
    {1, 8}, {1, 1}, {1, 16}, {1, 1}, {1, 1}, {1, 16}, {1, 4},
  };

  private TinyLibraries() {}

  /** Builds the libraries into the directory given (bin/jmh runs this before JMH). */
  public static void main(String[] args) throws Exception {
    ensure(Path.of(args[0]));
  }

  static long[] shape(String name) {
    String[] parts = name.split("x");
    long[] s = new long[parts.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = Long.parseLong(parts[i]);
    }
    return s;
  }

  static Path library(Path dir, String shape) {
    return dir.resolve("tiny-" + shape + ".so");
  }

  static Path loopBodyLibrary(Path dir) {
    return dir.resolve("tiny-loop-body.so");
  }

  /** Builds every library missing from {@code dir}; a second call costs nothing. */
  static void ensure(Path dir) throws Exception {
    Files.createDirectories(dir);
    StringBuilder py =
        new StringBuilder(
            String.join(
                "\n",
                "import os",
                "os.environ['TOPHUB_LOCATION'] = 'NONE'",
                "import tvm",
                "from tvm import relay",
                "target = tvm.target.Target('llvm -mcpu=' + tvm.target.codegen.llvm_get_system_cpu())",
                "def build(shape, path):",
                "    x = relay.var('x', shape=shape, dtype='float32')",
                "    y = relay.maximum(relay.const(0.0), x) + relay.const(1.0)",
                "    p = relay.greater(relay.max(y), relay.const(3.0))",
                "    f = relay.Function([x], relay.Tuple([y, p]))",
                "    with tvm.transform.PassContext(opt_level=3):",
                "        lib = relay.build(tvm.IRModule.from_expr(f), target=target)",
                "    export(lib, path)",
                "def build_loop_body(shapes, path):",
                "    xs = [relay.var('x%d' % i, shape=s, dtype='float32') for i, s in enumerate(shapes)]",
                "    f = relay.Function(xs, relay.Tuple([x + relay.const(1.0) for x in xs]))",
                "    with tvm.transform.PassContext(opt_level=3):",
                "        lib = relay.build(tvm.IRModule.from_expr(f), target=target)",
                "    export(lib, path)",
                "def export(lib, path):",
                "    lib.export_library(path + '.partial.so')",
                "    os.replace(path + '.partial.so', path)",
                ""));
    boolean any = false;
    for (String s : SHAPES) {
      Path so = library(dir, s);
      if (!Files.exists(so)) {
        // Paths are passed as repr-free data: the directory is the benchmark's own target dir.
        py.append("build([")
            .append(s.replace('x', ','))
            .append("], ")
            .append(pyString(so.toString()))
            .append(")\n");
        any = true;
      }
    }
    Path body = loopBodyLibrary(dir);
    if (!Files.exists(body)) {
      py.append("build_loop_body([");
      for (long[] shape : LOOP_BODY) {
        py.append('[').append(shape[0]).append(", ").append(shape[1]).append("], ");
      }
      py.append("], ").append(pyString(body.toString())).append(")\n");
      any = true;
    }
    if (!any) {
      return;
    }
    File[] packages = org.bytedeco.tvm.presets.tvm.cachePackages();
    org.bytedeco.cpython.helper.python.Py_Initialize(packages);
    int rc = org.bytedeco.cpython.global.python.PyRun_SimpleString(py.toString());
    if (rc != 0) {
      throw new IllegalStateException("compiling the tiny libraries with TVM failed (see stderr)");
    }
  }

  /** A Python string literal of {@code s}: every character escaped by its code point. */
  private static String pyString(String s) {
    StringBuilder sb = new StringBuilder("'");
    s.codePoints().forEach(c -> sb.append(String.format("\\U%08x", c)));
    return sb.append('\'').toString();
  }
}
