package dev.dynnc.frontend.eval;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.*;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * LSTMCell, GRUCell, RNNCell, LSTM, GRU and RNN, lowered to linear, slicing and elementwise ops
 * with PyTorch's gate order (LSTM: input, forget, cell, output; GRU: reset, update, new; the Elman
 * RNN has one, through tanh or relu). Sequence layers unroll over the time dimension, which is
 * static; the parameters keep PyTorch's names ({@code weight_ih_l0}, ...), so checkpoints load as
 * they are.
 */
final class Recurrent extends NnLayers.Declared {
  private static final Schema FORWARD = Schema.parse("forward(Tensor input, Any? hx=None) -> Any");
  private final String kind;
  private final boolean lstm;
  private final boolean elman;
  private final boolean cell;

  /** {@code kind} is "LSTM", "GRU" or "RNN". */
  Recurrent(String kind, boolean cell) {
    super(signature(kind, cell));
    this.kind = kind;
    this.lstm = kind.equals("LSTM");
    this.elman = kind.equals("RNN");
    this.cell = cell;
  }

  private static String signature(String kind, boolean cell) {
    String name = kind + (cell ? "Cell" : "");
    boolean elman = kind.equals("RNN");
    // nn.RNNCell takes nonlinearity last; PyTorch 1.13's nn.RNN only as a keyword.
    return name
        + "(int input_size, int hidden_size, "
        + (cell
            ? "bool bias=True" + (elman ? ", str nonlinearity='tanh'" : "")
            : "int num_layers=1, bool bias=True, bool batch_first=False, float dropout=0.0,"
                + " bool bidirectional=False"
                + (elman ? ", *, str nonlinearity='tanh'" : ", int proj_size=0"))
        + ", Device? device=None, ScalarType? dtype=None) -> "
        + name;
  }

  private String name() {
    return kind + (cell ? "Cell" : "");
  }

  private int gates() {
    return lstm ? 4 : elman ? 1 : 3;
  }

  @Override
  void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
    long input = p.integer("input_size", 1);
    long hidden = p.integer("hidden_size", 1);
    boolean bias = p.bool("bias");
    self.dict.put("input_size", input);
    self.dict.put("hidden_size", hidden);
    self.dict.put("bias", bias);
    if (elman) {
      String act = p.str("nonlinearity");
      if (!act.equals("tanh") && !act.equals("relu")) {
        throw Interpreter.error(Code.DN0202, at, "Unknown nonlinearity '" + act + "'");
      }
      self.dict.put("nonlinearity", act);
    }
    long layers = 1;
    if (!cell) {
      layers = p.integer("num_layers", 1);
      if (p.bool("bidirectional") || !elman && p.integer("proj_size", 0) != 0) {
        throw Interpreter.error(
            Code.DN0201, at, name() + " with bidirectional=True or proj_size is not supported yet");
      }
      self.dict.put("num_layers", layers);
      self.dict.put("batch_first", p.bool("batch_first"));
    }
    long g = gates() * hidden;
    for (long l = 0; l < layers; l++) {
      String suffix = cell ? "" : "_l" + l;
      long in0 = l == 0 ? input : hidden;
      NnLayers.param(self, "weight_ih" + suffix, TensorType.of(DType.F32, g, in0), at);
      NnLayers.param(self, "weight_hh" + suffix, TensorType.of(DType.F32, g, hidden), at);
      if (bias) {
        NnLayers.param(self, "bias_ih" + suffix, TensorType.of(DType.F32, g), at);
        NnLayers.param(self, "bias_hh" + suffix, TensorType.of(DType.F32, g), at);
      }
    }
  }

  @Override
  public Object forward(
      Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
    BoundArgs p = BoundArgs.bind(FORWARD, in, a, kw, at);
    TorchLib t = in.torch;
    SymTensor x = p.tensor("input");
    long hidden = (Long) self.dict.get("hidden_size");
    if (cell) {
      if (x.type().rank() != 2) {
        throw Interpreter.error(
            Code.DN0202, at, name() + " expects a [batch, features] input, got " + x.type());
      }
      long batch = x.type().shape().get(0);
      SymTensor[] state = initialState(t, in, p.raw("hx"), batch, hidden, null, at);
      SymTensor[] next = step(t, in, self, "", x, state, at);
      return lstm ? PyTuple.of(next[0], next[1]) : next[0];
    }
    if (x.type().rank() != 3) {
      throw Interpreter.error(Code.DN0202, at, name() + " expects a 3-d input, got " + x.type());
    }
    boolean batchFirst = (Boolean) self.dict.get("batch_first");
    long layers = (Long) self.dict.get("num_layers");
    long[] dims = x.type().dims();
    long steps = batchFirst ? dims[1] : dims[0];
    long batch = batchFirst ? dims[0] : dims[1];
    List<SymTensor> inputs = new ArrayList<>();
    for (long s = 0; s < steps; s++) {
      SymTensor xs = slice(t, x, batchFirst ? 1 : 0, s, s + 1, at);
      inputs.add(t.reshape(xs, new long[] {batch, dims[2]}, at));
    }
    List<SymTensor> hn = new ArrayList<>();
    List<SymTensor> cn = new ArrayList<>();
    for (long l = 0; l < layers; l++) {
      SymTensor[] state = initialState(t, in, p.raw("hx"), batch, hidden, l, at);
      List<SymTensor> outs = new ArrayList<>();
      for (SymTensor xs : inputs) {
        in.step(at);
        state = step(t, in, self, "_l" + l, xs, state, at);
        outs.add(state[0]);
      }
      inputs = outs;
      hn.add(state[0]);
      if (lstm) {
        cn.add(state[1]);
      }
    }
    List<SymTensor> seq = new ArrayList<>();
    for (SymTensor h : inputs) {
      seq.add(
          t.reshape(
              h, batchFirst ? new long[] {batch, 1, hidden} : new long[] {1, batch, hidden}, at));
    }
    SymTensor output =
        seq.size() == 1
            ? seq.get(0)
            : t.op("concat", seq, Map.of("axis", Attr.of(batchFirst ? 1L : 0L)), at);
    SymTensor h = stack(t, hn, batch, hidden, at);
    return PyTuple.of(output, lstm ? PyTuple.of(h, stack(t, cn, batch, hidden, at)) : h);
  }

  private static SymTensor stack(
      TorchLib t, List<SymTensor> states, long batch, long hidden, Span at) {
    List<SymTensor> parts = new ArrayList<>();
    for (SymTensor s : states) {
      parts.add(t.reshape(s, new long[] {1, batch, hidden}, at));
    }
    return parts.size() == 1
        ? parts.get(0)
        : t.op("concat", parts, Map.of("axis", Attr.of(0L)), at);
  }

  /** The initial (h, c) of one layer: zeros, or the layer's slice of the given hx. */
  private SymTensor[] initialState(
      TorchLib t, Interpreter in, Object hx, long batch, long hidden, Long layer, Span at) {
    if (hx == Values.NONE) {
      SymTensor z = t.full(0, DType.F32, new long[] {batch, hidden}, at);
      return new SymTensor[] {z, z};
    }
    List<Object> parts = lstm ? in.iterate(hx, at) : List.of(hx);
    if (parts.size() != (lstm ? 2 : 1)) {
      throw Interpreter.error(
          Code.DN0102, at, name() + " state must be " + (lstm ? "a tuple (h, c)" : "one tensor"));
    }
    SymTensor[] out = new SymTensor[2];
    for (int i = 0; i < parts.size(); i++) {
      SymTensor s = t.tensor(parts.get(i), at);
      if (layer != null) {
        s = t.reshape(slice(t, s, 0, layer, layer + 1, at), new long[] {batch, hidden}, at);
      }
      if (!java.util.Arrays.equals(s.type().dims(), new long[] {batch, hidden})) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            name()
                + " state has shape "
                + s.type().shape()
                + ", expected ["
                + batch
                + ", "
                + hidden
                + "]");
      }
      out[i] = s;
    }
    if (!lstm) {
      out[1] = out[0];
    }
    return out;
  }

  /** One time step: returns the new (h, c); for GRU and RNN c is h. */
  private SymTensor[] step(
      TorchLib t,
      Interpreter in,
      PyObject self,
      String suffix,
      SymTensor x,
      SymTensor[] state,
      Span at) {
    long hidden = (Long) self.dict.get("hidden_size");
    boolean bias = (Boolean) self.dict.get("bias");
    SymTensor gi =
        linear(t, in, self, x, "weight_ih" + suffix, bias ? "bias_ih" + suffix : null, at);
    SymTensor gh =
        linear(t, in, self, state[0], "weight_hh" + suffix, bias ? "bias_hh" + suffix : null, at);
    if (elman) {
      String act = (String) self.dict.get("nonlinearity");
      SymTensor h = t.op(act, List.of((SymTensor) t.binary("+", gi, gh, at)), Map.of(), at);
      return new SymTensor[] {h, h};
    }
    if (lstm) {
      SymTensor gates = (SymTensor) t.binary("+", gi, gh, at);
      SymTensor i = sig(t, chunk(t, gates, 0, hidden, at), at);
      SymTensor f = sig(t, chunk(t, gates, 1, hidden, at), at);
      SymTensor g = t.op("tanh", List.of(chunk(t, gates, 2, hidden, at)), Map.of(), at);
      SymTensor o = sig(t, chunk(t, gates, 3, hidden, at), at);
      SymTensor c =
          (SymTensor) t.binary("+", t.binary("*", f, state[1], at), t.binary("*", i, g, at), at);
      SymTensor h = (SymTensor) t.binary("*", o, t.op("tanh", List.of(c), Map.of(), at), at);
      return new SymTensor[] {h, c};
    }
    SymTensor r =
        sig(
            t,
            (SymTensor) t.binary("+", chunk(t, gi, 0, hidden, at), chunk(t, gh, 0, hidden, at), at),
            at);
    SymTensor z =
        sig(
            t,
            (SymTensor) t.binary("+", chunk(t, gi, 1, hidden, at), chunk(t, gh, 1, hidden, at), at),
            at);
    SymTensor n =
        t.op(
            "tanh",
            List.of(
                (SymTensor)
                    t.binary(
                        "+",
                        chunk(t, gi, 2, hidden, at),
                        t.binary("*", r, chunk(t, gh, 2, hidden, at), at),
                        at)),
            Map.of(),
            at);
    // h' = (1 - z) * n + z * h
    SymTensor h =
        (SymTensor)
            t.binary(
                "+",
                t.binary("*", t.binary("-", 1.0, z, at), n, at),
                t.binary("*", z, state[0], at),
                at);
    return new SymTensor[] {h, h};
  }

  private static SymTensor sig(TorchLib t, SymTensor x, Span at) {
    return t.op("sigmoid", List.of(x), Map.of(), at);
  }

  private static SymTensor linear(
      TorchLib t, Interpreter in, PyObject self, SymTensor x, String w, String b, Span at) {
    List<SymTensor> ops = new ArrayList<>(List.of(x, NnLayers.weight(in, self, w, at)));
    if (b != null) {
      ops.add(NnLayers.weight(in, self, b, at));
    }
    return t.op("linear", ops, Map.of(), at);
  }

  /** Gate {@code k} of a [batch, gates * hidden] tensor. */
  private static SymTensor chunk(TorchLib t, SymTensor x, int k, long hidden, Span at) {
    return slice(t, x, 1, k * hidden, (k + 1) * hidden, at);
  }

  static SymTensor slice(TorchLib t, SymTensor x, int axis, long begin, long end, Span at) {
    long[] b = new long[x.type().rank()];
    long[] e = x.type().dims();
    long[] s = new long[b.length];
    java.util.Arrays.fill(s, 1);
    b[axis] = begin;
    e[axis] = end;
    return t.op(
        "strided_slice",
        List.of(x),
        Map.of("begin", Attr.ints(b), "end", Attr.ints(e), "strides", Attr.ints(s)),
        at);
  }
}
