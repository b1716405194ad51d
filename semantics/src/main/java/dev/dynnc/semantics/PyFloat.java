package dev.dynnc.semantics;

/**
 * CPython's float arithmetic where Java's operators differ from it, so that host-scalar ops give
 * the values a Python program would.
 *
 * <p>One definition serves the constant folders and the generated host code (which calls these
 * methods at run time), so a value folded at compile time equals the one computed at run time. The
 * differences are all about NaN, infinities and signed zeros: {@code 5.0 % inf} is 5.0 in Python
 * but NaN as {@code x - floor(x / y) * y}; {@code -5.0 // inf} is -1.0, not -0.0; and the builtins
 * {@code max}/{@code min} compare instead of propagating NaN ({@code max(1.0, nan)} is 1.0, {@code
 * max(nan, 1.0)} is NaN). Division by zero, an error in Python, is the caller's concern: these
 * methods return what the formulas give (NaN or an infinity).
 */
public final class PyFloat {
  private PyFloat() {}

  /** Python's {@code x + y} on floats (IEEE, as Java's operator). */
  public static double add(double x, double y) {
    return x + y;
  }

  /** Python's {@code x - y}. */
  public static double sub(double x, double y) {
    return x - y;
  }

  /** Python's {@code x * y}. */
  public static double mul(double x, double y) {
    return x * y;
  }

  /**
   * Python's {@code x / y} for a non-zero y (by zero: the caller's concern, see the class comment).
   */
  public static double div(double x, double y) {
    return x / y;
  }

  /** CPython's message for a float to a power whose result is past the float range. */
  public static final String POW_RANGE = "(34, 'Numerical result out of range')";

  /**
   * Python's {@code x ** y} on floats, as CPython's float_pow: {@code x ** 0} and {@code 1.0 ** y}
   * are 1.0 even for NaN, {@code (-1.0) ** inf} is 1.0, and the infinities and zeros follow C99's
   * pow. Raises where CPython does: 0.0 to a negative power (ZeroDivisionError), and a finite
   * result past the float range (OverflowError); and where CPython's result is a complex number (a
   * negative number to a non-integer power), which a host scalar cannot hold. The power of finite
   * operands is {@link Math#pow}'s, which may differ from the C library's in the last bit.
   */
  public static double pow(double x, double y) throws ArithmeticException {
    if (y == 0 || x == 1.0 || (x == -1.0 && Double.isInfinite(y))) {
      return 1.0; // where Java's Math.pow gives NaN for a NaN or infinite y
    }
    if (Double.isNaN(x) || Double.isNaN(y) || Double.isInfinite(x) || Double.isInfinite(y)) {
      return Math.pow(x, y); // C99's pow from here on
    }
    if (x == 0 && y < 0) {
      throw new ArithmeticException("0.0 cannot be raised to a negative power");
    }
    if (x < 0 && y != Math.floor(y)) {
      throw new ArithmeticException(
          "a negative float to a non-integer power is a complex number in Python, and dynnc"
              + " has no complex scalars");
    }
    double r = Math.pow(x, y);
    if (Double.isInfinite(r)) {
      throw new ArithmeticException(POW_RANGE);
    }
    return r;
  }

  /** Python's {@code -x}. */
  public static double neg(double x) {
    return -x;
  }

  /** Python's {@code abs(x)}: {@code abs(-0.0)} is 0.0, {@code abs(nan)} NaN. */
  public static double abs(double x) {
    return Math.abs(x);
  }

  /**
   * {@code x == y} on floats: IEEE (NaN unequal to everything, -0.0 equal to 0.0); the others
   * follow.
   */
  public static boolean eq(double x, double y) {
    return x == y;
  }

  public static boolean ne(double x, double y) {
    return x != y;
  }

  public static boolean lt(double x, double y) {
    return x < y;
  }

  public static boolean le(double x, double y) {
    return x <= y;
  }

  public static boolean gt(double x, double y) {
    return x > y;
  }

  public static boolean ge(double x, double y) {
    return x >= y;
  }

  /**
   * Python's {@code round(x, n)} on a float: the exact binary value of x rounded to n decimal
   * digits (halves to even, which exact ties rarely are), then the nearest double, as CPython's
   * float round does through its correctly rounded string conversion ({@code round(2.675, 2)} is
   * 2.67 because 2.675 is stored as 2.67499999...). NaN and infinities are returned unchanged, a
   * zero keeps x's sign, and a result too large for a double raises as in CPython.
   */
  public static double round(double x, long n) throws ArithmeticException {
    if (Double.isNaN(x) || Double.isInfinite(x) || x == 0 || n > 400) {
      return x; // beyond 400 digits every double is already exact
    }
    if (n < -400) {
      return 0.0 * x;
    }
    double r =
        new java.math.BigDecimal(x)
            .setScale((int) n, java.math.RoundingMode.HALF_EVEN)
            .doubleValue();
    if (Double.isInfinite(r)) {
      throw new ArithmeticException("rounded value too large to represent");
    }
    return r == 0 ? Math.copySign(0.0, x) : r;
  }

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

  // Python's math module on floats: CPython raises ValueError("math domain error") where the
  // argument is outside the function's domain and OverflowError("math range error") where a finite
  // argument gives an infinite result; NaN passes through.

  private static final String DOMAIN = "math domain error";
  private static final String RANGE = "math range error";

  private static double domain(boolean ok, double r) throws ArithmeticException {
    if (!ok) {
      throw new ArithmeticException(DOMAIN);
    }
    return r;
  }

  private static double range(double x, double r) throws ArithmeticException {
    if (Double.isInfinite(r) && Double.isFinite(x)) {
      throw new ArithmeticException(RANGE);
    }
    return r;
  }

  /** {@code math.exp(x)}. */
  public static double exp(double x) throws ArithmeticException {
    return range(x, Math.exp(x));
  }

  /** {@code math.expm1(x)}. */
  public static double expm1(double x) throws ArithmeticException {
    return range(x, Math.expm1(x));
  }

  /** {@code math.log(x)}: x must be positive. */
  public static double log(double x) throws ArithmeticException {
    return domain(!(x <= 0), Math.log(x));
  }

  /** {@code math.log2(x)}, exact on powers of two. */
  public static double log2(double x) throws ArithmeticException {
    if (x > 0 && x < Double.POSITIVE_INFINITY && Math.getExponent(x) >= Double.MIN_EXPONENT) {
      double m = x / Math.scalb(1.0, Math.getExponent(x));
      if (m == 1.0) {
        return Math.getExponent(x);
      }
    }
    return domain(!(x <= 0), Math.log(x) / Math.log(2));
  }

  /** {@code math.log10(x)}. */
  public static double log10(double x) throws ArithmeticException {
    return domain(!(x <= 0), Math.log10(x));
  }

  /** {@code math.log1p(x)}: x must be above -1. */
  public static double log1p(double x) throws ArithmeticException {
    return domain(!(x <= -1), Math.log1p(x));
  }

  /** {@code math.sqrt(x)}: x must not be negative ({@code sqrt(-0.0)} is -0.0). */
  public static double sqrt(double x) throws ArithmeticException {
    return domain(!(x < 0), Math.sqrt(x));
  }

  /** {@code math.sin(x)}: not of an infinity. */
  public static double sin(double x) throws ArithmeticException {
    return domain(!Double.isInfinite(x), Math.sin(x));
  }

  /** {@code math.cos(x)}: not of an infinity. */
  public static double cos(double x) throws ArithmeticException {
    return domain(!Double.isInfinite(x), Math.cos(x));
  }

  /** {@code math.tan(x)}: not of an infinity. */
  public static double tan(double x) throws ArithmeticException {
    return domain(!Double.isInfinite(x), Math.tan(x));
  }

  /** {@code math.asin(x)}: x in [-1, 1]. */
  public static double asin(double x) throws ArithmeticException {
    return domain(!(x < -1 || x > 1), Math.asin(x));
  }

  /** {@code math.acos(x)}: x in [-1, 1]. */
  public static double acos(double x) throws ArithmeticException {
    return domain(!(x < -1 || x > 1), Math.acos(x));
  }

  /** {@code math.atan(x)}. */
  public static double atan(double x) {
    return Math.atan(x);
  }

  /** {@code math.sinh(x)}. */
  public static double sinh(double x) throws ArithmeticException {
    return range(x, Math.sinh(x));
  }

  /** {@code math.cosh(x)}. */
  public static double cosh(double x) throws ArithmeticException {
    return range(x, Math.cosh(x));
  }

  /** {@code math.tanh(x)}. */
  public static double tanh(double x) {
    return Math.tanh(x);
  }

  /** {@code math.floor(x)} of a float: an int; NaN and infinities raise as in CPython. */
  public static long floor(double x) throws ArithmeticException {
    return toInt(Math.floor(x));
  }

  /** {@code math.ceil(x)} of a float: an int; NaN and infinities raise as in CPython. */
  public static long ceil(double x) throws ArithmeticException {
    return toInt(Math.ceil(x));
  }

  private static long toInt(double integral) throws ArithmeticException {
    if (Double.isNaN(integral)) {
      throw new ArithmeticException("cannot convert float NaN to integer");
    }
    if (Double.isInfinite(integral)) {
      throw new ArithmeticException(PyScalar.INFINITY_TO_INT);
    }
    if (!(integral >= -0x1p63 && integral < 0x1p63)) {
      throw new ArithmeticException("cannot convert " + integral + " to a 64-bit integer");
    }
    return (long) integral;
  }

  // numpy's ufuncs on a float64 scalar: never an error; outside the domain NaN, at the pole an
  // infinity, on overflow an infinity (numpy warns, the value is the IEEE one).

  /** {@code numpy.exp(x)}. */
  public static double npExp(double x) {
    return Math.exp(x);
  }

  /** {@code numpy.log(x)}: -inf at 0, NaN below. */
  public static double npLog(double x) {
    return Math.log(x);
  }

  /** {@code numpy.log2(x)}, exact on powers of two. */
  public static double npLog2(double x) {
    return x > 0 ? log2(x) : Math.log(x);
  }

  /** {@code numpy.log10(x)}. */
  public static double npLog10(double x) {
    return Math.log10(x);
  }

  /** {@code numpy.sqrt(x)}: NaN below 0. */
  public static double npSqrt(double x) {
    return Math.sqrt(x);
  }
}
