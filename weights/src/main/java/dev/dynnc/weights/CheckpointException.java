package dev.dynnc.weights;

/**
 * Thrown when a checkpoint file is malformed, unsupported or unsafe; the message names the file
 * and, where it helps, the zip entry and pickle offset, and is meant to be shown to the user as is.
 */
public final class CheckpointException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message is shown to the user verbatim. */
  public CheckpointException(String message) {
    super(message);
  }

  /**
   * Creates an exception whose message is shown to the user verbatim, keeping the low-level cause
   * for debugging.
   */
  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
