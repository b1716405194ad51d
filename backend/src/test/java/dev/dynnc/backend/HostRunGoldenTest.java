package dev.dynnc.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.ir.Function;
import dev.dynnc.ir.Parser;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.Verifier;
import dev.dynnc.rewrite.Partitioner;
import dev.dynnc.rewrite.SubgraphPlan;
import dev.dynnc.runtime.FakeHostRun;
import dev.dynnc.runtime.HostTensor;
import dev.dynnc.runtime.Manifest;
import dev.dynnc.runtime.OutputValue;
import dev.dynnc.testing.Golden;
import dev.dynnc.testing.GoldenFile;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden tests that run generated host code: each {@code src/test/resources/golden/host/*.ir} file
 * holds a function and one or more {@code // case: V V ...} directives. The function is
 * partitioned, its host class generated and compiled, and then run once per case on stand-in
 * subgraphs ({@link FakeHostRun}) whose outputs, call after call, are filled with the case's
 * values: the values choose the predicates the host reads back and so the path it takes. Input
 * {@code i} is filled with {@code 10 * (i + 1)}. The expectation lists, per case, the subgraph
 * calls made, the result rebuilt from the manifest structures, as {@code Bundle.run} returns it and
 * {@code dynnc run} describes it in {@code outputs.json}, and the device arrays held: the most at
 * once, and how many at the return (inputs included). It starts with the generated code's memory
 * management: per block, the {@code ctx.release} and {@code ctx.retain} statements, in order.
 */
class HostRunGoldenTest {
  @TestFactory
  Stream<DynamicTest> host() throws Exception {
    return Golden.suite("host", "ir", HostRunGoldenTest::run);
  }

  /**
   * The partition of a golden file's function, which must verify. {@code // share: all} shares
   * every weight that several subgraphs read, however small (Partitioner's threshold at 0).
   */
  static Partitioner.Result partition(GoldenFile g) throws Exception {
    Function f = Parser.parse(g.input());
    assertEquals(List.of(), Verifier.verify(f), "input of " + g.path() + " does not verify");
    return g.directives("share").contains("all")
        ? Partitioner.partition(f, 0)
        : Partitioner.partition(f);
  }

  private static String run(GoldenFile g) throws Exception {
    Partitioner.Result parts = partition(g);
    List<String> cases = g.directives("case");
    if (cases.isEmpty()) {
      throw new AssertionError(g.path() + " has no '// case: ...' directive");
    }
    List<List<FakeHostRun.Output>> outputs = new ArrayList<>();
    for (SubgraphPlan sg : parts.subgraphs()) {
      outputs.add(sg.outputs().stream().map(v -> output(parts.host().types().get(v))).toList());
    }
    List<HostTensor> inputs = new ArrayList<>();
    for (int i = 0; i < parts.host().inputs().size(); i++) {
      FakeHostRun.Output in = output(parts.host().inputs().get(i).type());
      inputs.add(FakeHostRun.filled(in.dtype(), in.shape(), 10 * (i + 1)));
    }
    List<Manifest.OutputNode> structures = HostCodegen.outputStructures(parts.host());
    String source = HostCodegen.generate(parts.host()).toString();
    String runs = runCases(source, outputs, structures, inputs, cases);
    // The split shape (SplitShape, for programs too large for one method), forced here with two
    // blocks per method, must make the same calls, results and memory use.
    String split = HostCodegen.generate(parts.host(), 2).toString();
    assertTrue(split.contains("private static boolean part0("), "not split:\n" + split);
    assertEquals(runs, runCases(split, outputs, structures, inputs, cases), "split shape");
    return memoryStatements(source) + runs;
  }

  /** Compiles {@code source} and runs it once per case, describing each run. */
  private static String runCases(
      String source,
      List<List<FakeHostRun.Output>> outputs,
      List<Manifest.OutputNode> structures,
      List<HostTensor> inputs,
      List<String> cases)
      throws Exception {
    return Golden.inTempDir(
        dir -> {
          StringBuilder sb = new StringBuilder();
          try (URLClassLoader cl = HostCodegenTest.compile(dir, HostCodegen.CLASS_NAME, source)) {
            dev.dynnc.runtime.HostProgram program =
                (dev.dynnc.runtime.HostProgram)
                    cl.loadClass(HostCodegen.PACKAGE + "." + HostCodegen.CLASS_NAME)
                        .getDeclaredConstructor()
                        .newInstance();
            for (String c : cases) {
              List<Double> choices =
                  Stream.of(c.split("[ ,]+"))
                      .filter(s -> !s.isEmpty())
                      .map(Double::valueOf)
                      .toList();
              FakeHostRun.Run r = FakeHostRun.run(program, outputs, structures, inputs, choices);
              sb.append("case ").append(c).append(":\n");
              r.calls().forEach(call -> sb.append("  ").append(call).append('\n'));
              sb.append("  result ").append(render(r.result())).append('\n');
              sb.append("  outputs.json ").append(r.result().structureJson()).append('\n');
              sb.append("  arrays held: at most ")
                  .append(r.peakArrays())
                  .append(", at the return ")
                  .append(r.heldAtReturn())
                  .append('\n');
            }
          }
          return sb.toString();
        });
  }

  /** The generated statements that free or retain device arrays, under their block's case. */
  private static String memoryStatements(String source) {
    StringBuilder sb = new StringBuilder();
    String block = null;
    for (String line : source.split("\n")) {
      String t = line.strip();
      if (t.matches("case \\d+ ->")) {
        block = "block " + t.substring(5, t.length() - 3) + ":";
      } else if (t.startsWith("ctx.release(") || t.startsWith("ctx.retain(")) {
        if (block != null) {
          sb.append(block).append('\n');
          block = null;
        }
        sb.append("  ").append(t).append('\n');
      }
    }
    return sb.toString();
  }

  private static FakeHostRun.Output output(Type t) {
    Type.TensorType tt = (Type.TensorType) t;
    return new FakeHostRun.Output(
        tt.dtype().numpyName(), tt.shape().stream().mapToLong(Long::longValue).toArray());
  }

  /**
   * A result as Python would show its structure; a tensor as its type and its (here uniform) value.
   */
  private static String render(OutputValue v) {
    if (v instanceof OutputValue.Leaf l) {
      HostTensor t = l.tensor();
      List<Double> distinct = new ArrayList<>();
      for (long i = 0; i < t.numel(); i++) {
        if (!distinct.contains(t.getDouble(i))) {
          distinct.add(t.getDouble(i));
        }
      }
      return t.describe() + (distinct.size() == 1 ? " all " + distinct.get(0) : " " + distinct);
    } else if (v instanceof OutputValue.Scalar s) {
      return s.value() instanceof Boolean b ? (b ? "True" : "False") : s.value().toString();
    } else if (v instanceof OutputValue.Tuple t) {
      return t.items().size() == 1
          ? "(" + render(t.items().get(0)) + ",)"
          : t.items().stream()
              .map(HostRunGoldenTest::render)
              .collect(Collectors.joining(", ", "(", ")"));
    } else if (v instanceof OutputValue.ListV l) {
      return l.items().stream()
          .map(HostRunGoldenTest::render)
          .collect(Collectors.joining(", ", "[", "]"));
    } else if (v instanceof OutputValue.Dict d) {
      return d.entries().entrySet().stream()
          .map(
              (Map.Entry<String, OutputValue> e) -> "'" + e.getKey() + "': " + render(e.getValue()))
          .collect(Collectors.joining(", ", "{", "}"));
    }
    return "None";
  }
}
