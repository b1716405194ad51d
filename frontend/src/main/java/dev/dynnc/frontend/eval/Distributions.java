package dev.dynnc.frontend.eval;

import static dev.dynnc.frontend.eval.TorchRegistry.Space.FUNCTIONAL;
import static dev.dynnc.frontend.eval.TorchRegistry.Space.TENSOR;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.Builtin;
import dev.dynnc.frontend.eval.Values.PyNamespace;
import dev.dynnc.frontend.eval.Values.SymTensor;
import dev.dynnc.ir.Span;
import dev.dynnc.semantics.DType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.distributions}' Categorical, Bernoulli and Normal in eval-mode code: their
 * parameters ({@code probs}, {@code logits}, {@code loc}, {@code scale}), moments, {@code mode},
 * {@code entropy()} and {@code log_prob(value)}, computed as PyTorch 1.13 computes them (policy
 * networks and entropy-based exits build a distribution only to read these). Drawing from one
 * ({@code sample}, {@code rsample}) is random, and refused.
 */
final class Distributions {
  private Distributions() {}

  /** float32's machine epsilon, which PyTorch clamps probabilities to before their logarithm. */
  private static final double EPS = Math.ulp(1.0f);

  /** The torch.distributions namespace and its submodules, by dotted name. */
  static Map<String, PyNamespace> modules() {
    Map<String, Object> attrs = new HashMap<>();
    attrs.put("Categorical", new Builtin("Categorical", Distributions::categorical));
    attrs.put("Bernoulli", new Builtin("Bernoulli", Distributions::bernoulli));
    attrs.put("Normal", new Builtin("Normal", Distributions::normal));
    Map<String, PyNamespace> out = new HashMap<>();
    out.put("torch.distributions", new PyNamespace("torch.distributions", attrs, false));
    for (String[] sub :
        new String[][] {
          {"categorical", "Categorical"}, {"bernoulli", "Bernoulli"}, {"normal", "Normal"}
        }) {
      Map<String, Object> one = new HashMap<>();
      one.put(sub[1], attrs.get(sub[1]));
      String name = "torch.distributions." + sub[0];
      out.put(name, new PyNamespace(name, one, false));
    }
    return out;
  }

  /** The one of probs and logits given, as PyTorch requires. */
  private static String which(String dist, Map<String, Object> p, Span at) {
    boolean probs = p.get("probs") != null && p.get("probs") != Values.NONE;
    boolean logits = p.get("logits") != null && p.get("logits") != Values.NONE;
    if (probs == logits) {
      throw Interpreter.error(
          Code.DN0202, at, dist + ": either `probs` or `logits` must be specified, but not both.");
    }
    return probs ? "probs" : "logits";
  }

  /** Binds (probs=None, logits=None, validate_args=None) by position or keyword. */
  private static Map<String, Object> params(
      String dist, List<String> names, List<Object> a, Map<String, Object> kw, Span at) {
    Map<String, Object> p = new HashMap<>();
    if (a.size() > names.size()) {
      throw Interpreter.error(
          Code.DN0102, at, dist + "() takes at most " + names.size() + " arguments");
    }
    for (int i = 0; i < a.size(); i++) {
      p.put(names.get(i), a.get(i));
    }
    for (Map.Entry<String, Object> e : kw.entrySet()) {
      if (!names.contains(e.getKey())) {
        throw Interpreter.error(
            Code.DN0102, at, dist + "() got an unexpected keyword argument '" + e.getKey() + "'");
      }
      if (p.put(e.getKey(), e.getValue()) != null) {
        throw Interpreter.error(
            Code.DN0102, at, dist + "() got multiple values for argument '" + e.getKey() + "'");
      }
    }
    return p;
  }

  private static SymTensor floatTensor(TorchLib t, Object v, Span at) {
    SymTensor x = t.tensor(v, at);
    return x.type().dtype().isFloat() ? x : t.cast(x, DType.F32, at);
  }

  private static SymTensor call(TorchLib t, String fn, Span at, Object... args) {
    return t.tensor(t.call(fn, List.of(args), Map.of(), at), at);
  }

  private static SymTensor bin(TorchLib t, String op, Object a, Object b, Span at) {
    return t.tensor(t.binary(op, a, b, at), at);
  }

  /** log(clamp(p, eps, 1 - eps)), PyTorch's probs_to_logits. */
  private static SymTensor clampedLog(TorchLib t, SymTensor p, Span at) {
    return call(t, "log", at, t.call("clamp", List.of(p, EPS, 1 - EPS), Map.of(), at));
  }

  private static Builtin random(String dist, String method) {
    return new Builtin(
        method,
        (it, a, kw, at) -> {
          throw Interpreter.error(
              Code.DN0105,
              at,
              dist
                  + "."
                  + method
                  + "() draws random numbers, which make the compiled model"
                  + " nondeterministic",
              "in eval mode take the mode or the probabilities (probs > 0.5), or pass the draw"
                  + " as an input");
        });
  }

  private static PyNamespace instance(String dist, Map<String, Object> attrs) {
    for (String m : List.of("sample", "rsample", "sample_n")) {
      attrs.put(m, random(dist, m));
    }
    return new PyNamespace("torch.distributions." + dist, attrs, false);
  }

  private static Object categorical(
      Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    TorchLib t = in.torch;
    Map<String, Object> p =
        params("Categorical", List.of("probs", "logits", "validate_args"), a, kw, at);
    SymTensor probs;
    SymTensor logits;
    if (which("Categorical", p, at).equals("probs")) {
      SymTensor raw = floatTensor(t, p.get("probs"), at);
      probs = bin(t, "/", raw, t.call(TENSOR, "sum", List.of(raw, -1L, true), Map.of(), at), at);
      logits = clampedLog(t, probs, at);
    } else {
      SymTensor raw = floatTensor(t, p.get("logits"), at);
      logits =
          bin(t, "-", raw, t.call(TENSOR, "logsumexp", List.of(raw, -1L, true), Map.of(), at), at);
      probs = t.tensor(t.call(FUNCTIONAL, "softmax", List.of(logits, -1L), Map.of(), at), at);
    }
    if (probs.type().rank() == 0) {
      throw Interpreter.error(
          Code.DN0202, at, "Categorical: `probs` parameter must be at least one-dimensional.");
    }
    Map<String, Object> attrs = new HashMap<>();
    attrs.put("probs", probs);
    attrs.put("logits", logits);
    attrs.put("mode", t.call(TENSOR, "argmax", List.of(probs, -1L), Map.of(), at));
    attrs.put(
        "entropy",
        new Builtin(
            "entropy",
            (it, a2, kw2, at2) -> {
              // logits clamped to float32's lowest, so that 0 * -inf is 0
              SymTensor l =
                  t.tensor(
                      t.call("clamp", List.of(logits, (double) -Float.MAX_VALUE), Map.of(), at2),
                      at2);
              SymTensor plogp = bin(t, "*", l, probs, at2);
              return t.unary("-", t.call(TENSOR, "sum", List.of(plogp, -1L), Map.of(), at2), at2);
            }));
    attrs.put(
        "log_prob",
        new Builtin(
            "log_prob",
            (it, a2, kw2, at2) -> {
              SymTensor v = t.cast(t.tensor(a2.get(0), at2), DType.I64, at2);
              SymTensor idx = call(t, "unsqueeze", at2, v, -1L);
              List<Long> batch = logits.type().shape().subList(0, logits.type().rank() - 1);
              long[] shape = new long[logits.type().rank()];
              for (int i = 0; i < batch.size(); i++) {
                shape[i] = batch.get(i);
              }
              shape[shape.length - 1] = 1;
              SymTensor expanded =
                  t.tensor(
                      t.call(
                          TENSOR,
                          "expand",
                          List.of(idx, new Values.PyTuple(toList(shape))),
                          Map.of(),
                          at2),
                      at2);
              SymTensor g = call(t, "gather", at2, logits, -1L, expanded);
              return call(t, "squeeze", at2, g, -1L);
            }));
    return instance("Categorical", attrs);
  }

  private static com.google.common.collect.ImmutableList<Object> toList(long[] v) {
    com.google.common.collect.ImmutableList.Builder<Object> b =
        com.google.common.collect.ImmutableList.builder();
    for (long x : v) {
      b.add(x);
    }
    return b.build();
  }

  /** PyTorch's binary_cross_entropy_with_logits(x, z): max(x, 0) - x z + log1p(exp(-|x|)). */
  private static SymTensor bceWithLogits(TorchLib t, SymTensor x, Object z, Span at) {
    SymTensor relu = call(t, "relu", at, x);
    SymTensor soft =
        call(t, "log1p", at, call(t, "exp", at, t.unary("-", call(t, "abs", at, x), at)));
    return bin(t, "+", bin(t, "-", relu, bin(t, "*", x, z, at), at), soft, at);
  }

  private static Object bernoulli(Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    TorchLib t = in.torch;
    Map<String, Object> p =
        params("Bernoulli", List.of("probs", "logits", "validate_args"), a, kw, at);
    SymTensor probs;
    SymTensor logits;
    if (which("Bernoulli", p, at).equals("probs")) {
      probs = floatTensor(t, p.get("probs"), at);
      SymTensor clamped = t.tensor(t.call("clamp", List.of(probs, EPS, 1 - EPS), Map.of(), at), at);
      logits =
          bin(
              t,
              "-",
              call(t, "log", at, clamped),
              call(t, "log1p", at, t.unary("-", clamped, at)),
              at);
    } else {
      logits = floatTensor(t, p.get("logits"), at);
      probs = call(t, "sigmoid", at, logits);
    }
    Map<String, Object> attrs = new HashMap<>();
    attrs.put("probs", probs);
    attrs.put("logits", logits);
    attrs.put("mean", probs);
    attrs.put("variance", bin(t, "*", probs, bin(t, "-", 1.0, probs, at), at));
    // 1.0 above one half, 0.0 below, NaN at exactly one half
    SymTensor mode =
        t.cast(t.tensor(t.compare(">=", probs, 0.5, at), at), probs.type().dtype(), at);
    attrs.put(
        "mode",
        t.call("where", List.of(t.compare("==", probs, 0.5, at), Double.NaN, mode), Map.of(), at));
    attrs.put(
        "entropy",
        new Builtin("entropy", (it, a2, kw2, at2) -> bceWithLogits(t, logits, probs, at2)));
    attrs.put(
        "log_prob",
        new Builtin(
            "log_prob",
            (it, a2, kw2, at2) ->
                t.unary("-", bceWithLogits(t, logits, floatTensor(t, a2.get(0), at2), at2), at2)));
    return instance("Bernoulli", attrs);
  }

  private static Object normal(Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    TorchLib t = in.torch;
    Map<String, Object> p = params("Normal", List.of("loc", "scale", "validate_args"), a, kw, at);
    if (p.get("loc") == null || p.get("scale") == null) {
      throw Interpreter.error(Code.DN0102, at, "Normal() needs loc and scale");
    }
    Object loc0 = p.get("loc");
    Object scale0 = p.get("scale");
    SymTensor loc =
        Operators.isTensorLike(loc0)
            ? floatTensor(t, loc0, at)
            : t.full(Operators.asDouble(loc0, at), DType.F32, at);
    SymTensor scale =
        Operators.isTensorLike(scale0)
            ? floatTensor(t, scale0, at)
            : t.full(Operators.asDouble(scale0, at), DType.F32, at);
    // broadcast_all: both to the common shape
    SymTensor zero = bin(t, "*", bin(t, "+", loc, scale, at), 0.0, at);
    SymTensor l = bin(t, "+", loc, zero, at);
    SymTensor s = bin(t, "+", scale, zero, at);
    Map<String, Object> attrs = new HashMap<>();
    attrs.put("loc", l);
    attrs.put("scale", s);
    attrs.put("mean", l);
    attrs.put("mode", l);
    attrs.put("stddev", s);
    attrs.put("variance", bin(t, "*", s, s, at));
    attrs.put(
        "entropy",
        new Builtin(
            "entropy",
            (it, a2, kw2, at2) ->
                bin(t, "+", call(t, "log", at2, s), 0.5 + 0.5 * Math.log(2 * Math.PI), at2)));
    attrs.put(
        "log_prob",
        new Builtin(
            "log_prob",
            (it, a2, kw2, at2) -> {
              SymTensor v = floatTensor(t, a2.get(0), at2);
              SymTensor d = bin(t, "-", v, l, at2);
              SymTensor q =
                  bin(
                      t,
                      "/",
                      bin(t, "*", d, d, at2),
                      bin(t, "*", 2.0, bin(t, "*", s, s, at2), at2),
                      at2);
              return bin(
                  t,
                  "-",
                  bin(t, "-", t.unary("-", q, at2), call(t, "log", at2, s), at2),
                  Math.log(Math.sqrt(2 * Math.PI)),
                  at2);
            }));
    attrs.put(
        "cdf",
        new Builtin(
            "cdf",
            (it, a2, kw2, at2) -> {
              SymTensor v = floatTensor(t, a2.get(0), at2);
              SymTensor z =
                  bin(t, "/", bin(t, "-", v, l, at2), bin(t, "*", s, Math.sqrt(2), at2), at2);
              return bin(t, "*", 0.5, bin(t, "+", 1.0, call(t, "erf", at2, z), at2), at2);
            }));
    return instance("Normal", attrs);
  }
}
