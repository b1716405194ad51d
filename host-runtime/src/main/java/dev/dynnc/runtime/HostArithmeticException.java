package dev.dynnc.runtime;

/**
 * A Python arithmetic error (an int past 64 bits, a division by zero, int(nan)) raised by a
 * generated host program, with the source position of the model expression that raised it.
 *
 * <p>The generated code carries positions only as numbers ({@link #encode}): a file index into the
 * bundle's {@code host/sources.json}, a line and a column. Model text never enters generated code.
 */
public final class HostArithmeticException extends ArithmeticException {
  private static final long serialVersionUID = 1L;

  /**
   * Lines and columns up to 2^24 - 1 and files up to 2^15 - 1 are encoded; anything else is
   * "unknown".
   */
  private static final int BITS = 24;

  private static final long MASK = (1L << BITS) - 1;

  private final long position;

  private HostArithmeticException(long position, ArithmeticException cause) {
    super(cause.getMessage());
    initCause(cause);
    this.position = position;
  }

  /**
   * Called by generated code: the error {@code cause} at the encoded {@code position} (-1 when
   * unknown).
   */
  public static HostArithmeticException at(long position, ArithmeticException cause) {
    return cause instanceof HostArithmeticException h
        ? h
        : new HostArithmeticException(position, cause);
  }

  /** The number generated code holds for a position, or -1 when it cannot be encoded. */
  public static long encode(int file, int line, int column) {
    if (file < 0 || file >= 1 << 15 || line < 1 || line > MASK || column < 1 || column > MASK) {
      return -1;
    }
    return ((long) file << (2 * BITS)) | ((long) line << BITS) | column;
  }

  /** Whether the position is known. */
  public boolean located() {
    return position >= 0;
  }

  /** Index of the source file in {@code host/sources.json}. */
  public int file() {
    return (int) (position >>> (2 * BITS));
  }

  public int line() {
    return (int) ((position >>> BITS) & MASK);
  }

  public int column() {
    return (int) (position & MASK);
  }
}
