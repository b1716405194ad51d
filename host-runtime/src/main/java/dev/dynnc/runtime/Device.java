package dev.dynnc.runtime;

import static org.bytedeco.tvm.global.tvm_runtime.kDLCPU;
import static org.bytedeco.tvm.global.tvm_runtime.kDLCUDA;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Names the device kinds a bundle can target and maps them to DLPack device type codes. */
public enum Device {
  CPU("cpu", kDLCPU),
  CUDA("cuda", kDLCUDA);

  private final String manifestName;
  private final int dlDeviceType;

  Device(String manifestName, int dlDeviceType) {
    this.manifestName = manifestName;
    this.dlDeviceType = dlDeviceType;
  }

  /** The spelling used in {@code manifest.json}. */
  public String manifestName() {
    return manifestName;
  }

  /** The DLPack {@code DLDeviceType} code. */
  public int dlDeviceType() {
    return dlDeviceType;
  }

  /**
   * Parses a manifest {@code device} value; throws {@link IllegalArgumentException} naming the
   * supported ones.
   */
  public static Device fromManifestName(String name) {
    for (Device d : values()) {
      if (d.manifestName.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "device '"
            + name
            + "' is not supported (supported: "
            + Arrays.stream(values()).map(Device::manifestName).collect(Collectors.joining(", "))
            + ")");
  }
}
