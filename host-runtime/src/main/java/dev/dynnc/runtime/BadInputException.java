package dev.dynnc.runtime;

/**
 * Signals that data handed to the runtime (a {@code .npy} file or a model input) is unusable.
 *
 * <p>It is checked because callers (the CLI, tests) can always report it to the user instead of
 * crashing.
 */
public class BadInputException extends Exception {
  private static final long serialVersionUID = 1L;

  public BadInputException(String message) {
    super(message);
  }
}
