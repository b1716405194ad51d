package dev.dynnc.runtime;

/**
 * A bundle cannot run here because its device, or TVM's runtime for that device, is missing: a
 * bundle compiled for cuda on a machine without an NVIDIA GPU, or in a JVM that loaded TVM's CPU
 * build. The bundle itself may be sound.
 */
public class DeviceUnavailableException extends BundleException {
  private static final long serialVersionUID = 1L;

  public DeviceUnavailableException(String message) {
    super(message);
  }

  public DeviceUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
