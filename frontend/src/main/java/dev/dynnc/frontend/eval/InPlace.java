package dev.dynnc.frontend.eval;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.SymTensor;
import dev.dynnc.ir.Span;
import dev.dynnc.semantics.DType;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * In-place updates in forward, with PyTorch's shared storage: in-place methods ({@code h.relu_()},
 * {@code out.add_(res)}, {@code torch.zeros(n, k).scatter_(1, idx, 1.0)}), augmented assignment,
 * item assignment ({@link TensorWrites}) and {@code inplace=True}. dynnc computes the out-of-place
 * result and {@link #update}s the tensor with it: every local name for the tensor gets the new
 * value, and so do the caller's names for a tensor the caller passed in (when the call returns, if
 * the update happened on every path of the call). What dynnc cannot follow is refused: a parameter
 * or buffer, a tensor a live view shares, a view of a tensor still in use, a tensor an object or
 * container holds. The result keeps the tensor's shape and dtype, as PyTorch's in-place methods do:
 * a broadcast that would grow it, or a dtype it cannot be cast to, is PyTorch's error.
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
          "scatter_reduce",
          "index_add",
          "index_copy",
          "index_fill",
          "index_put");

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

  /**
   * Declares the in-place methods for the API table, each with its out-of-place method's
   * signatures. The evaluator runs them ({@link #call}); a bound one taken as a value is refused.
   */
  static void declare(TorchRegistry r) {
    Map<String, String> own =
        Map.of(
            "zero", "zero_(Tensor self) -> Tensor",
            "fill", "fill_(Tensor self, Tensor|Number value) -> Tensor",
            "copy", "copy_(Tensor self, Tensor src, bool non_blocking=False) -> Tensor");
    for (String m : methods()) {
      String base = m.substring(0, m.length() - 1);
      List<Schema> overloads =
          own.containsKey(base)
              ? List.of(Schema.parse(own.get(base)))
              : r.find(TorchRegistry.Space.TENSOR, base).overloads().stream()
                  .map(s -> new Schema(m, s.params(), s.returns()))
                  .toList();
      r.method(
          m,
          overloads,
          "in place: every local name for the tensor, and the caller's, sees the new value;"
              + " refused on a parameter, a tensor a live view shares, or one a container holds",
          (t, a, at) -> {
            throw Interpreter.error(
                Code.DN0201,
                at,
                "Tensor." + m + " taken as a value is not supported",
                "call it directly: t." + m + "(...)");
          });
    }
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
   * {@code target.method(args)}, with {@code name} the local the receiver is, if it is one (for
   * hints): computes the out-of-place result and updates the tensor with it ({@link #rebind});
   * returns the new value (an in-place method returns the tensor itself).
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
    check(
        in,
        f,
        target,
        at,
        "in-place " + method,
        SHARED
            + (name == null
                ? "; use the out-of-place ." + base + "(...), or .clone() it first"
                : "; write "
                    + name
                    + " = "
                    + name
                    + "."
                    + base
                    + "(...) to make a new tensor, or .clone() it first"));
    SymTensor result =
        in.staging.quietly(() -> compute(in, target, method, base, args, kwargs, at));
    return rebind(in, f, target, result, at, "in-place " + method);
  }

  /** The new value of {@code target.method(args)}: the out-of-place method's result. */
  private static SymTensor compute(
      Interpreter in,
      SymTensor target,
      String method,
      String base,
      List<Object> args,
      Map<String, Object> kwargs,
      Span at) {
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
            if (!(v instanceof Long || v instanceof Double || v instanceof Boolean)
                && !(v instanceof Values.HostScalar)) {
              throw Interpreter.error(
                  Code.DN0102,
                  at,
                  "fill_(): argument 'value' must be Tensor|Number, not " + Builtins.typeName(v));
            }
            yield t.filled(v, target.type().dtype(), target.type().dims(), at);
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
    return result;
  }

  /**
   * {@code name op= rhs} on a local tensor ({@code x += y}): PyTorch updates the tensor in place,
   * so it is the out-of-place result, updating the tensor as the in-place methods do.
   */
  static void checkAugmented(
      Interpreter in, Interpreter.Frame f, String name, SymTensor target, Span at) {
    check(
        in,
        f,
        target,
        at,
        "augmented assignment",
        SHARED
            + "; write "
            + name
            + " = "
            + name
            + " <op> ... to make a new tensor, or .clone() it first");
  }

  /** The result of {@code name op= rhs} ({@link #checkAugmented} passed before it was computed). */
  static Object augmented(
      Interpreter in, Interpreter.Frame f, SymTensor target, Object result, Span at) {
    SymTensor r = keepShapeAndDtype(in.torch, target, in.torch.tensor(result, at), at);
    return rebind(in, f, target, r, at, "augmented assignment");
  }

  /** The start of the hint for an in-place update dynnc cannot follow. */
  static final String SHARED =
      "PyTorch would change what shares the tensor's storage too, which dynnc cannot follow";

  /**
   * Before a function's {@code inplace=True} ({@code F.relu(x, inplace=True)}, {@code
   * nn.ReLU(inplace=True)}) updates {@code t} in the frame of the call running now: refuses what
   * {@link #check} refuses.
   */
  static void checkByCall(Interpreter in, SymTensor t, String what, Span at) {
    Interpreter.Frame f = in.frames.peek();
    if (f != null) {
      check(in, f, t, at, what, SHARED + "; pass inplace=False, or .clone() the input first");
    }
  }

  /** After {@link #checkByCall}: the call made {@code now} of {@code old}. */
  static void updatedByCall(Interpreter in, SymTensor old, SymTensor now, String what, Span at) {
    Interpreter.Frame f = in.frames.peek();
    if (f != null) {
      rebind(in, f, old, now, at, what);
    }
  }

  /**
   * Tensor {@code old} updated in place to {@code now} in frame {@code f}, with PyTorch's shared
   * storage: every local name for it now holds {@code now}, and if the caller passed it in, the
   * caller's names do too once the call returns. Refused (DN0200) where dynnc cannot follow the
   * storage: a parameter or buffer, a tensor a view was taken of, a view of a tensor still in use,
   * a tensor an object or container holds. An update of the caller's tensor on only some paths of
   * the call makes reading the caller's tensor again an error. Returns the new value.
   */
  static SymTensor update(
      Interpreter in,
      Interpreter.Frame f,
      SymTensor old,
      SymTensor now,
      Span at,
      String what,
      String hint) {
    if (old == now) {
      return now;
    }
    check(in, f, old, at, what, hint);
    return rebind(in, f, old, now, at, what);
  }

  /** Refuses (DN0200) an in-place update of {@code t} in {@code f} that dynnc cannot follow. */
  static void check(
      Interpreter in, Interpreter.Frame f, SymTensor t, Span at, String what, String hint) {
    String shared = sharedWith(in, f, t);
    if (shared != null) {
      throw Interpreter.error(Code.DN0200, at, what + " on a tensor " + shared, hint);
    }
  }

  /** {@link #update} once {@link #check} has passed, before the new value was computed. */
  static SymTensor rebind(
      Interpreter in, Interpreter.Frame f, SymTensor old, SymTensor now, Span at, String what) {
    if (old == now) {
      return now;
    }
    if (in.staging.viewBases(old).isEmpty() && !in.staging.viewBases(now).isEmpty()) {
      now = in.staging.copyOf(now); // a copy_ or reshaping result takes the tensor's own storage
    }
    for (Map.Entry<String, Object> e : f.locals.entrySet()) {
      if (e.getValue() == old) {
        e.setValue(now);
      }
    }
    // The old value stays the caller's too: a path evaluated again (a staged loop's body after its
    // trial pass, the other side of a branch) updates it once more.
    SymTensor theirs = f.callerTensors.get(old);
    if (theirs != null) {
      f.callerTensors.put(now, theirs);
      if (!f.entry) {
        if (in.staging.onEveryPath(f) && !f.staleExports.containsKey(theirs)) {
          f.exports.put(theirs, now);
        } else if (!in.staging.inTrial()) {
          f.exports.remove(theirs);
          f.staleExports.putIfAbsent(
              theirs,
              "was updated in place ("
                  + what
                  + ") by "
                  + Interpreter.qualifiedName(f.function)
                  + "() at "
                  + at
                  + " on some of its paths only; dynnc cannot carry that back to the caller");
        }
      }
    }
    return now;
  }

  /** {@code callee} returned: its updates of the caller's tensors apply to the caller's frame. */
  static void returned(Interpreter in, Interpreter.Frame callee, Span at) {
    Interpreter.Frame caller = in.frames.peek();
    if (caller == null || (callee.exports.isEmpty() && callee.staleExports.isEmpty())) {
      return;
    }
    String who = Interpreter.qualifiedName(callee.function) + "()";
    String what = "an in-place update in " + who;
    String hint =
        "PyTorch changes the tensor everywhere it is used, which dynnc cannot follow here;"
            + " pass a .clone() to "
            + who;
    for (Map.Entry<SymTensor, SymTensor> e : callee.exports.entrySet()) {
      update(in, caller, e.getKey(), e.getValue(), at, what, hint);
    }
    for (Map.Entry<SymTensor, String> e : callee.staleExports.entrySet()) {
      SymTensor t = e.getKey();
      check(in, caller, t, at, what, hint);
      // Only this path's names: the caller's other paths never made the call.
      for (Map.Entry<String, Object> local : caller.locals.entrySet()) {
        if (local.getValue() == t) {
          local.setValue(new Values.Stale(e.getValue()));
        }
      }
      SymTensor theirs = caller.callerTensors.get(t);
      if (theirs != null && !caller.entry) {
        caller.exports.remove(theirs);
        caller.staleExports.putIfAbsent(theirs, e.getValue());
      }
    }
  }

  /**
   * What else refers to {@code t} in a way an in-place update cannot follow, or null: a parameter
   * or buffer, a view taken of it, the tensor it is a view of while that is still in use, an object
   * or container holding it.
   */
  private static String sharedWith(Interpreter in, Interpreter.Frame f, SymTensor t) {
    Staging st = in.staging;
    if (st.isWeight(t)) {
      return "that is the model's parameter or buffer";
    }
    for (Map.Entry<String, Object> e : f.locals.entrySet()) {
      if (e.getValue() instanceof SymTensor v && st.isViewOf(v, t)) {
        return "that '" + e.getKey() + "' is a view of (a reshape, slice or transpose)";
      }
      for (Object item : TensorWrites.items(e.getValue())) {
        if (item instanceof SymTensor v && st.isViewOf(v, t)) {
          return "that an attribute or item of '" + e.getKey() + "' is a view of";
        }
      }
    }
    for (dev.dynnc.ir.ValueId b : st.viewBases(t)) {
      if (st.isWeightValue(b)) {
        return "that is a view of the model's parameter or buffer";
      }
      for (Map.Entry<String, Object> e : f.locals.entrySet()) {
        if (e.getValue() instanceof SymTensor s && s.id().equals(b)) {
          return "that is a view of '" + e.getKey() + "', which is still in use";
        }
      }
      for (SymTensor c : f.callerTensors.keySet()) {
        if (!f.entry && c.id().equals(b)) {
          return "that is a view of the caller's tensor";
        }
      }
    }
    for (Map.Entry<String, Object> e : f.locals.entrySet()) {
      if (TensorWrites.holds(e.getValue(), t)) {
        return "that an attribute or item of '" + e.getKey() + "' also refers to";
      }
    }
    return null;
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
    long[] to = target.type().dims();
    if (!broadcasts(v.type().dims(), to)) {
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

  /** Whether shape {@code from} broadcasts to {@code to} (aligned at the right, 1 stretches). */
  static boolean broadcasts(long[] from, long[] to) {
    boolean fits = from.length <= to.length;
    for (int i = 1; fits && i <= from.length; i++) {
      long d = from[from.length - i];
      fits = d == 1 || d == to[to.length - i];
    }
    return fits;
  }

  /** PyTorch's can_cast for results written in place: never float to integer, or to bool. */
  private static boolean canCast(DType from, DType to) {
    if (to == DType.BOOL) {
      return from == DType.BOOL;
    }
    return !from.isFloat() || to.isFloat();
  }
}
