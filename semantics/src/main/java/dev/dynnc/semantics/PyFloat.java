package dev.dynnc.semantics;

/**
 * CPython's float arithmetic where Java's operators differ from it, so that host-scalar ops give
 * the values a Python program would.
 *
 * <p>One definition serves the constant folders and the generated host code (which calls these
 * methods at run time), so a value folded at compile time equals the one computed at run time.
 * The differences are all about NaN, infinities and signed zeros: {@code 5.0 % inf} is 5.0 in
 * Python but NaN as {@code x - floor(x / y) * y}; {@code -5.0 // inf} is -1.0, not -0.0; and the
 * builtins {@code max}/{@code min} compare instead of propagating NaN ({@code max(1.0, nan)} is
 * 1.0, {@code max(nan, 1.0)} is NaN). Division by zero, an error in Python, is the caller's
 * concern: these methods return what the formulas give (NaN or an infinity).
 */
public final class PyFloat {
  private PyFloat() {}

  /** Python's {@code x % y}: the sign of y, computed from fmod as CPython's float_rem does. */
  public static double mod(double x, double y) {
    double m = x % y;
    if (m != 0) {
      if ((y < 0) != (m < 0)) {
        m += y;
      }
      return m;
    }
    return Math.copySign(0.0, y);
  }

  /** Python's {@code x // y}, as CPython's float_floor_div computes it (NaN for an infinite x). */
  public static double floorDiv(double x, double y) {
    double m = x % y;
    double div = (x - m) / y;
    if (m != 0 && (y < 0) != (m < 0)) {
      div -= 1.0;
    }
    if (div == 0) {
      return Math.copySign(0.0, x / y);
    }
    double f = Math.floor(div);
    return div - f > 0.5 ? f + 1.0 : f;
  }

  /** Python's builtin {@code max(a, b)}: b only when {@code b > a}, so a NaN wins only as a. */
  public static double max(double a, double b) {
    return b > a ? b : a;
  }

  /** Python's builtin {@code min(a, b)}: b only when {@code b < a}, so a NaN wins only as a. */
  public static double min(double a, double b) {
    return b < a ? b : a;
  }
}
