package dev.dynnc.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The host's cost per subgraph call (issue 10: at most 2 µs on CPU), on tiny subgraphs whose kernel
 * time is next to nothing, split into its parts.
 *
 * <p>{@code boundary} is what one subgraph boundary of a run costs today: a {@link HostContext}
 * calls the subgraph, reads its predicate back and, when the run ends, frees its outputs. {@code
 * boundaryBefore} is the same boundary made the way {@link Subgraph#call} made it before issue 10
 * (measured side by side in the same run); {@code subgraphCall} is {@link Subgraph#call} alone.
 * {@code tvmRun} is the executor's {@code run} alone: the kernels plus one native call; the host's
 * cost per call is {@code boundary - tvmRun}. The {@code part*} benchmarks time one step each:
 * {@code set_input} (a copy) against {@code set_input_zero_copy}, allocating and freeing the output
 * arrays, {@code get_output} copies, and reading a predicate, each made as before issue 10 (type
 * codes in Java arrays, which JNI copies on every native call; {@link Subgraph} now keeps them in
 * native memory).
 *
 * <p>Each call is timed alone (sample mode): read the median (p0.50), which a busy machine's
 * preemptions move far less than the mean.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SubgraphCallBenchmark {
  private static final String[] DTYPES = {"float32", "bool"};

  @Param({"1x16", "1x8x16x16"})
  public String shape;

  private Subgraph subgraph;
  private RawExecutor raw;
  private DeviceArray input;
  private DeviceArray[] outputs;
  private long[][] outShapes;
  private List<Subgraph> subgraphs;

  @Setup(Level.Trial)
  public void setUp() {
    Path dir = Path.of(System.getProperty("dynnc.bench.dir", "benchmarks/target/tiny"));
    Path lib = TinyLibraries.library(dir, shape);
    long[] s = TinyLibraries.shape(shape);
    outShapes = new long[][] {s, new long[0]};
    subgraph =
        Subgraph.load(
            "tiny",
            lib,
            Device.CPU,
            List.of(new Manifest.TensorSpec("x", "float32", s)),
            List.of(
                new Manifest.TensorSpec(null, DTYPES[0], outShapes[0]),
                new Manifest.TensorSpec(null, DTYPES[1], outShapes[1])));
    subgraphs = List.of(subgraph);
    raw = new RawExecutor(lib);
    float[] values = new float[(int) HostTensor.numel(s)];
    for (int i = 0; i < values.length; i++) {
      values[i] = (i % 7) - 3;
    }
    input = DeviceArray.upload(HostTensor.ofFloats(s, values), Device.CPU);
    outputs =
        new DeviceArray[] {
          DeviceArray.alloc(DTYPES[0], outShapes[0], Device.CPU),
          DeviceArray.alloc(DTYPES[1], outShapes[1], Device.CPU)
        };
    raw.setInput(0, input);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    subgraph.close();
  }

  /** One boundary as a run makes it now: call, predicate read-back, outputs freed. */
  @Benchmark
  public boolean boundary() {
    HostContext ctx = new HostContext(subgraphs, Device.CPU, List.of(), null, true);
    DeviceArray[] out = ctx.call(0, input);
    boolean p = ctx.readBool(out[1]);
    ctx.releaseAll();
    return p;
  }

  /** The same boundary made as before issue 10 (see {@link RawExecutor#callAsBefore}). */
  @Benchmark
  public boolean boundaryBefore() {
    DeviceArray[] out = raw.callAsBefore("tiny", input, DTYPES, outShapes);
    boolean p = out[1].readBool();
    for (DeviceArray a : out) {
      a.close();
    }
    return p;
  }

  /** {@link Subgraph#call} alone, its outputs closed: the boundary less the host program's part. */
  @Benchmark
  public void subgraphCall() {
    for (DeviceArray a : subgraph.call(input)) {
      a.close();
    }
  }

  /** The kernels and one native call: what no host can save. */
  @Benchmark
  public void tvmRun() {
    raw.run();
  }

  @Benchmark
  public void partSetInputCopy() {
    raw.setInput(0, input);
  }

  @Benchmark
  public void partSetInputZeroCopy() {
    raw.setInputZeroCopy(0, input);
  }

  @Benchmark
  public void partAllocAndFreeOutputs() {
    DeviceArray.alloc(DTYPES[0], outShapes[0], Device.CPU).close();
    DeviceArray.alloc(DTYPES[1], outShapes[1], Device.CPU).close();
  }

  @Benchmark
  public void partGetOutputCopies() {
    raw.getOutput(0, outputs[0]);
    raw.getOutput(1, outputs[1]);
  }

  @Benchmark
  public boolean partReadPredicate() {
    return outputs[1].readBool();
  }
}
