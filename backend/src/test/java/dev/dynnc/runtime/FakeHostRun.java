package dev.dynnc.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs a generated host program on stand-in subgraphs on the CPU: every call is recorded, and every
 * output array a call returns is filled with the next of the values the test chose. Reading a
 * predicate back from the device therefore yields a chosen value, so a test steers the program
 * through each path of its data-dependent control flow without compiling anything with TVM.
 *
 * <p>Lives in the runtime's package (in test sources) to build a {@link HostContext} around the
 * stand-ins and to rebuild the result from the manifest structures exactly as {@link Bundle#run}
 * does.
 */
public final class FakeHostRun {
  private FakeHostRun() {}

  /** The dtype and shape of a stand-in subgraph's output. */
  public record Output(String dtype, long[] shape) {}

  /**
   * What a run did: one line per subgraph call, in call order, the rebuilt result, the most device
   * arrays it held at once and how many it still held when the program returned.
   */
  public record Run(List<String> calls, OutputValue result, int peakArrays, int heldAtReturn) {}

  /**
   * Runs {@code program} once.
   *
   * @param outputs per subgraph (manifest order), the outputs it returns
   * @param structures the manifest's {@code outputs}
   * @param inputs the model inputs
   * @param choices the values the outputs of successive calls are filled with; all must be used
   */
  public static Run run(
      HostProgram program,
      List<List<Output>> outputs,
      List<Manifest.OutputNode> structures,
      List<HostTensor> inputs,
      List<Double> choices)
      throws Exception {
    Deque<Double> left = new ArrayDeque<>(choices);
    List<String> calls = new ArrayList<>();
    List<HostContext.Callee> subgraphs = new ArrayList<>();
    for (int i = 0; i < outputs.size(); i++) {
      int index = i;
      subgraphs.add(
          in -> {
            List<String> outs = new ArrayList<>();
            DeviceArray[] result = new DeviceArray[outputs.get(index).size()];
            for (int k = 0; k < result.length; k++) {
              Output o = outputs.get(index).get(k);
              Double v = left.poll();
              if (v == null) {
                throw new AssertionError(
                    "call " + calls.size() + " of subgraph " + index + " needs more chosen values");
              }
              result[k] = DeviceArray.upload(filled(o.dtype(), o.shape(), v), Device.CPU);
              outs.add(result[k].describe() + " = " + v);
            }
            calls.add(
                "subgraph "
                    + index
                    + Arrays.stream(in)
                        .map(DeviceArray::describe)
                        .collect(Collectors.joining(", ", "(", ")"))
                    + " -> "
                    + String.join(", ", outs));
            return result;
          });
    }
    HostContext ctx = new HostContext(subgraphs, Device.CPU, structures);
    try {
      DeviceArray[] args = inputs.stream().map(ctx::upload).toArray(DeviceArray[]::new);
      Object returned = program.run(ctx, args);
      int held = ctx.liveArrays();
      OutputValue result = ctx.toOutput(returned);
      if (!left.isEmpty()) {
        throw new AssertionError("chosen values left unused: " + left);
      }
      return new Run(calls, result, ctx.peakArrays(), held);
    } finally {
      ctx.releaseAll();
    }
  }

  /** A tensor of {@code dtype} and {@code shape} with every element {@code v}. */
  public static HostTensor filled(String dtype, long[] shape, double v) {
    int n = Math.toIntExact(HostTensor.numel(shape));
    ByteBuffer b =
        ByteBuffer.allocate(n * HostTensor.itemSize(dtype)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      switch (dtype) {
        case "float32" -> b.putFloat((float) v);
        case "float64" -> b.putDouble(v);
        case "int64" -> b.putLong((long) v);
        case "int32" -> b.putInt((int) v);
        default -> b.put((byte) v);
      }
    }
    return new HostTensor(dtype, shape, b.array());
  }
}
