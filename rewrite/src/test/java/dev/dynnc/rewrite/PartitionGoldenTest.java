package dev.dynnc.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.Parser;
import dev.dynnc.ir.Printer;
import dev.dynnc.ir.ValueId;
import dev.dynnc.ir.Verifier;
import dev.dynnc.testing.Golden;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden tests of the {@link Partitioner}: each {@code src/test/resources/golden/partition/*.ir}
 * file holds a verified function; the expectation is the partition as {@link #render} prints it:
 * every unique subgraph (inputs, shared weights, ops, outputs), then the host program with each
 * block's subgraph call, host ops and terminator. A file with a {@code // pipeline: all} directive
 * is first run through the {@link Pipeline}'s passes, as the compiler does.
 */
class PartitionGoldenTest {
  @TestFactory
  Stream<DynamicTest> partition() throws Exception {
    return Golden.suite(
        "partition",
        "ir",
        g -> {
          Function f = Parser.parse(g.input());
          assertEquals(List.of(), Verifier.verify(f), "input of " + g.path() + " does not verify");
          if (!g.directives("pipeline").isEmpty()) {
            f = Pipeline.run(f, PassContext.CHECKED);
          }
          return render(Partitioner.partition(f));
        });
  }

  static String render(Partitioner.Result r) {
    StringBuilder sb = new StringBuilder();
    for (SubgraphPlan sg : r.subgraphs()) {
      sb.append("subgraph ").append(sg.index()).append(params(sg.inputs())).append(" {\n");
      for (SubgraphPlan.SharedWeight w : sg.sharedWeights()) {
        sb.append("  shared ")
            .append(w.id())
            .append(" = weight \"")
            .append(w.key())
            .append("\" : ")
            .append(w.type())
            .append('\n');
      }
      for (Op op : sg.ops()) {
        sb.append("  ").append(Printer.op(op)).append('\n');
      }
      sb.append("  out ").append(values(sg.outputs())).append("\n}\n");
    }
    HostPlan hp = r.host();
    sb.append("host @")
        .append(hp.name())
        .append(params(hp.inputs()))
        .append(" inputs ")
        .append(hp.inputNames())
        .append(" {\n");
    for (HostPlan.HostBlock b : hp.blocks()) {
      sb.append("^bb")
          .append(b.index())
          .append(b.params().isEmpty() ? "" : params(b.params()))
          .append(":\n");
      b.call()
          .ifPresent(
              c ->
                  sb.append("  ")
                      .append(values(c.results()))
                      .append(" = call subgraph ")
                      .append(c.subgraph())
                      .append(values(c.args()))
                      .append('\n'));
      for (Op op : b.hostOps()) {
        sb.append("  ").append(Printer.op(op)).append('\n');
      }
      sb.append("  ").append(Printer.terminatorLine(b.terminator())).append('\n');
    }
    return sb.append("}\n").toString();
  }

  private static String params(List<Param> ps) {
    return ps.stream()
        .map(p -> p.id() + ": " + p.type())
        .collect(Collectors.joining(", ", "(", ")"));
  }

  private static String values(List<ValueId> vs) {
    return vs.stream().map(ValueId::toString).collect(Collectors.joining(", ", "(", ")"));
  }
}
