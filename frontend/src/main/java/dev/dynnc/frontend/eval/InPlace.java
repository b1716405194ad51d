package dev.dynnc.frontend.eval;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.SymTensor;
import dev.dynnc.ir.Span;
import dev.dynnc.semantics.DType;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * In-place tensor methods in forward ({@code h.relu_()}, {@code out.add_(res)}, {@code
 * x.masked_fill_(m, 0)}) on a local variable: the out-of-place method's result rebinds the name, as
 * {@link TensorWrites} does for masked assignment. That is PyTorch's result only when nothing else
 * refers to the tensor, so the same references are refused (another name, the caller, a view, a
 * parameter, an object or container holding it). The result keeps the tensor's shape and dtype, as
 * PyTorch's in-place methods do: a broadcast that would grow it, or a dtype it cannot be cast to,
 * is PyTorch's error.
 */
final class InPlace {
  private InPlace() {}

  /** In-place methods with an out-of-place form of the same name (without the underscore). */
  private static final Set<String> SAME_NAME =
      Set.of(
          "add",
          "sub",
          "mul",
          "div",
          "pow",
          "clamp",
          "clamp_min",
          "clamp_max",
          "clip",
          "relu",
          "sigmoid",
          "tanh",
          "abs",
          "neg",
          "exp",
          "log",
          "sqrt",
          "rsqrt",
          "reciprocal",
          "floor",
          "ceil",
          "round",
          "trunc",
          "sign",
          "sin",
          "cos",
          "tan",
          "masked_fill",
          "lerp",
          "addcmul",
          "addcdiv",
          "fmod",
          "remainder",
          "nan_to_num",
          "log1p",
          "expm1",
          "square",
          "tril",
          "triu",
          "scatter",
          "scatter_add",
          "index_add",
          "index_copy",
          "index_fill");

  /** In-place methods that change the tensor's shape, which PyTorch allows for these. */
  private static final Set<String> RESHAPING = Set.of("unsqueeze", "squeeze", "t", "transpose");

  /** The in-place methods dynnc rebinds, sorted. */
  static List<String> methods() {
    java.util.TreeSet<String> out = new java.util.TreeSet<>();
    for (Set<String> names : List.of(SAME_NAME, RESHAPING, Set.of("zero", "fill", "copy"))) {
      names.forEach(n -> out.add(n + "_"));
    }
    return List.copyOf(out);
  }

  /** Whether {@code method} is an in-place method dynnc rebinds. */
  static boolean handles(String method) {
    if (!method.endsWith("_") || method.endsWith("__")) {
      return false;
    }
    String base = method.substring(0, method.length() - 1);
    return SAME_NAME.contains(base)
        || RESHAPING.contains(base)
        || base.equals("zero")
        || base.equals("fill")
        || base.equals("copy");
  }

  /**
   * {@code name.method(args)} where the local {@code name} holds {@code target}: computes the
   * out-of-place result, rebinds {@code name} to it and returns it (an in-place method returns the
   * tensor itself).
   */
  static Object call(
      Interpreter in,
      Interpreter.Frame f,
      String name,
      SymTensor target,
      String method,
      List<Object> args,
      Map<String, Object> kwargs,
      Span at) {
    String base = method.substring(0, method.length() - 1);
    String shared = TensorWrites.sharedWith(in, f, name, target, true);
    if (shared != null) {
      throw Interpreter.error(
          Code.DN0200,
          at,
          "in-place " + method + " on a tensor that " + shared + " also refers to",
          "dynnc rebinds '"
              + name
              + "' to a new tensor and cannot change the shared one; write "
              + name
              + " = "
              + name
              + "."
              + base
              + "(...), or .clone() it first");
    }
    TorchLib t = in.torch;
    SymTensor result =
        switch (base) {
          case "zero" -> {
            noArgs(method, args, kwargs, at);
            yield t.full(0, target.type().dtype(), target.type().dims(), at);
          }
          case "fill" -> {
            if (args.size() != 1 || !kwargs.isEmpty()) {
              throw Interpreter.error(Code.DN0102, at, "fill_() takes one value");
            }
            Object v = args.get(0);
            if (Operators.isTensorLike(v)) {
              SymTensor vt = t.tensor(v, at);
              if (vt.type().rank() != 0) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "fill_ only supports 0-dimension value tensor but got tensor with "
                        + vt.type().rank()
                        + " dimensions.");
              }
              yield broadcastTo(t, t.cast(vt, target.type().dtype(), at), target, at);
            }
            yield t.full(Operators.toDouble(v), target.type().dtype(), target.type().dims(), at);
          }
          case "copy" -> {
            if (args.isEmpty() || args.size() > 2) {
              throw Interpreter.error(Code.DN0102, at, "copy_() takes the source tensor");
            }
            SymTensor src = t.tensor(args.get(0), at);
            yield broadcastTo(t, t.cast(src, target.type().dtype(), at), target, at);
          }
          default -> {
            Object bound = Attributes.get(in, target, base, at);
            yield t.tensor(in.call(bound, args, kwargs, at), at);
          }
        };
    if (!RESHAPING.contains(base)) {
      result = keepShapeAndDtype(t, target, result, at);
    }
    f.locals.put(name, result);
    return result;
  }

  /**
   * {@code name op= rhs} on a local tensor ({@code x += y}): PyTorch updates the tensor in place,
   * so it is the out-of-place result rebinding the name, with the same checks as the in-place
   * methods, except that the caller's tensor may be updated (a model's input, as {@code x +=
   * self.pos} in forward does; a caller that reads it again afterwards sees the old value).
   */
  static Object augmented(
      Interpreter in, Interpreter.Frame f, String name, SymTensor target, Object result, Span at) {
    String shared = TensorWrites.sharedWith(in, f, name, target, false);
    if (shared != null) {
      throw Interpreter.error(
          Code.DN0200,
          at,
          "augmented assignment to a tensor that " + shared + " also refers to",
          "PyTorch updates that tensor in place; dynnc rebinds '"
              + name
              + "' to a new one. Write "
              + name
              + " = "
              + name
              + " <op> ..., or .clone() it first");
    }
    return keepShapeAndDtype(in.torch, target, in.torch.tensor(result, at), at);
  }

  /** An in-place result keeps the tensor's shape and dtype, as PyTorch requires. */
  private static SymTensor keepShapeAndDtype(
      TorchLib t, SymTensor target, SymTensor result, Span at) {
    if (!result.type().shape().equals(target.type().shape())) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "output with shape "
              + target.type().shape()
              + " doesn't match the broadcast shape "
              + result.type().shape());
    }
    DType from = result.type().dtype();
    DType to = target.type().dtype();
    if (from != to) {
      if (!canCast(from, to)) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "result type "
                + ShapeFunctions.scalarName(from)
                + " can't be cast to the desired output type "
                + ShapeFunctions.scalarName(to));
      }
      result = t.cast(result, to, at);
    }
    return result;
  }

  private static void noArgs(String method, List<Object> args, Map<String, Object> kw, Span at) {
    if (!args.isEmpty() || !kw.isEmpty()) {
      throw Interpreter.error(Code.DN0102, at, method + "() takes no arguments");
    }
  }

  /** {@code v} (already of the target's dtype) broadcast to the target's shape, as copy_ does. */
  private static SymTensor broadcastTo(TorchLib t, SymTensor v, SymTensor target, Span at) {
    long[] from = v.type().dims();
    long[] to = target.type().dims();
    boolean fits = from.length <= to.length;
    for (int i = 1; fits && i <= from.length; i++) {
      long d = from[from.length - i];
      fits = d == 1 || d == to[to.length - i];
    }
    if (!fits) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "the source of shape "
              + v.type().shape()
              + " does not broadcast to the tensor's shape "
              + target.type().shape());
    }
    return TensorFunctions.expand(t, v, to, at);
  }

  /** PyTorch's can_cast for results written in place: never float to integer, or to bool. */
  private static boolean canCast(DType from, DType to) {
    if (to == DType.BOOL) {
      return from == DType.BOOL;
    }
    return !from.isFloat() || to.isFloat();
  }
}
