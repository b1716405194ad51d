package dev.dynnc.frontend.eval;

import dev.dynnc.diag.Code;
import dev.dynnc.diag.DiagnosticException;
import dev.dynnc.ir.Span;

/**
 * The limits on compile-time evaluation of model code, all declared here, and the counters charged
 * against them.
 *
 * <p>dynnc runs construction code (and the static parts of {@code forward}) in its own interpreter,
 * so model source decides how much time and memory the compiler spends. Four limits keep a hostile
 * or mistaken model from hanging the compiler or exhausting its heap; each is reported as a located
 * diagnostic naming the limit:
 *
 * <ul>
 *   <li>{@link #MAX_STEPS} statements, loop iterations and calls;
 *   <li>{@link #MAX_DEPTH} nested calls;
 *   <li>{@link #MAX_WORK} work units: every operation whose cost grows with its operands
 *       (searching, comparing, copying, joining, formatting) charges one unit per element or
 *       character it touches;
 *   <li>{@link #MAX_CREATED_BYTES} of created data: every string, list, tuple or dict built charges
 *       its size, counted as {@link #BYTES_PER_CHAR} per character and {@link #BYTES_PER_SLOT} per
 *       element ({@link #BYTES_PER_BOX} when the element is a new object too), <em>before</em> it
 *       is allocated, so an oversized value is refused rather than attempted.
 * </ul>
 *
 * The counters only grow: memory is charged when created, never refunded, which makes the limit a
 * bound on the time spent allocating too. Real construction code stays orders of magnitude below
 * all four.
 */
final class EvalBudget {
  static final int MAX_DEPTH = 200;
  static final long MAX_STEPS = 2_000_000;
  static final long MAX_WORK = 50_000_000;
  static final long MAX_CREATED_BYTES = 256L << 20;

  /**
   * Java strings take one or two bytes a character; counting two keeps the estimate an upper bound.
   */
  static final long BYTES_PER_CHAR = 2;

  /** One reference per list or tuple element, two per dict entry. */
  static final long BYTES_PER_SLOT = 8;

  /**
   * A list element that is also a new small object (an int of a range, a character of a string).
   */
  static final long BYTES_PER_BOX = 32;

  private static final String HINT =
      "dynnc evaluates model construction at compile time, within "
          + MAX_STEPS
          + " steps, "
          + MAX_WORK
          + " work units and "
          + (MAX_CREATED_BYTES >> 20)
          + " MiB of created strings and containers; build smaller values";

  private long steps;
  private long work;
  private long created;

  /**
   * Where the latest step was taken: the location reported by charges made where no better one is
   * known.
   */
  private Span current = Span.NONE;

  /** Set when a limit was exceeded: evaluation must stop, not go on to look for further errors. */
  private boolean exhausted;

  /** Counts one statement, loop iteration or call. */
  void step(Span at) {
    current = at;
    if (++steps > MAX_STEPS) {
      throw exceeded(
          at,
          "evaluation exceeded " + MAX_STEPS + " steps",
          "an endless loop in model construction? dynnc evaluates __init__ and static loops at compile time");
    }
  }

  /** Whether a limit was exceeded. */
  boolean exhausted() {
    return exhausted;
  }

  private DiagnosticException exceeded(Span at, String message, String hint) {
    exhausted = true;
    return Interpreter.error(Code.DN0107, at, message, hint);
  }

  /** Returns the location of the latest step. */
  Span current() {
    return current;
  }

  /** Charges {@code units} of work (elements visited, characters scanned) about to be done. */
  void work(long units, Span at) {
    if (units < 0 || units > MAX_WORK - work) {
      throw exceeded(
          at,
          "evaluation exceeded "
              + MAX_WORK
              + " work units (searching, "
              + "comparing, copying and formatting count one unit per element or character)",
          HINT);
    }
    work += units;
  }

  /** Charges a string of {@code chars} characters about to be created. */
  void chars(long chars, Span at) {
    create(chars, BYTES_PER_CHAR, "a string of " + chars + " characters", at);
  }

  /** Charges a list, tuple or dict of {@code slots} references about to be created. */
  void slots(long slots, Span at) {
    create(slots, BYTES_PER_SLOT, "a container of " + slots + " elements", at);
  }

  /**
   * Charges a list of {@code n} new small objects (the ints of a range, the characters of a
   * string).
   */
  void boxes(long n, Span at) {
    create(n, BYTES_PER_BOX, "a list of " + n + " elements", at);
  }

  private void create(long count, long bytesEach, String what, Span at) {
    if (count < 0 || count > (MAX_CREATED_BYTES - created) / bytesEach) {
      throw exceeded(
          at,
          "evaluation would create "
              + what
              + ", taking the strings and "
              + "containers created at compile time past "
              + (MAX_CREATED_BYTES >> 20)
              + " MiB",
          HINT);
    }
    created += count * bytesEach;
  }

  /**
   * Returns {@code a * b}, or {@link Long#MAX_VALUE} when that overflows: a size that no charge
   * will accept.
   */
  static long times(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
