package dev.dynnc.runtime;

import static org.bytedeco.tvm.global.tvm_runtime.TVMFuncCall;
import static org.bytedeco.tvm.global.tvm_runtime.TVMModGetFunction;
import static org.bytedeco.tvm.global.tvm_runtime.TVMModLoadFromFile;
import static org.bytedeco.tvm.global.tvm_runtime.kDLDevice;
import static org.bytedeco.tvm.global.tvm_runtime.kDLInt;
import static org.bytedeco.tvm.global.tvm_runtime.kTVMDLTensorHandle;

import java.nio.file.Path;
import org.bytedeco.tvm.DLDevice;
import org.bytedeco.tvm.DLTensor;
import org.bytedeco.tvm.TVMFunctionHandle;
import org.bytedeco.tvm.TVMModuleHandle;
import org.bytedeco.tvm.TVMValue;

/**
 * A graph executor driven through TVM's C API one step at a time, so that the benchmark can time
 * each step of a subgraph call alone, and the call as {@link Subgraph} made it before issue 10's
 * changes (the baseline). Benchmark code only; nothing is freed, the JVM fork ends instead.
 */
final class RawExecutor {
  private final TVMValue args = new TVMValue(2);
  private final TVMValue ret = new TVMValue(1);
  private final int[] codes = new int[2];
  private final int[] retCode = new int[1];
  private final TVMFunctionHandle setInput;
  private final TVMFunctionHandle setInputZeroCopy;
  private final TVMFunctionHandle run;
  private final TVMFunctionHandle getOutput;

  RawExecutor(Path library) {
    TvmRuntime.init();
    TVMModuleHandle lib = new TVMModuleHandle();
    TvmRuntime.check(TVMModLoadFromFile(library.toString(), "so", lib), "loading " + library);
    TVMFunctionHandle factory = function(lib, "default");
    DLDevice dev = new DLDevice();
    dev.device_type(Device.CPU.dlDeviceType()).device_id(0);
    args.position(0).v_device(dev);
    codes[0] = kDLDevice;
    TvmRuntime.check(TVMFuncCall(factory, args, codes, 1, ret, retCode), "default");
    TVMModuleHandle executor = new TVMModuleHandle(ret.v_handle());
    setInput = function(executor, "set_input");
    setInputZeroCopy = function(executor, "set_input_zero_copy");
    run = function(executor, "run");
    getOutput = function(executor, "get_output");
  }

  private static TVMFunctionHandle function(TVMModuleHandle m, String name) {
    TVMFunctionHandle f = new TVMFunctionHandle();
    TvmRuntime.check(TVMModGetFunction(m, name, 0, f), name);
    return f;
  }

  /** {@code set_input(index, a)}: copies the array into the executor's input buffer. */
  void setInput(int index, DeviceArray a) {
    call2(setInput, index, a.handle(), "set_input");
  }

  /** {@code set_input_zero_copy(index, a)}: the executor reads {@code a} itself. */
  void setInputZeroCopy(int index, DeviceArray a) {
    call2(setInputZeroCopy, index, a.handle(), "set_input_zero_copy");
  }

  void run() {
    args.position(0);
    TvmRuntime.check(TVMFuncCall(run, args, codes, 0, ret, retCode), "run");
  }

  /** {@code get_output(index, out)}: copies output {@code index} into {@code out}. */
  void getOutput(int index, DeviceArray out) {
    call2(getOutput, index, out.handle(), "get_output");
  }

  private void call2(TVMFunctionHandle f, long index, DLTensor t, String what) {
    args.position(0).v_int64(index);
    codes[0] = kDLInt;
    args.position(1).v_handle(t);
    codes[1] = kTVMDLTensorHandle;
    TvmRuntime.check(TVMFuncCall(f, args.position(0), codes, 2, ret, retCode), what);
  }

  /**
   * A subgraph call as {@link Subgraph#call} made it before issue 10: the input copied in, a fresh
   * array allocated per output and copied out, the error text of every native call built whether it
   * fails or not.
   */
  DeviceArray[] callAsBefore(String name, DeviceArray in, String[] dtypes, long[][] shapes) {
    args.position(0).v_int64(0);
    codes[0] = kDLInt;
    args.position(1).v_handle(in.handle());
    codes[1] = kTVMDLTensorHandle;
    TvmRuntime.check(
        TVMFuncCall(setInput, args.position(0), codes, 2, ret, retCode),
        "subgraph '" + name + "': " + "set_input");
    args.position(0);
    TvmRuntime.check(
        TVMFuncCall(run, args, codes, 0, ret, retCode), "subgraph '" + name + "': " + "run");
    DeviceArray[] out = new DeviceArray[dtypes.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = DeviceArray.alloc(dtypes[i], shapes[i], Device.CPU);
      args.position(0).v_int64(i);
      codes[0] = kDLInt;
      args.position(1).v_handle(out[i].handle());
      codes[1] = kTVMDLTensorHandle;
      TvmRuntime.check(
          TVMFuncCall(getOutput, args.position(0), codes, 2, ret, retCode),
          "subgraph '" + name + "': " + "get_output");
    }
    return out;
  }
}
