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

/** torch.nn layer classes: their constructors (parameters with PyTorch's names and shapes) and forwards. */
final class NnLayers {
  private NnLayers() {}

  /** Sequential, ModuleList, ModuleDict: children registered under "0", "1", ... or their keys. */
  static final class Container implements Layer {
    private final String kind;

    Container(String kind) {
      this.kind = kind;
    }

    boolean isDict() {
      return kind.equals("ModuleDict");
    }

    @Override
    public void init(Interpreter in, PyObject self, List<Object> args, Map<String, Object> kw, Span at) {
      in.torch.moduleInit(self, at);
      List<Object> items;
      if (kind.equals("Sequential")) {
        items = args.size() == 1 && args.get(0) instanceof PyDict d ? null : args;
        if (items == null) {
          for (Map.Entry<Object, Object> e : ((PyDict) args.get(0)).map.entrySet()) {
            add(in, self, String.valueOf(e.getKey()), e.getValue(), at);
          }
          return;
        }
      } else if (isDict()) {
        if (!args.isEmpty() && args.get(0) instanceof PyDict d) {
          for (Map.Entry<Object, Object> e : d.map.entrySet()) {
            add(in, self, String.valueOf(e.getKey()), e.getValue(), at);
          }
        }
        return;
      } else {
        items = args.isEmpty() || args.get(0) == Values.NONE ? List.of() : in.iterate(args.get(0), at);
      }
      for (Object m : items) {
        add(in, self, String.valueOf(self.module.modules.size()), m, at);
      }
    }

    static void add(Interpreter in, PyObject self, String name, Object m, Span at) {
      if (!(m instanceof PyObject o) || o.module == null) {
        throw Interpreter.error(Code.DN0102, at, Builtins.typeName(m) + " is not a Module subclass",
            "containers hold nn.Module instances");
      }
      self.module.modules.put(name, m);
    }

    @Override
    public Object forward(Interpreter in, PyObject self, List<Object> args, Map<String, Object> kw, Span at) {
      if (!kind.equals("Sequential")) {
        throw Interpreter.error(Code.DN0102, at, kind + " is not callable; index or iterate it");
      }
      Object x = args.get(0);
      for (Object m : self.module.modules.values()) {
        x = in.call(m, List.of(x), Map.of(), at);
      }
      return x;
    }
  }

  static void register(TorchLib t) {
    for (String kind : List.of("Sequential", "ModuleList", "ModuleDict")) {
      t.addLayer(kind, new Container(kind));
    }
    t.addLayer("Conv2d", new Conv(2));
    t.addLayer("Conv1d", new Conv(1));
    t.addLayer("LSTMCell", new Recurrent(true, true));
    t.addLayer("GRUCell", new Recurrent(false, true));
    t.addLayer("LSTM", new Recurrent(true, false));
    t.addLayer("GRU", new Recurrent(false, false));
    t.addLayer("BatchNorm2d", batchNorm("BatchNorm2d"));
    t.addLayer("LayerNorm", new Simple() {
      @Override
      void build(Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
        Args p = Args.bind("LayerNorm", a, kw, at, "normalized_shape", "eps=1e-5", "elementwise_affine=True",
            "bias=True", "device=None", "dtype=None");
        Object ns = p.get("normalized_shape");
        List<Object> dims = ns instanceof Long ? List.of(ns) : in.iterate(ns, at);
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = Operators.asLong(dims.get(i), at);
          if (shape[i] <= 0) {
            throw Interpreter.error(Code.DN0102, at, "normalized_shape must be positive, got " + dims);
          }
        }
        self.dict.put("normalized_shape", Conv.tuple(shape));
        self.dict.put("eps", p.getDouble("eps", at));
        if (p.getBool(in, "elementwise_affine", at)) {
          param(self, "weight", TensorType.of(DType.F32, shape), at);
          if (p.getBool(in, "bias", at)) {
            param(self, "bias", TensorType.of(DType.F32, shape), at);
          }
        }
      }

      @Override
      Object run(Interpreter in, PyObject self, Object x, Span at) {
        TorchLib t = in.torch;
        SymTensor input = t.tensor(x, at);
        long[] ns = Conv.ints(self.dict.get("normalized_shape"), ((PyTuple) self.dict.get("normalized_shape")).items().size());
        int r = input.type().rank();
        long[] dims = input.type().dims();
        long size = 1;
        for (int i = 0; i < ns.length; i++) {
          if (r - ns.length + i < 0 || dims[r - ns.length + i] != ns[i]) {
            throw Interpreter.error(Code.DN0202, at, "LayerNorm over " + java.util.Arrays.toString(ns)
                + " does not fit an input of shape " + input.type().shape());
          }
          size *= ns[i];
        }
        // Normalize over the trailing dims by flattening them into one.
        long[] flat = java.util.Arrays.copyOf(dims, r - ns.length + 1);
        flat[flat.length - 1] = size;
        SymTensor gamma = self.module.parameters.containsKey("weight")
            ? t.reshape(weight(in, self, "weight", at), new long[] {size}, at) : t.full(1, DType.F32, new long[] {size}, at);
        SymTensor beta = self.module.parameters.containsKey("bias")
            ? t.reshape(weight(in, self, "bias", at), new long[] {size}, at) : t.full(0, DType.F32, new long[] {size}, at);
        SymTensor y = t.op("layer_norm", List.of(t.reshape(input, flat, at), gamma, beta),
            Map.of("eps", Attr.of((double) (Double) self.dict.get("eps"))), at);
        return t.reshape(y, dims, at);
      }
    });
    t.addLayer("Embedding", new Simple() {
      @Override
      void build(Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
        Args p = Args.bind("Embedding", a, kw, at, "num_embeddings", "embedding_dim", "padding_idx=None",
            "max_norm=None", "norm_type=2.0", "scale_grad_by_freq=False", "sparse=False", "_weight=None",
            "_freeze=False", "device=None", "dtype=None");
        if (!p.isNone("max_norm")) {
          throw Interpreter.error(Code.DN0201, at, "Embedding with max_norm is not supported yet");
        }
        long num = p.getLong("num_embeddings", 1, at);
        long dim = p.getLong("embedding_dim", 1, at);
        self.dict.put("num_embeddings", num);
        self.dict.put("embedding_dim", dim);
        param(self, "weight", TensorType.of(DType.F32, num, dim), at);
      }

      @Override
      Object run(Interpreter in, PyObject self, Object x, Span at) {
        SymTensor idx = in.torch.tensor(x, at);
        return in.torch.op("embedding", List.of(weight(in, self, "weight", at), idx), Map.of(), at);
      }
    });
    t.addLayer("BatchNorm1d", batchNorm("BatchNorm1d"));
    t.addLayer("Linear", new Simple() {
      @Override
      void build(Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
        Args p = Args.bind("Linear", a, kw, at, "in_features", "out_features", "bias=True", "device=None", "dtype=None");
        long fin = p.getLong("in_features", 0, at);
        long fout = p.getLong("out_features", 0, at);
        self.dict.put("in_features", fin);
        self.dict.put("out_features", fout);
        param(self, "weight", TensorType.of(DType.F32, fout, fin), at);
        if (p.getBool(in, "bias", at)) {
          param(self, "bias", TensorType.of(DType.F32, fout), at);
        } else {
          self.dict.put("bias", Values.NONE);
        }
      }

      @Override
      Object run(Interpreter in, PyObject self, Object x, Span at) {
        List<SymTensor> ops = new ArrayList<>(List.of(in.torch.tensor(x, at), weight(in, self, "weight", at)));
        if (self.module.parameters.containsKey("bias")) {
          ops.add(weight(in, self, "bias", at));
        }
        return in.torch.op("linear", ops, Map.of(), at);
      }
    });
    for (String act : List.of("ReLU", "ReLU6", "Sigmoid", "Tanh", "GELU", "Identity", "Dropout", "Dropout2d")) {
      t.addLayer(act, new Simple() {
        @Override
        void build(Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
          // inplace=, p=, approximate= and the like do not change eval-mode results.
        }

        @Override
        Object run(Interpreter in, PyObject self, Object x, Span at) {
          return switch (act) {
            case "ReLU" -> in.torch.call("relu", List.of(x), Map.of(), at);
            case "ReLU6" -> in.torch.call("relu6", List.of(x), Map.of(), at);
            case "Sigmoid" -> in.torch.call("sigmoid", List.of(x), Map.of(), at);
            case "Tanh" -> in.torch.call("tanh", List.of(x), Map.of(), at);
            case "GELU" -> in.torch.call("gelu", List.of(x), Map.of(), at);
            default -> x; // Identity; Dropout is the identity in eval mode
          };
        }
      });
    }
    t.addLayer("Softmax", withConfig("softmax", "dim=None"));
    t.addLayer("LogSoftmax", withConfig("log_softmax", "dim=None"));
    t.addLayer("Flatten", withConfig("flatten", "start_dim=1", "end_dim=-1"));
    t.addLayer("MaxPool2d", withConfig("max_pool2d", "kernel_size", "stride=None", "padding=0", "dilation=1",
        "return_indices=False", "ceil_mode=False"));
    t.addLayer("AvgPool2d", withConfig("avg_pool2d", "kernel_size", "stride=None", "padding=0", "ceil_mode=False",
        "count_include_pad=True", "divisor_override=None"));
    t.addLayer("AdaptiveAvgPool2d", withConfig("adaptive_avg_pool2d", "output_size"));
  }

  /**
   * Conv1d and Conv2d. A 1-d convolution is lowered as a 2-d one over a height of 1 (input and
   * weight reshaped, the weight's reshape folded away by TVM), so both share one IR op.
   */
  static final class Conv extends Simple {
    private final int n;

    Conv(int n) {
      this.n = n;
    }

    @Override
    void build(Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
      String cls = "Conv" + n + "d";
      Args p = Args.bind(cls, a, kw, at, "in_channels", "out_channels", "kernel_size", "stride=1", "padding=0",
          "dilation=1", "groups=1", "bias=True", "padding_mode='zeros'", "device=None", "dtype=None");
      long cin = p.getLong("in_channels", 0, at);
      long cout = p.getLong("out_channels", 0, at);
      long groups = p.getLong("groups", 1, at);
      long[] k = p.getInts(in, "kernel_size", n, 1, at);
      if (cin % groups != 0 || cout % groups != 0) {
        throw Interpreter.error(Code.DN0103, at, "in_channels and out_channels must be divisible by groups");
      }
      if (!"zeros".equals(p.get("padding_mode"))) {
        throw Interpreter.error(Code.DN0201, at, "padding_mode '" + p.get("padding_mode") + "' is not supported yet");
      }
      long[] pad = new long[n];
      if (p.get("padding") instanceof String s) {
        if (!s.equals("same") && !s.equals("valid")) {
          throw Interpreter.error(Code.DN0102, at, "padding must be 'same', 'valid' or numbers");
        }
        for (int i = 0; i < n && s.equals("same"); i++) {
          pad[i] = (k[i] - 1) / 2;
        }
      } else {
        pad = p.getInts(in, "padding", n, 0, at);
      }
      long[] stride = p.getInts(in, "stride", n, 1, at);
      long[] dil = p.getInts(in, "dilation", n, 1, at);
      self.dict.put("in_channels", cin);
      self.dict.put("out_channels", cout);
      self.dict.put("kernel_size", tuple(k));
      self.dict.put("stride", tuple(stride));
      self.dict.put("padding", tuple(pad));
      self.dict.put("dilation", tuple(dil));
      self.dict.put("groups", groups);
      long[] wshape = new long[n + 2];
      wshape[0] = cout;
      wshape[1] = cin / groups;
      System.arraycopy(k, 0, wshape, 2, n);
      param(self, "weight", TensorType.of(DType.F32, wshape), at);
      if (p.getBool(in, "bias", at)) {
        param(self, "bias", TensorType.of(DType.F32, cout), at);
      } else {
        self.dict.put("bias", Values.NONE);
      }
    }

    private static PyTuple tuple(long[] v) {
      Object[] items = new Object[v.length];
      for (int i = 0; i < v.length; i++) {
        items[i] = v[i];
      }
      return PyTuple.of(items);
    }

    private static long[] ints(Object tuple, int n) {
      long[] out = new long[n];
      for (int i = 0; i < n; i++) {
        out[i] = (Long) ((PyTuple) tuple).items().get(i);
      }
      return out;
    }

    @Override
    Object run(Interpreter in, PyObject self, Object x, Span at) {
      TorchLib t = in.torch;
      SymTensor input = t.tensor(x, at);
      SymTensor w = weight(in, self, "weight", at);
      long[] s = ints(self.dict.get("stride"), n);
      long[] pd = ints(self.dict.get("padding"), n);
      long[] d = ints(self.dict.get("dilation"), n);
      if (n == 1) {
        if (input.type().rank() != 3) {
          throw Interpreter.error(Code.DN0202, at, "Conv1d expects an input of shape [N, C, L], got " + input.type());
        }
        long[] xs = input.type().dims();
        input = t.reshape(input, new long[] {xs[0], xs[1], 1, xs[2]}, at);
        long[] ws = w.type().dims();
        w = t.reshape(w, new long[] {ws[0], ws[1], 1, ws[2]}, at);
        s = new long[] {1, s[0]};
        pd = new long[] {0, pd[0]};
        d = new long[] {1, d[0]};
      }
      List<SymTensor> ops = new ArrayList<>(List.of(input, w));
      if (self.module.parameters.containsKey("bias")) {
        ops.add(weight(in, self, "bias", at));
      }
      SymTensor y = t.op("conv2d", ops, Map.of("strides", Attr.ints(s), "padding", Attr.ints(pd[0], pd[1], pd[0], pd[1]),
          "dilation", Attr.ints(d), "groups", Attr.of((long) (Long) self.dict.get("groups"))), at);
      if (n == 1) {
        long[] ys = y.type().dims();
        y = t.reshape(y, new long[] {ys[0], ys[1], ys[3]}, at);
      }
      return y;
    }
  }

  /** A layer whose forward takes one input. */
  abstract static class Simple implements Layer {
    abstract void build(Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at);

    abstract Object run(Interpreter in, PyObject self, Object x, Span at);

    @Override
    public void init(Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
      in.torch.moduleInit(self, at);
      build(in, self, a, kw, at);
    }

    @Override
    public Object forward(Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
      if (a.size() != 1 || !kw.isEmpty()) {
        throw Interpreter.error(Code.DN0102, at, self.cls.name + ".forward takes one input, got " + a.size());
      }
      return run(in, self, a.get(0), at);
    }
  }

  static void param(PyObject self, String name, TensorType type, Span at) {
    // Layer sizes are validated when bound (Args.getLong with a minimum), so every type here is well formed.
    self.module.parameters.put(name, new TensorSlot(type, at, true));
  }

  static void buffer(PyObject self, String name, TensorType type, Span at) {
    self.module.buffers.put(name, new TensorSlot(type, at, false));
  }

  static SymTensor weight(Interpreter in, PyObject self, String name, Span at) {
    TensorSlot s = self.module.parameters.containsKey(name) ? self.module.parameters.get(name) : self.module.buffers.get(name);
    if (s == null) {
      throw Interpreter.error(Code.DN0101, at, self.cls.name + " has no parameter '" + name + "'");
    }
    return in.staging.weight(s, at);
  }

  private static Layer batchNorm(String name) {
    return new Simple() {
      @Override
      void build(Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
        Args p = Args.bind(name, a, kw, at, "num_features", "eps=1e-5", "momentum=0.1", "affine=True",
            "track_running_stats=True", "device=None", "dtype=None");
        long c = p.getLong("num_features", 0, at);
        self.dict.put("num_features", c);
        self.dict.put("eps", p.getDouble("eps", at));
        if (!p.getBool(in, "affine", at) || !p.getBool(in, "track_running_stats", at)) {
          throw Interpreter.error(Code.DN0201, at, name + " without affine parameters or running statistics is not supported yet");
        }
        param(self, "weight", TensorType.of(DType.F32, c), at);
        param(self, "bias", TensorType.of(DType.F32, c), at);
        buffer(self, "running_mean", TensorType.of(DType.F32, c), at);
        buffer(self, "running_var", TensorType.of(DType.F32, c), at);
        buffer(self, "num_batches_tracked", TensorType.of(DType.I64), at);
      }

      @Override
      Object run(Interpreter in, PyObject self, Object x, Span at) {
        List<SymTensor> ops = List.of(in.torch.tensor(x, at), weight(in, self, "weight", at), weight(in, self, "bias", at),
            weight(in, self, "running_mean", at), weight(in, self, "running_var", at));
        return in.torch.op("batch_norm", ops, Map.of("eps", Attr.of((double) (Double) self.dict.get("eps"))), at);
      }
    };
  }

  /** A layer that stores its constructor arguments and forwards to a functional op with them. */
  private static Layer withConfig(String fn, String... signature) {
    return new Simple() {
      @Override
      void build(Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
        Args p = Args.bind(fn, a, kw, at, signature);
        Map<String, Object> config = new HashMap<>();
        for (String s : signature) {
          String n = s.contains("=") ? s.substring(0, s.indexOf('=')) : s;
          config.put(n, p.get(n));
          self.dict.put(n, p.get(n));
        }
        self.dict.put("__config__", config);
      }

      @Override
      @SuppressWarnings("unchecked")
      Object run(Interpreter in, PyObject self, Object x, Span at) {
        Map<String, Object> config = (Map<String, Object>) self.dict.get("__config__");
        return in.torch.call(fn, List.of(x), config, at);
      }
    };
  }
}
