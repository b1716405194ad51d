package dev.dynnc.runtime;

/**
 * Signals that a bundle cannot be opened: it is malformed, tampered with, or its native code failed
 * to load.
 */
public class BundleException extends Exception {
  private static final long serialVersionUID = 1L;

  public BundleException(String message) {
    super(message);
  }

  public BundleException(String message, Throwable cause) {
    super(message, cause);
  }
}
