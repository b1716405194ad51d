package dev.dynnc.ir;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.dynnc.ir.OpDef.AttrKind;
import dev.dynnc.ir.OpDef.AttrSpec;
import dev.dynnc.ir.OpDef.HostFn;
import dev.dynnc.ir.OpDef.Lowering;
import dev.dynnc.ir.OpDef.Operands;
import dev.dynnc.ir.OpDef.TypeRule;
import dev.dynnc.ir.OpRegistry.TypeError;
import dev.dynnc.ir.Type.ScalarType;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The op table: every op of the IR declared once, with its arity, attributes, shape and dtype rule,
 * host-scalar evaluator and Relay lowering ({@link OpDef}).
 *
 * <p>Adding an op is one entry here plus, unless it is a plain Relay call, one named function in
 * relay_builder.py's {@code _SPECIAL} table. {@link OpRegistry} types and checks ops from this
 * table, {@link ScalarEval} evaluates host scalars with it, and RelayExport sends its lowerings to
 * the Relay builder.
 */
public final class Ops {
  private Ops() {}

  private static final Map<String, OpDef> TABLE = new LinkedHashMap<>();

  /** Declarations being collected while the class initializes. */
  private static final List<B> BUILDERS = new ArrayList<>();

  static {
    // Ops whose result type is written in the program, not inferred; their values are data.
    op("weight", 0, 0).attr("name", AttrKind.STR).type(Ops::declared).special("weight");
    op("const", 0, 0).attr("value", AttrKind.SCALAR).type(Ops::declared).hostOnly();
    op("full", 0, 0).attr("value", AttrKind.SCALAR).type(Ops::declared).special("full");
    op("arange", 0, 0)
        .attr("start", AttrKind.NUMBER)
        .attr("step", AttrKind.NUMBER)
        .type(Ops::declared)
        .special("arange");

    // Elementwise arithmetic, on tensors or on two host scalars (Python's rules there).
    op("add", 2, 2).type(arith()).host("add", Operands.RESULT).special("add");
    // x - x on floats stays NaN at an infinity or NaN where TVM would fold it to 0. (x * 0 is
    // still folded to 0 there: the zero-padded shortcut cat([x, x.mul(0)]) of ResNet-style
    // downsampling travels blocked through that fold, see BoundaryLayoutsTest.)
    op("sub", 2, 2).type(arith()).host("sub", Operands.RESULT).special("sub");
    op("mul", 2, 2).type(arith()).host("mul", Operands.RESULT).relay("multiply");
    op("div", 2, 2).type(Ops::trueDiv).host("div", Operands.RESULT).relay("divide");
    // On integers their lowering never divides by 0 or -1 (x86 traps both: SIGFPE would kill the
    // JVM): a zero divisor gives an undefined value that check_divisor reports, x // -1 is -x.
    op("floor_div", 2, 2).type(arith()).host("floorDiv", Operands.RESULT).special("floor_div");
    op("mod", 2, 2).type(arith()).host("mod", Operands.RESULT).special("mod");
    // Integer powers are exact and wrap, as PyTorch's (TVM's power is float only).
    op("pow", 2, 2).type(arith()).host("pow", Operands.RESULT).special("pow");
    // On the host, Python's builtin max/min (a NaN wins only as the first operand); on tensors
    // torch.maximum/minimum, which propagate NaN (a special lowering, as TVM's max drops it).
    op("maximum", 2, 2).type(arith()).host("max", Operands.RESULT).special("maximum");
    op("minimum", 2, 2).type(arith()).host("min", Operands.RESULT).special("minimum");

    // Comparisons and logic: bool results.
    // eq, le and ge on floats are also false at a NaN where TVM would fold x == x to true
    op("ge", 2, 2).type(compare()).host("ge", Operands.NUMBERS).special("ge");
    op("gt", 2, 2).type(compare()).host("gt", Operands.NUMBERS).relay("greater");
    op("le", 2, 2).type(compare()).host("le", Operands.NUMBERS).special("le");
    op("lt", 2, 2).type(compare()).host("lt", Operands.NUMBERS).relay("less");
    op("eq", 2, 2).type(compare()).host("eq", Operands.NUMBERS).special("eq");
    op("ne", 2, 2).type(compare()).host("ne", Operands.NUMBERS).special("ne");
    op("logical_and", 2, 2).type(compare()).host("logicalAnd", Operands.TRUTH).relay("logical_and");
    op("logical_or", 2, 2).type(compare()).host("logicalOr", Operands.TRUTH).relay("logical_or");
    op("logical_not", 1, 1)
        .type((op, in, a, d) -> withDtype(in.get(0), DType.BOOL))
        .host("logicalNot", Operands.TRUTH)
        .special("logical_not");

    // Unary: abs and neg also on host scalars, the rest on tensors only.
    op("abs", 1, 1).type(Ops::unaryArith).host("abs", Operands.RESULT).relay("abs");
    op("neg", 1, 1).type(Ops::unaryArith).host("neg", Operands.RESULT).relay("negative");
    op("relu", 1, 1).type(sameTensor()).special("relu");
    op("sigmoid", 1, 1).type(sameTensor()).relay("sigmoid");
    op("tanh", 1, 1).type(sameTensor()).relay("tanh");
    op("exp", 1, 1).type(sameTensor()).relay("exp");
    op("log", 1, 1).type(sameTensor()).relay("log");
    op("sqrt", 1, 1).type(sameTensor()).relay("sqrt");
    op("erf", 1, 1).type(sameTensor()).relay("erf");
    op("floor", 1, 1).type(sameTensor()).relay("floor");
    op("ceil", 1, 1).type(sameTensor()).relay("ceil");
    op("trunc", 1, 1).type(sameTensor()).relay("trunc");
    op("sign", 1, 1).type(sameTensor()).relay("sign");
    op("sin", 1, 1).type(sameTensor()).relay("sin");
    op("cos", 1, 1).type(sameTensor()).relay("cos");
    op("rsqrt", 1, 1).type(sameTensor()).relay("rsqrt");
    for (String f : List.of("atan", "asin", "acos", "sinh", "cosh", "asinh", "acosh", "atanh")) {
      op(f, 1, 1).type(sameTensor()).relay(f);
    }
    // Bitwise operators on integer tensors (on bools the frontend uses the logical ops).
    for (String f : List.of("bitwise_and", "bitwise_or", "bitwise_xor")) {
      op(f, 2, 2)
          .type(
              (op, in, a, d) -> {
                tensors(op, in);
                return elementwise(op, in.get(0), in.get(1), false);
              })
          .relay(f);
    }
    op("bitwise_not", 1, 1).type(sameTensor()).relay("bitwise_not");

    // Python's math module on a run-time float (the frontend converts ints first): PyFloat's
    // methods, which raise where CPython does (math domain error, math range error).
    for (String f :
        List.of(
            "exp", "expm1", "log", "log2", "log10", "log1p", "sqrt", "sin", "cos", "tan", "asin",
            "acos", "atan", "sinh", "cosh", "tanh", "floor", "ceil")) {
      DType result = f.equals("floor") || f.equals("ceil") ? DType.I64 : DType.F64;
      op("math_" + f, 1, 1)
          .type(
              (op, in, a, d) -> {
                if (!(in.get(0) instanceof ScalarType x) || x.dtype() != DType.F64) {
                  throw new TypeError(op + " needs a float64 host scalar, got " + in.get(0));
                }
                return new ScalarType(result);
              })
          .host(f, Operands.AS_IS)
          .hostOnly();
    }

    // numpy's ufuncs on a run-time float64: IEEE results, never an error (PyFloat.np*).
    for (String f : List.of("exp", "log", "log2", "log10", "sqrt")) {
      op("np_" + f, 1, 1)
          .type(
              (op, in, a, d) -> {
                if (!(in.get(0) instanceof ScalarType x) || x.dtype() != DType.F64) {
                  throw new TypeError(op + " needs a float64 host scalar, got " + in.get(0));
                }
                return new ScalarType(DType.F64);
              })
          .host("np" + Character.toUpperCase(f.charAt(0)) + f.substring(1), Operands.AS_IS)
          .hostOnly();
    }

    // Conversions: on the host Python's bool()/int()/float(); on tensors a cast.
    op("cast", 1, 1)
        .attr("dtype", AttrKind.STR)
        .type(Ops::cast)
        .host("", Operands.CONVERT)
        .special("cast");
    // Python's round(x) -> int and round(x, n), halves to even; the host only (torch.round is not
    // this op).
    op("round", 1, 2).type(Ops::round).host("round", Operands.AS_IS).hostOnly();
    op("item", 1, 1).type(Ops::item).hostOnly();
    // Element `index` of an int64 array that packs host scalars as 64 bits each (a native host
    // program's status output): an int as is, a bool as 0 or 1, a float as its float64 bits; the
    // declared type says which.
    op("item_at", 1, 1).attr("index", AttrKind.INT).type(Ops::itemAt).hostOnly();
    // The opposite of item: a run-time host scalar (a loop counter, int(t.item())) as a 0-d tensor
    // of dtype, which the host program uploads before the call of the subgraph that reads it.
    op("to_tensor", 1, 1).attr("dtype", AttrKind.STR).type(Ops::toTensor).hostOnly();
    // i8-loops: a data-dependent assert, checked on the host (it raises, so it is never dead code);
    // check_padding is nn.TransformerEncoder's padding condition, with its own message;
    // check_index_range says whether a gather's, a scatter's or an advanced index's run-time
    // indices were all in range (the device op clips them; PyTorch raises); check_slice_range
    // whether a slice with run-time bounds (x[t:t + 2]) lay within its dimension; check_divisor
    // whether an integer division's run-time divisor had no zero (TVM's gives garbage there,
    // PyTorch raises ZeroDivisionError); check_float_divisor whether the divisor of a run-time
    // Python /, or of // or % on floats, was nonzero (Python raises ZeroDivisionError where IEEE
    // division gives an infinity or NaN); check_lengths whether the run-time lengths of a packed
    // sequence were ones PyTorch accepts; check_native ends a native host program's raise block
    // (NativeHost) where the op repeated in Java did not raise.
    for (String[] check :
        new String[][] {
          {"check", "check"},
          {"check_padding", "checkPadding"},
          {"check_index_range", "checkIndexRange"},
          {"check_slice_range", "checkSliceRange"},
          {"check_divisor", "checkDivisor"},
          {"check_float_divisor", "checkFloatDivisor"},
          {"check_lengths", "checkLengths"},
          {"check_native", "checkNative"}
        }) {
      op(check[0], 1, 1)
          .type(
              (op, in, a, d) -> {
                if (!(in.get(0) instanceof ScalarType)) {
                  throw new TypeError(op + " needs a host scalar, got " + in.get(0));
                }
                return new ScalarType(DType.BOOL);
              })
          .host(check[1], Operands.TRUTH)
          .hostOnly();
    }
    // A run-time index into a container of n items (operand 2), negative ones from the end; out of
    // range is a run-time error. The host only (a module container indexed by a run-time int).
    op("check_index", 2, 2).type(Ops::checkIndex).host("checkIndex", Operands.AS_IS).hostOnly();
    // i7-npvals: cond ? a : b on host scalars of one dtype, both already computed (numpy's
    // reductions of a list of run-time values pick without branching).
    op("select", 3, 3).type(Ops::select).host("select", Operands.AS_IS).hostOnly();

    // Reductions.
    for (String r :
        List.of("reduce_max", "reduce_min", "reduce_sum", "reduce_mean", "reduce_prod")) {
      B b =
          op(r, 1, 1).attr("axes", AttrKind.INTS).attr("keepdims", AttrKind.BOOL).type(Ops::reduce);
      if (r.equals("reduce_sum") || r.equals("reduce_mean") || r.equals("reduce_prod")) {
        b.relay(r.substring("reduce_".length()), "axis", "axes", "keepdims", "keepdims");
      } else {
        b.special(r); // NaN wins, as in torch.max/min
      }
    }
    op("argmax", 1, 1)
        .attr("axis", AttrKind.INT)
        .attr("keepdims", AttrKind.BOOL)
        .type(Ops::argReduce)
        .special("argmax");
    op("argmin", 1, 1)
        .attr("axis", AttrKind.INT)
        .attr("keepdims", AttrKind.BOOL)
        .type(Ops::argReduce)
        .special("argmin");
    op("cumsum", 1, 1).attr("axis", AttrKind.INT).type(Ops::sameAlongAxis).special("cumsum");
    op("cumprod", 1, 1).attr("axis", AttrKind.INT).type(Ops::sameAlongAxis).special("cumprod");
    op("softmax", 1, 1)
        .attr("axis", AttrKind.INT)
        .type(Ops::sameAlongAxis)
        .relay("nn.softmax", "axis", "axis");
    op("log_softmax", 1, 1)
        .attr("axis", AttrKind.INT)
        .type(Ops::sameAlongAxis)
        .relay("nn.log_softmax", "axis", "axis");

    // Layers.
    op("conv2d", 2, 3)
        .attr("strides", AttrKind.INTS)
        .attr("padding", AttrKind.INTS)
        .attr("dilation", AttrKind.INTS)
        .attr("groups", AttrKind.INT)
        .type(Ops::conv2d)
        .special("conv2d");
    // Conv3d on NCDHW with an OIDHW weight; padding (front, top, left, back, bottom, right).
    op("conv3d", 2, 3)
        .attr("strides", AttrKind.INTS)
        .attr("padding", AttrKind.INTS)
        .attr("dilation", AttrKind.INTS)
        .attr("groups", AttrKind.INT)
        .type(Ops::conv3d)
        .special("conv3d");
    // PyTorch's ConvTranspose2d: the weight is [in, out / groups, kh, kw] (Relay's IOHW).
    op("conv_transpose2d", 2, 3)
        .attr("strides", AttrKind.INTS)
        .attr("padding", AttrKind.INTS)
        .attr("output_padding", AttrKind.INTS)
        .attr("dilation", AttrKind.INTS)
        .attr("groups", AttrKind.INT)
        .type(Ops::convTranspose2d)
        .special("conv_transpose2d");
    op("linear", 2, 3).type(Ops::linear).special("linear");
    op("matmul", 2, 2).type(Ops::matmul).relay("nn.batch_matmul").consts("transpose_b", false);
    op("batch_norm", 5, 5).attr("eps", AttrKind.FLOAT).type(Ops::batchNorm).special("batch_norm");
    // Normalizes over the last dimension.
    op("layer_norm", 3, 3)
        .attr("eps", AttrKind.FLOAT)
        .type(Ops::layerNorm)
        .relay("nn.layer_norm", "epsilon", "eps")
        .consts("axis", -1);
    // Eval-mode semantics: out-of-range indices are an error in PyTorch; clip keeps TVM in bounds.
    op("embedding", 2, 2).type(Ops::embedding).relay("take").consts("axis", 0, "mode", "clip");
    for (int n = 2; n <= 3; n++) {
      OpDef.TypeRule rule = n == 2 ? Ops::pool2d : Ops::pool3d;
      op("max_pool" + n + "d", 1, 1)
          .attr("kernel", AttrKind.INTS)
          .attr("strides", AttrKind.INTS)
          .attr("padding", AttrKind.INTS)
          .attr("ceil_mode", AttrKind.BOOL)
          .type(rule)
          .special("max_pool" + n + "d");
      op("avg_pool" + n + "d", 1, 1)
          .attr("kernel", AttrKind.INTS)
          .attr("strides", AttrKind.INTS)
          .attr("padding", AttrKind.INTS)
          .attr("ceil_mode", AttrKind.BOOL)
          .attr("count_include_pad", AttrKind.BOOL)
          .type(rule)
          .relay(
              "nn.avg_pool" + n + "d",
              "pool_size",
              "kernel",
              "strides",
              "strides",
              "padding",
              "padding",
              "ceil_mode",
              "ceil_mode",
              "count_include_pad",
              "count_include_pad");
    }
    op("adaptive_avg_pool3d", 1, 1)
        .attr("output_size", AttrKind.INTS)
        .type(Ops::adaptivePool3d)
        .relay("nn.adaptive_avg_pool3d", "output_size", "output_size");
    op("adaptive_avg_pool2d", 1, 1)
        .attr("output_size", AttrKind.INTS)
        .type(Ops::adaptivePool2d)
        .relay("nn.adaptive_avg_pool2d", "output_size", "output_size");

    // F.interpolate on NCHW: nearest (asymmetric coordinates, floor), bilinear or bicubic
    // (half_pixel,
    // or align_corners), as PyTorch maps output to input coordinates.
    op("resize2d", 1, 1)
        .attr("size", AttrKind.INTS)
        .attr("method", AttrKind.STR)
        .attr("coordinates", AttrKind.STR)
        .attr("rounding", AttrKind.STR)
        .type(Ops::resize2d)
        .relay(
            "image.resize2d",
            "size",
            "size",
            "method",
            "method",
            "coordinate_transformation_mode",
            "coordinates",
            "rounding_method",
            "rounding")
        // PyTorch's bicubic kernel (Keys, a = -0.75); neighbours past the border are clamped.
        .consts("cubic_alpha", -0.75, "cubic_exclude", 0);
    // F.grid_sample on NCHW: the grid as PyTorch has it, [N, H_out, W_out, 2] of (x, y) in [-1, 1];
    // the lowering hands it to TVM as [N, 2, H_out, W_out].
    op("grid_sample", 2, 2)
        .attr("method", AttrKind.STR)
        .attr("padding_mode", AttrKind.STR)
        .attr("align_corners", AttrKind.BOOL)
        .type(Ops::gridSample)
        .special("grid_sample");

    // Shapes and indexing.
    op("broadcast_to", 1, 1)
        .attr("shape", AttrKind.INTS)
        .type(Ops::broadcastTo)
        .relay("broadcast_to", "shape", "shape");
    op("reshape", 1, 1)
        .attr("shape", AttrKind.INTS)
        .type(Ops::reshape)
        .relay("reshape", "newshape", "shape");
    op("transpose", 1, 1)
        .attr("perm", AttrKind.INTS)
        .type(Ops::transpose)
        .relay("transpose", "axes", "perm");
    op("concat", 1, Integer.MAX_VALUE)
        .attr("axis", AttrKind.INT)
        .type(Ops::concat)
        .relay("concatenate", "axis", "axis")
        .listOperands();
    op("strided_slice", 1, 1)
        .attr("begin", AttrKind.INTS)
        .attr("end", AttrKind.INTS)
        .attr("strides", AttrKind.INTS)
        .type(Ops::stridedSlice)
        .relay("strided_slice", "begin", "begin", "end", "end", "strides", "strides");
    op("where", 3, 3).type(Ops::where).relay("where");
    op("clip", 1, 1)
        .attr("min", AttrKind.NUMBER)
        .attr("max", AttrKind.NUMBER)
        .type(sameTensor())
        .special("clip");
    op("gather", 2, 2).attr("axis", AttrKind.INT).type(Ops::gather).special("gather");
    // An out-of-range index is an error in PyTorch; clipping keeps TVM's reads in bounds.
    op("index_select", 2, 2)
        .attr("axis", AttrKind.INT)
        .type(Ops::indexSelect)
        .relay("take", "axis", "axis")
        .consts("mode", "clip");
    // PyTorch's scatter/scatter_add/index_add: updates (of the index's shape) written or reduced
    // into a copy of data along axis; out-of-range indices are clipped, as gather's are.
    op("scatter_elements", 3, 3)
        .attr("axis", AttrKind.INT)
        .attr("reduction", AttrKind.STR)
        .type(Ops::scatterElements)
        .special("scatter_elements");
    op("topk_values", 1, 1)
        .attr("k", AttrKind.INT)
        .attr("axis", AttrKind.INT)
        .attr("largest", AttrKind.BOOL)
        .type(topk(false))
        .special("topk_values");
    op("topk_indices", 1, 1)
        .attr("k", AttrKind.INT)
        .attr("axis", AttrKind.INT)
        .attr("largest", AttrKind.BOOL)
        .type(topk(true))
        .special("topk_indices");
    op("pad", 1, 1)
        .attr("pad_width", AttrKind.INTS)
        .attr("value", AttrKind.NUMBER)
        .type(Ops::pad)
        .special("pad");

    for (B b : BUILDERS) {
      TABLE.put(b.name, b.build());
    }
    BUILDERS.clear();
  }

  /** The op called {@code name}, if the IR has one. */
  public static Optional<OpDef> get(String name) {
    return Optional.ofNullable(TABLE.get(name));
  }

  /** Every op, in declaration order. */
  public static Collection<OpDef> all() {
    return java.util.Collections.unmodifiableCollection(TABLE.values());
  }

  // ------------------------------------------------------------------------------------------
  // Declaring

  private static B op(String name, int min, int max) {
    B b = new B(name, min, max);
    BUILDERS.add(b);
    return b;
  }

  /** Collects one declaration. */
  private static final class B {
    final String name;
    final int min;
    final int max;
    final ImmutableList.Builder<AttrSpec> attrs = ImmutableList.builder();
    TypeRule type;
    HostFn host;
    Lowering lowering;

    B(String name, int min, int max) {
      this.name = name;
      this.min = min;
      this.max = max;
    }

    B attr(String n, AttrKind kind) {
      attrs.add(new AttrSpec(n, kind, true));
      return this;
    }

    B type(TypeRule r) {
      type = r;
      return this;
    }

    B host(String method, Operands operands) {
      host = new HostFn(method, operands);
      return this;
    }

    B hostOnly() {
      lowering = new Lowering.None();
      return this;
    }

    B special(String fn) {
      lowering = new Lowering.Special(fn);
      return this;
    }

    /** A plain Relay call; {@code kwargAttr} pairs a Relay keyword with the attribute it takes. */
    B relay(String fn, String... kwargAttr) {
      ImmutableMap.Builder<String, String> m = ImmutableMap.builder();
      for (int i = 0; i < kwargAttr.length; i += 2) {
        m.put(kwargAttr[i], kwargAttr[i + 1]);
      }
      lowering = new Lowering.Relay(fn, m.build(), ImmutableMap.of(), false);
      return this;
    }

    /** Fixed keywords of the plain Relay call, as keyword-value pairs. */
    B consts(Object... kwValue) {
      Lowering.Relay r = (Lowering.Relay) lowering;
      ImmutableMap.Builder<String, Object> m = ImmutableMap.builder();
      for (int i = 0; i < kwValue.length; i += 2) {
        m.put((String) kwValue[i], kwValue[i + 1]);
      }
      lowering = new Lowering.Relay(r.fn(), r.attrs(), m.build(), r.listOperands());
      return this;
    }

    B listOperands() {
      Lowering.Relay r = (Lowering.Relay) lowering;
      lowering = new Lowering.Relay(r.fn(), r.attrs(), r.consts(), true);
      return this;
    }

    OpDef build() {
      if (type == null || lowering == null) {
        throw new IllegalStateException("op '" + name + "' needs a type rule and a lowering");
      }
      return new OpDef(name, min, max, attrs.build(), type, Optional.ofNullable(host), lowering);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Type rules

  private static Type declared(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    return OpRegistry.declared(op, in, attrs, declared);
  }

  private static TypeRule arith() {
    return (op, in, attrs, d) -> elementwise(op, in.get(0), in.get(1), false);
  }

  /** Like {@link #arith}, but on host scalars Python's true division: always a float. */
  private static Type trueDiv(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    Type t = elementwise(op, in.get(0), in.get(1), false);
    return t instanceof ScalarType ? new ScalarType(DType.F64) : t;
  }

  /** The operand's type; on a host bool Python's int ({@code -True == -1}). */
  private static Type unaryArith(String op, List<Type> in, Map<String, Attr> attrs, Type declared) {
    return in.get(0) instanceof ScalarType s && s.dtype() == DType.BOOL
        ? new ScalarType(DType.I64)
        : in.get(0);
  }

  private static TypeRule compare() {
    return (op, in, attrs, d) -> elementwise(op, in.get(0), in.get(1), true);
  }

  private static TypeRule sameTensor() {
    return (op, in, attrs, d) -> tensors(op, in).get(0);
  }

  private static Type withDtype(Type t, DType d) {
    return t instanceof TensorType tt ? tt.withDtype(d) : new ScalarType(d);
  }

  private static Type cast(String op, List<Type> in, Map<String, Attr> attrs, Type declared) {
    return withDtype(in.get(0), DType.fromIrName(((Attr.StrAttr) attrs.get("dtype")).value()));
  }

  private static Type round(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    if (!(in.get(0) instanceof ScalarType x) || x.dtype() == DType.BOOL) {
      throw new TypeError("round needs an int or float host scalar, got " + in.get(0));
    }
    if (in.size() == 1) {
      if (!x.dtype().isFloat()) {
        throw new TypeError("round of an int is the int itself; no op is needed");
      }
      return new ScalarType(DType.I64);
    }
    if (!(in.get(1) instanceof ScalarType n) || n.dtype().isFloat() || n.dtype() == DType.BOOL) {
      throw new TypeError("round's ndigits must be an int host scalar, got " + in.get(1));
    }
    return new ScalarType(x.dtype().isFloat() ? DType.F64 : DType.I64);
  }

  private static Type select(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    if (!(in.get(0) instanceof ScalarType c)
        || c.dtype() != DType.BOOL
        || !(in.get(1) instanceof ScalarType a)
        || !in.get(1).equals(in.get(2))) {
      throw new TypeError("select needs a bool and two host scalars of one dtype, got " + in);
    }
    return a;
  }

  private static Type checkIndex(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    for (Type t : in) {
      if (!(t instanceof ScalarType s) || s.dtype() != DType.I64) {
        throw new TypeError("check_index needs two int64 host scalars, got " + in);
      }
    }
    return new ScalarType(DType.I64);
  }

  private static Type item(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    TensorType x = tensors(op, in).get(0);
    if (x.numel() != 1) {
      throw new TypeError("item() needs a tensor with one element, got shape " + x.shape());
    }
    // A uint8 element is a Python int, as every other integer element.
    return new ScalarType(x.dtype() == DType.U8 ? DType.I64 : x.dtype());
  }

  private static Type itemAt(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    TensorType x = tensors(op, in).get(0);
    long index = ((Attr.IntAttr) attrs.get("index")).value();
    if (x.dtype() != DType.I64 || x.rank() != 1 || index < 0 || index >= x.numel()) {
      throw new TypeError("item_at(" + index + ") needs a 1-d int64 tensor that long, got " + x);
    }
    if (!(declared instanceof ScalarType)) {
      throw new TypeError("item_at must have a host scalar type, got " + declared);
    }
    return declared;
  }

  private static Type toTensor(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    if (!(in.get(0) instanceof ScalarType)) {
      throw new TypeError("to_tensor needs a host scalar, got " + in.get(0));
    }
    return new TensorType(
        DType.fromIrName(((Attr.StrAttr) attrs.get("dtype")).value()), ImmutableList.of());
  }

  private static Type reduce(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    TensorType x = tensors(op, in).get(0);
    return reduce(x, ints(attrs, "axes"), bool(attrs, "keepdims"), x.dtype());
  }

  private static Type argReduce(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    TensorType x = tensors(op, in).get(0);
    return reduce(x, new long[] {intAttr(attrs, "axis")}, bool(attrs, "keepdims"), DType.I64);
  }

  private static Type sameAlongAxis(
      String op, List<Type> in, Map<String, Attr> attrs, Type declared) throws TypeError {
    TensorType x = tensors(op, in).get(0);
    axis(x, intAttr(attrs, "axis"));
    return x;
  }

  private static Type conv2d(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    List<TensorType> t = tensors(op, in);
    TensorType x = t.get(0);
    TensorType w = t.get(1);
    if (x.rank() != 4 || w.rank() != 4) {
      throw new TypeError("conv2d expects a 4-d input and weight, got " + x + " and " + w);
    }
    long[] s = ints(attrs, "strides");
    long[] p = ints(attrs, "padding");
    long[] d = ints(attrs, "dilation");
    long groups = intAttr(attrs, "groups");
    long cin = x.shape().get(1);
    if (cin != w.shape().get(1) * groups) {
      throw new TypeError(
          "conv2d: input has "
              + cin
              + " channels but weight "
              + w
              + " with groups="
              + groups
              + " expects "
              + w.shape().get(1) * groups);
    }
    if (t.size() == 3
        && (t.get(2).rank() != 1 || !t.get(2).shape().get(0).equals(w.shape().get(0)))) {
      throw new TypeError(
          "conv2d: bias " + t.get(2) + " does not match " + w.shape().get(0) + " output channels");
    }
    long h = window(x.shape().get(2), w.shape().get(2), s[0], p[0] + p[2], d[0], false);
    long wd = window(x.shape().get(3), w.shape().get(3), s[1], p[1] + p[3], d[1], false);
    return TensorType.of(x.dtype(), x.shape().get(0), w.shape().get(0), h, wd);
  }

  private static Type conv3d(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    List<TensorType> t = tensors(op, in);
    TensorType x = t.get(0);
    TensorType w = t.get(1);
    if (x.rank() != 5 || w.rank() != 5) {
      throw new TypeError("conv3d expects a 5-d input and weight, got " + x + " and " + w);
    }
    long[] s = ints(attrs, "strides");
    long[] p = ints(attrs, "padding");
    long[] d = ints(attrs, "dilation");
    long groups = intAttr(attrs, "groups");
    if (groups <= 0 || x.shape().get(1) != w.shape().get(1) * groups) {
      throw new TypeError(
          "conv3d: input " + x + " does not match weight " + w + " with groups=" + groups);
    }
    if (t.size() == 3
        && (t.get(2).rank() != 1 || !t.get(2).shape().get(0).equals(w.shape().get(0)))) {
      throw new TypeError(
          "conv3d: bias " + t.get(2) + " does not match " + w.shape().get(0) + " output channels");
    }
    long[] out = new long[5];
    out[0] = x.shape().get(0);
    out[1] = w.shape().get(0);
    for (int i = 0; i < 3; i++) {
      out[2 + i] =
          window(x.shape().get(2 + i), w.shape().get(2 + i), s[i], p[i] + p[i + 3], d[i], false);
    }
    return TensorType.of(x.dtype(), out);
  }

  private static Type pool3d(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    TensorType x = tensors(op, in).get(0);
    if (x.rank() != 5) {
      throw new TypeError(op + " expects a 5-d input, got " + x);
    }
    long[] k = ints(attrs, "kernel");
    long[] s = ints(attrs, "strides");
    long[] p = ints(attrs, "padding");
    boolean ceil = bool(attrs, "ceil_mode");
    long[] out = {x.shape().get(0), x.shape().get(1), 0, 0, 0};
    for (int i = 0; i < 3; i++) {
      out[2 + i] = window(x.shape().get(2 + i), k[i], s[i], p[i] + p[i + 3], 1, ceil);
    }
    return TensorType.of(x.dtype(), out);
  }

  private static Type adaptivePool3d(
      String op, List<Type> in, Map<String, Attr> attrs, Type declared) throws TypeError {
    TensorType x = tensors(op, in).get(0);
    long[] o = ints(attrs, "output_size");
    if (x.rank() != 5 || o.length != 3) {
      throw new TypeError("adaptive_avg_pool3d expects a 5-d input and 3 output sizes");
    }
    return TensorType.of(x.dtype(), x.shape().get(0), x.shape().get(1), o[0], o[1], o[2]);
  }

  private static Type convTranspose2d(
      String op, List<Type> in, Map<String, Attr> attrs, Type declared) throws TypeError {
    List<TensorType> t = tensors(op, in);
    TensorType x = t.get(0);
    TensorType w = t.get(1);
    if (x.rank() != 4 || w.rank() != 4) {
      throw new TypeError(
          "conv_transpose2d expects a 4-d input and weight, got " + x + " and " + w);
    }
    long[] s = ints(attrs, "strides");
    long[] p = ints(attrs, "padding");
    long[] op2 = ints(attrs, "output_padding");
    long[] d = ints(attrs, "dilation");
    long groups = intAttr(attrs, "groups");
    if (groups <= 0 || !x.shape().get(1).equals(w.shape().get(0))) {
      throw new TypeError(
          "conv_transpose2d: input " + x + " does not match weight " + w + " (in channels first)");
    }
    long cout = w.shape().get(1) * groups;
    if (t.size() == 3 && (t.get(2).rank() != 1 || t.get(2).shape().get(0) != cout)) {
      throw new TypeError(
          "conv_transpose2d: bias " + t.get(2) + " does not match " + cout + " output channels");
    }
    long[] out = new long[2];
    for (int i = 0; i < 2; i++) {
      long k = w.shape().get(2 + i);
      if (s[i] <= 0 || d[i] <= 0 || p[i] < 0 || op2[i] < 0 || op2[i] >= Math.max(s[i], d[i])) {
        throw new TypeError(
            "conv_transpose2d needs positive strides and dilation, non-negative padding, and an"
                + " output padding smaller than the stride or the dilation");
      }
      out[i] = (x.shape().get(2 + i) - 1) * s[i] - 2 * p[i] + d[i] * (k - 1) + op2[i] + 1;
      if (out[i] <= 0) {
        throw new TypeError("conv_transpose2d output size " + out[i] + " is not positive");
      }
    }
    return TensorType.of(x.dtype(), x.shape().get(0), cout, out[0], out[1]);
  }

  private static Type batchNorm(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    List<TensorType> t = tensors(op, in);
    TensorType x = t.get(0);
    if (x.rank() < 2) {
      throw new TypeError("batch_norm expects at least a 2-d input, got " + x);
    }
    for (int i = 1; i < 5; i++) {
      if (t.get(i).rank() != 1 || !t.get(i).shape().get(0).equals(x.shape().get(1))) {
        throw new TypeError(
            "batch_norm: statistics "
                + t.get(i)
                + " do not match "
                + x.shape().get(1)
                + " channels");
      }
    }
    return x;
  }

  private static Type broadcastTo(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    TensorType x = tensors(op, in).get(0);
    long[] shape = ints(attrs, "shape");
    TensorType target = TensorType.of(x.dtype(), shape);
    if (x.rank() > shape.length
        || !broadcast("broadcast_to", x, target, x.dtype()).equals(target)) {
      throw new TypeError("cannot expand " + x + " to " + attrs.get("shape"));
    }
    return target;
  }

  /** Normalizes over the last dimension; gamma and beta have its size. */
  private static Type layerNorm(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    List<TensorType> t = tensors(op, in);
    TensorType x = t.get(0);
    if (x.rank() < 1) {
      throw new TypeError("layer_norm expects at least a 1-d input, got " + x);
    }
    long d = x.shape().get(x.rank() - 1);
    for (int i = 1; i < 3; i++) {
      if (t.get(i).rank() != 1 || t.get(i).shape().get(0) != d) {
        throw new TypeError("layer_norm: " + t.get(i) + " does not match the normalized size " + d);
      }
    }
    return x;
  }

  /** Rows of the weight table selected by integer indices: indices.shape + [dim]. */
  private static Type embedding(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    List<TensorType> t = tensors(op, in);
    TensorType w = t.get(0);
    TensorType idx = t.get(1);
    if (w.rank() != 2) {
      throw new TypeError("embedding table must be 2-d, got " + w);
    }
    if (idx.dtype().isFloat() || idx.dtype() == DType.BOOL) {
      throw new TypeError("embedding indices must be integers, got " + idx);
    }
    List<Long> shape = new ArrayList<>(idx.shape());
    shape.add(w.shape().get(1));
    return new TensorType(w.dtype(), ImmutableList.copyOf(shape));
  }

  private static Type linear(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    List<TensorType> t = tensors(op, in);
    TensorType x = t.get(0);
    TensorType w = t.get(1);
    if (w.rank() != 2 || x.rank() < 1 || !x.shape().get(x.rank() - 1).equals(w.shape().get(1))) {
      throw new TypeError("linear: input " + x + " does not fit weight " + w);
    }
    List<Long> shape = new ArrayList<>(x.shape().subList(0, x.rank() - 1));
    shape.add(w.shape().get(0));
    return new TensorType(x.dtype(), ImmutableList.copyOf(shape));
  }

  private static Type matmul(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    List<TensorType> t = tensors(op, in);
    TensorType a = t.get(0);
    TensorType b = t.get(1);
    if (a.rank() < 2
        || b.rank() < 2
        || !a.shape().get(a.rank() - 1).equals(b.shape().get(b.rank() - 2))) {
      throw new TypeError("matmul: shapes " + a.shape() + " and " + b.shape() + " do not fit");
    }
    if (a.rank() != b.rank()
        || !a.shape().subList(0, a.rank() - 2).equals(b.shape().subList(0, b.rank() - 2))) {
      throw new TypeError(
          "matmul: batch dimensions of " + a.shape() + " and " + b.shape() + " differ");
    }
    List<Long> shape = new ArrayList<>(a.shape().subList(0, a.rank() - 1));
    shape.add(b.shape().get(b.rank() - 1));
    return new TensorType(a.dtype(), ImmutableList.copyOf(shape));
  }

  private static Type pool2d(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    TensorType x = tensors(op, in).get(0);
    if (x.rank() != 4) {
      throw new TypeError(op + " expects a 4-d input, got " + x);
    }
    long[] k = ints(attrs, "kernel");
    long[] s = ints(attrs, "strides");
    long[] p = ints(attrs, "padding");
    boolean ceil = bool(attrs, "ceil_mode");
    long h = window(x.shape().get(2), k[0], s[0], p[0] + p[2], 1, ceil);
    long w = window(x.shape().get(3), k[1], s[1], p[1] + p[3], 1, ceil);
    return TensorType.of(x.dtype(), x.shape().get(0), x.shape().get(1), h, w);
  }

  private static Type adaptivePool2d(
      String op, List<Type> in, Map<String, Attr> attrs, Type declared) throws TypeError {
    TensorType x = tensors(op, in).get(0);
    long[] o = ints(attrs, "output_size");
    if (x.rank() != 4 || o.length != 2) {
      throw new TypeError("adaptive_avg_pool2d expects a 4-d input and 2 output sizes");
    }
    return TensorType.of(x.dtype(), x.shape().get(0), x.shape().get(1), o[0], o[1]);
  }

  private static Type resize2d(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    TensorType x = tensors(op, in).get(0);
    long[] o = ints(attrs, "size");
    if (x.rank() != 4 || o.length != 2 || o[0] < 1 || o[1] < 1) {
      throw new TypeError("resize2d expects a 4-d input and 2 positive output sizes");
    }
    if (!x.dtype().isFloat()) {
      throw new TypeError("resize2d expects a floating-point input, got " + x);
    }
    return TensorType.of(x.dtype(), x.shape().get(0), x.shape().get(1), o[0], o[1]);
  }

  private static Type gridSample(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    List<TensorType> t = tensors(op, in);
    TensorType x = t.get(0);
    TensorType g = t.get(1);
    if (x.rank() != 4 || g.rank() != 4 || g.shape().get(3) != 2) {
      throw new TypeError(
          "grid_sample expects a 4-d input and a grid [N, H, W, 2], got " + x + ", " + g);
    }
    if (!x.dtype().isFloat() || g.dtype() != x.dtype()) {
      throw new TypeError(
          "grid_sample expects floating-point input and grid of one dtype, got " + x + ", " + g);
    }
    if (!x.shape().get(0).equals(g.shape().get(0))) {
      throw new TypeError("grid_sample: the grid's batch " + g + " differs from the input's " + x);
    }
    return TensorType.of(
        x.dtype(), x.shape().get(0), x.shape().get(1), g.shape().get(1), g.shape().get(2));
  }

  private static Type reshape(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    TensorType x = tensors(op, in).get(0);
    long[] shape = ints(attrs, "shape");
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new TypeError("reshape: shape " + attrs.get("shape") + " must be fully resolved");
      }
      n *= d;
    }
    if (n != x.numel()) {
      throw new TypeError(
          "cannot reshape " + x + " (" + x.numel() + " elements) to " + attrs.get("shape"));
    }
    return TensorType.of(x.dtype(), shape);
  }

  private static Type transpose(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    TensorType x = tensors(op, in).get(0);
    long[] perm = ints(attrs, "perm");
    if (perm.length != x.rank()) {
      throw new TypeError("transpose: permutation " + attrs.get("perm") + " does not fit " + x);
    }
    long[] out = new long[perm.length];
    boolean[] seen = new boolean[perm.length];
    for (int i = 0; i < perm.length; i++) {
      if (perm[i] < 0 || perm[i] >= perm.length || seen[(int) perm[i]]) {
        throw new TypeError("transpose: " + attrs.get("perm") + " is not a permutation");
      }
      seen[(int) perm[i]] = true;
      out[i] = x.shape().get((int) perm[i]);
    }
    return TensorType.of(x.dtype(), out);
  }

  private static Type concat(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    List<TensorType> t = tensors(op, in);
    int axis = axis(t.get(0), intAttr(attrs, "axis"));
    long total = 0;
    for (TensorType x : t) {
      if (x.rank() != t.get(0).rank() || x.dtype() != t.get(0).dtype()) {
        throw new TypeError("concat: " + x + " does not fit " + t.get(0));
      }
      for (int i = 0; i < x.rank(); i++) {
        if (i != axis && !x.shape().get(i).equals(t.get(0).shape().get(i))) {
          throw new TypeError(
              "concat: " + x + " differs from " + t.get(0) + " outside axis " + axis);
        }
      }
      total += x.shape().get(axis);
    }
    List<Long> shape = new ArrayList<>(t.get(0).shape());
    shape.set(axis, total);
    return new TensorType(t.get(0).dtype(), ImmutableList.copyOf(shape));
  }

  private static Type where(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    List<TensorType> t = tensors(op, in);
    Type ab = elementwise(op, t.get(1), t.get(2), false);
    return broadcast(op, t.get(0), (TensorType) ab, ((TensorType) ab).dtype());
  }

  private static Type stridedSlice(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    TensorType x = tensors(op, in).get(0);
    long[] b = ints(attrs, "begin");
    long[] e = ints(attrs, "end");
    long[] s = ints(attrs, "strides");
    if (b.length != x.rank() || e.length != x.rank() || s.length != x.rank()) {
      throw new TypeError(
          "strided_slice: begin/end/strides must have one entry per dimension of " + x);
    }
    long[] out = new long[x.rank()];
    for (int i = 0; i < x.rank(); i++) {
      if (s[i] <= 0 || b[i] < 0 || e[i] > x.shape().get(i) || b[i] > e[i]) {
        throw new TypeError(
            "strided_slice: slice " + b[i] + ":" + e[i] + ":" + s[i] + " out of range for " + x);
      }
      out[i] = (e[i] - b[i] + s[i] - 1) / s[i];
    }
    return TensorType.of(x.dtype(), out);
  }

  private static Type scatterElements(
      String op, List<Type> in, Map<String, Attr> attrs, Type declared) throws TypeError {
    List<TensorType> t = tensors(op, in);
    TensorType x = t.get(0);
    TensorType idx = t.get(1);
    TensorType upd = t.get(2);
    int ax = axis(x, intAttr(attrs, "axis"));
    if (idx.dtype().isFloat() || idx.dtype() == DType.BOOL || idx.rank() != x.rank()) {
      throw new TypeError(
          "scatter_elements: index " + idx + " must be an integer tensor of the rank of " + x);
    }
    if (!upd.shape().equals(idx.shape()) || upd.dtype() != x.dtype()) {
      throw new TypeError(
          "scatter_elements: updates "
              + upd
              + " must have the index's shape and "
              + x
              + "'s dtype");
    }
    for (int i = 0; i < x.rank(); i++) {
      if (i != ax && idx.shape().get(i) > x.shape().get(i)) {
        throw new TypeError(
            "scatter_elements: index " + idx + " is larger than " + x + " outside dimension " + ax);
      }
    }
    String r = ((Attr.StrAttr) attrs.get("reduction")).value();
    if (!List.of("update", "add", "mul", "max", "min").contains(r)) {
      throw new TypeError(
          "scatter_elements: reduction must be update, add, mul, max or min, got " + r);
    }
    return x;
  }

  private static Type gather(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    List<TensorType> t = tensors(op, in);
    TensorType x = t.get(0);
    TensorType idx = t.get(1);
    int ax = axis(x, intAttr(attrs, "axis"));
    if (idx.dtype().isFloat() || idx.rank() != x.rank()) {
      throw new TypeError(
          "gather: index " + idx + " must be an integer tensor of the rank of " + x);
    }
    for (int i = 0; i < x.rank(); i++) {
      if (i != ax && idx.shape().get(i) > x.shape().get(i)) {
        throw new TypeError(
            "gather: index " + idx + " is larger than " + x + " outside dimension " + ax);
      }
    }
    return idx.withDtype(x.dtype());
  }

  private static Type indexSelect(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    List<TensorType> t = tensors(op, in);
    TensorType x = t.get(0);
    TensorType idx = t.get(1);
    int ax = axis(x, intAttr(attrs, "axis"));
    if (idx.dtype().isFloat() || idx.rank() > 1) {
      throw new TypeError("index_select: index " + idx + " must be a 1-d integer tensor");
    }
    List<Long> shape = new ArrayList<>(x.shape());
    shape.set(ax, idx.numel());
    return new TensorType(x.dtype(), ImmutableList.copyOf(shape));
  }

  /** The k largest (or smallest) along an axis: their values, or their int64 indices. */
  private static TypeRule topk(boolean indices) {
    return (op, in, attrs, declared) -> {
      TensorType x = tensors(op, in).get(0);
      int ax = axis(x, intAttr(attrs, "axis"));
      long k = intAttr(attrs, "k");
      if (k < 0 || k > x.shape().get(ax)) {
        throw new TypeError("topk: k=" + k + " is out of range for dimension " + ax + " of " + x);
      }
      List<Long> shape = new ArrayList<>(x.shape());
      shape.set(ax, k);
      return new TensorType(indices ? DType.I64 : x.dtype(), ImmutableList.copyOf(shape));
    };
  }

  private static Type pad(String op, List<Type> in, Map<String, Attr> attrs, Type declared)
      throws TypeError {
    TensorType x = tensors(op, in).get(0);
    long[] w = ints(attrs, "pad_width");
    if (w.length != 2 * x.rank()) {
      throw new TypeError(
          "pad: pad_width " + attrs.get("pad_width") + " needs two entries per dimension of " + x);
    }
    long[] out = new long[x.rank()];
    for (int i = 0; i < out.length; i++) {
      if (w[2 * i] < 0 || w[2 * i + 1] < 0) {
        throw new TypeError("pad: negative padding " + attrs.get("pad_width"));
      }
      out[i] = x.shape().get(i) + w[2 * i] + w[2 * i + 1];
    }
    return TensorType.of(x.dtype(), out);
  }

  // ------------------------------------------------------------------------------------------
  // Rule helpers

  private static Type elementwise(String name, Type a, Type b, boolean boolResult)
      throws TypeError {
    if (a instanceof ScalarType sa && b instanceof ScalarType sb) {
      // Python's arithmetic on two bools gives an int (True + True == 2).
      DType d = promote(sa.dtype(), sb.dtype());
      return new ScalarType(boolResult ? DType.BOOL : d == DType.BOOL ? DType.I64 : d);
    }
    if (a instanceof TensorType ta && b instanceof TensorType tb) {
      if (ta.dtype() != tb.dtype()) {
        throw new TypeError(name + ": operand dtypes differ (" + ta + " and " + tb + ")");
      }
      return broadcast(name, ta, tb, boolResult ? DType.BOOL : ta.dtype());
    }
    throw new TypeError(name + ": cannot mix a host scalar and a tensor (" + a + ", " + b + ")");
  }

  private static DType promote(DType a, DType b) {
    for (DType d : List.of(DType.F64, DType.F32, DType.I64, DType.I32)) {
      if (a == d || b == d) {
        return d;
      }
    }
    return a;
  }

  /** Numpy broadcasting of two shapes. */
  public static TensorType broadcast(String name, TensorType a, TensorType b, DType dtype)
      throws TypeError {
    int rank = Math.max(a.rank(), b.rank());
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      int ia = a.rank() - rank + i;
      int ib = b.rank() - rank + i;
      long da = ia >= 0 ? a.shape().get(ia) : 1;
      long db = ib >= 0 ? b.shape().get(ib) : 1;
      if (da != db && da != 1 && db != 1) {
        throw new TypeError(
            name + ": shapes " + a.shape() + " and " + b.shape() + " do not broadcast");
      }
      out[i] = da == 1 ? db : da;
    }
    return TensorType.of(dtype, out);
  }

  private static TensorType reduce(TensorType x, long[] axes, boolean keepdims, DType dtype)
      throws TypeError {
    boolean[] reduced = new boolean[x.rank()];
    for (long a : axes) {
      reduced[axis(x, a)] = true;
    }
    List<Long> shape = new ArrayList<>();
    for (int i = 0; i < x.rank(); i++) {
      if (!reduced[i]) {
        shape.add(x.shape().get(i));
      } else if (keepdims) {
        shape.add(1L);
      }
    }
    return new TensorType(dtype, ImmutableList.copyOf(shape));
  }

  private static int axis(TensorType x, long axis) throws TypeError {
    if (axis < 0 || axis >= Math.max(1, x.rank())) {
      throw new TypeError("axis " + axis + " is out of range for " + x);
    }
    return (int) axis;
  }

  private static long window(long in, long k, long s, long pad, long dil, boolean ceil)
      throws TypeError {
    if (s <= 0 || k <= 0 || dil <= 0 || pad < 0) {
      throw new TypeError(
          "window needs positive kernel, stride and dilation and non-negative padding (kernel "
              + k
              + ", stride "
              + s
              + ", dilation "
              + dil
              + ", padding "
              + pad
              + ")");
    }
    long eff = dil * (k - 1) + 1;
    long num = in + pad - eff;
    if (num < 0) {
      throw new TypeError(
          "window of size "
              + k
              + " does not fit an input of size "
              + in
              + " (padding "
              + pad
              + ")");
    }
    long out = (ceil ? (num + s - 1) / s : num / s) + 1;
    // PyTorch rule: with ceil_mode the last window must start inside the input or left padding.
    if (ceil && (out - 1) * s >= in + pad / 2) {
      out--;
    }
    return out;
  }

  private static long[] ints(Map<String, Attr> attrs, String key) {
    return ((Attr.IntsAttr) attrs.get(key)).toArray();
  }

  private static long intAttr(Map<String, Attr> attrs, String key) {
    return ((Attr.IntAttr) attrs.get(key)).value();
  }

  private static boolean bool(Map<String, Attr> attrs, String key) {
    return ((Attr.BoolAttr) attrs.get(key)).value();
  }

  private static List<TensorType> tensors(String name, List<Type> in) throws TypeError {
    List<TensorType> out = new ArrayList<>();
    for (Type t : in) {
      if (!(t instanceof TensorType tt)) {
        throw new TypeError("op '" + name + "' needs tensor operands, got host scalar " + t);
      }
      out.add(tt);
    }
    return out;
  }
}
