package dev.dynnc.runtime;

/**
 * Signals that a bundle's host program failed while running, or returned a value the runtime cannot
 * convert.
 */
public class HostProgramException extends Exception {
  private static final long serialVersionUID = 1L;

  public HostProgramException(String message, Throwable cause) {
    super(message, cause);
  }
}
