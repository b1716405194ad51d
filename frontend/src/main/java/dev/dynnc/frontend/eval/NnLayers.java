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

/**
 * torch.nn layer classes: their constructors (parameters with PyTorch's names and shapes) and
 * forwards.
 */
final class NnLayers {
  private NnLayers() {}

  /** Sequential, ModuleList, ModuleDict: children registered under "0", "1", ... or their keys. */
  static final class Container extends Declared {
    private final String kind;

    Container(String kind) {
      super(
          kind.equals("Sequential")
              ? "Sequential(Any... args) -> Sequential"
              : kind
                  + "(Any? "
                  + switch (kind) {
                    case "ParameterList" -> "values";
                    case "ParameterDict" -> "parameters";
                    default -> "modules";
                  }
                  + "=None) -> "
                  + kind);
      this.kind = kind;
    }

    boolean isDict() {
      return kind.endsWith("Dict");
    }

    String name() {
      return kind;
    }

    /** ParameterList and ParameterDict: their items are parameters, not modules. */
    boolean holdsParameters() {
      return kind.startsWith("Parameter");
    }

    /**
     * The container's items in order, by name: submodules, or for parameter containers the
     * parameters' values (their weights in forward, the parameters at construction).
     */
    static Map<String, Object> items(TorchLib t, PyObject o, Span at) {
      if (o.cls.nearestLayer() instanceof Container c && c.holdsParameters()) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        o.module.parameters.forEach((k, v) -> out.put(k, t.slotValue(v, at)));
        return out;
      }
      return o.module.modules;
    }

    /** The number of items. */
    static int size(PyObject o) {
      return o.cls.nearestLayer() instanceof Container c && c.holdsParameters()
          ? o.module.parameters.size()
          : o.module.modules.size();
    }

    @Override
    void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
      if (holdsParameters()) {
        Object given = p.raw(isDict() ? "parameters" : "values");
        if (given == Values.NONE) {
          return;
        }
        if (isDict()) {
          if (!(given instanceof PyDict d)) {
            throw Interpreter.error(
                Code.DN0102,
                at,
                "ParameterDict takes a dict of parameters, got " + Builtins.typeName(given));
          }
          for (Map.Entry<Object, Object> e : d.map.entrySet()) {
            add(in, self, String.valueOf(e.getKey()), e.getValue(), at);
          }
          return;
        }
        for (Object v : in.iterate(given, at)) {
          add(in, self, String.valueOf(self.module.parameters.size()), v, at);
        }
        return;
      }
      List<Object> items;
      if (kind.equals("Sequential")) {
        @SuppressWarnings("unchecked")
        List<Object> args = (List<Object>) p.raw("args");
        items = args.size() == 1 && args.get(0) instanceof PyDict d ? null : args;
        if (items == null) {
          for (Map.Entry<Object, Object> e : ((PyDict) args.get(0)).map.entrySet()) {
            add(in, self, String.valueOf(e.getKey()), e.getValue(), at);
          }
          return;
        }
      } else if (isDict()) {
        if (p.raw("modules") instanceof PyDict d) {
          for (Map.Entry<Object, Object> e : d.map.entrySet()) {
            add(in, self, String.valueOf(e.getKey()), e.getValue(), at);
          }
        }
        return;
      } else {
        items = p.isNone("modules") ? List.of() : in.iterate(p.raw("modules"), at);
      }
      for (Object m : items) {
        add(in, self, String.valueOf(self.module.modules.size()), m, at);
      }
    }

    static void add(Interpreter in, PyObject self, String name, Object m, Span at) {
      if (self.cls.nearestLayer() instanceof Container c && c.holdsParameters()) {
        if (!(m instanceof TensorSlot slot)) {
          throw Interpreter.error(
              Code.DN0201,
              at,
              c.kind
                  + " items other than tensors (here "
                  + Builtins.typeName(m)
                  + ") are not"
                  + " supported yet",
              "keep modules in an nn.ModuleList, and numbers in a Python list");
        }
        // PyTorch wraps a plain tensor in a Parameter.
        self.module.parameters.put(
            name, slot.isParameter ? slot : new TensorSlot(slot.type, slot.createdAt, true));
        return;
      }
      if (!(m instanceof PyObject o) || o.module == null) {
        throw Interpreter.error(
            Code.DN0102,
            at,
            Builtins.typeName(m) + " is not a Module subclass",
            "containers hold nn.Module instances");
      }
      self.module.modules.put(name, m);
    }

    @Override
    public Object forward(
        Interpreter in, PyObject self, List<Object> args, Map<String, Object> kw, Span at) {
      if (!kind.equals("Sequential")) {
        throw Interpreter.error(Code.DN0102, at, kind + " is not callable; index or iterate it");
      }
      // Sequential.forward(self, input), with Python's messages for a wrong call
      List<Object> all = new ArrayList<>(args);
      String hint = "a Sequential passes one value from layer to layer; pack several into a tuple";
      for (String k : kw.keySet()) {
        if (!k.equals("input")) {
          throw Interpreter.error(
              Code.DN0102,
              at,
              "Sequential.forward() got an unexpected keyword argument '" + k + "'",
              hint);
        }
        if (!all.isEmpty()) {
          throw Interpreter.error(
              Code.DN0102,
              at,
              "Sequential.forward() got multiple values for argument 'input'",
              hint);
        }
        all.add(kw.get(k));
      }
      if (all.isEmpty()) {
        throw Interpreter.error(
            Code.DN0102,
            at,
            "Sequential.forward() missing 1 required positional argument: 'input'",
            hint);
      }
      if (all.size() > 1) {
        throw Interpreter.error(
            Code.DN0102,
            at,
            "Sequential.forward() takes 2 positional arguments but "
                + (all.size() + 1)
                + " were given",
            hint);
      }
      Object x = all.get(0);
      for (Object m : self.module.modules.values()) {
        x = in.call(m, List.of(x), Map.of(), at);
      }
      return x;
    }
  }

  /** The torch.nn classes dynnc knows but does not support. */
  static void declare(TorchRegistry r) {
    layers(r);
    ExtraLayers.declare(r);
    Attention.declare(r);
    r.unsupported(
        TorchRegistry.Space.NN, TorchRegistry.NOT_YET, "ConvTranspose3d", "EmbeddingBag", "Fold");
    r.unsupported(
        TorchRegistry.Space.NN,
        "a training loss; compiled models run inference only",
        "CrossEntropyLoss",
        "NLLLoss",
        "MSELoss",
        "L1Loss",
        "BCELoss",
        "BCEWithLogitsLoss",
        "KLDivLoss",
        "SmoothL1Loss",
        "HuberLoss");
  }

  /** Declares the torch.nn classes (each constructor bound to its schema) in the registry. */
  private static void layers(TorchRegistry r) {
    for (String kind : List.of("Sequential", "ModuleList", "ModuleDict")) {
      r.layer("a container of modules", new Container(kind));
    }
    for (String kind : List.of("ParameterList", "ParameterDict")) {
      r.layer("a container of parameters; indexed by constants", new Container(kind));
    }
    r.layer("", new Conv(2));
    r.layer("NCDHW input", new Conv(3));
    r.layer("affine=True and track_running_stats=True only", batchNorm("BatchNorm3d"));
    r.layer("a 2-d convolution over a height of 1", new Conv(1));
    String rnn = "unrolled over the (static) time dimension";
    for (String kind : List.of("LSTM", "GRU", "RNN")) {
      r.layer("", new Recurrent(kind, true));
      r.layer(
          (kind.equals("LSTM") ? "bidirectional and proj_size too; " : "bidirectional too; ") + rnn,
          new Recurrent(kind, false));
    }
    r.layer("affine=True and track_running_stats=True only", batchNorm("BatchNorm2d"));
    r.layer(
        "",
        new Simple(
            "LayerNorm(int[] normalized_shape, float eps=1e-05, bool elementwise_affine=True,"
                + " bool bias=True, Device? device=None, ScalarType? dtype=None) -> LayerNorm") {
          @Override
          void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
            long[] shape = p.ints("normalized_shape");
            for (long d : shape) {
              if (d <= 0) {
                throw Interpreter.error(
                    Code.DN0102,
                    at,
                    "normalized_shape must be positive, got " + java.util.Arrays.toString(shape));
              }
            }
            self.dict.put("normalized_shape", Conv.tuple(shape));
            self.dict.put("eps", p.real("eps"));
            if (p.bool("elementwise_affine")) {
              param(self, "weight", TensorType.of(DType.F32, shape), at);
              if (p.bool("bias")) {
                param(self, "bias", TensorType.of(DType.F32, shape), at);
              }
            }
          }

          @Override
          Object run(Interpreter in, PyObject self, Object x, Span at) {
            long[] ns =
                Conv.ints(
                    self.dict.get("normalized_shape"),
                    ((PyTuple) self.dict.get("normalized_shape")).items().size());
            boolean w = hasParam(self, "weight");
            boolean b = hasParam(self, "bias");
            return LayerFunctions.layerNorm(
                in.torch,
                in.torch.tensor(x, at),
                ns,
                w ? weight(in, self, "weight", at) : null,
                b ? weight(in, self, "bias", at) : null,
                (Double) self.dict.get("eps"),
                at);
          }
        });
    r.layer(
        "max_norm=None only",
        new Simple(
            "Embedding(int num_embeddings, int embedding_dim, int? padding_idx=None,"
                + " float? max_norm=None, float norm_type=2.0, bool scale_grad_by_freq=False, bool sparse=False,"
                + " Tensor? _weight=None, bool _freeze=False, Device? device=None, ScalarType? dtype=None) -> Embedding") {
          @Override
          void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
            if (!p.isNone("max_norm")) {
              throw Interpreter.error(
                  Code.DN0201, at, "Embedding with max_norm is not supported yet");
            }
            long num = p.integer("num_embeddings", 1);
            long dim = p.integer("embedding_dim", 1);
            self.dict.put("num_embeddings", num);
            self.dict.put("embedding_dim", dim);
            param(self, "weight", TensorType.of(DType.F32, num, dim), at);
          }

          @Override
          Object run(Interpreter in, PyObject self, Object x, Span at) {
            SymTensor idx = in.torch.tensor(x, at);
            SymTensor w = weight(in, self, "weight", at);
            SymTensor y = in.torch.op("embedding", List.of(w, idx), Map.of(), at);
            in.torch.requireIndicesInRange(idx, w.type().dims()[0], false, at);
            return y;
          }
        });
    r.layer("affine=True and track_running_stats=True only", batchNorm("BatchNorm1d"));
    r.layer(
        "",
        new Simple(
            "Linear(int in_features, int out_features, bool bias=True, Device? device=None,"
                + " ScalarType? dtype=None) -> Linear") {
          @Override
          void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
            long fin = p.integer("in_features", 0);
            long fout = p.integer("out_features", 0);
            self.dict.put("in_features", fin);
            self.dict.put("out_features", fout);
            param(self, "weight", TensorType.of(DType.F32, fout, fin), at);
            if (p.bool("bias")) {
              param(self, "bias", TensorType.of(DType.F32, fout), at);
            } else {
              self.dict.put("bias", Values.NONE);
            }
          }

          @Override
          Object run(Interpreter in, PyObject self, Object x, Span at) {
            List<SymTensor> ops =
                new ArrayList<>(List.of(in.torch.tensor(x, at), weight(in, self, "weight", at)));
            if (hasParam(self, "bias")) {
              ops.add(weight(in, self, "bias", at));
            }
            return in.torch.op("linear", ops, Map.of(), at);
          }
        });
    Map<String, String> activations = new java.util.LinkedHashMap<>();
    activations.put("ReLU", "bool inplace=False");
    activations.put("ReLU6", "bool inplace=False");
    activations.put("Sigmoid", "");
    activations.put("Tanh", "");
    activations.put("GELU", "str approximate='none'");
    activations.put("Softplus", "float beta=1.0, float threshold=20.0");
    activations.put("SiLU", "bool inplace=False");
    activations.put("Hardswish", "bool inplace=False");
    activations.put("Hardsigmoid", "bool inplace=False");
    activations.put("ELU", "float alpha=1.0, bool inplace=False");
    activations.put("LogSigmoid", "");
    activations.put("Identity", "Any... args");
    activations.put("Dropout", "float p=0.5, bool inplace=False");
    activations.put("Dropout2d", "float p=0.5, bool inplace=False");
    for (Map.Entry<String, String> e : activations.entrySet()) {
      String act = e.getKey();
      r.layer(
          act.startsWith("Dropout")
              ? "the identity: compiled models run in eval mode"
              : act.equals("GELU") ? "approximate='none' or 'tanh'" : "",
          new Simple(act + "(" + e.getValue() + ") -> " + act) {
            @Override
            void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
              if (act.equals("GELU")) {
                if (!List.of("none", "tanh").contains(p.str("approximate"))) {
                  throw Interpreter.error(
                      Code.DN0202, at, "approximate argument must be either none or tanh.");
                }
                self.dict.put("approximate", p.str("approximate"));
              }
              if (act.equals("Softplus")) {
                self.dict.put("beta", p.real("beta"));
                self.dict.put("threshold", p.real("threshold"));
              }
              if (act.equals("ELU")) {
                self.dict.put("alpha", p.real("alpha"));
              }
              // inplace= and p= do not change eval-mode results.
            }

            @Override
            Object run(Interpreter in, PyObject self, Object x, Span at) {
              return switch (act) {
                case "ReLU" ->
                    in.torch.call(TorchRegistry.Space.FUNCTIONAL, "relu", List.of(x), Map.of(), at);
                case "ReLU6" ->
                    in.torch.call(
                        TorchRegistry.Space.FUNCTIONAL, "relu6", List.of(x), Map.of(), at);
                case "Sigmoid" ->
                    in.torch.call(
                        TorchRegistry.Space.FUNCTIONAL, "sigmoid", List.of(x), Map.of(), at);
                case "Tanh" ->
                    in.torch.call(TorchRegistry.Space.FUNCTIONAL, "tanh", List.of(x), Map.of(), at);
                case "Softplus" ->
                    TensorFunctions.softplus(
                        in.torch,
                        in.torch.tensor(x, at),
                        Operators.toDouble(self.dict.get("beta")),
                        Operators.toDouble(self.dict.get("threshold")),
                        at);
                case "GELU" ->
                    in.torch.call(
                        TorchRegistry.Space.FUNCTIONAL,
                        "gelu",
                        List.of(x),
                        Map.of("approximate", self.dict.get("approximate")),
                        at);
                case "SiLU", "Hardswish", "Hardsigmoid", "LogSigmoid" ->
                    in.torch.call(
                        TorchRegistry.Space.FUNCTIONAL,
                        act.toLowerCase(java.util.Locale.ROOT),
                        List.of(x),
                        Map.of(),
                        at);
                case "ELU" ->
                    in.torch.call(
                        TorchRegistry.Space.FUNCTIONAL,
                        "elu",
                        List.of(x),
                        Map.of("alpha", self.dict.get("alpha")),
                        at);
                default -> x; // Identity; Dropout is the identity in eval mode
              };
            }
          });
    }
    r.layer(
        "dim is required, as for F.softmax",
        withConfig("softmax", "Softmax(int? dim=None) -> Softmax"));
    r.layer(
        "dim is required, as for F.log_softmax",
        withConfig("log_softmax", "LogSoftmax(int? dim=None) -> LogSoftmax"));
    r.layer(
        "dim is required, as for F.softmin",
        withConfig("softmin", "Softmin(int? dim=None) -> Softmin"));
    r.layer(
        "as F.interpolate",
        withConfig(
            "interpolate",
            "Upsample(Any? size=None, Any? scale_factor=None, str mode='nearest',"
                + " bool? align_corners=None, bool? recompute_scale_factor=None) -> Upsample"));
    r.layer("", withConfig("flatten", "Flatten(int start_dim=1, int end_dim=-1) -> Flatten"));
    r.layer(
        "as F.max_pool2d",
        withConfig(
            "max_pool2d",
            "MaxPool2d(int[2] kernel_size, int[2]? stride=None,"
                + " int[2] padding=0, int[2] dilation=1, bool return_indices=False, bool ceil_mode=False) -> MaxPool2d"));
    r.layer(
        "as F.avg_pool2d",
        withConfig(
            "avg_pool2d",
            "AvgPool2d(int[2] kernel_size, int[2]? stride=None,"
                + " int[2] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None)"
                + " -> AvgPool2d"));
    r.layer(
        "",
        withConfig(
            "adaptive_avg_pool2d", "AdaptiveAvgPool2d(int[2] output_size) -> AdaptiveAvgPool2d"));
    r.layer(
        "as F.max_pool3d",
        withConfig(
            "max_pool3d",
            "MaxPool3d(int[3] kernel_size, int[3]? stride=None, int[3] padding=0, int[3] dilation=1,"
                + " bool return_indices=False, bool ceil_mode=False) -> MaxPool3d"));
    r.layer(
        "as F.avg_pool3d",
        withConfig(
            "avg_pool3d",
            "AvgPool3d(int[3] kernel_size, int[3]? stride=None, int[3] padding=0, bool"
                + " ceil_mode=False, bool count_include_pad=True, int? divisor_override=None) ->"
                + " AvgPool3d"));
    r.layer(
        "",
        withConfig(
            "adaptive_avg_pool3d", "AdaptiveAvgPool3d(int[3] output_size) -> AdaptiveAvgPool3d"));
  }

  /**
   * Conv1d, Conv2d and Conv3d. A 1-d convolution is lowered as a 2-d one over a height of 1 (input
   * and weight reshaped, the weight's reshape folded away by TVM), so both share one IR op.
   */
  static final class Conv extends Simple {
    private final int n;

    Conv(int n) {
      super(signature(n, "int[" + n + "] padding=0"), signature(n, "str padding"));
      this.n = n;
    }

    /**
     * Conv1d and Conv2d take the padding as numbers, or as 'same' or 'valid' (a second overload, as
     * in PyTorch).
     */
    private static String signature(int n, String padding) {
      String ints = "int[" + n + "]";
      return "Conv"
          + n
          + "d(int in_channels, int out_channels, "
          + ints
          + " kernel_size, "
          + ints
          + " stride=1, "
          + padding
          + (padding.startsWith("str") ? "='valid'" : "")
          + ", "
          + ints
          + " dilation=1, int groups=1,"
          + " bool bias=True, str padding_mode='zeros', Device? device=None, ScalarType? dtype=None) -> Conv"
          + n
          + "d";
    }

    @Override
    void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
      long cin = p.integer("in_channels", 0);
      long cout = p.integer("out_channels", 0);
      long groups = p.integer("groups", 1);
      long[] k = p.ints("kernel_size", 1);
      if (cin % groups != 0 || cout % groups != 0) {
        throw Interpreter.error(
            Code.DN0103, at, "in_channels and out_channels must be divisible by groups");
      }
      String mode = p.str("padding_mode");
      if (!List.of("zeros", "reflect", "replicate", "circular").contains(mode)) {
        throw Interpreter.error(
            Code.DN0102,
            at,
            "padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got"
                + " padding_mode='"
                + mode
                + "'");
      }
      long[] stride = p.ints("stride", 1);
      long[] dil = p.ints("dilation", 1);
      // 'same' and 'valid' stay strings, as PyTorch keeps them in conv.padding; the padding
      // itself is worked out per side in run.
      Object padding;
      if (p.raw("padding") instanceof String s) {
        if (!s.equals("same") && !s.equals("valid")) {
          throw Interpreter.error(
              Code.DN0102,
              at,
              "Invalid padding string '" + s + "', should be one of {'valid', 'same'}");
        }
        if (s.equals("same") && java.util.Arrays.stream(stride).anyMatch(v -> v != 1)) {
          throw Interpreter.error(
              Code.DN0102, at, "padding='same' is not supported for strided convolutions");
        }
        padding = s;
      } else {
        padding = tuple(p.ints("padding", 0));
      }
      self.dict.put("in_channels", cin);
      self.dict.put("out_channels", cout);
      self.dict.put("kernel_size", tuple(k));
      self.dict.put("stride", tuple(stride));
      self.dict.put("padding", padding);
      self.dict.put("padding_mode", mode);
      self.dict.put("dilation", tuple(dil));
      self.dict.put("groups", groups);
      long[] wshape = new long[n + 2];
      wshape[0] = cout;
      wshape[1] = cin / groups;
      System.arraycopy(k, 0, wshape, 2, n);
      param(self, "weight", TensorType.of(DType.F32, wshape), at);
      if (p.bool("bias")) {
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

    /**
     * The padding before and after each spatial dimension: the given numbers on both sides, nothing
     * for 'valid', and for 'same' PyTorch's split of dilation * (kernel - 1), the odd element
     * after.
     */
    private long[][] sides(PyObject self) {
      long[] lo = new long[n];
      long[] hi = new long[n];
      Object padding = self.dict.get("padding");
      if (padding instanceof String s) {
        if (s.equals("same")) {
          long[] k = ints(self.dict.get("kernel_size"), n);
          long[] d = ints(self.dict.get("dilation"), n);
          for (int i = 0; i < n; i++) {
            long total = d[i] * (k[i] - 1);
            lo[i] = total / 2;
            hi[i] = total - lo[i];
          }
        }
      } else {
        lo = ints(padding, n);
        hi = lo.clone();
      }
      return new long[][] {lo, hi};
    }

    @Override
    Object run(Interpreter in, PyObject self, Object x, Span at) {
      TorchLib t = in.torch;
      SymTensor input = t.tensor(x, at);
      SymTensor w = weight(in, self, "weight", at);
      long[] s = ints(self.dict.get("stride"), n);
      long[][] sides = sides(self);
      long[] pd = sides[0];
      long[] pdHi = sides[1];
      long[] d = ints(self.dict.get("dilation"), n);
      String mode = (String) self.dict.getOrDefault("padding_mode", "zeros");
      if (!mode.equals("zeros")) {
        // F.pad with the mode first (the last dimension's pair first), then no padding
        List<Object> pads = new ArrayList<>();
        for (int i = n - 1; i >= 0; i--) {
          pads.add(pd[i]);
          pads.add(pdHi[i]);
        }
        input =
            t.tensor(
                t.call(
                    TorchRegistry.Space.FUNCTIONAL,
                    "pad",
                    List.of(input, PyTuple.of(pads.toArray())),
                    Map.of("mode", mode),
                    at),
                at);
        pd = new long[n];
        pdHi = new long[n];
      }
      if (n == 1) {
        if (input.type().rank() != 3) {
          throw Interpreter.error(
              Code.DN0202, at, "Conv1d expects an input of shape [N, C, L], got " + input.type());
        }
        long[] xs = input.type().dims();
        input = t.reshape(input, new long[] {xs[0], xs[1], 1, xs[2]}, at);
        long[] ws = w.type().dims();
        w = t.reshape(w, new long[] {ws[0], ws[1], 1, ws[2]}, at);
        s = new long[] {1, s[0]};
        pd = new long[] {0, pd[0]};
        pdHi = new long[] {0, pdHi[0]};
        d = new long[] {1, d[0]};
      }
      List<SymTensor> ops = new ArrayList<>(List.of(input, w));
      if (hasParam(self, "bias")) {
        ops.add(weight(in, self, "bias", at));
      }
      if (n == 3) {
        if (input.type().rank() != 5) {
          throw Interpreter.error(
              Code.DN0202,
              at,
              "Conv3d expects an input of shape [N, C, D, H, W], got " + input.type());
        }
        return t.op(
            "conv3d",
            ops,
            Map.of(
                "strides",
                Attr.ints(s),
                "padding",
                Attr.ints(pd[0], pd[1], pd[2], pdHi[0], pdHi[1], pdHi[2]),
                "dilation",
                Attr.ints(d),
                "groups",
                Attr.of((long) (Long) self.dict.get("groups"))),
            at);
      }
      SymTensor y =
          t.op(
              "conv2d",
              ops,
              Map.of(
                  "strides",
                  Attr.ints(s),
                  "padding",
                  Attr.ints(pd[0], pd[1], pdHi[0], pdHi[1]),
                  "dilation",
                  Attr.ints(d),
                  "groups",
                  Attr.of((long) (Long) self.dict.get("groups"))),
              at);
      if (n == 1) {
        long[] ys = y.type().dims();
        y = t.reshape(y, new long[] {ys[0], ys[1], ys[3]}, at);
      }
      return y;
    }
  }

  /**
   * A torch.nn class whose constructor is declared with its schema (several for overloads): its
   * arguments are bound by {@link BoundArgs} before {@link #build} sees them, and the registry
   * documents the schema.
   */
  abstract static class Declared implements Layer {
    final List<Schema> schemas;

    Declared(String... schemas) {
      this.schemas = java.util.Arrays.stream(schemas).map(Schema::parse).toList();
    }

    abstract void build(Interpreter in, PyObject self, BoundArgs p, Span at);

    @Override
    public void init(
        Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
      in.torch.moduleInit(self, at);
      BoundArgs p = BoundArgs.bind(schemas, in, a, kw, at);
      if (p.schema().params().stream().anyMatch(q -> q.name().equals("inplace"))) {
        self.dict.put("inplace", p.inPlace());
      }
      build(in, self, p, at);
    }
  }

  /** A layer whose forward takes one input. */
  abstract static class Simple extends Declared {
    Simple(String... schemas) {
      super(schemas);
    }

    abstract Object run(Interpreter in, PyObject self, Object x, Span at);

    @Override
    public Object forward(
        Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
      if (a.size() != 1 || !kw.isEmpty()) {
        throw Interpreter.error(
            Code.DN0102, at, self.cls.name + ".forward takes one input, got " + a.size());
      }
      SymTensor input =
          Boolean.TRUE.equals(self.dict.get("inplace")) && a.get(0) instanceof SymTensor x
              ? x
              : null;
      String what = "nn." + self.cls.name + "(inplace=True)";
      if (input != null) {
        InPlace.checkByCall(in, input, what, at);
      }
      Object out =
          input == null
              ? run(in, self, a.get(0), at)
              : in.staging.quietly(() -> run(in, self, a.get(0), at));
      if (input != null && out instanceof SymTensor y) {
        InPlace.updatedByCall(in, input, y, what, at);
      }
      return out;
    }
  }

  static void param(PyObject self, String name, TensorType type, Span at) {
    // Layer sizes are validated when bound (BoundArgs.integer with a minimum), so every type here
    // is well formed.
    self.module.parameters.put(name, new TensorSlot(type, at, true));
  }

  static void buffer(PyObject self, String name, TensorType type, Span at) {
    self.module.buffers.put(name, new TensorSlot(type, at, false));
  }

  /**
   * Whether a layer has parameter {@code name}: its own, or one that {@code nn.utils.weight_norm}
   * split and {@link #weight} computes. Optional terms (a bias, LayerNorm's affine weight) test
   * this, so a weight-normed one is not dropped.
   */
  static boolean hasParam(PyObject self, String name) {
    return self.module.parameters.containsKey(name)
        || self.module.weightNorms.containsKey(name)
        || self.module.spectralNorms.containsKey(name);
  }

  static SymTensor weight(Interpreter in, PyObject self, String name, Span at) {
    TensorSlot s =
        self.module.parameters.containsKey(name)
            ? self.module.parameters.get(name)
            : self.module.buffers.get(name);
    if (s == null && self.module.weightNorms.containsKey(name)) {
      return weightNormed(in, self, name, at);
    }
    if (s == null && self.module.spectralNorms.containsKey(name)) {
      return spectralNormed(in, self, name, at);
    }
    if (s == null) {
      throw Interpreter.error(Code.DN0101, at, self.cls.name + " has no parameter '" + name + "'");
    }
    return in.staging.weight(s, at);
  }

  /**
   * A parameter split by {@code nn.utils.weight_norm}: {@code v * (g / norm_except_dim(v, 2,
   * dim))}, in PyTorch's order of operations; the norm is the square root of the sum of squares
   * over every other dim (over all of them for dim -1).
   */
  static SymTensor weightNormed(Interpreter in, PyObject self, String name, Span at) {
    int dim = self.module.weightNorms.get(name);
    SymTensor g = in.staging.weight(self.module.parameters.get(name + "_g"), at);
    SymTensor v = in.staging.weight(self.module.parameters.get(name + "_v"), at);
    Object squares = in.torch.binary("*", v, v, at);
    Object sum;
    if (dim < 0) {
      sum = in.torch.call("sum", List.of(squares), Map.of(), at);
    } else {
      List<Object> others = new ArrayList<>();
      for (long d = 0; d < v.type().rank(); d++) {
        if (d != dim) {
          others.add(d);
        }
      }
      sum =
          others.isEmpty()
              ? squares
              : in.torch.call(
                  "sum",
                  List.of(
                      squares, new PyTuple(com.google.common.collect.ImmutableList.copyOf(others))),
                  Map.of("keepdim", true),
                  at);
    }
    Object norm = in.torch.call("sqrt", List.of(sum), Map.of(), at);
    return in.torch.tensor(in.torch.binary("*", v, in.torch.binary("/", g, norm, at), at), at);
  }

  /**
   * A parameter normalized by {@code nn.utils.spectral_norm}, as its eval-mode hook computes it:
   * {@code W / sigma} with {@code W = NAME_orig} and {@code sigma = dot(u, mv(W_mat, v))}, where
   * {@code W_mat} is W with dim {@code dim} moved first and the rest flattened, and u, v are the
   * stored buffers (no power iteration outside training).
   */
  static SymTensor spectralNormed(Interpreter in, PyObject self, String name, Span at) {
    int dim = self.module.spectralNorms.get(name);
    TorchLib t = in.torch;
    SymTensor w = in.staging.weight(self.module.parameters.get(name + "_orig"), at);
    SymTensor u = in.staging.weight(self.module.buffers.get(name + "_u"), at);
    SymTensor v = in.staging.weight(self.module.buffers.get(name + "_v"), at);
    SymTensor mat = w;
    if (dim != 0) {
      List<Object> order = new ArrayList<>(List.of((long) dim));
      for (long d = 0; d < w.type().rank(); d++) {
        if (d != dim) {
          order.add(d);
        }
      }
      mat =
          t.tensor(
              t.call(
                  "permute",
                  List.of(w, new PyTuple(com.google.common.collect.ImmutableList.copyOf(order))),
                  Map.of(),
                  at),
              at);
    }
    long h = w.type().dims()[dim];
    mat = t.reshape(mat, new long[] {h, w.type().numel() / h}, at);
    Object sigma =
        t.call("dot", List.of(u, t.call("mv", List.of(mat, v), Map.of(), at)), Map.of(), at);
    return t.tensor(t.binary("/", w, sigma, at), at);
  }

  private static final Schema SPECTRAL_NORM =
      Schema.parse(
          "spectral_norm(Any module, str name='weight', int n_power_iterations=1, float eps=1e-12,"
              + " int? dim=None) -> Any");

  /**
   * {@code nn.utils.spectral_norm(module, name='weight', n_power_iterations=1, eps=1e-12,
   * dim=None)} at construction: NAME becomes the parameter NAME_orig and the buffers NAME_u (the
   * kept dim's size) and NAME_v (the rest), as the checkpoint holds them. dim defaults to 1 for
   * transposed convolutions, else 0.
   */
  static Object applySpectralNorm(Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    BoundArgs p = BoundArgs.bind(SPECTRAL_NORM, in, a, kw, at);
    Object m = p.raw("module");
    if (!(m instanceof PyObject o) || o.module == null) {
      throw Interpreter.error(
          Code.DN0102, at, "spectral_norm() takes a module, got " + Builtins.typeName(m));
    }
    String name = p.str("name");
    if (!o.module.parameters.containsKey(name)) {
      throw Interpreter.error(
          Code.DN0101,
          at,
          "spectral_norm(): " + o.cls.name + " has no parameter '" + name + "'",
          "name one of its parameters: " + String.join(", ", o.module.parameters.keySet()));
    }
    long iterations = p.integer("n_power_iterations");
    if (iterations <= 0) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "Expected n_power_iterations to be positive, but got n_power_iterations=" + iterations);
    }
    TensorSlot w = o.module.parameters.get(name);
    int rank = w.type.rank();
    long d;
    if (p.isNone("dim")) {
      d = o.cls.name.startsWith("ConvTranspose") || inherits(o, "ConvTranspose") ? 1 : 0;
    } else {
      d = p.integer("dim");
    }
    if (d < -rank || d >= Math.max(rank, 1)) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "spectral_norm(): dim " + d + " is out of range for a weight of rank " + rank);
    }
    int dim = (int) (d < 0 ? d + rank : d);
    if (rank == 0) {
      throw Interpreter.error(
          Code.DN0202, at, "spectral_norm() needs a weight of at least one dimension");
    }
    long h = w.type.shape().get(dim);
    o.module.parameters.remove(name);
    o.module.parameters.put(name + "_orig", new TensorSlot(w.type, at, true));
    o.module.buffers.put(name + "_u", new TensorSlot(TensorType.of(w.type.dtype(), h), at, false));
    o.module.buffers.put(
        name + "_v", new TensorSlot(TensorType.of(w.type.dtype(), w.type.numel() / h), at, false));
    o.module.spectralNorms.put(name, dim);
    return o;
  }

  /**
   * Whether {@code o}'s class derives from a library layer whose name starts with {@code prefix}.
   */
  private static boolean inherits(PyObject o, String prefix) {
    for (Values.PyClass c = o.cls; c != null; c = c.bases.isEmpty() ? null : c.bases.get(0)) {
      if (c.name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** {@code nn.utils.weight_norm(module, name='weight', dim=0)} at construction. */
  static Object applyWeightNorm(Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    Object m = a.isEmpty() ? kw.get("module") : a.get(0);
    Object n = a.size() > 1 ? a.get(1) : kw.getOrDefault("name", "weight");
    Object d = a.size() > 2 ? a.get(2) : kw.getOrDefault("dim", 0L);
    if (!(m instanceof PyObject o) || o.module == null) {
      throw Interpreter.error(
          Code.DN0102, at, "weight_norm() takes a module, got " + Builtins.typeName(m));
    }
    if (!(n instanceof String name) || !o.module.parameters.containsKey(name)) {
      throw Interpreter.error(
          Code.DN0101,
          at,
          "weight_norm(): "
              + o.cls.name
              + " has no parameter "
              + (n instanceof String ? "'" + n + "'" : Builtins.typeName(n)),
          "name one of its parameters: " + String.join(", ", o.module.parameters.keySet()));
    }
    TensorSlot w = o.module.parameters.get(name);
    int rank = w.type.rank();
    int dim;
    if (d == Values.NONE || d instanceof Long l && l == -1) {
      dim = -1;
    } else if (d instanceof Long l && l >= 0 && l < rank) {
      dim = (int) (long) l;
    } else {
      throw Interpreter.error(
          Code.DN0102,
          at,
          "weight_norm(): dim must be None, -1 or between 0 and " + (rank - 1) + ", got " + d);
    }
    long[] gShape = new long[dim < 0 ? 0 : rank];
    for (int i = 0; i < gShape.length; i++) {
      gShape[i] = i == dim ? w.type.shape().get(i) : 1;
    }
    o.module.parameters.remove(name);
    o.module.parameters.put(
        name + "_g", new TensorSlot(TensorType.of(w.type.dtype(), gShape), at, true));
    o.module.parameters.put(name + "_v", new TensorSlot(w.type, at, true));
    o.module.weightNorms.put(name, dim);
    return o;
  }

  private static Simple batchNorm(String name) {
    return new Simple(
        name
            + "(int num_features, float eps=1e-05, float? momentum=0.1, bool affine=True,"
            + " bool track_running_stats=True, Device? device=None, ScalarType? dtype=None) -> "
            + name) {
      @Override
      void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
        long c = p.integer("num_features", 0);
        self.dict.put("num_features", c);
        self.dict.put("eps", p.real("eps"));
        if (!p.bool("affine") || !p.bool("track_running_stats")) {
          throw Interpreter.error(
              Code.DN0201,
              at,
              name + " without affine parameters or running statistics is not supported yet");
        }
        param(self, "weight", TensorType.of(DType.F32, c), at);
        param(self, "bias", TensorType.of(DType.F32, c), at);
        buffer(self, "running_mean", TensorType.of(DType.F32, c), at);
        buffer(self, "running_var", TensorType.of(DType.F32, c), at);
        buffer(self, "num_batches_tracked", TensorType.of(DType.I64), at);
      }

      @Override
      Object run(Interpreter in, PyObject self, Object x, Span at) {
        SymTensor input = in.torch.tensor(x, at);
        int rank = input.type().rank();
        boolean fits =
            switch (name) {
              case "BatchNorm1d" -> rank == 2 || rank == 3;
              case "BatchNorm2d" -> rank == 4;
              default -> rank == 5;
            };
        if (!fits) {
          throw Interpreter.error(
              Code.DN0202,
              at,
              "expected "
                  + (name.equals("BatchNorm1d")
                      ? "2D or 3D"
                      : name.equals("BatchNorm2d") ? "4D" : "5D")
                  + " input (got "
                  + rank
                  + "D input)");
        }
        List<SymTensor> ops =
            List.of(
                input,
                weight(in, self, "weight", at),
                weight(in, self, "bias", at),
                weight(in, self, "running_mean", at),
                weight(in, self, "running_var", at));
        return in.torch.op(
            "batch_norm", ops, Map.of("eps", Attr.of((double) (Double) self.dict.get("eps"))), at);
      }
    };
  }

  /**
   * Stores a layer's constructor arguments as written, like PyTorch's attributes (kernel_size=2
   * stays 2), and as the keyword arguments forward passes on to F.
   */
  static void storeConfig(PyObject self, BoundArgs p) {
    Map<String, Object> config = new HashMap<>();
    for (Schema.Param param : p.schema().params()) {
      config.put(param.name(), p.given(param.name()));
      self.dict.put(param.name(), p.given(param.name()));
    }
    self.dict.put("__config__", config);
  }

  /** A layer that stores its constructor arguments and forwards to a functional op with them. */
  static Simple withConfig(String fn, String schema) {
    return new Simple(schema) {
      @Override
      void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
        storeConfig(self, p);
      }

      @Override
      @SuppressWarnings("unchecked")
      Object run(Interpreter in, PyObject self, Object x, Span at) {
        Map<String, Object> config = (Map<String, Object>) self.dict.get("__config__");
        return in.torch.call(TorchRegistry.Space.FUNCTIONAL, fn, List.of(x), config, at);
      }
    };
  }
}
