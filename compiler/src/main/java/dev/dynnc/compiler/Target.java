package dev.dynnc.compiler;

import dev.dynnc.runtime.Device;
import java.util.Optional;

/** A compilation target: what TVM generates code for and which device the bundle runs on. */
public enum Target {
  /** CPU code through TVM's LLVM backend, for the host's CPU. */
  LLVM("llvm", Device.CPU),
  /**
   * NVIDIA GPUs through TVM's CUDA backend (kernels built by nvcc for one architecture, {@link
   * TargetSpec#arch}); needs TVM's GPU build.
   */
  CUDA("cuda", Device.CUDA);

  private final String tvmName;
  private final Device device;

  Target(String tvmName, Device device) {
    this.tvmName = tvmName;
    this.device = device;
  }

  /** TVM's name for the target kind. */
  public String tvmName() {
    return tvmName;
  }

  /** The device the bundle's libraries run on. */
  public Device device() {
    return device;
  }

  /** The target kind called {@code name} ({@code llvm}, {@code cuda}), if there is one. */
  public static Optional<Target> named(String name) {
    for (Target t : values()) {
      if (t.tvmName.equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
