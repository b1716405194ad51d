package dev.dynnc.frontend.eval;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.*;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.DType;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Type.TensorType;
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
    PyClass ml = null;
    t.addLayer("Conv2d", new Simple() {
      @Override
      void build(Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
        Args p = Args.bind("Conv2d", a, kw, at, "in_channels", "out_channels", "kernel_size", "stride=1", "padding=0",
            "dilation=1", "groups=1", "bias=True", "padding_mode='zeros'", "device=None", "dtype=None");
        long cin = p.getLong("in_channels", 0, at);
        long cout = p.getLong("out_channels", 0, at);
        long groups = p.getLong("groups", 1, at);
        long[] k = p.getInts(in, "kernel_size", 2, 1, at);
        if (cin % groups != 0 || cout % groups != 0) {
          throw Interpreter.error(Code.DN0103, at, "in_channels and out_channels must be divisible by groups");
        }
        if (!"zeros".equals(p.get("padding_mode"))) {
          throw Interpreter.error(Code.DN0201, at, "padding_mode '" + p.get("padding_mode") + "' is not supported yet");
        }
        long[] pad;
        if (p.get("padding") instanceof String s) {
          if (!s.equals("same") && !s.equals("valid")) {
            throw Interpreter.error(Code.DN0102, at, "padding must be 'same', 'valid' or numbers");
          }
          pad = s.equals("valid") ? new long[] {0, 0} : new long[] {(k[0] - 1) / 2, (k[1] - 1) / 2};
        } else {
          pad = p.getInts(in, "padding", 2, 0, at);
        }
        self.dict.put("in_channels", cin);
        self.dict.put("out_channels", cout);
        self.dict.put("kernel_size", PyTuple.of(k[0], k[1]));
        long[] s = p.getInts(in, "stride", 2, 1, at);
        long[] d = p.getInts(in, "dilation", 2, 1, at);
        self.dict.put("stride", PyTuple.of(s[0], s[1]));
        self.dict.put("padding", PyTuple.of(pad[0], pad[1]));
        self.dict.put("dilation", PyTuple.of(d[0], d[1]));
        self.dict.put("groups", groups);
        param(self, "weight", TensorType.of(DType.F32, cout, cin / groups, k[0], k[1]), at);
        if (p.getBool(in, "bias", at)) {
          param(self, "bias", TensorType.of(DType.F32, cout), at);
        } else {
          self.dict.put("bias", Values.NONE);
        }
      }

      @Override
      Object run(Interpreter in, PyObject self, Object x, Span at) {
        TorchLib t = in.torch;
        List<SymTensor> ops = new ArrayList<>(List.of(t.tensor(x, at), weight(in, self, "weight", at)));
        if (self.module.parameters.containsKey("bias")) {
          ops.add(weight(in, self, "bias", at));
        }
        PyTuple s = (PyTuple) self.dict.get("stride");
        PyTuple pd = (PyTuple) self.dict.get("padding");
        PyTuple d = (PyTuple) self.dict.get("dilation");
        long ph = (Long) pd.items().get(0);
        long pw = (Long) pd.items().get(1);
        return t.op("conv2d", ops, Map.of("strides", Attr.ints((Long) s.items().get(0), (Long) s.items().get(1)),
            "padding", Attr.ints(ph, pw, ph, pw), "dilation", Attr.ints((Long) d.items().get(0), (Long) d.items().get(1)),
            "groups", Attr.of((long) (Long) self.dict.get("groups"))), at);
      }
    });
    t.addLayer("BatchNorm2d", batchNorm("BatchNorm2d"));
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
