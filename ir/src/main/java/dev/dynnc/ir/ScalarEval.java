package dev.dynnc.ir;

import dev.dynnc.semantics.DType;
import dev.dynnc.semantics.PyFloat;
import dev.dynnc.semantics.PyScalar;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ops of the table on host scalars, with Python's semantics: each is one static method of
 * {@link PyScalar} or {@link PyFloat}, found from the op's {@link OpDef.HostFn} and the kinds of
 * its operands.
 *
 * <p>The same method serves both sides: {@link #evaluate} calls it to fold constants at compile
 * time, and the host code generator writes a call to it ({@link #call}), so a folded value is the
 * one the host would compute at run time. Operands are converted first as Python does ({@code 1 +
 * 2.5} adds floats), by PyScalar's {@code toBool}, {@code toInt} and {@code toFloat}.
 */
public final class ScalarEval {
  private ScalarEval() {}

  private static final List<Class<?>> SEMANTICS = List.of(PyScalar.class, PyFloat.class);

  /** A host scalar's kind and the Java type that holds it. */
  public enum Kind {
    BOOL(boolean.class, "Bool"),
    INT(long.class, "Int"),
    FLOAT(double.class, "Float");

    final Class<?> javaType;
    final String title;

    Kind(Class<?> javaType, String title) {
      this.javaType = javaType;
      this.title = title;
    }

    public static Kind of(DType d) {
      return d == DType.BOOL ? BOOL : d.isFloat() ? FLOAT : INT;
    }

    static Kind ofValue(Object v) {
      return v instanceof Boolean ? BOOL : v instanceof Double ? FLOAT : INT;
    }
  }

  /**
   * An op on host scalars as a call: {@code method} applied to the operands, each first converted
   * to {@code params}' kind; no method for a conversion to the operand's own kind (the operand is
   * the value).
   */
  public record Call(Optional<Method> method, List<Kind> params) {}

  private static final Map<String, Optional<Method>> METHODS = new ConcurrentHashMap<>();

  /** How {@code op} computes on host scalars of these kinds, or empty when it does not. */
  public static Optional<Call> call(String op, List<Kind> operands, Kind result) {
    Optional<OpDef.HostFn> fn = Ops.get(op).flatMap(OpDef::host);
    if (fn.isEmpty()) {
      return Optional.empty();
    }
    List<Kind> params = new ArrayList<>();
    for (Kind k : operands) {
      params.add(
          switch (fn.get().operands()) {
            case RESULT -> result;
            case NUMBERS -> k == Kind.BOOL ? Kind.INT : k;
            case TRUTH -> Kind.BOOL;
            case AS_IS, CONVERT -> k;
          });
    }
    if (fn.get().operands() == OpDef.Operands.CONVERT) {
      if (params.size() != 1) {
        return Optional.empty();
      }
      return params.get(0) == result
          ? Optional.of(new Call(Optional.empty(), params))
          : conversion(params.get(0), result).map(m -> new Call(Optional.of(m), params));
    }
    return method(fn.get().method(), params, result).map(m -> new Call(Optional.of(m), params));
  }

  /**
   * Whether {@code op} on host scalars of these kinds may raise as Python does (an int result
   * beyond 64 bits, division by zero, {@code int(nan)}): its method, or a conversion of an operand,
   * declares {@link ArithmeticException}.
   */
  public static boolean mayRaise(String op, List<Kind> operands, Kind result) {
    Optional<Call> c = call(op, operands, result);
    if (c.isEmpty()) {
      return false;
    }
    boolean raises = c.get().method().map(ScalarEval::declaresArithmetic).orElse(false);
    for (int i = 0; i < operands.size(); i++) {
      if (operands.get(i) != c.get().params().get(i)) {
        raises |=
            declaresArithmetic(conversion(operands.get(i), c.get().params().get(i)).orElseThrow());
      }
    }
    return raises;
  }

  private static boolean declaresArithmetic(Method m) {
    return List.of(m.getExceptionTypes()).contains(ArithmeticException.class);
  }

  /**
   * PyScalar's method that converts a value of one kind to another, as {@code bool()}, {@code
   * int()}, {@code float()} do.
   */
  public static Optional<Method> conversion(Kind from, Kind to) {
    return method("to" + to.title, List.of(from), to);
  }

  /**
   * The value of {@code op} on host-scalar values ({@link Boolean}, {@link Long}, {@link Double})
   * with a result of dtype {@code result}, by Python's rules; null when the op does not compute on
   * host scalars of these kinds.
   *
   * @throws ArithmeticException where Python raises (division by zero, {@code int(nan)}) or the int
   *     result needs more than 64 bits
   */
  public static Object evaluate(String op, List<Object> values, DType result) {
    List<Kind> kinds = values.stream().map(Kind::ofValue).toList();
    Optional<Call> c = call(op, kinds, Kind.of(result));
    if (c.isEmpty()) {
      return null;
    }
    Object[] args = new Object[values.size()];
    for (int i = 0; i < args.length; i++) {
      args[i] = convert(values.get(i), kinds.get(i), c.get().params().get(i));
    }
    return c.get().method().isEmpty() ? args[0] : invoke(c.get().method().get(), args);
  }

  private static Object convert(Object v, Kind from, Kind to) {
    return from == to ? v : invoke(conversion(from, to).orElseThrow(), new Object[] {v});
  }

  private static Object invoke(Method m, Object[] args) {
    try {
      return m.invoke(null, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The one public static method {@code name(params)} returning {@code result}'s type in PyScalar
   * or PyFloat.
   */
  private static Optional<Method> method(String name, List<Kind> params, Kind result) {
    String key = name + params + result;
    return METHODS.computeIfAbsent(
        key,
        k -> {
          Class<?>[] types = params.stream().map(p -> p.javaType).toArray(Class<?>[]::new);
          List<Method> found = new ArrayList<>();
          for (Class<?> c : SEMANTICS) {
            try {
              Method m = c.getMethod(name, types);
              if (Modifier.isStatic(m.getModifiers()) && m.getReturnType() == result.javaType) {
                found.add(m);
              }
            } catch (NoSuchMethodException e) {
              // not in this class
            }
          }
          if (found.size() > 1) {
            throw new IllegalStateException("both PyScalar and PyFloat define " + key);
          }
          return found.stream().findFirst();
        });
  }
}
