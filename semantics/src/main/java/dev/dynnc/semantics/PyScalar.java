package dev.dynnc.semantics;

/**
 * CPython's int arithmetic and its int-with-float comparisons, on 64-bit ints, where Java's
 * operators differ from Python's; together with {@link PyFloat} the one scalar evaluator that the
 * constant folders, the generated host code (which calls these methods at run time) and the test
 * oracles share.
 *
 * <p>Python ints are unbounded; dynnc keeps them in a {@code long}, so a result that needs more
 * than 64 bits throws {@link ArithmeticException} (the caller turns it into a located diagnostic or
 * a run-time error), never a wrapped value. Division and modulo by zero also throw. Every method
 * that can throw declares it, and dead-code elimination reads that: an unused op that may raise
 * stays. Comparisons of an int with a float are exact, as CPython's float_richcompare makes them:
 * {@code 2**53 + 1 == 2.0**53} is false although {@code (double) (2**53 + 1) == 2.0**53}.
 */
public final class PyScalar {
  private PyScalar() {}

  private static final double TWO_63 = 0x1p63;

  /**
   * Index {@code i} into a container of {@code n} items, negative ones counted from the end as
   * Python does: the index in {@code [0, n)}.
   *
   * @throws ArithmeticException when {@code i} is out of range (Python's IndexError)
   */
  public static long checkIndex(long i, long n) throws ArithmeticException {
    if (i < -n || i >= n) {
      throw new ArithmeticException(
          "index " + i + " is out of range for a container of " + n + " items");
    }
    return i < 0 ? i + n : i;
  }

  /** {@code a if c else b}, both already computed. */
  public static long select(boolean c, long a, long b) {
    return c ? a : b;
  }

  /** {@code a if c else b}, both already computed. */
  public static double select(boolean c, double a, double b) {
    return c ? a : b;
  }

  /** {@code a if c else b}, both already computed. */
  public static boolean select(boolean c, boolean a, boolean b) {
    return c ? a : b;
  }

  /** {@code x + y}, exact. */
  public static long add(long x, long y) throws ArithmeticException {
    return Math.addExact(x, y);
  }

  /** {@code x - y}, exact. */
  public static long sub(long x, long y) throws ArithmeticException {
    return Math.subtractExact(x, y);
  }

  /** {@code x * y}, exact. */
  public static long mul(long x, long y) throws ArithmeticException {
    return Math.multiplyExact(x, y);
  }

  /** {@code -x}, exact. */
  public static long neg(long x) throws ArithmeticException {
    return Math.negateExact(x);
  }

  /** {@code abs(x)}, exact ({@code abs(-2**63)} needs 65 bits). */
  public static long abs(long x) throws ArithmeticException {
    return x < 0 ? Math.negateExact(x) : x;
  }

  /** Python's {@code max(x, y)} on ints. */
  public static long max(long x, long y) {
    return Math.max(x, y);
  }

  /** Python's {@code min(x, y)} on ints. */
  public static long min(long x, long y) {
    return Math.min(x, y);
  }

  /** {@code x // y}: rounds toward negative infinity, so the remainder has the divisor's sign. */
  public static long floorDiv(long x, long y) throws ArithmeticException {
    if (y == 0) {
      throw new ArithmeticException("integer division or modulo by zero");
    }
    if (x == Long.MIN_VALUE && y == -1) {
      throw new ArithmeticException("integer overflow");
    }
    return Math.floorDiv(x, y);
  }

  /** {@code x % y}: the sign of the divisor. */
  public static long mod(long x, long y) throws ArithmeticException {
    if (y == 0) {
      throw new ArithmeticException("integer division or modulo by zero");
    }
    return Math.floorMod(x, y);
  }

  /**
   * {@code x ** y} for {@code y >= 0}, exact; a negative exponent gives a float in Python: see
   * {@link #truePow}.
   */
  public static long pow(long x, long y) throws ArithmeticException {
    if (y < 0) {
      throw new ArithmeticException("negative exponent of an int gives a float");
    }
    // Square-and-multiply: O(log y) steps even for 1 ** 10**18.
    long r = 1;
    long base = x;
    long e = y;
    while (e > 0) {
      if ((e & 1) == 1) {
        r = Math.multiplyExact(r, base);
      }
      e >>= 1;
      if (e > 0) {
        base = Math.multiplyExact(base, base);
      }
    }
    return r;
  }

  /**
   * {@code x ** y} for a negative int exponent: a float, and {@code 0 ** -1} an error as in Python.
   */
  public static double truePow(long x, long y) throws ArithmeticException {
    return PyFloat.pow(x, y); // as CPython: float(x) ** float(y)
  }

  /** {@code x / y} on ints: a float, correctly rounded for operands up to 2**53. */
  public static double div(long x, long y) throws ArithmeticException {
    if (y == 0) {
      throw new ArithmeticException("division by zero");
    }
    return (double) x / y;
  }

  /** CPython's message for {@code int()} or {@code round()} of an infinity. */
  static final String INFINITY_TO_INT = "cannot convert float infinity to integer";

  /** {@code round(x)}: to the nearest int, halves to even ({@code round(2.5) == 2}). */
  public static long round(double x) throws ArithmeticException {
    if (Double.isNaN(x)) {
      throw new ArithmeticException("cannot convert float NaN to integer");
    }
    double r = Math.rint(x);
    if (Double.isInfinite(x)) {
      throw new ArithmeticException(INFINITY_TO_INT);
    }
    if (!(r >= -TWO_63 && r < TWO_63)) {
      throw new ArithmeticException("cannot convert " + x + " to a 64-bit integer");
    }
    return (long) r;
  }

  /**
   * {@code round(x, n)} on ints: {@code x} itself for {@code n >= 0}, else rounded to a multiple of
   * {@code 10**-n}, halves to even ({@code round(250, -2) == 200}); exact, 64 bits or an error.
   */
  public static long round(long x, long n) throws ArithmeticException {
    if (n >= 0) {
      return x;
    }
    if (n < -19) {
      return 0; // 10**20 > 2 * |x| for every 64-bit x, so the multiple is 0
    }
    return java.math.BigDecimal.valueOf(x)
        .setScale((int) n, java.math.RoundingMode.HALF_EVEN)
        .longValueExact();
  }

  /**
   * {@code int(x)}: truncation toward zero; NaN, infinities and values beyond 64 bits are errors.
   */
  public static long trunc(double x) throws ArithmeticException {
    if (Double.isNaN(x)) {
      throw new ArithmeticException("cannot convert float NaN to integer");
    }
    if (Double.isInfinite(x)) {
      throw new ArithmeticException(INFINITY_TO_INT);
    }
    if (!(x > -TWO_63 - 1 && x < TWO_63)) {
      throw new ArithmeticException("cannot convert " + x + " to a 64-bit integer");
    }
    return (long) x;
  }

  /**
   * Compares an int with a non-NaN float exactly: negative, zero or positive as {@code x} is less
   * than, equal to or greater than {@code y}. The int is never rounded to a double.
   */
  public static int compare(long x, double y) {
    if (y >= TWO_63) {
      return -1; // also +inf
    }
    if (y < -TWO_63) {
      return 1; // also -inf
    }
    long t = (long) y; // exact: |y| < 2**63, fraction dropped toward zero
    if (x != t) {
      return Long.compare(x, t);
    }
    double frac = y - t; // exact: below 2**52 a double holds the fraction, above it has none
    return frac > 0 ? -1 : frac < 0 ? 1 : 0;
  }

  /** {@code x == y} on ints; the other comparisons follow. */
  public static boolean eq(long x, long y) {
    return x == y;
  }

  public static boolean ne(long x, long y) {
    return x != y;
  }

  public static boolean lt(long x, long y) {
    return x < y;
  }

  public static boolean le(long x, long y) {
    return x <= y;
  }

  public static boolean gt(long x, long y) {
    return x > y;
  }

  public static boolean ge(long x, long y) {
    return x >= y;
  }

  public static boolean eq(long x, double y) {
    return !Double.isNaN(y) && compare(x, y) == 0;
  }

  public static boolean eq(double x, long y) {
    return eq(y, x);
  }

  public static boolean ne(long x, double y) {
    return !eq(x, y);
  }

  public static boolean ne(double x, long y) {
    return !eq(y, x);
  }

  public static boolean lt(long x, double y) {
    return !Double.isNaN(y) && compare(x, y) < 0;
  }

  public static boolean lt(double x, long y) {
    return !Double.isNaN(x) && compare(y, x) > 0;
  }

  public static boolean le(long x, double y) {
    return !Double.isNaN(y) && compare(x, y) <= 0;
  }

  public static boolean le(double x, long y) {
    return !Double.isNaN(x) && compare(y, x) >= 0;
  }

  public static boolean gt(long x, double y) {
    return lt(y, x);
  }

  public static boolean gt(double x, long y) {
    return lt(y, x);
  }

  public static boolean ge(long x, double y) {
    return le(y, x);
  }

  public static boolean ge(double x, long y) {
    return le(y, x);
  }

  /** {@code x and y} on bools (the host evaluates both sides; neither has side effects). */
  public static boolean logicalAnd(boolean x, boolean y) {
    return x && y;
  }

  /** {@code x or y} on bools. */
  public static boolean logicalOr(boolean x, boolean y) {
    return x || y;
  }

  /** {@code not x}. */
  public static boolean logicalNot(boolean x) {
    return !x;
  }

  /** The message of a failed data-dependent {@code assert} (see {@link #check}). */
  public static final String ASSERTION_FAILED =
      "an assert statement's condition is false for this input";

  /** The message of {@link #checkPadding}. */
  public static final String SEQUENCE_SHORTENED =
      "every sequence in the batch ends in padding (src_key_padding_mask), where PyTorch's"
          + " nested-tensor TransformerEncoder returns a shorter output, which a compiled model"
          + " cannot";

  /** The message of {@link #checkIndexRange}. */
  public static final String INDEX_OUT_OF_RANGE =
      "a tensor index is out of range for the dimension it indexes on this input, where PyTorch"
          + " raises an IndexError or RuntimeError";

  /** The message of {@link #checkSliceRange}. */
  public static final String SLICE_OUT_OF_RANGE =
      "a slice with run-time bounds reaches outside its dimension on this input, where PyTorch"
          + " returns a shorter slice, which a compiled model cannot";

  /** The message of {@link #checkDivisor}. */
  public static final String DIVISION_BY_ZERO =
      "ZeroDivisionError: an integer tensor is divided by zero on this input, where PyTorch raises";

  /** The message of {@link #checkLengths}. */
  public static final String BAD_LENGTHS =
      "a sequence length given to pack_padded_sequence is not one PyTorch accepts on this input"
          + " (not positive, longer than the padded sequence or than pad_packed_sequence's"
          + " total_length, or out of decreasing order with enforce_sorted=True)";

  /** The message of {@link #checkNative}. */
  public static final String NATIVE_DISAGREES =
      "the native host program raised an error here that the same op in Java does not raise on"
          + " these operands (a dynnc bug, please report it; a compile with --java-host runs the"
          + " model in Java)";

  /**
   * Raises where {@code ok} is false: after a native host program reported an error at an op and
   * the Java host program repeated the op without raising (native and Java arithmetic differ in the
   * last bit at an overflow's edge), so that the run fails rather than return another path's
   * values.
   */
  public static boolean checkNative(boolean ok) throws ArithmeticException {
    if (!ok) {
      throw new ArithmeticException(NATIVE_DISAGREES);
    }
    return true;
  }

  /** Whether {@code message} is one of the model's own run-time failures raised here. */
  public static boolean isModelFailure(String message) {
    return ASSERTION_FAILED.equals(message)
        || SEQUENCE_SHORTENED.equals(message)
        || INDEX_OUT_OF_RANGE.equals(message)
        || SLICE_OUT_OF_RANGE.equals(message)
        || DIVISION_BY_ZERO.equals(message)
        || BAD_LENGTHS.equals(message);
  }

  /**
   * Whether an integer division's ({@code //}, {@code %}, floor_divide, remainder, fmod, div with a
   * rounding mode) run-time divisor had no zero: raises (DN0405, located at the division) where
   * PyTorch raises ZeroDivisionError. The compiled division's result there is undefined.
   */
  public static boolean checkDivisor(boolean ok) throws ArithmeticException {
    if (!ok) {
      throw new ArithmeticException(DIVISION_BY_ZERO);
    }
    return true;
  }

  /**
   * Whether the divisor of a run-time Python {@code /} (of ints or floats), or of {@code //} or
   * {@code %} on floats, was nonzero: raises where Python raises ZeroDivisionError, which IEEE
   * division (PyFloat's, the result then) does not.
   */
  public static boolean checkFloatDivisor(boolean ok) throws ArithmeticException {
    if (!ok) {
      throw new ArithmeticException("float division by zero");
    }
    return true;
  }

  /**
   * Whether the run-time lengths of a packed sequence were ones PyTorch accepts: raises (DN0405,
   * located at pack_padded_sequence or pad_packed_sequence) where PyTorch raises, and also where a
   * length exceeds the padded sequence, which PyTorch 1.13 reads past.
   */
  public static boolean checkLengths(boolean ok) throws ArithmeticException {
    if (!ok) {
      throw new ArithmeticException(BAD_LENGTHS);
    }
    return true;
  }

  /**
   * Whether a slice with run-time bounds and a static length ({@code x[t:t + 2]}) lay within its
   * dimension: raises (DN0405, located at the slice) where PyTorch would return a shorter slice.
   */
  public static boolean checkSliceRange(boolean ok) throws ArithmeticException {
    if (!ok) {
      throw new ArithmeticException(SLICE_OUT_OF_RANGE);
    }
    return true;
  }

  /**
   * Whether every run-time index of a gather, an embedding, an index_select, a scatter or an
   * advanced index was within its dimension: raises (DN0405, located at the indexing expression)
   * where PyTorch raises. The compiled read or write clips its indices, so it never leaves the
   * tensor; this check keeps a clipped result from being returned.
   */
  public static boolean checkIndexRange(boolean ok) throws ArithmeticException {
    if (!ok) {
      throw new ArithmeticException(INDEX_OUT_OF_RANGE);
    }
    return true;
  }

  /**
   * The run-time condition of nn.TransformerEncoder's padding path: raises (DN0405, located at the
   * encoder's call) where PyTorch would shorten the sequence.
   */
  public static boolean checkPadding(boolean ok) throws ArithmeticException {
    if (!ok) {
      throw new ArithmeticException(SEQUENCE_SHORTENED);
    }
    return true;
  }

  /**
   * A data-dependent {@code assert}: raises (reported located, as DN0405) when the condition is
   * false. The assert's own message is model text, so it stays out of the bundle.
   */
  public static boolean check(boolean ok) throws ArithmeticException {
    if (!ok) {
      throw new ArithmeticException(ASSERTION_FAILED);
    }
    return true;
  }

  /** {@code bool(x)}: Python's truth value of an int. */
  public static boolean toBool(long x) {
    return x != 0;
  }

  /** {@code bool(x)}: Python's truth value of a float; NaN is true. */
  public static boolean toBool(double x) {
    return x != 0;
  }

  /** {@code int(x)} of a bool. */
  public static long toInt(boolean x) {
    return x ? 1 : 0;
  }

  /** {@code int(x)} of a float: see {@link #trunc}. */
  public static long toInt(double x) throws ArithmeticException {
    return trunc(x);
  }

  /** {@code float(x)} of a bool. */
  public static double toFloat(boolean x) {
    return x ? 1.0 : 0.0;
  }

  /** {@code float(x)} of an int: the nearest double, as CPython rounds it. */
  public static double toFloat(long x) {
    return x;
  }

  /**
   * Compares two Python numbers ({@link Long}, {@link Double} or {@link Boolean}) as Python's
   * {@code op} does ({@code eq ne lt le gt ge}); ints with ints and ints with floats exactly,
   * floats as IEEE values (NaN unordered).
   */
  public static boolean compare(String op, Object a, Object b) {
    int c;
    if (a instanceof Double x && b instanceof Double y) {
      return switch (op) {
        case "eq" -> x.doubleValue() == y.doubleValue();
        case "ne" -> x.doubleValue() != y.doubleValue();
        case "lt" -> x < y;
        case "le" -> x <= y;
        case "gt" -> x > y;
        case "ge" -> x >= y;
        default -> throw new IllegalArgumentException(op);
      };
    } else if (a instanceof Double x) {
      if (Double.isNaN(x)) {
        return op.equals("ne");
      }
      c = -compare(asLong(b), x);
    } else if (b instanceof Double y) {
      if (Double.isNaN(y)) {
        return op.equals("ne");
      }
      c = compare(asLong(a), y);
    } else {
      c = Long.compare(asLong(a), asLong(b));
    }
    return switch (op) {
      case "eq" -> c == 0;
      case "ne" -> c != 0;
      case "lt" -> c < 0;
      case "le" -> c <= 0;
      case "gt" -> c > 0;
      case "ge" -> c >= 0;
      default -> throw new IllegalArgumentException(op);
    };
  }

  private static long asLong(Object v) {
    return v instanceof Boolean b ? (b ? 1L : 0L) : (Long) v;
  }
}
