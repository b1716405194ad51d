package dev.dynnc.frontend.eval;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.*;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * MultiheadAttention and the Transformer encoder and decoder layers and stacks, in eval mode
 * (dropout is the identity). Parameters and submodules keep PyTorch's names ({@code
 * in_proj_weight}, {@code out_proj}, {@code layers.0.self_attn}, ...), so checkpoints load as they
 * are. Attention follows F.multi_head_attention_forward; where PyTorch 1.13's fast paths change a
 * result (a float key_padding_mask read as bool, the encoder's nested-tensor path zeroing padded
 * positions), the compiled model does the same.
 */
final class Attention {
  private Attention() {}

  static void declare(TorchRegistry r) {
    r.layer(
        "eval mode; add_bias_kv=False and add_zero_attn=False only; attn_mask and"
            + " key_padding_mask bool or float32",
        new MultiheadAttention());
    String activation = "activation 'relu', 'gelu' or a callable; dropout is the identity";
    r.layer(activation, new EncoderLayer());
    r.layer(activation, new DecoderLayer());
    r.layer(
        "with a src_key_padding_mask on PyTorch's nested-tensor path, padded positions are zero"
            + " and a run-time check stops the model where PyTorch would return a shorter sequence",
        new Encoder());
    r.layer("", new Decoder());
    r.layer(
        "an encoder and a decoder stack as PyTorch builds them (custom_encoder and custom_decoder"
            + " too); the static generate_square_subsequent_mask(sz) is a constant",
        new Transformer());
  }

  /**
   * nn.Transformer's static {@code generate_square_subsequent_mask(sz, device='cpu')}: [sz, sz]
   * float32, -inf above the diagonal and 0 elsewhere. Called on an instance, the instance comes
   * first and is dropped.
   */
  static void addStatics(PyClass transformer) {
    transformer.dict.put(
        "generate_square_subsequent_mask",
        new Values.Builtin(
            "generate_square_subsequent_mask",
            (it, a, kw, at) -> {
              List<Object> args = new ArrayList<>(a);
              if (!args.isEmpty() && args.get(0) instanceof PyObject o && o.module != null) {
                args.remove(0);
              }
              BoundArgs p = BoundArgs.bind(SQUARE_MASK, it, args, kw, at);
              long sz = p.integer("sz");
              if (sz <= 0) {
                throw Interpreter.error(
                    Code.DN0202,
                    at,
                    "generate_square_subsequent_mask: size "
                        + sz
                        + " is not supported: compiled tensors have no zero-sized dimensions");
              }
              TorchLib t = it.torch;
              if (it.staging == null) {
                return new Values.TensorSlot(TensorType.of(DType.F32, sz, sz), at, false);
              }
              SymTensor rows =
                  t.reshape(
                      ShapeFunctions.arange(t, 0, 1, sz, DType.I64, at), new long[] {sz, 1}, at);
              SymTensor cols =
                  t.reshape(
                      ShapeFunctions.arange(t, 0, 1, sz, DType.I64, at), new long[] {1, sz}, at);
              SymTensor above = (SymTensor) t.compare(">", cols, rows, at);
              return TensorFunctions.where(t, above, Double.NEGATIVE_INFINITY, 0.0, at);
            }));
  }

  private static final Schema SQUARE_MASK =
      Schema.parse("generate_square_subsequent_mask(int sz, Any device='cpu') -> Tensor");

  // ------------------------------------------------------------------------------------------
  // MultiheadAttention

  static final class MultiheadAttention extends NnLayers.Declared {
    private static final Schema FORWARD =
        Schema.parse(
            "forward(Tensor query, Tensor key, Tensor value, Tensor? key_padding_mask=None,"
                + " bool need_weights=True, Tensor? attn_mask=None, bool average_attn_weights=True)"
                + " -> Any");

    MultiheadAttention() {
      super(
          "MultiheadAttention(int embed_dim, int num_heads, float dropout=0.0, bool bias=True,"
              + " bool add_bias_kv=False, bool add_zero_attn=False, int? kdim=None, int? vdim=None,"
              + " bool batch_first=False, Device? device=None, ScalarType? dtype=None)"
              + " -> MultiheadAttention");
    }

    @Override
    void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
      long e = p.integer("embed_dim", 1);
      long heads = p.integer("num_heads", 1);
      long kdim = p.isNone("kdim") ? e : p.integer("kdim", 1);
      long vdim = p.isNone("vdim") ? e : p.integer("vdim", 1);
      for (String flag : List.of("add_bias_kv", "add_zero_attn")) {
        if (p.bool(flag)) {
          throw Interpreter.error(
              Code.DN0201,
              at,
              "nn.MultiheadAttention with " + flag + "=True is not supported yet",
              "leave " + flag + "=False (the default)");
        }
      }
      if (e % heads != 0) {
        throw Interpreter.error(Code.DN0103, at, "embed_dim must be divisible by num_heads");
      }
      boolean same = kdim == e && vdim == e;
      boolean bias = p.bool("bias");
      self.dict.put("embed_dim", e);
      self.dict.put("kdim", kdim);
      self.dict.put("vdim", vdim);
      self.dict.put("_qkv_same_embed_dim", same);
      self.dict.put("num_heads", heads);
      self.dict.put("dropout", p.real("dropout"));
      self.dict.put("batch_first", p.bool("batch_first"));
      self.dict.put("head_dim", e / heads);
      if (same) {
        NnLayers.param(self, "in_proj_weight", TensorType.of(DType.F32, 3 * e, e), at);
        for (String w : List.of("q_proj_weight", "k_proj_weight", "v_proj_weight")) {
          self.dict.put(w, Values.NONE);
        }
      } else {
        NnLayers.param(self, "q_proj_weight", TensorType.of(DType.F32, e, e), at);
        NnLayers.param(self, "k_proj_weight", TensorType.of(DType.F32, e, kdim), at);
        NnLayers.param(self, "v_proj_weight", TensorType.of(DType.F32, e, vdim), at);
        self.dict.put("in_proj_weight", Values.NONE);
      }
      if (bias) {
        NnLayers.param(self, "in_proj_bias", TensorType.of(DType.F32, 3 * e), at);
      } else {
        self.dict.put("in_proj_bias", Values.NONE);
      }
      // PyTorch's NonDynamicallyQuantizableLinear is a Linear.
      set(in, self, "out_proj", make(in, "Linear", List.of(e, e), Map.of("bias", bias), at), at);
      self.dict.put("bias_k", Values.NONE);
      self.dict.put("bias_v", Values.NONE);
      self.dict.put("add_zero_attn", false);
    }

    @Override
    public Object forward(
        Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
      BoundArgs p = BoundArgs.bind(FORWARD, in, a, kw, at);
      return attend(
          in,
          self,
          p.tensor("query"),
          p.tensor("key"),
          p.tensor("value"),
          p.tensorOrNull("key_padding_mask"),
          p.bool("need_weights"),
          p.tensorOrNull("attn_mask"),
          p.bool("average_attn_weights"),
          at);
    }
  }

  /** MultiheadAttention.forward: returns (output, weights or None). */
  private static PyTuple attend(
      Interpreter in,
      PyObject self,
      SymTensor query,
      SymTensor key,
      SymTensor value,
      SymTensor kpm,
      boolean needWeights,
      SymTensor mask,
      boolean average,
      Span at) {
    TorchLib t = in.torch;
    long embed = count(self, "embed_dim", at);
    long heads = count(self, "num_heads", at);
    boolean batchFirst = flag(self, "batch_first");
    boolean same = flag(self, "_qkv_same_embed_dim");
    boolean batched = query.type().rank() == 3;
    checkKeyPaddingDtype(kpm, at);
    // PyTorch's fast path (self-attention without attn_mask) reads a float key_padding_mask as
    // bool.
    if (batched
        && query.equals(key)
        && key.equals(value)
        && batchFirst
        && Operators.toDouble(self.dict.get("dropout")) == 0
        && same
        && mask == null
        && heads % 2 == 0) {
      kpm = asBool(t, kpm, at);
    }
    shapeCheck(query, key, value, kpm, mask, heads, at);
    // Work batch-major: [N, L, E].
    boolean kIsV = key.equals(value);
    if (!batched) {
      query = unsqueeze(t, query, 0, at);
      key = unsqueeze(t, key, 0, at);
      value = unsqueeze(t, value, 0, at);
      kpm = kpm == null ? null : unsqueeze(t, kpm, 0, at);
    } else if (!batchFirst) {
      query = swap01(t, query, at);
      key = swap01(t, key, at);
      value = swap01(t, value, at);
    }
    long n = query.type().dims()[0];
    long l = query.type().dims()[1];
    long s = key.type().dims()[1];
    long eq = query.type().dims()[2];
    long[] kd = key.type().dims();
    long[] vd = value.type().dims();
    if (eq != embed) {
      throw Interpreter.error(
          Code.DN0202, at, "was expecting embedding dimension of " + embed + ", but got " + eq);
    }
    if (same && !java.util.Arrays.equals(kd, vd)) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "key shape "
              + size(kd[1], kd[0], kd[2])
              + " does not match value shape "
              + size(vd[1], vd[0], vd[2]));
    }
    if (!same && (kd[0] != vd[0] || kd[1] != vd[1])) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "key's sequence and batch dims "
              + size(kd[1], kd[0])
              + " do not match value's "
              + size(vd[1], vd[0]));
    }
    for (SymTensor x : List.of(query, key, value)) {
      if (x.type().dtype() != DType.F32) {
        throw Interpreter.error(Code.DN0202, at, "mat1 and mat2 must have the same dtype");
      }
    }
    // In-projection.
    SymTensor bias =
        NnLayers.hasParam(self, "in_proj_bias")
            ? NnLayers.weight(in, self, "in_proj_bias", at)
            : null;
    SymTensor[] w = new SymTensor[3];
    if (same) {
      SymTensor packed = NnLayers.weight(in, self, "in_proj_weight", at);
      for (int i = 0; i < 3; i++) {
        w[i] = Recurrent.slice(t, packed, 0, i * embed, (i + 1) * embed, at);
      }
      if (kd[2] != embed) {
        long cols = kIsV && !query.equals(key) ? 2 * embed : embed;
        throw Interpreter.error(
            Code.DN0202,
            at,
            "mat1 and mat2 shapes cannot be multiplied ("
                + kd[0] * kd[1]
                + "x"
                + kd[2]
                + " and "
                + embed
                + "x"
                + cols
                + ")");
      }
    } else {
      String[] names = {"q_proj_weight", "k_proj_weight", "v_proj_weight"};
      long[] widths = {eq, kd[2], vd[2]};
      String[] what = {"query", "key", "value"};
      for (int i = 0; i < 3; i++) {
        w[i] = NnLayers.weight(in, self, names[i], at);
        long[] ws = w[i].type().dims();
        if (ws[0] != embed || ws[1] != widths[i]) {
          throw Interpreter.error(
              Code.DN0202,
              at,
              "expecting "
                  + what[i]
                  + " weights shape of ("
                  + embed
                  + ", "
                  + widths[i]
                  + "), but got "
                  + size(ws));
        }
      }
    }
    SymTensor[] x = {query, key, value};
    SymTensor[] proj = new SymTensor[3];
    for (int i = 0; i < 3; i++) {
      List<SymTensor> ops = new ArrayList<>(List.of(x[i], w[i]));
      if (bias != null) {
        ops.add(Recurrent.slice(t, bias, 0, i * embed, (i + 1) * embed, at));
      }
      proj[i] = t.op("linear", ops, Map.of(), at);
    }
    for (long[] dims : List.of(kd, vd)) {
      if (dims[0] != n) {
        // PyTorch's view of k or v into [S, N * H, D] fails.
        throw Interpreter.error(
            Code.DN0202,
            at,
            "shape '["
                + dims[1]
                + ", "
                + n * heads
                + ", "
                + embed / heads
                + "]' is invalid for input of size "
                + dims[0] * dims[1] * embed);
      }
    }
    SymTensor additive = additiveMask(t, mask, kpm, n, heads, l, s, at);
    long d = embed / heads;
    // q: [N, H, L, D]; k: [N, H, D, S]; v: [N, H, S, D].
    SymTensor q = permute(t, t.reshape(proj[0], new long[] {n, l, heads, d}, at), at, 0, 2, 1, 3);
    SymTensor k = permute(t, t.reshape(proj[1], new long[] {n, s, heads, d}, at), at, 0, 2, 3, 1);
    SymTensor v = permute(t, t.reshape(proj[2], new long[] {n, s, heads, d}, at), at, 0, 2, 1, 3);
    SymTensor scores = t.matmul((SymTensor) t.binary("/", q, Math.sqrt(d), at), k, at);
    if (additive != null) {
      scores = (SymTensor) t.binary("+", additive, scores, at);
    }
    SymTensor weights = t.op("softmax", List.of(scores), Map.of("axis", Attr.of(3L)), at);
    SymTensor out = permute(t, t.matmul(weights, v, at), at, 0, 2, 1, 3);
    out = t.reshape(out, new long[] {n, l, embed}, at);
    PyObject outProj = child(self, "out_proj", at);
    List<SymTensor> ops = new ArrayList<>(List.of(out, NnLayers.weight(in, outProj, "weight", at)));
    if (NnLayers.hasParam(outProj, "bias")) {
      ops.add(NnLayers.weight(in, outProj, "bias", at));
    }
    out = t.op("linear", ops, Map.of(), at);
    if (!batched) {
      out = t.reshape(out, new long[] {l, embed}, at);
    } else if (!batchFirst) {
      out = swap01(t, out, at);
    }
    if (!needWeights) {
      return PyTuple.of(out, Values.NONE);
    }
    if (average) {
      weights =
          t.op(
              "reduce_sum",
              List.of(weights),
              Map.of("axes", Attr.ints(1), "keepdims", Attr.of(false)),
              at);
      weights = (SymTensor) t.binary("/", weights, (double) heads, at);
    }
    if (!batched) {
      long[] wd = weights.type().dims();
      weights = t.reshape(weights, java.util.Arrays.copyOfRange(wd, 1, wd.length), at);
    }
    return PyTuple.of(out, weights);
  }

  /** F.multi_head_attention_forward's checks of the ranks of its inputs (_mha_shape_check). */
  private static void shapeCheck(
      SymTensor query,
      SymTensor key,
      SymTensor value,
      SymTensor kpm,
      SymTensor mask,
      long heads,
      Span at) {
    int r = query.type().rank();
    if (r != 2 && r != 3) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "query should be unbatched 2D or batched 3D tensor but received "
              + r
              + "-D query tensor");
    }
    String kind = r == 3 ? "For batched (3-D) `query`" : "For unbatched (2-D) `query`";
    int kr = key.type().rank();
    int vr = value.type().rank();
    if (kr != r || vr != r) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          kind
              + ", expected `key` and `value` to be "
              + r
              + "-D but found "
              + kr
              + "-D and "
              + vr
              + "-D tensors respectively");
    }
    if (kpm != null && kpm.type().rank() != r - 1) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          kind
              + ", expected `key_padding_mask` to be `None` or "
              + (r - 1)
              + "-D but found "
              + kpm.type().rank()
              + "-D tensor instead");
    }
    if (mask != null) {
      int mr = mask.type().rank();
      if (mr != 2 && mr != 3) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            kind
                + ", expected `attn_mask` to be `None`, 2-D or 3-D but found "
                + mr
                + "-D tensor instead");
      }
      long[] expected = {heads, query.type().dims()[0], key.type().dims()[0]};
      if (r == 2 && mr == 3 && !java.util.Arrays.equals(mask.type().dims(), expected)) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "Expected `attn_mask` shape to be "
                + tuple(expected)
                + " but got "
                + size(mask.type().dims()));
      }
    }
  }

  /**
   * The float mask added to the attention scores, broadcastable to [N, H, L, S], from attn_mask
   * (bool or float, [L, S] or [N * H, L, S]) and key_padding_mask (bool or float, [N, S]); or null.
   */
  private static SymTensor additiveMask(
      TorchLib t, SymTensor mask, SymTensor kpm, long n, long heads, long l, long s, Span at) {
    if (mask != null) {
      DType dt = mask.type().dtype();
      if (dt != DType.BOOL && !dt.isFloat()) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "Only float, byte, and bool types are supported for attn_mask, not torch."
                + dt.numpyName());
      }
      checkFloat32("attn_mask", mask, at);
      long[] md = mask.type().dims();
      if (md.length == 2) {
        if (md[0] != l || md[1] != s) {
          throw Interpreter.error(
              Code.DN0202,
              at,
              "The shape of the 2D attn_mask is "
                  + size(md)
                  + ", but should be "
                  + tuple(new long[] {l, s})
                  + ".");
        }
        mask = t.reshape(mask, new long[] {1, 1, l, s}, at);
      } else {
        if (md[0] != n * heads || md[1] != l || md[2] != s) {
          throw Interpreter.error(
              Code.DN0202,
              at,
              "The shape of the 3D attn_mask is "
                  + size(md)
                  + ", but should be "
                  + tuple(new long[] {n * heads, l, s})
                  + ".");
        }
        mask = t.reshape(mask, new long[] {n, heads, l, s}, at);
      }
    }
    if (kpm != null) {
      long[] kd = kpm.type().dims();
      if (kd[0] != n || kd[1] != s) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "expecting key_padding_mask shape of "
                + tuple(new long[] {n, s})
                + ", but got "
                + size(kd));
      }
      kpm = t.reshape(kpm, new long[] {n, 1, 1, s}, at);
      if (mask == null) {
        checkFloat32("key_padding_mask", kpm, at);
        mask = kpm;
      } else if (mask.type().dtype() == DType.BOOL) {
        mask = t.op("logical_or", List.of(mask, t.cast(kpm, DType.BOOL, at)), Map.of(), at);
      } else if (kpm.type().dtype() == DType.BOOL) {
        mask = (SymTensor) TensorFunctions.where(t, kpm, Double.NEGATIVE_INFINITY, mask, at);
      } else {
        throw Interpreter.error(
            Code.DN0201,
            at,
            "a float attn_mask together with a float key_padding_mask is not supported yet",
            "pass the key_padding_mask as a bool tensor (True marks padding)");
      }
    }
    if (mask != null && mask.type().dtype() == DType.BOOL) {
      mask = (SymTensor) TensorFunctions.where(t, mask, Double.NEGATIVE_INFINITY, 0.0, at);
      mask = t.cast(mask, DType.F32, at);
    }
    return mask;
  }

  private static void checkFloat32(String name, SymTensor mask, Span at) {
    DType dt = mask.type().dtype();
    if (dt.isFloat() && dt != DType.F32) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "a " + dt.numpyName() + " " + name + " is not supported yet",
          "pass a bool or float32 mask");
    }
  }

  private static void checkKeyPaddingDtype(SymTensor kpm, Span at) {
    if (kpm != null && kpm.type().dtype() != DType.BOOL && !kpm.type().dtype().isFloat()) {
      throw Interpreter.error(
          Code.DN0202, at, "only bool and floating types of key_padding_mask are supported");
    }
  }

  /** A mask as bool, as PyTorch's fast paths convert it (nonzero is True). */
  private static SymTensor asBool(TorchLib t, SymTensor mask, Span at) {
    if (mask == null || mask.type().dtype() == DType.BOOL) {
      return mask;
    }
    return t.op("ne", List.of(mask, t.full(0, mask.type().dtype(), at)), Map.of(), at);
  }

  // ------------------------------------------------------------------------------------------
  // Encoder and decoder layers

  /** TransformerEncoderLayer and TransformerDecoderLayer. */
  abstract static class Block extends NnLayers.Declared {
    private final boolean decoder;

    Block(boolean decoder) {
      super(
          (decoder ? "TransformerDecoderLayer" : "TransformerEncoderLayer")
              + "(int d_model, int nhead, int dim_feedforward=2048, float dropout=0.1,"
              + " Any activation='relu', float layer_norm_eps=1e-05, bool batch_first=False,"
              + " bool norm_first=False, Device? device=None, ScalarType? dtype=None) -> "
              + (decoder ? "TransformerDecoderLayer" : "TransformerEncoderLayer"));
      this.decoder = decoder;
    }

    @Override
    void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
      long dModel = p.integer("d_model", 1);
      long nhead = p.integer("nhead", 1);
      long ff = p.integer("dim_feedforward", 1);
      double dropout = p.real("dropout");
      double eps = p.real("layer_norm_eps");
      Map<String, Object> attnKw = new HashMap<>();
      attnKw.put("dropout", dropout);
      attnKw.put("batch_first", p.bool("batch_first"));
      set(
          in,
          self,
          "self_attn",
          make(in, "MultiheadAttention", List.of(dModel, nhead), attnKw, at),
          at);
      if (decoder) {
        set(
            in,
            self,
            "multihead_attn",
            make(in, "MultiheadAttention", List.of(dModel, nhead), attnKw, at),
            at);
      }
      set(in, self, "linear1", make(in, "Linear", List.of(dModel, ff), Map.of(), at), at);
      set(in, self, "dropout", make(in, "Dropout", List.of(dropout), Map.of(), at), at);
      set(in, self, "linear2", make(in, "Linear", List.of(ff, dModel), Map.of(), at), at);
      self.dict.put("norm_first", p.bool("norm_first"));
      int norms = decoder ? 3 : 2;
      for (int i = 1; i <= norms; i++) {
        set(
            in,
            self,
            "norm" + i,
            make(in, "LayerNorm", List.of(dModel), Map.of("eps", eps), at),
            at);
      }
      for (int i = 1; i <= norms; i++) {
        set(in, self, "dropout" + i, make(in, "Dropout", List.of(dropout), Map.of(), at), at);
      }
      Object act = p.raw("activation");
      if (act instanceof String name) {
        if (!name.equals("relu") && !name.equals("gelu")) {
          throw Interpreter.error(Code.DN0202, at, "activation should be relu/gelu, not " + name);
        }
        act = functional(in, name);
      }
      if (!decoder) {
        long kind = 0;
        if (act == functional(in, "relu") || isInstance(in, act, "ReLU")) {
          kind = 1;
        } else if (act == functional(in, "gelu") || isInstance(in, act, "GELU")) {
          kind = 2;
        }
        self.dict.put("activation_relu_or_gelu", kind);
      }
      set(in, self, "activation", act, at);
    }

    /** x + block(x) or norm(x + block(x)), as norm_first says. */
    static SymTensor residual(
        Interpreter in,
        PyObject self,
        SymTensor x,
        String norm,
        java.util.function.Function<SymTensor, SymTensor> block,
        Span at) {
      TorchLib t = in.torch;
      if (flag(self, "norm_first")) {
        return (SymTensor) t.binary("+", x, block.apply(call(in, self, norm, x, at)), at);
      }
      return call(in, self, norm, (SymTensor) t.binary("+", x, block.apply(x), at), at);
    }

    /** The self-attention (or cross-attention) block: the attention output only. */
    static SymTensor attention(
        Interpreter in,
        PyObject self,
        String module,
        SymTensor x,
        SymTensor mem,
        SymTensor mask,
        SymTensor kpm,
        Span at) {
      Map<String, Object> kw = new HashMap<>();
      kw.put("attn_mask", mask == null ? Values.NONE : mask);
      kw.put("key_padding_mask", kpm == null ? Values.NONE : kpm);
      kw.put("need_weights", false);
      Object r = in.call(child(self, module, at), List.of(x, mem, mem), kw, at);
      return in.torch.tensor(Operators.subscript(in, r, 0L, at), at);
    }

    /** The feed-forward block: linear2(activation(linear1(x))). */
    static SymTensor feedForward(Interpreter in, PyObject self, SymTensor x, Span at) {
      Object h = in.call(child(self, "linear1", at), List.of(x), Map.of(), at);
      h = in.call(Attributes.get(in, self, "activation", at), List.of(h), Map.of(), at);
      return call(in, self, "linear2", in.torch.tensor(h, at), at);
    }
  }

  static final class EncoderLayer extends Block {
    private static final Schema FORWARD =
        Schema.parse(
            "forward(Tensor src, Tensor? src_mask=None, Tensor? src_key_padding_mask=None) -> Tensor");

    EncoderLayer() {
      super(false);
    }

    @Override
    public Object forward(
        Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
      BoundArgs p = BoundArgs.bind(FORWARD, in, a, kw, at);
      SymTensor src = p.tensor("src");
      SymTensor mask = p.tensorOrNull("src_mask");
      SymTensor kpm = p.tensorOrNull("src_key_padding_mask");
      checkKeyPaddingDtype(kpm, at);
      if (src.type().rank() == 3 && fastLayer(self) && mask == null) {
        kpm = asBool(in.torch, kpm, at); // the fast path reads a float mask as bool
      }
      SymTensor k = kpm;
      SymTensor x =
          residual(
              in, self, src, "norm1", y -> attention(in, self, "self_attn", y, y, mask, k, at), at);
      return residual(in, self, x, "norm2", y -> feedForward(in, self, y, at), at);
    }
  }

  static final class DecoderLayer extends Block {
    private static final Schema FORWARD =
        Schema.parse(
            "forward(Tensor tgt, Tensor memory, Tensor? tgt_mask=None, Tensor? memory_mask=None,"
                + " Tensor? tgt_key_padding_mask=None, Tensor? memory_key_padding_mask=None)"
                + " -> Tensor");

    DecoderLayer() {
      super(true);
    }

    @Override
    public Object forward(
        Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
      BoundArgs p = BoundArgs.bind(FORWARD, in, a, kw, at);
      SymTensor memory = p.tensor("memory");
      SymTensor tgtMask = p.tensorOrNull("tgt_mask");
      SymTensor memMask = p.tensorOrNull("memory_mask");
      SymTensor tgtKpm = p.tensorOrNull("tgt_key_padding_mask");
      SymTensor memKpm = p.tensorOrNull("memory_key_padding_mask");
      SymTensor x =
          residual(
              in,
              self,
              p.tensor("tgt"),
              "norm1",
              y -> attention(in, self, "self_attn", y, y, tgtMask, tgtKpm, at),
              at);
      x =
          residual(
              in,
              self,
              x,
              "norm2",
              y -> attention(in, self, "multihead_attn", y, memory, memMask, memKpm, at),
              at);
      return residual(in, self, x, "norm3", y -> feedForward(in, self, y, at), at);
    }
  }

  /**
   * The conditions of TransformerEncoderLayer's fast path that do not depend on the call: batch
   * first, one embedding size, relu or gelu, equal LayerNorm eps and an even number of heads.
   */
  private static boolean fastLayer(PyObject layer) {
    if (!(layer.module.modules.get("self_attn") instanceof PyObject attn)
        || !(layer.module.modules.get("norm1") instanceof PyObject n1)
        || !(layer.module.modules.get("norm2") instanceof PyObject n2)) {
      return false;
    }
    return flag(attn, "batch_first")
        && flag(attn, "_qkv_same_embed_dim")
        && layer.dict.get("activation_relu_or_gelu") instanceof Long kind
        && kind != 0
        && n1.dict.get("eps") != null
        && Objects.equals(n1.dict.get("eps"), n2.dict.get("eps"))
        && attn.dict.get("num_heads") instanceof Long h
        && h % 2 == 0;
  }

  // ------------------------------------------------------------------------------------------
  // Stacks

  /** TransformerEncoder and TransformerDecoder: deep copies of one layer in a ModuleList. */
  abstract static class Stack extends NnLayers.Declared {
    Stack(String schema) {
      super(schema);
    }

    @Override
    void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
      Object layer = p.raw(p.schema().params().get(0).name());
      long num = p.integer("num_layers", 0);
      List<Object> copies = new ArrayList<>();
      for (long i = 0; i < num; i++) {
        copies.add(PyLibrary.deepcopy(in, layer, at));
      }
      set(
          in,
          self,
          "layers",
          make(in, "ModuleList", List.of(new PyList(copies)), Map.of(), at),
          at);
      self.dict.put("num_layers", num);
      set(in, self, "norm", p.raw("norm"), at);
    }

    static List<Object> layers(PyObject self, Span at) {
      return new ArrayList<>(child(self, "layers", at).module.modules.values());
    }

    static Object finish(Interpreter in, PyObject self, SymTensor x, Span at) {
      Object norm = self.module.modules.get("norm");
      return norm == null ? x : in.call(norm, List.of(x), Map.of(), at);
    }
  }

  static final class Encoder extends Stack {
    private static final Schema FORWARD =
        Schema.parse(
            "forward(Tensor src, Tensor? mask=None, Tensor? src_key_padding_mask=None) -> Tensor");

    Encoder() {
      super(
          "TransformerEncoder(Any encoder_layer, int num_layers, Any? norm=None,"
              + " bool enable_nested_tensor=True, bool mask_check=True) -> TransformerEncoder");
    }

    @Override
    void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
      super.build(in, self, p, at);
      self.dict.put("enable_nested_tensor", p.bool("enable_nested_tensor"));
      self.dict.put("mask_check", p.bool("mask_check"));
    }

    @Override
    public Object forward(
        Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
      BoundArgs p = BoundArgs.bind(FORWARD, in, a, kw, at);
      TorchLib t = in.torch;
      SymTensor src = p.tensor("src");
      SymTensor mask = p.tensorOrNull("mask");
      SymTensor kpm = p.tensorOrNull("src_key_padding_mask");
      checkKeyPaddingDtype(kpm, at);
      List<Object> layers = layers(self, at);
      if (layers.isEmpty()) {
        throw Interpreter.error(Code.DN0109, at, "index 0 is out of range");
      }
      boolean nested =
          layers.get(0) instanceof PyObject first
              && first.cls.isSubclassOf(t.nnClass("TransformerEncoderLayer"))
              && !flag(first, "norm_first")
              && fastLayer(first)
              && src.type().rank() == 3
              && flag(self, "enable_nested_tensor")
              && kpm != null
              && mask == null;
      if (nested && !flag(self, "mask_check")) {
        throw Interpreter.error(
            Code.DN0201,
            at,
            "TransformerEncoder with mask_check=False and a src_key_padding_mask is not supported yet",
            "keep mask_check=True, or pass enable_nested_tensor=False");
      }
      Map<String, Object> layerKw = new HashMap<>();
      layerKw.put("src_mask", mask == null ? Values.NONE : mask);
      layerKw.put("src_key_padding_mask", kpm == null ? Values.NONE : kpm);
      SymTensor x = src;
      for (Object layer : layers) {
        in.step(at);
        x = t.tensor(in.call(layer, List.of(x), layerKw, at), at);
      }
      if (nested) {
        x = nestedPadding(in, x, asBool(t, kpm, at), at);
      }
      return finish(in, self, x, at);
    }

    /**
     * PyTorch's nested-tensor path, taken when the padding mask is left-aligned (each row's padding
     * at its end): the layers see only each row's unpadded positions, which equals masking them,
     * and the padded positions come back as zeros, the output as long as the longest row. A shorter
     * output than the input cannot be compiled, so a run-time check stops the model then.
     */
    private static SymTensor nestedPadding(Interpreter in, SymTensor x, SymTensor pad, Span at) {
      TorchLib t = in.torch;
      long[] pd = pad.type().dims();
      long n = pd[0];
      long s = pd[1];
      SymTensor aligned;
      if (s == 1) {
        aligned = t.full(1, DType.BOOL, at);
      } else {
        // A padded position followed by an unpadded one breaks the alignment.
        SymTensor before = Recurrent.slice(t, pad, 1, 0, s - 1, at);
        SymTensor after = Recurrent.slice(t, pad, 1, 1, s, at);
        SymTensor broken =
            t.op(
                "logical_and",
                List.of(before, t.op("logical_not", List.of(after), Map.of(), at)),
                Map.of(),
                at);
        aligned =
            t.op(
                "logical_not",
                List.of(t.tensor(t.call("any", List.of(broken), Map.of(), at), at)),
                Map.of(),
                at);
      }
      SymTensor unpadded = t.op("logical_not", List.of(pad), Map.of(), at);
      SymTensor fullRow =
          t.tensor(
              t.call(
                  "any",
                  List.of(t.tensor(t.call("all", List.of(unpadded), Map.of("dim", 1L), at), at)),
                  Map.of(),
                  at),
              at);
      SymTensor ok =
          t.op(
              "logical_or",
              List.of(t.op("logical_not", List.of(aligned), Map.of(), at), fullRow),
              Map.of(),
              at);
      in.staging.check(in, ok, "check_padding", at);
      SymTensor zero =
          t.op(
              "logical_and",
              List.of(t.reshape(pad, new long[] {n, s, 1}, at), aligned),
              Map.of(),
              at);
      return (SymTensor) TensorFunctions.where(t, zero, 0.0, x, at);
    }
  }

  static final class Decoder extends Stack {
    private static final Schema FORWARD =
        Schema.parse(
            "forward(Tensor tgt, Tensor memory, Tensor? tgt_mask=None, Tensor? memory_mask=None,"
                + " Tensor? tgt_key_padding_mask=None, Tensor? memory_key_padding_mask=None)"
                + " -> Tensor");

    Decoder() {
      super(
          "TransformerDecoder(Any decoder_layer, int num_layers, Any? norm=None)"
              + " -> TransformerDecoder");
    }

    @Override
    public Object forward(
        Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
      BoundArgs p = BoundArgs.bind(FORWARD, in, a, kw, at);
      Map<String, Object> layerKw = new HashMap<>();
      for (String name :
          List.of("tgt_mask", "memory_mask", "tgt_key_padding_mask", "memory_key_padding_mask")) {
        layerKw.put(name, p.raw(name));
      }
      SymTensor x = p.tensor("tgt");
      Object memory = p.raw("memory");
      for (Object layer : layers(self, at)) {
        in.step(at);
        x = in.torch.tensor(in.call(layer, List.of(x, memory), layerKw, at), at);
      }
      return finish(in, self, x, at);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Transformer

  /** nn.Transformer: an encoder and a decoder stack, each with a final LayerNorm. */
  static final class Transformer extends NnLayers.Declared {
    private static final Schema FORWARD =
        Schema.parse(
            "forward(Tensor src, Tensor tgt, Tensor? src_mask=None, Tensor? tgt_mask=None, Tensor?"
                + " memory_mask=None, Tensor? src_key_padding_mask=None, Tensor?"
                + " tgt_key_padding_mask=None, Tensor? memory_key_padding_mask=None) -> Tensor");

    Transformer() {
      super(
          "Transformer(int d_model=512, int nhead=8, int num_encoder_layers=6, int"
              + " num_decoder_layers=6, int dim_feedforward=2048, float dropout=0.1, Any"
              + " activation='relu', Any? custom_encoder=None, Any? custom_decoder=None, float"
              + " layer_norm_eps=1e-05, bool batch_first=False, bool norm_first=False, Device?"
              + " device=None, ScalarType? dtype=None) -> Transformer");
    }

    @Override
    void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
      long d = p.integer("d_model", 1);
      List<Object> layerArgs =
          List.of(
              d,
              p.integer("nhead", 1),
              p.integer("dim_feedforward", 1),
              p.real("dropout"),
              p.raw("activation"),
              p.real("layer_norm_eps"),
              p.bool("batch_first"),
              p.bool("norm_first"));
      for (String part : List.of("encoder", "decoder")) {
        Object custom = p.raw("custom_" + part);
        if (custom == Values.NONE) {
          String cap = part.equals("encoder") ? "Encoder" : "Decoder";
          Object layer = make(in, "Transformer" + cap + "Layer", layerArgs, Map.of(), at);
          Object norm =
              make(in, "LayerNorm", List.of(d), Map.of("eps", p.real("layer_norm_eps")), at);
          custom =
              make(
                  in,
                  "Transformer" + cap,
                  List.of(layer, p.integer("num_" + part + "_layers", 0), norm),
                  Map.of(),
                  at);
        }
        set(in, self, part, custom, at);
      }
      self.dict.put("d_model", d);
      self.dict.put("nhead", p.integer("nhead", 1));
      self.dict.put("batch_first", p.bool("batch_first"));
    }

    @Override
    public Object forward(
        Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
      BoundArgs p = BoundArgs.bind(FORWARD, in, a, kw, at);
      SymTensor src = p.tensor("src");
      SymTensor tgt = p.tensor("tgt");
      List<Long> ss = src.type().shape();
      List<Long> ts = tgt.type().shape();
      if (ss.size() == 3) {
        int b = flag(self, "batch_first") ? 0 : 1;
        if (ts.size() < b + 1 || !ss.get(b).equals(ts.get(b))) {
          throw Interpreter.error(Code.DN0202, at, "the batch number of src and tgt must be equal");
        }
      }
      Object dm = self.dict.get("d_model");
      if (ss.isEmpty()
          || ts.isEmpty()
          || !ss.get(ss.size() - 1).equals(dm)
          || !ts.get(ts.size() - 1).equals(dm)) {
        throw Interpreter.error(
            Code.DN0202, at, "the feature number of src and tgt must be equal to d_model");
      }
      Map<String, Object> encKw = new HashMap<>();
      encKw.put("mask", p.raw("src_mask"));
      encKw.put("src_key_padding_mask", p.raw("src_key_padding_mask"));
      Object memory = in.call(child(self, "encoder", at), List.of(src), encKw, at);
      Map<String, Object> decKw = new HashMap<>();
      for (String name :
          List.of("tgt_mask", "memory_mask", "tgt_key_padding_mask", "memory_key_padding_mask")) {
        decKw.put(name, p.raw(name));
      }
      return in.call(child(self, "decoder", at), List.of(tgt, memory), decKw, at);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Helpers

  /**
   * PyTorch 1.13's TransformerDecoderLayer.__setstate__, which copy.copy and copy.deepcopy call (so
   * TransformerDecoder's clones too): an activation that is not an instance attribute, as a module
   * activation (a submodule) is not, becomes F.relu, which then shadows the module.
   */
  static void afterCopy(Interpreter in, PyObject copy) {
    if (copy.module != null
        && copy.cls.isSubclassOf(in.torch.nnClass("TransformerDecoderLayer"))
        && !copy.dict.containsKey("activation")) {
      copy.dict.put("activation", functional(in, "relu"));
    }
  }

  /** A new torch.nn module, as {@code nn.<name>(*args, **kw)} in the layer's constructor. */
  private static Object make(
      Interpreter in, String name, List<Object> args, Map<String, Object> kw, Span at) {
    return in.instantiate(in.torch.nnClass(name), args, kw, at);
  }

  /** {@code setattr(self, name, v)}: a module becomes a submodule, as in PyTorch. */
  private static void set(Interpreter in, PyObject self, String name, Object v, Span at) {
    Attributes.set(in, self, name, v, at);
  }

  private static PyObject child(PyObject self, String name, Span at) {
    if (self.module.modules.get(name) instanceof PyObject o && o.module != null) {
      return o;
    }
    throw Interpreter.error(Code.DN0101, at, self.cls.name + " has no submodule '" + name + "'");
  }

  private static SymTensor call(Interpreter in, PyObject self, String name, SymTensor x, Span at) {
    return in.torch.tensor(in.call(child(self, name, at), List.of(x), Map.of(), at), at);
  }

  private static Object functional(Interpreter in, String name) {
    return in.torch.libraryModule("torch.nn.functional").attrs.get(name);
  }

  private static boolean isInstance(Interpreter in, Object v, String nnClass) {
    return v instanceof PyObject o && o.cls.isSubclassOf(in.torch.nnClass(nnClass));
  }

  private static boolean flag(PyObject o, String name) {
    return Boolean.TRUE.equals(o.dict.get(name));
  }

  private static long count(PyObject o, String name, Span at) {
    return Operators.asLong(o.dict.get(name), at);
  }

  private static SymTensor unsqueeze(TorchLib t, SymTensor x, int axis, Span at) {
    List<Long> shape = new ArrayList<>(x.type().shape());
    shape.add(axis, 1L);
    return t.reshape(x, shape.stream().mapToLong(Long::longValue).toArray(), at);
  }

  private static SymTensor swap01(TorchLib t, SymTensor x, Span at) {
    return permute(t, x, at, 1, 0, 2);
  }

  private static SymTensor permute(TorchLib t, SymTensor x, Span at, long... perm) {
    return t.op("transpose", List.of(x), Map.of("perm", Attr.ints(perm)), at);
  }

  /** A shape as PyTorch prints it: torch.Size([3, 5]). */
  private static String size(long... dims) {
    return "torch.Size(" + java.util.Arrays.toString(dims) + ")";
  }

  /** A Python tuple of ints: (3, 5). */
  private static String tuple(long[] dims) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < dims.length; i++) {
      sb.append(i > 0 ? ", " : "").append(dims[i]);
    }
    return sb.append(dims.length == 1 ? ",)" : ")").toString();
  }
}
