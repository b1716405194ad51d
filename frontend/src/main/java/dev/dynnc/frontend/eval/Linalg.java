package dev.dynnc.frontend.eval;

import static dev.dynnc.frontend.eval.TorchRegistry.Space.TORCH;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.Builtin;
import dev.dynnc.frontend.eval.Values.PyNamespace;
import dev.dynnc.frontend.eval.Values.PyTuple;
import dev.dynnc.frontend.eval.Values.SymTensor;
import dev.dynnc.ir.Span;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.linalg}'s norms ({@code norm}, {@code vector_norm}, {@code matrix_norm} with the
 * Frobenius norm), which modern research code calls where older code called {@code torch.norm}, and
 * {@code torch.special}'s names for functions dynnc has ({@code expit} is sigmoid, ...). The
 * decompositions and the other special functions are refused by name where used.
 */
final class Linalg {
  private Linalg() {}

  private static final Schema VECTOR_NORM =
      Schema.parse(
          "vector_norm(Tensor x, Any ord=2, int[]? dim=None, bool keepdim=False, *,"
              + " ScalarType? dtype=None) -> Tensor");
  private static final Schema MATRIX_NORM =
      Schema.parse(
          "matrix_norm(Tensor A, Any ord='fro', int[]? dim=None, bool keepdim=False, *,"
              + " ScalarType? dtype=None) -> Tensor");
  private static final Schema NORM =
      Schema.parse(
          "norm(Tensor A, Any? ord=None, int[]? dim=None, bool keepdim=False, *,"
              + " ScalarType? dtype=None) -> Tensor");

  /** torch.linalg. */
  static PyNamespace linalg() {
    Map<String, Object> attrs = new HashMap<>();
    attrs.put("vector_norm", new Builtin("vector_norm", Linalg::vectorNorm));
    attrs.put("matrix_norm", new Builtin("matrix_norm", Linalg::matrixNorm));
    attrs.put("norm", new Builtin("norm", Linalg::norm));
    // Every other name is opaque: naming one is fine, calling it is a located DN0105.
    return new PyNamespace("torch.linalg", attrs, true);
  }

  /** torch.special: its names for functions dynnc has. */
  static PyNamespace special() {
    Map<String, Object> attrs = new HashMap<>();
    String[][] aliases = {
      {"expit", "sigmoid"},
      {"logit", "logit"},
      {"erf", "erf"},
      {"expm1", "expm1"},
      {"exp2", "exp2"},
      {"log1p", "log1p"},
      {"logsumexp", "logsumexp"},
      {"softmax", "softmax"},
      {"log_softmax", "log_softmax"},
      {"round", "round"},
    };
    for (String[] alias : aliases) {
      String target = alias[1];
      attrs.put(
          alias[0],
          new Builtin(alias[0], (it, a, kw, at) -> it.torch.call(TORCH, target, a, kw, at)));
    }
    return new PyNamespace("torch.special", attrs, true);
  }

  private static Object vectorNorm(
      Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    BoundArgs p = BoundArgs.bind(VECTOR_NORM, in, a, kw, at);
    return torchNorm(in, p, p.tensor("x"), p.raw("ord"), p.given("dim"), at);
  }

  private static Object matrixNorm(
      Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    BoundArgs p = BoundArgs.bind(MATRIX_NORM, in, a, kw, at);
    SymTensor x = p.tensor("A");
    frobeniusOnly(p.raw("ord"), at);
    // dim=(-2, -1) by default
    long[] dims = p.isNone("dim") ? new long[] {-2, -1} : p.ints("dim");
    if (dims.length != 2) {
      throw Interpreter.error(
          Code.DN0202, at, "linalg.matrix_norm: dim must be a 2-tuple. Got " + dims.length);
    }
    if (x.type().rank() < 2) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "linalg.matrix_norm: The input tensor A must have at least 2 dimensions.");
    }
    return torchNorm(in, p, x, 2.0, tuple(dims), at);
  }

  /**
   * linalg.norm: without ord, the 2-norm of the flattened input or of dim (Frobenius over two
   * dims); with ord, a vector norm over one dim (or of a 1-d input), or 'fro' over two.
   */
  private static Object norm(Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    BoundArgs p = BoundArgs.bind(NORM, in, a, kw, at);
    SymTensor x = p.tensor("A");
    Object ord = p.raw("ord");
    Object dim = p.given("dim");
    if (ord == Values.NONE) {
      return torchNorm(in, p, x, 2.0, dim, at);
    }
    int over = p.isNone("dim") ? x.type().rank() : p.ints("dim").length;
    if (over == 2) {
      frobeniusOnly(ord, at);
      return torchNorm(in, p, x, 2.0, dim, at);
    }
    if (over != 1) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
              + over
              + "D.");
    }
    return torchNorm(in, p, x, ord, dim, at);
  }

  private static void frobeniusOnly(Object ord, Span at) {
    if (!"fro".equals(ord)) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "the matrix norm ord="
              + (ord instanceof String o ? "'" + o + "'" : ord)
              + " is not supported",
          "only ord='fro' is: the others need singular values or column sums");
    }
  }

  private static Object torchNorm(
      Interpreter in, BoundArgs p, SymTensor x, Object ord, Object dim, Span at) {
    Map<String, Object> kw = new HashMap<>();
    kw.put("p", ord);
    kw.put("dim", dim);
    kw.put("keepdim", p.bool("keepdim"));
    if (!p.isNone("dtype")) {
      kw.put("dtype", p.raw("dtype"));
    }
    return in.torch.call(TORCH, "norm", List.of(x), kw, at);
  }

  private static PyTuple tuple(long[] dims) {
    Object[] items = new Object[dims.length];
    for (int i = 0; i < dims.length; i++) {
      items[i] = dims[i];
    }
    return PyTuple.of(items);
  }
}
