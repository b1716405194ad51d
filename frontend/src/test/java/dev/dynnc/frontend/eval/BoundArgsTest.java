package dev.dynnc.frontend.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableList;
import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostic;
import dev.dynnc.diag.DiagnosticException;
import dev.dynnc.diag.SourceMap;
import dev.dynnc.frontend.eval.TorchRegistry.Space;
import dev.dynnc.frontend.eval.Values.PyTuple;
import dev.dynnc.frontend.eval.Values.TensorSlot;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.semantics.DType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tests the schema parser, the one binder of library calls, and the registry's unknown/unsupported
 * split.
 */
class BoundArgsTest {
  private static final Span AT = new Span("m.py", 3, 7);
  private static final Interpreter IN = new Interpreter(Path.of("."), SourceMap.EMPTY, 20);
  private static final TensorSlot X = new TensorSlot(TensorType.of(DType.F32, 2, 3), AT, false);
  private static final TensorSlot W =
      new TensorSlot(TensorType.of(DType.F32, 4, 3, 1, 1), AT, false);

  private static final Schema SOFTMAX =
      Schema.parse("softmax(Tensor input, int dim, ScalarType? dtype=None) -> Tensor");
  private static final Schema CONV2D =
      Schema.parse(
          "conv2d(Tensor input, Tensor weight, Tensor? bias=None,"
              + " int[2] stride=1, int[2] padding=0, int[2] dilation=1, int groups=1) -> Tensor");
  private static final Schema CUMSUM =
      Schema.parse("cumsum(Tensor input, int dim, *, ScalarType? dtype=None) -> Tensor");
  private static final Schema VIEW = Schema.parse("view(Tensor input, int... size) -> Tensor");

  private static BoundArgs bind(Schema s, List<Object> args, Map<String, Object> kw) {
    return BoundArgs.bind(s, IN, args, kw, AT);
  }

  /** The one diagnostic that binding reports, checked to be a located DN0102. */
  private static Diagnostic refused(Schema s, List<Object> args, Map<String, Object> kw) {
    DiagnosticException e = assertThrows(DiagnosticException.class, () -> bind(s, args, kw));
    Diagnostic d = e.diagnostics().get(0);
    assertEquals(Code.DN0102, d.code());
    assertEquals(AT, d.span());
    return d;
  }

  private static PyTuple tuple(Object... items) {
    return new PyTuple(ImmutableList.copyOf(items));
  }

  @Test
  void positionalKeywordAndDefaults() {
    BoundArgs a = bind(CONV2D, List.of(X, W), Map.of("groups", 1L, "padding", 2L));
    assertSame(X, a.raw("input"));
    assertTrue(a.isNone("bias"));
    assertArrayEquals(new long[] {1, 1}, a.ints("stride"));
    assertArrayEquals(new long[] {2, 2}, a.ints("padding"));
    assertEquals(1L, a.integer("groups"));
    BoundArgs b = bind(CONV2D, List.of(X, W, Values.NONE, tuple(1L, 2L)), Map.of());
    assertArrayEquals(new long[] {1, 2}, b.ints("stride"));
    BoundArgs c = bind(SOFTMAX, List.of(X), Map.of("dim", -1L, "dtype", DType.F64));
    assertEquals(-1L, c.integer("dim"));
    assertEquals(DType.F64, c.dtype("dtype"));
  }

  @Test
  void intListsExpandAndCheckTheirLength() {
    assertArrayEquals(
        new long[] {3, 3}, bind(CONV2D, List.of(X, W), Map.of("dilation", 3L)).ints("dilation"));
    assertEquals(
        "conv2d(): argument 'stride' needs 2 values, got 3",
        refused(CONV2D, List.of(X, W), Map.of("stride", tuple(1L, 1L, 1L))).message());
    assertEquals(
        "conv2d(): argument 'padding' must be a tuple of ints, but found element of type float at pos 1",
        refused(CONV2D, List.of(X, W), Map.of("padding", tuple(1L, 0.5))).message());
    Schema sum = Schema.parse("sum(Tensor input, int[]? dim=None, bool keepdim=False) -> Tensor");
    assertArrayEquals(new long[] {1}, bind(sum, List.of(X, 1L), Map.of()).ints("dim"));
    assertArrayEquals(
        new long[] {0, 1}, bind(sum, List.of(X, tuple(0L, 1L)), Map.of()).ints("dim"));
  }

  @Test
  void varargsTakeIntsOrOneTuple() {
    assertArrayEquals(new long[] {3, 2}, bind(VIEW, List.of(X, 3L, 2L), Map.of()).ints("size"));
    assertArrayEquals(
        new long[] {3, 2}, bind(VIEW, List.of(X, tuple(3L, 2L)), Map.of()).ints("size"));
    assertArrayEquals(
        new long[] {6}, bind(VIEW, List.of(X), Map.of("size", tuple(6L))).ints("size"));
  }

  @Test
  void missingExtraAndUnexpectedArguments() {
    Diagnostic missing = refused(SOFTMAX, List.of(X), Map.of());
    assertEquals("softmax() missing required argument 'dim'", missing.message());
    assertEquals("the signature is " + SOFTMAX, missing.hint().orElseThrow());
    assertEquals(
        "softmax() takes at most 3 positional arguments (4 given)",
        refused(SOFTMAX, List.of(X, 1L, DType.F32, 1L), Map.of()).message());
    Diagnostic foo = refused(SOFTMAX, List.of(X, 1L), Map.of("foo", 1L));
    assertEquals("softmax() got an unexpected keyword argument 'foo'", foo.message());
    assertEquals(
        "did you mean 'dim'?",
        refused(SOFTMAX, List.of(X, 1L), Map.of("dmi", 1L)).hint().orElseThrow());
    assertEquals(
        "softmax() got multiple values for argument 'dim'",
        refused(SOFTMAX, List.of(X, 1L), Map.of("dim", 1L)).message());
  }

  @Test
  void wrongTypesNameTheArgument() {
    Diagnostic tensorForInt = refused(SOFTMAX, List.of(X, X), Map.of());
    assertEquals(
        "softmax(): argument 'dim' (position 2) must be int, not Tensor", tensorForInt.message());
    assertEquals("the signature is " + SOFTMAX, tensorForInt.hint().orElseThrow());
    assertEquals(
        "softmax(): argument 'dim' must be int, not NoneType",
        refused(SOFTMAX, List.of(X), Map.of("dim", Values.NONE)).message());
    assertEquals(
        "softmax(): argument 'input' (position 1) must be Tensor, not float",
        refused(SOFTMAX, List.of(1.5, 1L), Map.of()).message());
    assertEquals(
        "softmax(): argument 'dtype' (position 3) must be ScalarType, not str",
        refused(SOFTMAX, List.of(X, 1L, "float32"), Map.of()).message());
    // A Python bool is an int, as in Python; a float is not.
    assertEquals(1L, bind(SOFTMAX, List.of(X, true), Map.of()).integer("dim"));
    assertEquals(
        "softmax(): argument 'dim' (position 2) must be int, not float",
        refused(SOFTMAX, List.of(X, 1.0), Map.of()).message());
  }

  @Test
  void keywordOnlyParametersRefusePositions() {
    assertEquals(
        DType.F64, bind(CUMSUM, List.of(X, 0L), Map.of("dtype", DType.F64)).dtype("dtype"));
    assertEquals(
        "cumsum() takes at most 2 positional arguments (3 given)",
        refused(CUMSUM, List.of(X, 0L, DType.F64), Map.of()).message());
  }

  @Test
  void overloadsBindTheFirstThatFits() {
    List<Schema> max = TorchRegistry.REGISTRY.find(Space.TORCH, "max").overloads();
    assertEquals(3, max.size());
    assertSame(max.get(0), BoundArgs.bind(max, IN, List.of(X), Map.of(), AT).schema());
    BoundArgs dim = BoundArgs.bind(max, IN, List.of(X), Map.of("dim", 1L), AT);
    assertSame(max.get(1), dim.schema());
    assertEquals(false, dim.bool("keepdim"));
    assertSame(max.get(2), BoundArgs.bind(max, IN, List.of(X, X), Map.of(), AT).schema());
    DiagnosticException e =
        assertThrows(
            DiagnosticException.class,
            () -> BoundArgs.bind(max, IN, List.of(X, "a"), Map.of("keepdim", true), AT));
    Diagnostic d = e.diagnostics().get(0);
    assertEquals(
        "max() received an invalid combination of arguments (Tensor, str, keepdim=bool)",
        d.message());
    assertTrue(
        d.hint()
            .orElseThrow()
            .contains("max(Tensor input, int dim, bool keepdim=False) -> (Tensor, Tensor)"));
  }

  @Test
  void schemasParseAndPrintBack() {
    assertEquals(
        "cumsum(Tensor input, int dim, *, ScalarType? dtype=None) -> Tensor", CUMSUM.toString());
    assertEquals(
        "pad(Tensor input, int[] pad, str mode='constant', float? value=None) -> Tensor",
        Schema.parse(
                "pad(Tensor input, int[] pad, str mode='constant', float? value=None) -> Tensor")
            .toString());
    for (String bad :
        List.of(
            "relu(Tensor input)",
            "relu(input) -> Tensor",
            "f(int x=None) -> int",
            "f(int x=1, int y) -> int",
            "f(int x, float x) -> int",
            "f(Tensr x) -> int",
            "f(int x=abc) -> int")) {
      assertThrows(IllegalArgumentException.class, () -> Schema.parse(bad), bad);
    }
  }

  @Test
  void knownButUnsupportedDiffersFromUnknown() {
    TorchRegistry r = TorchRegistry.REGISTRY;
    Diagnostic known = r.missing(Space.TORCH, "nonzero", List.of(), AT).diagnostics().get(0);
    assertEquals(Code.DN0105, known.code());
    assertTrue(
        known
            .message()
            .startsWith("torch.nonzero is not supported by dynnc: its result's shape depends"),
        known.message());
    Diagnostic notYet = r.missing(Space.TENSOR, "cummax", List.of(), AT).diagnostics().get(0);
    assertEquals("Tensor.cummax is not supported by dynnc yet", notYet.message());
    Diagnostic typo = r.missing(Space.TORCH, "sofmax", List.of(), AT).diagnostics().get(0);
    assertEquals(Code.DN0113, typo.code());
    assertEquals("torch.sofmax is not a PyTorch name dynnc knows", typo.message());
    assertEquals("did you mean torch.softmax?", typo.hint().orElseThrow());
    assertEquals(
        "did you mean Tensor.unsqueeze?",
        r.missing(Space.TENSOR, "unsqeeze", List.of(), AT)
            .diagnostics()
            .get(0)
            .hint()
            .orElseThrow());
  }

  @Test
  void everyRegisteredFunctionHasAnImplementationAndANonEmptySchema() {
    int n = 0;
    for (Space s : Space.values()) {
      for (TorchRegistry.Entry e : TorchRegistry.REGISTRY.entries(s)) {
        // A function has an implementation; a torch.nn class has its layer instead.
        assertTrue(
            !e.overloads().isEmpty()
                && (e.impl() != null) == (s != Space.NN)
                && (e.layer() != null) == (s == Space.NN),
            s.qualify(e.name()));
        for (Schema sc : e.overloads()) {
          assertEquals(e.name(), sc.name(), s.qualify(e.name()));
          assertEquals(sc.toString(), Schema.parse(sc.toString()).toString());
        }
        n++;
      }
    }
    assertTrue(n > 100, "only " + n + " registered names");
  }
}
