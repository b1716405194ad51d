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
 * static, in both directions when bidirectional (the reverse direction reads the sequence from its
 * end, and each step's output is the two directions' states side by side); an LSTM with proj_size
 * passes on {@code weight_hr @ h}. The parameters keep PyTorch's names ({@code weight_ih_l0},
 * {@code weight_hh_l1_reverse}, ...), so checkpoints load as they are. Unbatched inputs (PyTorch
 * 1.11+) run as a batch of one.
 */
final class Recurrent extends NnLayers.Declared {
  private static final Schema FORWARD = Schema.parse("forward(Any input, Any? hx=None) -> Any");
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
    long dirs = 1;
    long proj = 0;
    if (!cell) {
      layers = p.integer("num_layers", 1);
      dirs = p.bool("bidirectional") ? 2 : 1;
      if (!elman) {
        proj = p.integer("proj_size", 0);
      }
      if (proj < 0) {
        throw Interpreter.error(
            Code.DN0102,
            at,
            "proj_size should be a positive integer or zero to disable projections");
      }
      if (proj >= hidden) {
        throw Interpreter.error(Code.DN0102, at, "proj_size has to be smaller than hidden_size");
      }
      self.dict.put("num_layers", layers);
      self.dict.put("batch_first", p.bool("batch_first"));
      self.dict.put("dropout", p.real("dropout"));
      self.dict.put("bidirectional", dirs == 2);
      self.dict.put("proj_size", proj);
    }
    long g = gates() * hidden;
    // The state each step passes on: the projection's output where there is one.
    long out = proj > 0 ? proj : hidden;
    // PyTorch's order (RNNBase._flat_weights_names): layer by layer, the forward direction first.
    for (long l = 0; l < layers; l++) {
      for (long d = 0; d < dirs; d++) {
        String suffix = cell ? "" : "_l" + l + (d == 1 ? "_reverse" : "");
        long in0 = l == 0 ? input : dirs * out;
        NnLayers.param(self, "weight_ih" + suffix, TensorType.of(DType.F32, g, in0), at);
        NnLayers.param(self, "weight_hh" + suffix, TensorType.of(DType.F32, g, out), at);
        if (bias) {
          NnLayers.param(self, "bias_ih" + suffix, TensorType.of(DType.F32, g), at);
          NnLayers.param(self, "bias_hh" + suffix, TensorType.of(DType.F32, g), at);
        }
        if (proj > 0) {
          NnLayers.param(self, "weight_hr" + suffix, TensorType.of(DType.F32, proj, hidden), at);
        }
      }
    }
  }

  @Override
  public Object forward(
      Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
    BoundArgs p = BoundArgs.bind(FORWARD, in, a, kw, at);
    TorchLib t = in.torch;
    PackedSequences.PackedSequence packed =
        p.raw("input") instanceof PackedSequences.PackedSequence ps ? ps : null;
    if (packed != null && cell) {
      throw Interpreter.error(
          Code.DN0102, at, name() + " takes one step of a tensor, not a PackedSequence");
    }
    SymTensor x = packed != null ? packed.data() : p.tensor("input");
    long hidden = (Long) self.dict.get("hidden_size");
    if (cell) {
      // PyTorch 1.11+ also takes one unbatched sample: a [features] input and [hidden] states.
      if (x.type().rank() != 1 && x.type().rank() != 2) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            name() + " expects a [batch, features] or [features] input, got " + x.type());
      }
      boolean batched = x.type().rank() == 2;
      long batch = batched ? x.type().shape().get(0) : 1;
      if (!batched) {
        x = t.reshape(x, new long[] {1, x.type().shape().get(0)}, at);
      }
      long[] shape = {batch, hidden};
      List<SymTensor> given = givenState(t, in, p.raw("hx"), shape, shape, batched, at);
      SymTensor[] state = new SymTensor[2];
      for (int i = 0; i < 2; i++) {
        state[i] = given == null ? t.full(0, DType.F32, shape, at) : given.get(lstm ? i : 0);
      }
      SymTensor[] next = step(t, in, self, "", x, state, at);
      if (!batched) {
        next[0] = t.reshape(next[0], new long[] {hidden}, at);
        next[1] = t.reshape(next[1], new long[] {hidden}, at);
      }
      return lstm ? PyTuple.of(next[0], next[1]) : next[0];
    }
    if (x.type().rank() != 2 && x.type().rank() != 3) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          name() + " expects a 3-d input or an unbatched 2-d one, got " + x.type());
    }
    boolean batched = x.type().rank() == 3;
    if (packed != null && !batched) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          name() + " expects a packed batch of [features] vectors, got padded " + x.type());
    }
    // An unbatched [time, features] sequence runs as a batch of one, batch_first or not; a packed
    // one is time-major whatever batch_first says.
    boolean batchFirst = batched && packed == null && (Boolean) self.dict.get("batch_first");
    if (!batched) {
      long[] d = x.type().dims();
      x = t.reshape(x, new long[] {d[0], 1, d[1]}, at);
    }
    long layers = (Long) self.dict.get("num_layers");
    long dirs = (Boolean) self.dict.get("bidirectional") ? 2 : 1;
    long proj = (Long) self.dict.get("proj_size");
    long out = proj > 0 ? proj : hidden;
    long[] dims = x.type().dims();
    int steps = (int) (batchFirst ? dims[1] : dims[0]);
    long batch = batchFirst ? dims[0] : dims[1];
    List<SymTensor> given =
        givenState(
            t,
            in,
            p.raw("hx"),
            new long[] {layers * dirs, batch, out},
            new long[] {layers * dirs, batch, hidden},
            batched,
            at);
    List<SymTensor> inputs = new ArrayList<>();
    for (long s = 0; s < steps; s++) {
      SymTensor xs = slice(t, x, batchFirst ? 1 : 0, s, s + 1, at);
      inputs.add(t.reshape(xs, new long[] {batch, dims[2]}, at));
    }
    List<SymTensor> hn = new ArrayList<>();
    List<SymTensor> cn = new ArrayList<>();
    for (long l = 0; l < layers; l++) {
      List<SymTensor[]> outs = new ArrayList<>();
      for (int s = 0; s < steps; s++) {
        outs.add(new SymTensor[(int) dirs]);
      }
      for (int d = 0; d < dirs; d++) {
        long k = l * dirs + d;
        SymTensor[] state = new SymTensor[2];
        for (int i = 0; i < 2; i++) {
          long size = i == 0 ? out : hidden;
          state[i] =
              given == null
                  ? t.full(0, DType.F32, new long[] {batch, size}, at)
                  : t.reshape(
                      slice(t, given.get(lstm ? i : 0), 0, k, k + 1, at),
                      new long[] {batch, size},
                      at);
        }
        String suffix = "_l" + l + (d == 1 ? "_reverse" : "");
        // The reverse direction reads the sequence from its end; its output at step s is the
        // state after it has read steps s..T-1.
        for (int n = 0; n < steps; n++) {
          int s = d == 0 ? n : steps - 1 - n;
          in.step(at);
          SymTensor[] next = step(t, in, self, suffix, inputs.get(s), state, at);
          if (packed != null) {
            // Past a sample's length its state stays and its output is zero.
            SymTensor live = PackedSequences.liveAt(t, packed, s, at);
            for (int i = 0; i < 2; i++) {
              next[i] = where(t, live, next[i], state[i], at);
            }
            outs.get(s)[d] = where(t, live, next[0], 0.0, at);
          } else {
            outs.get(s)[d] = next[0];
          }
          state = next;
        }
        hn.add(state[0]);
        if (lstm) {
          cn.add(state[1]);
        }
      }
      inputs = new ArrayList<>();
      for (SymTensor[] both : outs) {
        inputs.add(
            dirs == 1 ? both[0] : t.op("concat", List.of(both), Map.of("axis", Attr.of(1L)), at));
      }
    }
    long width = dirs * out;
    List<SymTensor> seq = new ArrayList<>();
    for (SymTensor h : inputs) {
      seq.add(
          t.reshape(
              h, batchFirst ? new long[] {batch, 1, width} : new long[] {1, batch, width}, at));
    }
    SymTensor output =
        seq.size() == 1
            ? seq.get(0)
            : t.op("concat", seq, Map.of("axis", Attr.of(batchFirst ? 1L : 0L)), at);
    SymTensor h = stack(t, hn, batch, out, at);
    SymTensor c = lstm ? stack(t, cn, batch, hidden, at) : null;
    if (!batched) {
      output = t.reshape(output, new long[] {steps, width}, at);
      h = t.reshape(h, new long[] {layers * dirs, out}, at);
      c = lstm ? t.reshape(c, new long[] {layers * dirs, hidden}, at) : null;
    }
    Object result =
        packed != null
            ? new PackedSequences.PackedSequence(output, packed.lengths(), packed.known())
            : output;
    return PyTuple.of(result, lstm ? PyTuple.of(h, c) : h);
  }

  private static SymTensor where(TorchLib t, SymTensor c, SymTensor a, Object b, Span at) {
    return t.tensor(t.call("where", List.of(c, a, b), Map.of(), at), at);
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

  /**
   * The states given as {@code hx}, checked against the shapes PyTorch expects (h, then c for an
   * LSTM; without the batch dimension when the input is unbatched) and returned with it; null where
   * hx is None.
   */
  private List<SymTensor> givenState(
      TorchLib t,
      Interpreter in,
      Object hx,
      long[] hShape,
      long[] cShape,
      boolean batched,
      Span at) {
    if (hx == Values.NONE) {
      return null;
    }
    List<Object> parts = lstm ? in.iterate(hx, at) : List.of(hx);
    if (parts.size() != (lstm ? 2 : 1)) {
      throw Interpreter.error(
          Code.DN0102, at, name() + " state must be " + (lstm ? "a tuple (h, c)" : "one tensor"));
    }
    List<SymTensor> out = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      long[] full = i == 0 ? hShape : cShape;
      // The batch is the first dimension of a cell's state and the second of a sequence's.
      int batchAxis = full.length - 2;
      long[] expected = full;
      if (!batched) {
        List<Long> dims = new ArrayList<>();
        for (int k = 0; k < full.length; k++) {
          if (k != batchAxis) {
            dims.add(full[k]);
          }
        }
        expected = dims.stream().mapToLong(Long::longValue).toArray();
      }
      SymTensor s = t.tensor(parts.get(i), at);
      if (!java.util.Arrays.equals(s.type().dims(), expected)) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            name()
                + (lstm ? (i == 0 ? " h" : " c") : "")
                + " state has shape "
                + s.type().shape()
                + ", expected "
                + java.util.Arrays.toString(expected)
                + (batched ? "" : " (the input is unbatched)"));
      }
      out.add(batched ? s : t.reshape(s, full, at));
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
      if (!cell && (Long) self.dict.get("proj_size") > 0) {
        h = linear(t, in, self, h, "weight_hr" + suffix, null, at);
      }
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
