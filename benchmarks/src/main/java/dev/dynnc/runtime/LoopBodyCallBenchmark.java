package dev.dynnc.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The host's cost of a loop whose body is one subgraph call, as act_rnn's pondering loop is: a body
 * of seven small inputs and seven outputs ({@link TinyLibraries#LOOP_BODY}), each output the next
 * iteration's input, run for six iterations as a bundle's run makes them (call, release the
 * previous iteration's values, read one value back for the loop's condition).
 *
 * <p>{@code sixSteps} is that loop in a run that holds its executors alone, as {@link Bundle#run}
 * does (outputs recycled without locks); {@code sixStepsShared} the same loop through the
 * synchronized pools, as any other caller of {@link Subgraph#call} gets; {@code sixRuns} six of
 * TVM's {@code run} alone (the kernels plus one native call each). The host's cost per iteration is
 * {@code (sixSteps - sixRuns) / 6}. Read the medians (p0.50).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LoopBodyCallBenchmark {
  private static final int STEPS = 6;

  private Subgraph body;
  private RawExecutor raw;
  private List<Subgraph> subgraphs;
  private DeviceArray[] initial;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Path dir = Path.of(System.getProperty("dynnc.bench.dir", "benchmarks/target/tiny"));
    TinyLibraries.ensure(dir);
    Path lib = TinyLibraries.loopBodyLibrary(dir);
    List<Manifest.TensorSpec> specs = new ArrayList<>();
    initial = new DeviceArray[TinyLibraries.LOOP_BODY.length];
    raw = new RawExecutor(lib);
    for (int i = 0; i < initial.length; i++) {
      long[] shape = TinyLibraries.LOOP_BODY[i];
      specs.add(new Manifest.TensorSpec(null, "float32", shape));
      initial[i] =
          DeviceArray.upload(
              HostTensor.ofFloats(shape, new float[(int) HostTensor.numel(shape)]), Device.CPU);
      raw.setInput(i, initial[i]);
    }
    body = Subgraph.load("body", lib, Device.CPU, specs, specs);
    subgraphs = List.of(body);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    body.close();
  }

  private double loop(boolean exclusive) {
    HostContext ctx = new HostContext(subgraphs, Device.CPU, List.of(), null, exclusive);
    DeviceArray[] state = initial; // not the run's: release leaves them alone
    double v = 0;
    for (int i = 0; i < STEPS; i++) {
      DeviceArray[] next = ctx.call(0, state);
      ctx.release(state);
      state = next;
      v += ctx.readDouble(state[1]);
    }
    ctx.releaseAll();
    return v;
  }

  /** Six iterations in a run that holds its executor alone, as a bundle's run does. */
  @Benchmark
  public double sixSteps() {
    return loop(true);
  }

  /** The same six iterations through the synchronized pools. */
  @Benchmark
  public double sixStepsShared() {
    return loop(false);
  }

  /** Six of TVM's runs alone: what no host can save. */
  @Benchmark
  public void sixRuns() {
    for (int i = 0; i < STEPS; i++) {
      raw.run();
    }
  }
}
