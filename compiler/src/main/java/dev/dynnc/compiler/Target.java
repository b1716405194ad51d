package dev.dynnc.compiler;

import java.util.Optional;

/** A compilation target: what TVM generates code for and which device the bundle runs on. */
public enum Target {
  /** CPU code through TVM's LLVM backend. */
  LLVM("llvm", "cpu"),
  /** NVIDIA GPUs; named so that it gets its own message, refused until the GPU build of TVM is used. */
  CUDA("cuda", "cuda");

  private final String tvmName;
  private final String device;

  Target(String tvmName, String device) {
    this.tvmName = tvmName;
    this.device = device;
  }

  /** TVM's name for the target, as written in compile requests and the manifest. */
  public String tvmName() {
    return tvmName;
  }

  /** The device the bundle's libraries run on, as written in the manifest. */
  public String device() {
    return device;
  }

  /** The target called {@code name} on the command line ({@code llvm}, {@code cuda}), if there is one. */
  public static Optional<Target> named(String name) {
    for (Target t : values()) {
      if (t.tvmName.equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
