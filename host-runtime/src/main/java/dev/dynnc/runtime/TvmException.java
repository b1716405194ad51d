package dev.dynnc.runtime;

/**
 * Signals that a TVM C API call returned an error; the message carries TVM's own error text.
 *
 * <p>Unchecked because a failing native call mid-run is a defect (of the bundle or of TVM), not a
 * condition callers can handle at each call site.
 */
public class TvmException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TvmException(String message) {
    super(message);
  }
}
