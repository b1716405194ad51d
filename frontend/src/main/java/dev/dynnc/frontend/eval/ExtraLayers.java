package dev.dynnc.frontend.eval;

import static dev.dynnc.frontend.eval.TorchRegistry.Space.FUNCTIONAL;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.NnLayers.Simple;
import dev.dynnc.frontend.eval.Values.PyObject;
import dev.dynnc.frontend.eval.Values.PyTuple;
import dev.dynnc.frontend.eval.Values.SymTensor;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.semantics.DType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * torch.nn layers over {@link LayerFunctions}: more activations, group and instance norm, PReLU,
 * padding layers, pixel and channel shuffles, Unflatten, Softmax2d, 1-d and adaptive max pooling,
 * the fixed-mode upsampling layers, the two-input distance layers, and the other dropout layers
 * (the identity in eval mode).
 */
final class ExtraLayers {
  private ExtraLayers() {}

  static void declare(TorchRegistry r) {
    configured(r);
    r.layer("", groupNorm());
    for (int n = 1; n <= 2; n++) {
      r.layer("with track_running_stats=True, the running statistics (eval mode)", instanceNorm(n));
    }
    r.layer("", prelu());
    for (int n = 1; n <= 2; n++) {
      r.layer("padding_mode='zeros' only", convTranspose(n));
    }
    padding(r);
    r.layer("", unflatten());
    r.layer("", softmax2d());
    for (String fixed : List.of("UpsamplingNearest2d", "UpsamplingBilinear2d")) {
      r.layer(
          fixed.contains("Nearest")
              ? "as F.interpolate(mode='nearest')"
              : "as F.interpolate(mode='bilinear', align_corners=True)",
          upsampling(fixed));
    }
    r.layer("", distance("CosineSimilarity(int dim=1, float eps=1e-08) -> CosineSimilarity"));
    r.layer(
        "",
        distance(
            "PairwiseDistance(float p=2.0, float eps=1e-06, bool keepdim=False) -> PairwiseDistance"));
    for (String d : List.of("Dropout1d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout")) {
      r.layer(
          "the identity: compiled models run in eval mode",
          new Simple(d + "(float p=0.5, bool inplace=False) -> " + d) {
            @Override
            void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
              self.dict.put("p", p.real("p"));
            }

            @Override
            Object run(Interpreter in, PyObject self, Object x, Span at) {
              return in.torch.tensor(x, at);
            }
          });
    }
  }

  /** Layers that store their arguments and call the functional form with them. */
  private static void configured(TorchRegistry r) {
    String[][] layers = {
      {"leaky_relu", "LeakyReLU(float negative_slope=0.01, bool inplace=False) -> LeakyReLU"},
      {
        "hardtanh",
        "Hardtanh(float min_val=-1.0, float max_val=1.0, bool inplace=False) -> Hardtanh"
      },
      {"mish", "Mish(bool inplace=False) -> Mish"},
      {"selu", "SELU(bool inplace=False) -> SELU"},
      {"celu", "CELU(float alpha=1.0, bool inplace=False) -> CELU"},
      {"softsign", "Softsign() -> Softsign"},
      {"tanhshrink", "Tanhshrink() -> Tanhshrink"},
      {"threshold", "Threshold(float threshold, float value, bool inplace=False) -> Threshold"},
      {"glu", "GLU(int dim=-1) -> GLU"},
      {"pixel_shuffle", "PixelShuffle(int upscale_factor) -> PixelShuffle"},
      {"pixel_unshuffle", "PixelUnshuffle(int downscale_factor) -> PixelUnshuffle"},
      {"channel_shuffle", "ChannelShuffle(int groups) -> ChannelShuffle"},
      {
        "max_pool1d",
        "MaxPool1d(int[1] kernel_size, int[1]? stride=None, int[1] padding=0, int[1] dilation=1,"
            + " bool return_indices=False, bool ceil_mode=False) -> MaxPool1d"
      },
      {
        "avg_pool1d",
        "AvgPool1d(int[1] kernel_size, int[1]? stride=None, int[1] padding=0,"
            + " bool ceil_mode=False, bool count_include_pad=True) -> AvgPool1d"
      },
      {"adaptive_avg_pool1d", "AdaptiveAvgPool1d(int[1] output_size) -> AdaptiveAvgPool1d"},
      {
        "adaptive_max_pool1d",
        "AdaptiveMaxPool1d(int[1] output_size, bool return_indices=False) -> AdaptiveMaxPool1d"
      },
      {
        "adaptive_max_pool2d",
        "AdaptiveMaxPool2d(int[2] output_size, bool return_indices=False) -> AdaptiveMaxPool2d"
      },
    };
    for (String[] l : layers) {
      r.layer("as F." + l[0], NnLayers.withConfig(l[0], l[1]));
    }
  }

  private static Simple groupNorm() {
    return new Simple(
        "GroupNorm(int num_groups, int num_channels, float eps=1e-05, bool affine=True,"
            + " Device? device=None, ScalarType? dtype=None) -> GroupNorm") {
      @Override
      void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
        long groups = p.integer("num_groups", 1);
        long c = p.integer("num_channels", 1);
        if (c % groups != 0) {
          throw Interpreter.error(Code.DN0202, at, "num_channels must be divisible by num_groups");
        }
        self.dict.put("num_groups", groups);
        self.dict.put("num_channels", c);
        self.dict.put("eps", p.real("eps"));
        self.dict.put("affine", p.bool("affine"));
        if (p.bool("affine")) {
          NnLayers.param(self, "weight", TensorType.of(DType.F32, c), at);
          NnLayers.param(self, "bias", TensorType.of(DType.F32, c), at);
        }
      }

      @Override
      Object run(Interpreter in, PyObject self, Object x, Span at) {
        boolean affine = (Boolean) self.dict.get("affine");
        return LayerFunctions.groupNorm(
            in.torch,
            in.torch.tensor(x, at),
            (Long) self.dict.get("num_groups"),
            affine ? NnLayers.weight(in, self, "weight", at) : null,
            affine ? NnLayers.weight(in, self, "bias", at) : null,
            (Double) self.dict.get("eps"),
            at);
      }
    };
  }

  private static Simple instanceNorm(int n) {
    String name = "InstanceNorm" + n + "d";
    return new Simple(
        name
            + "(int num_features, float eps=1e-05, float momentum=0.1, bool affine=False,"
            + " bool track_running_stats=False, Device? device=None, ScalarType? dtype=None) -> "
            + name) {
      @Override
      void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
        long c = p.integer("num_features", 1);
        self.dict.put("num_features", c);
        self.dict.put("eps", p.real("eps"));
        self.dict.put("affine", p.bool("affine"));
        self.dict.put("track_running_stats", p.bool("track_running_stats"));
        if (p.bool("affine")) {
          NnLayers.param(self, "weight", TensorType.of(DType.F32, c), at);
          NnLayers.param(self, "bias", TensorType.of(DType.F32, c), at);
        }
        if (p.bool("track_running_stats")) {
          NnLayers.buffer(self, "running_mean", TensorType.of(DType.F32, c), at);
          NnLayers.buffer(self, "running_var", TensorType.of(DType.F32, c), at);
          NnLayers.buffer(self, "num_batches_tracked", TensorType.of(DType.I64), at);
        }
      }

      @Override
      Object run(Interpreter in, PyObject self, Object x, Span at) {
        TorchLib t = in.torch;
        SymTensor input = t.tensor(x, at);
        int rank = input.type().rank();
        if (rank != n + 1 && rank != n + 2) {
          throw Interpreter.error(
              Code.DN0202,
              at,
              "expected " + (n + 1) + "D or " + (n + 2) + "D input (got " + rank + "D input)");
        }
        boolean unbatched = rank == n + 1;
        if (unbatched) {
          List<Long> shape = new java.util.ArrayList<>(input.type().shape());
          shape.add(0, 1L);
          input = t.reshape(input, shape.stream().mapToLong(Long::longValue).toArray(), at);
        }
        long c = (Long) self.dict.get("num_features");
        if (input.type().shape().get(1) != c && (Boolean) self.dict.get("affine")) {
          throw Interpreter.error(
              Code.DN0202,
              at,
              "expected input's size at dim=1 to match num_features ("
                  + c
                  + "), but got: "
                  + input.type().shape().get(1)
                  + ".");
        }
        boolean affine = (Boolean) self.dict.get("affine");
        SymTensor w = affine ? NnLayers.weight(in, self, "weight", at) : null;
        SymTensor b = affine ? NnLayers.weight(in, self, "bias", at) : null;
        double eps = (Double) self.dict.get("eps");
        SymTensor y =
            (Boolean) self.dict.get("track_running_stats")
                ? LayerFunctions.runningNorm(
                    t,
                    input,
                    NnLayers.weight(in, self, "running_mean", at),
                    NnLayers.weight(in, self, "running_var", at),
                    w,
                    b,
                    eps,
                    at)
                : LayerFunctions.instanceNorm(t, input, w, b, eps, at);
        if (unbatched) {
          y = t.reshape(y, java.util.Arrays.copyOfRange(y.type().dims(), 1, rank + 1), at);
        }
        return y;
      }
    };
  }

  private static NnLayers.Declared convTranspose(int n) {
    String name = "ConvTranspose" + n + "d";
    String ints = "int[" + n + "]";
    Schema forward = Schema.parse("forward(Tensor input, int[]? output_size=None) -> Tensor");
    return new NnLayers.Declared(
        name
            + "(int in_channels, int out_channels, "
            + ints
            + " kernel_size, "
            + ints
            + " stride=1, "
            + ints
            + " padding=0, "
            + ints
            + " output_padding=0, int groups=1, bool bias=True, "
            + ints
            + " dilation=1, str padding_mode='zeros', Device? device=None, ScalarType? dtype=None)"
            + " -> "
            + name) {
      @Override
      void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
        long cin = p.integer("in_channels", 1);
        long cout = p.integer("out_channels", 1);
        long groups = p.integer("groups", 1);
        if (cin % groups != 0) {
          throw Interpreter.error(Code.DN0202, at, "in_channels must be divisible by groups");
        }
        if (cout % groups != 0) {
          throw Interpreter.error(Code.DN0202, at, "out_channels must be divisible by groups");
        }
        if (!p.str("padding_mode").equals("zeros")) {
          throw Interpreter.error(
              Code.DN0202, at, "Only \"zeros\" padding mode is supported for " + name);
        }
        for (String key :
            List.of("kernel_size", "stride", "padding", "output_padding", "dilation")) {
          long[] v = p.ints(key);
          Object[] items = new Object[v.length];
          for (int i = 0; i < v.length; i++) {
            items[i] = v[i];
          }
          self.dict.put(key, PyTuple.of(items));
        }
        self.dict.put("in_channels", cin);
        self.dict.put("out_channels", cout);
        self.dict.put("groups", groups);
        long[] k = p.ints("kernel_size", 1);
        long[] wshape = new long[n + 2];
        wshape[0] = cin;
        wshape[1] = cout / groups;
        System.arraycopy(k, 0, wshape, 2, n);
        NnLayers.param(self, "weight", TensorType.of(DType.F32, wshape), at);
        if (p.bool("bias")) {
          NnLayers.param(self, "bias", TensorType.of(DType.F32, cout), at);
        } else {
          self.dict.put("bias", Values.NONE);
        }
      }

      @Override
      public Object forward(
          Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
        BoundArgs p = BoundArgs.bind(forward, in, a, kw, at);
        if (!p.isNone("output_size")) {
          throw Interpreter.error(
              Code.DN0201,
              at,
              name + " with output_size is not supported yet",
              "set output_padding in the constructor instead");
        }
        long[][] geometry = new long[4][];
        String[] keys = {"stride", "padding", "output_padding", "dilation"};
        for (int i = 0; i < 4; i++) {
          List<Object> items = ((PyTuple) self.dict.get(keys[i])).items();
          geometry[i] = items.stream().mapToLong(o -> (Long) o).toArray();
        }
        return LayerFunctions.convTranspose(
            in.torch,
            p.tensor("input"),
            NnLayers.weight(in, self, "weight", at),
            NnLayers.hasParam(self, "bias") ? NnLayers.weight(in, self, "bias", at) : null,
            geometry,
            (Long) self.dict.get("groups"),
            n,
            at);
      }
    };
  }

  private static Simple prelu() {
    return new Simple(
        "PReLU(int num_parameters=1, float init=0.25, Device? device=None, ScalarType? dtype=None)"
            + " -> PReLU") {
      @Override
      void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
        long n = p.integer("num_parameters", 1);
        self.dict.put("num_parameters", n);
        NnLayers.param(self, "weight", TensorType.of(DType.F32, n), at);
      }

      @Override
      Object run(Interpreter in, PyObject self, Object x, Span at) {
        return LayerFunctions.prelu(
            in.torch, in.torch.tensor(x, at), NnLayers.weight(in, self, "weight", at), at);
      }
    };
  }

  /** ZeroPad, ConstantPad, ReflectionPad and ReplicationPad in 1-d and 2-d, over F.pad. */
  private static void padding(TorchRegistry r) {
    for (int n = 1; n <= 2; n++) {
      for (String kind : List.of("Zero", "Constant", "Reflection", "Replication")) {
        if (kind.equals("Zero") && n == 1) {
          continue; // nn.ZeroPad1d arrived after PyTorch 1.13
        }
        String name = kind + "Pad" + n + "d";
        String mode =
            switch (kind) {
              case "Reflection" -> "reflect";
              case "Replication" -> "replicate";
              default -> "constant";
            };
        int dims = n;
        r.layer(
            "as F.pad(mode='" + mode + "')",
            new Simple(
                name
                    + "(int["
                    + 2 * n
                    + "] padding"
                    + (kind.equals("Constant") ? ", float value" : "")
                    + ") -> "
                    + name) {
              @Override
              void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
                long[] pad = p.ints("padding");
                Object[] items = new Object[pad.length];
                for (int i = 0; i < pad.length; i++) {
                  items[i] = pad[i];
                }
                self.dict.put("padding", PyTuple.of(items));
                self.dict.put("value", kind.equals("Constant") ? p.real("value") : 0.0);
                if (pad.length != 2 * dims) {
                  throw Interpreter.error(
                      Code.DN0202,
                      at,
                      name + " takes an int or " + 2 * dims + " paddings, got " + pad.length);
                }
              }

              @Override
              Object run(Interpreter in, PyObject self, Object x, Span at) {
                Map<String, Object> kw = new HashMap<>();
                kw.put("mode", mode);
                if (mode.equals("constant")) {
                  kw.put("value", self.dict.get("value"));
                }
                return in.torch.call(
                    FUNCTIONAL, "pad", List.of(x, self.dict.get("padding")), kw, at);
              }
            });
      }
    }
  }

  private static Simple unflatten() {
    return new Simple("Unflatten(int dim, int[] unflattened_size) -> Unflatten") {
      @Override
      void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
        self.dict.put("dim", p.integer("dim"));
        self.dict.put("unflattened_size", p.given("unflattened_size"));
      }

      @Override
      Object run(Interpreter in, PyObject self, Object x, Span at) {
        return in.torch.call(
            TorchRegistry.Space.TENSOR,
            "unflatten",
            List.of(x, self.dict.get("dim"), self.dict.get("unflattened_size")),
            Map.of(),
            at);
      }
    };
  }

  private static Simple softmax2d() {
    return new Simple("Softmax2d() -> Softmax2d") {
      @Override
      void build(Interpreter in, PyObject self, BoundArgs p, Span at) {}

      @Override
      Object run(Interpreter in, PyObject self, Object x, Span at) {
        SymTensor input = in.torch.tensor(x, at);
        int rank = input.type().rank();
        if (rank != 3 && rank != 4) {
          throw Interpreter.error(Code.DN0202, at, "Softmax2d requires a 3D or 4D tensor as input");
        }
        return in.torch.op("softmax", List.of(input), Map.of("axis", Attr.of((long) rank - 3)), at);
      }
    };
  }

  private static Simple upsampling(String name) {
    boolean nearest = name.contains("Nearest");
    return new Simple(name + "(Any? size=None, Any? scale_factor=None) -> " + name) {
      @Override
      void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
        self.dict.put("size", p.given("size"));
        self.dict.put("scale_factor", p.given("scale_factor"));
      }

      @Override
      Object run(Interpreter in, PyObject self, Object x, Span at) {
        Map<String, Object> kw = new HashMap<>();
        kw.put("size", self.dict.get("size"));
        kw.put("scale_factor", self.dict.get("scale_factor"));
        kw.put("mode", nearest ? "nearest" : "bilinear");
        if (!nearest) {
          kw.put("align_corners", true);
        }
        return in.torch.call(FUNCTIONAL, "interpolate", List.of(x), kw, at);
      }
    };
  }

  /** CosineSimilarity and PairwiseDistance: forward(x1, x2) with the stored arguments. */
  private static NnLayers.Declared distance(String schema) {
    String fn = schema.startsWith("Cosine") ? "cosine_similarity" : "pairwise_distance";
    return new NnLayers.Declared(schema) {
      @Override
      void build(Interpreter in, PyObject self, BoundArgs p, Span at) {
        NnLayers.storeConfig(self, p);
      }

      @Override
      @SuppressWarnings("unchecked")
      public Object forward(
          Interpreter in, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
        if (a.size() != 2 || !kw.isEmpty()) {
          throw Interpreter.error(
              Code.DN0102, at, self.cls.name + ".forward takes two inputs, got " + a.size());
        }
        Map<String, Object> config = (Map<String, Object>) self.dict.get("__config__");
        return in.torch.call(FUNCTIONAL, fn, a, config, at);
      }
    };
  }
}
