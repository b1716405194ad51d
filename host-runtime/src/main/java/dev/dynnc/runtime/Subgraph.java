package dev.dynnc.runtime;

import static org.bytedeco.tvm.global.tvm_runtime.TVMArrayFree;
import static org.bytedeco.tvm.global.tvm_runtime.TVMFuncCall;
import static org.bytedeco.tvm.global.tvm_runtime.TVMFuncFree;
import static org.bytedeco.tvm.global.tvm_runtime.TVMModFree;
import static org.bytedeco.tvm.global.tvm_runtime.TVMModGetFunction;
import static org.bytedeco.tvm.global.tvm_runtime.TVMModLoadFromFile;
import static org.bytedeco.tvm.global.tvm_runtime.TVMSynchronize;
import static org.bytedeco.tvm.global.tvm_runtime.kDLDevice;
import static org.bytedeco.tvm.global.tvm_runtime.kDLInt;
import static org.bytedeco.tvm.global.tvm_runtime.kTVMDLTensorHandle;
import static org.bytedeco.tvm.global.tvm_runtime.kTVMModuleHandle;
import static org.bytedeco.tvm.global.tvm_runtime.kTVMNDArrayHandle;
import static org.bytedeco.tvm.global.tvm_runtime.kTVMStr;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.tvm.DLDevice;
import org.bytedeco.tvm.DLTensor;
import org.bytedeco.tvm.TVMFunctionHandle;
import org.bytedeco.tvm.TVMModuleHandle;
import org.bytedeco.tvm.TVMValue;

/**
 * Runs one TVM-compiled, conditional-free subgraph through a graph executor created from its {@code
 * .so}.
 *
 * <p>The executor's function handles and the argument buffers are created once and reused, so a
 * call costs only the native calls themselves. A graph executor holds state (its input and output
 * buffers), hence {@link #call} is synchronized. The native arrays of outputs the caller has closed
 * are kept (a few per output) and filled by the next call, so a call in a steady state allocates no
 * native memory. On the CPU, tensors of at least {@link #zeroCopyMinBytes} are not copied at all
 * where the graph allows it ({@link GraphPlan}): the executor reads the caller's input arrays and
 * writes straight into the output arrays it returns. To run one subgraph on several threads at
 * once, give each thread its own executor with {@link #newExecutor}: it shares this one's loaded
 * library and its bound weights.
 */
public final class Subgraph implements HostContext.Callee, AutoCloseable {
  private final String name;
  private final Device device;
  private final List<Manifest.TensorSpec> inputs;
  private final List<Manifest.TensorSpec> outputs;
  private final int[] inputIndex;
  private final long[][] inputShapes;
  private final ArrayPool[] pools;
  // Per input, the pool whose array last passed the input's type check: a pool's arrays all have
  // its dtype, shape and device, so the next ones from it need no check (seven checks were 0.06 µs
  // of act_rnn's loop body call). Guarded by this executor's lock, like the executor.
  private final ArrayPool[] checkedPool;
  private final TVMValue args = new TVMValue(2);
  private final TVMValue ret = new TVMValue(1);
  // Type codes in native memory: JNI would copy Java int[] arrays in and out on every call.
  private final IntPointer codes = new IntPointer(2);
  private final IntPointer retCode = new IntPointer(1);
  private final Map<String, DeviceArray> boundWeights = new LinkedHashMap<>();
  private final boolean ownsLibrary;
  private TVMModuleHandle lib;
  private TVMModuleHandle executor;
  private long lastKernelNanos;
  // Whether call times the executor's run (two clock reads, about 40 ns): for profiling only.
  private volatile boolean timeKernels;
  private TVMFunctionHandle setInput;
  // On the CPU the executor's own input and output buffers, held for its lifetime, so that a call
  // copies with one memcpy per tensor instead of a packed call of set_input/get_output (about
  // 0.3 µs each; act_rnn's loop body has 7 inputs and 9 outputs). Null elsewhere, or where a buffer
  // is not a plain compact array (then the packed calls are used).
  private DLTensor[] executorBuffers;
  private ByteBuffer[] inBuf;
  private ByteBuffer[] outBuf;
  private TVMFunctionHandle run;
  private TVMFunctionHandle getOutput;
  // Inputs and outputs bound to the caller's arrays on every call instead of copied (see
  // GraphPlan): a packed call of about 0.4 µs each instead of a memcpy, taken for tensors of at
  // least zeroCopyMinBytes. Null where nothing is bound.
  private boolean[] bindIn;
  private boolean[] bindOut;
  private TVMFunctionHandle setInputZeroCopy;
  private TVMFunctionHandle setOutputZeroCopy;

  /**
   * The smallest tensor, in bytes, that a call binds instead of copying. A binding is a packed call
   * of about 0.4 µs; at 8 KiB (1x8x16x16 floats) binding and copying cost the same (JMH: host cost
   * per boundary 1.54 µs bound, 1.56 µs copied), smaller tensors are cheaper to copy, and
   * CIFAR-sized activations (16x32x32 floats, 64 KiB) cost several microseconds per copy, made
   * twice per boundary. Tests lower it to bind the tiny tensors of their models.
   */
  static volatile long zeroCopyMinBytes = 8192;

  /**
   * Loads a library and creates its graph executor, checking that the executor's inputs and outputs
   * have the given types (inputs with a {@code name} are looked up by name, the others taken by
   * position).
   *
   * @throws TvmException if TVM cannot load the library
   * @throws IllegalArgumentException if the library does not match the specs
   */
  public static Subgraph load(
      String name,
      Path library,
      Device device,
      List<Manifest.TensorSpec> inputs,
      List<Manifest.TensorSpec> outputs) {
    TvmRuntime.init();
    TVMModuleHandle lib = new TVMModuleHandle();
    TvmRuntime.check(TVMModLoadFromFile(library.toString(), "so", lib), "loading " + library);
    return new Subgraph(name, lib, true, device, inputs, outputs);
  }

  /**
   * Creates another graph executor of this subgraph's library (loaded once), with this one's
   * weights bound to it without copies, for another thread: executors are independent, so two
   * threads may call two of them at once. Close it before this subgraph, which owns the library.
   */
  public synchronized Subgraph newExecutor() {
    if (executor == null) {
      throw new IllegalStateException("subgraph '" + name + "' is closed");
    }
    Subgraph s = new Subgraph(name, lib, false, device, inputs, outputs);
    try {
      boundWeights.forEach(s::bindWeight);
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** Takes ownership of {@code lib} when {@code ownsLibrary}: frees it on failure and in close. */
  private Subgraph(
      String name,
      TVMModuleHandle lib,
      boolean ownsLibrary,
      Device device,
      List<Manifest.TensorSpec> inputs,
      List<Manifest.TensorSpec> outputs) {
    this.name = name;
    this.lib = lib;
    this.ownsLibrary = ownsLibrary;
    this.device = device;
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.inputIndex = new int[inputs.size()];
    this.inputShapes = new long[inputs.size()][];
    for (int i = 0; i < inputShapes.length; i++) {
      inputShapes[i] = inputs.get(i).shape().clone();
    }
    this.pools = new ArrayPool[outputs.size()];
    this.checkedPool = new ArrayPool[inputs.size()];
    for (int i = 0; i < pools.length; i++) {
      pools[i] =
          new ArrayPool(
              outputs.get(i).dtype(), outputs.get(i).shape(), device, ArrayPool.MAX_KEPT_OUTPUT);
    }
    try {
      createExecutor();
      setInput = function("set_input");
      run = function("run");
      getOutput = function("get_output");
      checkSignature();
      planBinding();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void createExecutor() {
    TVMFunctionHandle factory = functionOf(lib, "default");
    try (DLDevice dev = new DLDevice()) {
      dev.device_type(device.dlDeviceType()).device_id(0);
      args.position(0).v_device(dev);
      codes.put(0, kDLDevice);
      invoke(factory, 1, "creating the graph executor");
      if (retCode.get(0) != kTVMModuleHandle) {
        throw new TvmException(
            "subgraph '"
                + name
                + "': 'default' returned type code "
                + retCode.get(0)
                + " instead of a module");
      }
      executor = new TVMModuleHandle(ret.v_handle());
    } finally {
      TVMFuncFree(factory);
    }
  }

  /**
   * Compares the executor's own buffers with the specs, so a stale manifest fails at load, not
   * mid-run.
   */
  private void checkSignature() {
    TVMFunctionHandle numOutputs = function("get_num_outputs");
    TVMFunctionHandle inputIndexOf = function("get_input_index");
    TVMFunctionHandle getInput = function("get_input");
    List<DLTensor> held = new java.util.ArrayList<>();
    try {
      invoke(numOutputs, 0, "get_num_outputs");
      if (ret.v_int64() != outputs.size()) {
        throw new IllegalArgumentException(
            "library has " + ret.v_int64() + " outputs, manifest declares " + outputs.size());
      }
      for (int i = 0; i < inputs.size(); i++) {
        String inName = inputs.get(i).name();
        if (inName == null) {
          inputIndex[i] = i;
        } else {
          try (BytePointer s = new BytePointer(inName)) {
            args.position(0).v_str(s);
            codes.put(0, kTVMStr);
            invoke(inputIndexOf, 1, "get_input_index");
          }
          if (ret.v_int64() < 0) {
            throw new IllegalArgumentException("library has no input named '" + inName + "'");
          }
          inputIndex[i] = (int) ret.v_int64();
        }
        held.add(expectType("input " + i, getInput, inputIndex[i], inputs.get(i)));
      }
      for (int i = 0; i < outputs.size(); i++) {
        held.add(expectType("output " + i, getOutput, i, outputs.get(i)));
      }
      holdBuffers(held);
      held.clear();
    } finally {
      held.forEach(t -> TVMArrayFree(t));
      TVMFuncFree(numOutputs);
      TVMFuncFree(inputIndexOf);
      TVMFuncFree(getInput);
    }
  }

  /**
   * Keeps the executor's input and output buffers ({@code held}: inputs, then outputs, references
   * the getters returned) for direct copies on the CPU; otherwise lets them go.
   */
  private void holdBuffers(List<DLTensor> held) {
    boolean direct = device == Device.CPU;
    ByteBuffer[] views = new ByteBuffer[held.size()];
    for (int i = 0; i < views.length; i++) {
      DLTensor t = held.get(i);
      Manifest.TensorSpec spec = i < inputs.size() ? inputs.get(i) : outputs.get(i - inputs.size());
      long bytes = HostTensor.numel(spec.shape()) * HostTensor.itemSize(spec.dtype());
      direct &= t.strides() == null || t.strides().isNull();
      views[i] = direct ? DeviceArray.viewOf(t, device, bytes) : null;
      direct &= views[i] != null || bytes == 0;
    }
    if (!direct) {
      held.forEach(t -> TVMArrayFree(t));
      return;
    }
    executorBuffers = held.toArray(new DLTensor[0]);
    inBuf = java.util.Arrays.copyOfRange(views, 0, inputs.size());
    outBuf = java.util.Arrays.copyOfRange(views, inputs.size(), views.length);
  }

  /**
   * Decides which inputs and outputs {@link #call} binds to the caller's arrays: those the graph
   * lets be bound ({@link GraphPlan}), on the CPU only those of at least {@link #zeroCopyMinBytes}.
   * On a GPU every copy avoided is a copy kernel not launched (a few microseconds whatever the
   * size), so any size is bound. The caller's arrays are on the executor's device, and work on it
   * is ordered on one stream, so a bound array is never written while a kernel still reads it.
   */
  private void planBinding() {
    GraphPlan plan = GraphPlan.copyAll(0, 0);
    TVMFunctionHandle graphJson = new TVMFunctionHandle();
    TVMFunctionHandle numInputs = function("get_num_inputs");
    try {
      if (TVMModGetFunction(lib, "get_graph_json", 0, graphJson) == 0 && !graphJson.isNull()) {
        invoke(numInputs, 0, "get_num_inputs");
        int executorInputs = (int) ret.v_int64();
        invoke(graphJson, 0, "get_graph_json");
        if (retCode.get(0) == kTVMStr) {
          String json = ret.v_str().getString(StandardCharsets.UTF_8);
          plan = GraphPlan.of(json, executorInputs, outputs.size());
        }
      }
    } finally {
      if (!graphJson.isNull()) {
        TVMFuncFree(graphJson);
      }
      TVMFuncFree(numInputs);
    }
    long min = device == Device.CPU ? zeroCopyMinBytes : 0;
    boolean[] in = new boolean[inputs.size()];
    boolean[] out = new boolean[outputs.size()];
    boolean any = false;
    for (int i = 0; i < in.length; i++) {
      in[i] = plan.inputBindable(inputIndex[i]) && bytes(inputs.get(i)) >= min;
      any |= in[i];
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = plan.outputBindable(i) && bytes(outputs.get(i)) >= min;
      any |= out[i];
    }
    if (any) {
      setInputZeroCopy = function("set_input_zero_copy");
      setOutputZeroCopy = function("set_output_zero_copy");
      bindIn = in;
      bindOut = out;
    }
  }

  private static long bytes(Manifest.TensorSpec spec) {
    return HostTensor.numel(spec.shape()) * HostTensor.itemSize(spec.dtype());
  }

  /** How many inputs and outputs a call binds instead of copying (for tests and diagnostics). */
  synchronized int[] boundCounts() {
    int in = 0;
    int out = 0;
    for (int i = 0; bindIn != null && i < bindIn.length; i++) {
      in += bindIn[i] ? 1 : 0;
    }
    for (int i = 0; bindOut != null && i < bindOut.length; i++) {
      out += bindOut[i] ? 1 : 0;
    }
    return new int[] {in, out};
  }

  /** The executor's buffer (a new reference, which the caller frees) for {@code what}. */
  private DLTensor expectType(
      String what, TVMFunctionHandle getter, int index, Manifest.TensorSpec spec) {
    setInt(0, index);
    invoke(getter, 1, "reading " + what);
    if (retCode.get(0) != kTVMNDArrayHandle) {
      throw new TvmException(
          "subgraph '"
              + name
              + "': "
              + what
              + " is not an array (type code "
              + retCode.get(0)
              + ")");
    }
    DLTensor t = new DLTensor(ret.v_handle()); // a new reference to the executor's buffer
    String actual = HostTensor.describe(TvmRuntime.dtypeName(t), TvmRuntime.shapeOf(t));
    if (!actual.equals(spec.describe())) {
      TVMArrayFree(t);
      throw new IllegalArgumentException(
          what + " is " + actual + " in the library but " + spec.describe() + " in the manifest");
    }
    return t;
  }

  public String name() {
    return name;
  }

  public Device device() {
    return device;
  }

  public List<Manifest.TensorSpec> inputs() {
    return inputs;
  }

  public List<Manifest.TensorSpec> outputs() {
    return outputs;
  }

  /**
   * Runs the subgraph: sets each input, runs, and returns every output in a fresh array the caller
   * owns.
   *
   * <p>Outputs land in arrays of the caller's ({@code set_output_zero_copy} before the run, or a
   * copy after it) rather than being taken by reference ({@code get_output(i)}) because the
   * executor reuses its output buffers: a referenced output would be overwritten by the next call
   * of the same subgraph, e.g. in the next loop iteration.
   */
  @Override
  public DeviceArray[] call(DeviceArray... in) {
    return call(false, in);
  }

  /**
   * {@link #call} for a run that holds this executor alone: outputs come from the pools' confined
   * stacks ({@link ArrayPool#takeConfined}).
   */
  @Override
  public DeviceArray[] callInRun(DeviceArray... in) {
    return call(true, in);
  }

  private synchronized DeviceArray[] call(boolean inRun, DeviceArray... in) {
    if (executor == null) {
      throw new IllegalStateException("subgraph '" + name + "' is closed");
    }
    if (in.length != inputs.size()) {
      throw new IllegalArgumentException(
          "subgraph '" + name + "' takes " + inputs.size() + " inputs, got " + in.length);
    }
    for (int i = 0; i < in.length; i++) {
      ArrayPool from = in[i].pool();
      if (from == null || from != checkedPool[i]) {
        checkInput(i, in[i]);
        checkedPool[i] = from;
      }
      if (bindIn != null && bindIn[i]) {
        setInt(0, inputIndex[i]);
        setHandle(1, in[i].handle());
        invoke(setInputZeroCopy, 2, "set_input_zero_copy");
      } else if (inBuf != null) {
        copy(inBuf[i], in[i].view());
      } else {
        setInt(0, inputIndex[i]);
        setHandle(1, in[i].handle());
        invoke(setInput, 2, "set_input");
      }
    }
    DeviceArray[] out = new DeviceArray[outputs.size()];
    try {
      for (int i = 0; i < out.length; i++) {
        out[i] = inRun ? pools[i].takeConfined() : pools[i].take();
        if (bindOut != null && bindOut[i]) { // the run writes straight into the caller's array
          setInt(0, i);
          setHandle(1, out[i].handle());
          invoke(setOutputZeroCopy, 2, "set_output_zero_copy");
        }
      }
      if (timeKernels) {
        long t0 = System.nanoTime();
        invoke(run, 0, "run");
        if (device != Device.CPU) {
          // A GPU runs the kernels after run returns: wait for them, or their time would fall on
          // the host's next read (bench's host_% counted it as host time). Only in timed calls.
          TvmRuntime.check(
              TVMSynchronize(device.dlDeviceType(), 0, null),
              "subgraph '" + name + "': waiting for the device");
        }
        lastKernelNanos = System.nanoTime() - t0;
      } else {
        invoke(run, 0, "run");
        lastKernelNanos = 0;
      }
      for (int i = 0; i < out.length; i++) {
        if (bindOut != null && bindOut[i]) {
          continue;
        }
        if (outBuf != null) {
          copy(out[i].view(), outBuf[i]);
        } else {
          setInt(0, i);
          setHandle(1, out[i].handle());
          invoke(getOutput, 2, "get_output");
        }
      }
      return out;
    } catch (RuntimeException e) {
      for (DeviceArray a : out) {
        if (a != null) {
          a.close();
        }
      }
      throw e;
    }
  }

  private void checkInput(int i, DeviceArray a) {
    if (!a.hasType(inputs.get(i).dtype(), inputShapes[i], device)) {
      throw new IllegalArgumentException(
          "subgraph '"
              + name
              + "' input "
              + i
              + ": expected "
              + inputs.get(i).describe()
              + " on "
              + device.manifestName()
              + ", got "
              + a.describe()
              + " on "
              + a.device().manifestName());
    }
  }

  /**
   * Nanoseconds the last {@link #call} spent in the executor's {@code run}; 0 unless {@link
   * #timeKernels} is on. Read without the lock, by the thread that made the call right after it (a
   * run's {@link HostContext}): a lock here was a second one per call. Another thread may see an
   * older call's time.
   */
  @Override
  public long lastKernelNanos() {
    return lastKernelNanos;
  }

  /**
   * Whether {@link #call} measures the time of the compiled code ({@link #lastKernelNanos}): off by
   * default, since the two clock reads per call are a few percent of a tiny subgraph's call.
   */
  public void timeKernels(boolean on) {
    timeKernels = on;
  }

  /** Copies every byte of {@code from} into {@code to} (null: an empty array, nothing to copy). */
  private static void copy(ByteBuffer to, ByteBuffer from) {
    if (to == null) {
      return;
    }
    // Scalars and tiny state (act_rnn's loop carries nine) by one load and store: the bulk put's
    // checks cost more than the copy.
    switch (from.capacity()) {
      case 1 -> to.put(0, from.get(0));
      case 4 -> to.putInt(0, from.getInt(0));
      case 8 -> to.putLong(0, from.getLong(0));
      default -> to.put(0, from, 0, from.capacity());
    }
  }

  /**
   * Binds a weight to a named input once, without copying ({@code set_input_zero_copy}): the
   * executor reads the caller's array on every run, so one array can feed several subgraphs. The
   * array must stay open as long as this subgraph.
   */
  public synchronized void bindWeight(String inputName, DeviceArray weight) {
    TVMFunctionHandle inputIndexOf = function("get_input_index");
    TVMFunctionHandle getInput = function("get_input");
    TVMFunctionHandle zeroCopy = function("set_input_zero_copy");
    try {
      try (BytePointer s = new BytePointer(inputName)) {
        args.position(0).v_str(s);
        codes.put(0, kTVMStr);
        invoke(inputIndexOf, 1, "get_input_index");
      }
      long index = ret.v_int64();
      if (index < 0) {
        throw new IllegalArgumentException("library has no weight input named '" + inputName + "'");
      }
      expectType(
          "weight input '" + inputName + "'",
          getInput,
          (int) index,
          new Manifest.TensorSpec(inputName, weight.dtype(), weight.shape()));
      setInt(0, index);
      setHandle(1, weight.handle());
      invoke(zeroCopy, 2, "set_input_zero_copy");
      boundWeights.put(inputName, weight);
    } finally {
      TVMFuncFree(inputIndexOf);
      TVMFuncFree(getInput);
      TVMFuncFree(zeroCopy);
    }
  }

  private void setInt(int slot, long v) {
    args.position(slot).v_int64(v);
    codes.put(slot, kDLInt);
  }

  private void setHandle(int slot, DLTensor t) {
    args.position(slot).v_handle(t);
    codes.put(slot, kTVMDLTensorHandle);
  }

  private void invoke(TVMFunctionHandle f, int nargs, String what) {
    int rc = TVMFuncCall(f, args.position(0), codes, nargs, ret, retCode);
    if (rc != 0) { // the message is built only on failure: a call is a few hundred nanoseconds
      TvmRuntime.check(rc, "subgraph '" + name + "': " + what);
    }
  }

  private TVMFunctionHandle function(String fname) {
    return functionOf(executor, fname);
  }

  private TVMFunctionHandle functionOf(TVMModuleHandle mod, String fname) {
    TVMFunctionHandle f = new TVMFunctionHandle();
    TvmRuntime.check(
        TVMModGetFunction(mod, fname, 0, f), "subgraph '" + name + "': looking up " + fname);
    if (f.isNull()) { // TVM reports "not found" as success with a null handle
      throw new TvmException("subgraph '" + name + "': module has no function '" + fname + "'");
    }
    return f;
  }

  /**
   * Frees the executor and, unless this is a {@link #newExecutor} copy, the library; idempotent.
   */
  @Override
  public synchronized void close() {
    for (TVMFunctionHandle f :
        new TVMFunctionHandle[] {setInput, run, getOutput, setInputZeroCopy, setOutputZeroCopy}) {
      if (f != null && !f.isNull()) {
        TVMFuncFree(f);
      }
    }
    setInput = run = getOutput = setInputZeroCopy = setOutputZeroCopy = null;
    bindIn = bindOut = null;
    if (executorBuffers != null) {
      for (DLTensor t : executorBuffers) {
        TVMArrayFree(t);
      }
      executorBuffers = null;
      inBuf = outBuf = null;
    }
    for (ArrayPool p : pools) {
      p.close();
    }
    if (executor != null) {
      TVMModFree(executor);
      executor = null;
    }
    if (ownsLibrary && lib != null && !lib.isNull()) {
      TVMModFree(lib);
    }
    lib = null;
  }

  @Override
  public String toString() {
    return "Subgraph[" + name + "]";
  }
}
