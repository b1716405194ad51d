package dev.dynnc.frontend.eval;

import com.google.common.collect.ImmutableList;
import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostic;
import dev.dynnc.diag.DiagnosticException;
import dev.dynnc.frontend.eval.TorchRegistry.Space;
import dev.dynnc.frontend.eval.Values.*;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.ir.ValueId;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The modelled subset of PyTorch: torch, torch.nn, torch.nn.functional, tensor methods.
 *
 * <p>At construction time nn classes build the module tree and record parameter shapes; in forward
 * every tensor function emits IR ops through {@link Staging}. Anything not modelled is a DN0201
 * diagnostic naming the function.
 */
final class TorchLib {
  private final Interpreter in;
  private final Map<String, PyNamespace> libs = new HashMap<>();
  final PyClass moduleClass;
  private final Map<String, PyClass> nn = new LinkedHashMap<>();

  /** Selections by run-time bool masks ({@code x[mask]}) and where they are taken. */
  final MaskedSelections masked = new MaskedSelections(this);

  TorchLib(Interpreter in) {
    this.in = in;
    moduleClass =
        new PyClass(
            "Module",
            "torch.nn.Module",
            List.of(),
            new Layer() {
              @Override
              public void init(
                  Interpreter it, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
                moduleInit(self, at);
              }

              @Override
              public Object forward(
                  Interpreter it, PyObject self, List<Object> a, Map<String, Object> kw, Span at) {
                throw Interpreter.error(Code.DN0101, at, self.cls.name + " has no forward method");
              }
            });
    layerInit(moduleClass);
    for (TorchRegistry.Entry e : TorchRegistry.REGISTRY.entries(Space.NN)) {
      addLayer(e.name(), e.layer());
    }
    Attention.addStatics(nn.get("Transformer"));
    Map<String, Object> nnAttrs = new HashMap<>(nn);
    nnAttrs.put("Module", moduleClass);
    nnAttrs.put(
        "Parameter",
        new Builtin(
            "Parameter",
            (it, a, kw, at) -> {
              Object t = a.isEmpty() ? kw.get("data") : a.get(0);
              if (!(t instanceof TensorSlot s)) {
                throw Interpreter.error(
                    Code.DN0102, at, "nn.Parameter needs a tensor made at construction time");
              }
              return new TensorSlot(s.type, at, true);
            }));
    PyNamespace init = new PyNamespace("torch.nn.init", new HashMap<>(), false);
    for (String fn :
        List.of(
            "normal_",
            "uniform_",
            "constant_",
            "zeros_",
            "ones_",
            "xavier_uniform_",
            "xavier_normal_",
            "kaiming_uniform_",
            "kaiming_normal_",
            "trunc_normal_",
            "orthogonal_",
            "eye_",
            "_calculate_fan_in_and_fan_out")) {
      init.attrs.put(fn, new Builtin(fn, (it, a, kw, at) -> a.isEmpty() ? Values.NONE : a.get(0)));
    }
    nnAttrs.put("init", init);
    PyNamespace utils = new PyNamespace("torch.nn.utils", new HashMap<>(), false);
    utils.attrs.put(
        "weight_norm",
        new Builtin("weight_norm", (it, a, kw, at) -> NnLayers.applyWeightNorm(it, a, kw, at)));
    utils.attrs.put(
        "spectral_norm",
        new Builtin("spectral_norm", (it, a, kw, at) -> NnLayers.applySpectralNorm(it, a, kw, at)));
    utils.attrs.put("rnn", PackedSequences.module());
    nnAttrs.put("utils", utils);
    PyNamespace functional =
        new PyNamespace("torch.nn.functional", functions(Space.FUNCTIONAL), false);
    nnAttrs.put("functional", functional);
    PyNamespace nnNs = new PyNamespace("torch.nn", nnAttrs, false);
    Map<String, Object> torchAttrs = functions(Space.TORCH);
    torchAttrs.put("nn", nnNs);
    for (DType d : DType.irTypes()) {
      torchAttrs.put(d.numpyName(), d);
    }
    torchAttrs.put("float", DType.F32);
    torchAttrs.put("long", DType.I64);
    torchAttrs.put("int", DType.I32);
    torchAttrs.put("double", DType.F64);
    // torch.Tensor(2, 3) and torch.Tensor([1, 2]): the legacy constructor of the default type,
    // torch.FloatTensor. It stays a builtin named Tensor, which isinstance(x, torch.Tensor) tests.
    Object floatTensor = torchAttrs.get("FloatTensor");
    torchAttrs.put(
        "Tensor", new Builtin("Tensor", (it, a, kw, at) -> it.call(floatTensor, a, kw, at)));
    // Gradient modes do not change eval-mode results. Each is a context manager (`with
    // torch.no_grad():`)
    // and a decorator, with or without parentheses (`@torch.no_grad()`, `@torch.no_grad`).
    for (String mode : List.of("no_grad", "enable_grad", "inference_mode", "set_grad_enabled")) {
      Builtin context =
          new Builtin(
              mode,
              (it, a, kw, at) -> a.size() == 1 && isFunction(a.get(0)) ? a.get(0) : Values.NONE);
      torchAttrs.put(
          mode,
          new Builtin(
              mode, (it, a, kw, at) -> a.size() == 1 && isFunction(a.get(0)) ? a.get(0) : context));
    }
    torchAttrs.put(
        "device", new Builtin("device", (it, a, kw, at) -> a.isEmpty() ? "cpu" : a.get(0)));
    torchAttrs.put("jit", new PyNamespace("torch.jit", new HashMap<>(), true));
    torchAttrs.put("linalg", Linalg.linalg());
    torchAttrs.put("special", Linalg.special());
    Map<String, PyNamespace> distributions = Distributions.modules();
    torchAttrs.put("distributions", distributions.get("torch.distributions"));
    libs.putAll(distributions);
    PyNamespace torchNs = new PyNamespace("torch", torchAttrs, false);
    libs.put("torch", torchNs);
    libs.put("torch.nn", nnNs);
    libs.put("torch.nn.functional", functional);
    libs.put("torch.linalg", (PyNamespace) torchAttrs.get("linalg"));
    libs.put("torch.special", (PyNamespace) torchAttrs.get("special"));
    libs.put("torch.nn.init", init);
    libs.put("torch.nn.utils", (PyNamespace) nnNs.attrs.get("utils"));
    libs.put(
        "torch.nn.utils.rnn",
        (PyNamespace) ((PyNamespace) nnNs.attrs.get("utils")).attrs.get("rnn"));
    libs.put("math", new PyNamespace("math", Builtins.mathModule(), false));
    Map<String, Object> collections = new HashMap<>();
    collections.put(
        "OrderedDict",
        new Builtin(
            "OrderedDict",
            (it, a, kw, at) ->
                it.builtins.get("dict") instanceof Builtin b
                    ? b.impl().call(it, a, kw, at)
                    : Values.NONE));
    libs.put("collections", new PyNamespace("collections", collections, false));
  }

  private static boolean isFunction(Object v) {
    return v instanceof PyFunction || v instanceof BoundMethod || v instanceof Builtin;
  }

  PyNamespace libraryModule(String dotted) {
    return libs.get(dotted);
  }

  boolean isLibrary(PyNamespace ns) {
    return libs.containsValue(ns);
  }

  // ------------------------------------------------------------------------------------------
  // nn classes

  void addLayer(String name, Layer layer) {
    PyClass c = new PyClass(name, "torch.nn." + name, List.of(moduleClass), layer);
    layerInit(c);
    nn.put(name, c);
  }

  /** The torch.nn class {@code name}, which must be declared. */
  PyClass nnClass(String name) {
    PyClass c = nn.get(name);
    if (c == null) {
      throw new IllegalArgumentException("torch.nn." + name + " is not declared");
    }
    return c;
  }

  private static void layerInit(PyClass c) {
    Layer layer = c.layer;
    c.dict.put(
        "__init__",
        new Builtin(
            "__init__",
            (it, a, kw, at) -> {
              PyObject self = Args.as(PyObject.class, c.name + ".__init__", a.get(0), at);
              layer.init(it, self, a.subList(1, a.size()), kw, at);
              return Values.NONE;
            }));
  }

  void moduleInit(PyObject self, Span at) {
    if (self.module == null) {
      self.module = new ModuleState(Span.NONE);
    }
  }

  TensorSlot slot(TensorType type, Span at, boolean param) {
    return new TensorSlot(type, at, param);
  }

  Object callModule(PyObject o, List<Object> args, Map<String, Object> kwargs, Span at) {
    if (in.staging == null) {
      throw Interpreter.error(
          Code.DN0112,
          at,
          "calling a module while the model is being constructed is not supported",
          "compute shapes with arithmetic in __init__ instead of a dummy forward pass");
    }
    Object fwd = o.dict.get("forward");
    if (fwd != null) {
      return in.call(fwd, args, kwargs, at);
    }
    Object f = o.cls.lookup("forward");
    if (f instanceof PyFunction) {
      return in.call(new BoundMethod(o, f), args, kwargs, at);
    }
    Layer layer = o.cls.nearestLayer();
    try {
      return layer.forward(in, o, args, kwargs, at);
    } catch (DiagnosticException e) {
      // A shape error inside a library layer is usually about how the layer was built: say where.
      Diagnostic d = e.diagnostics().get(0);
      if (e.diagnostics().size() == 1
          && d.code() == Code.DN0202
          && d.hint().isEmpty()
          && o.module.createdAt().isKnown()) {
        throw new DiagnosticException(
            d.withHint(
                "this "
                    + o.cls.name
                    + " was created at "
                    + o.module.createdAt()
                    + "; check its arguments against the shape of its input"));
      }
      throw e;
    }
  }

  Object moduleMethod(PyObject o, String name, Span at) {
    if (o.cls.nearestLayer() instanceof NnLayers.Container c) {
      switch (name) {
        case "append":
          return new Builtin(
              name,
              (it, a, kw, at2) -> {
                NnLayers.Container.add(
                    it, o, String.valueOf(NnLayers.Container.size(o)), a.get(0), at2);
                return o;
              });
        case "extend":
          return new Builtin(
              name,
              (it, a, kw, at2) -> {
                for (Object m : it.iterate(a.get(0), at2)) {
                  NnLayers.Container.add(it, o, String.valueOf(NnLayers.Container.size(o)), m, at2);
                }
                return o;
              });
        case "insert":
          return new Builtin(
              name,
              (it, a, kw, at2) -> {
                if (c.holdsParameters()) {
                  throw Interpreter.error(
                      Code.DN0201, at2, c.name() + ".insert is not supported yet", "use append");
                }
                List<Object> kids = new ArrayList<>(o.module.modules.values());
                long i = Operators.asLong(a.get(0), at2);
                kids.add(
                    (int) Math.max(0, Math.min(kids.size(), i < 0 ? i + kids.size() : i)),
                    a.get(1));
                o.module.modules.clear();
                for (Object m : kids) {
                  NnLayers.Container.add(it, o, String.valueOf(o.module.modules.size()), m, at2);
                }
                return Values.NONE;
              });
        case "keys":
          return new Builtin(
              name,
              (it, a, kw, at2) ->
                  new PyList(new ArrayList<>(NnLayers.Container.items(this, o, at2).keySet())));
        case "values":
          return new Builtin(
              name,
              (it, a, kw, at2) ->
                  new PyList(new ArrayList<>(NnLayers.Container.items(this, o, at2).values())));
        case "items":
          return new Builtin(
              name,
              (it, a, kw, at2) ->
                  new PyList(
                      NnLayers.Container.items(this, o, at2).entrySet().stream()
                          .map(e -> (Object) PyTuple.of(e.getKey(), e.getValue()))
                          .toList()));
        default:
          break;
      }
    }
    switch (name) {
      case "training":
        return false;
      case "register_buffer":
        return new Builtin(
            name,
            (it, a, kw, at2) -> {
              Object t = a.size() > 1 ? a.get(1) : kw.get("tensor");
              if (t == Values.NONE) {
                return Values.NONE;
              }
              if (!(t instanceof TensorSlot s)) {
                throw Interpreter.error(Code.DN0102, at2, "register_buffer needs a tensor");
              }
              boolean persistent =
                  !kw.containsKey("persistent") || it.truthy(kw.get("persistent"), at2);
              if (!persistent) {
                throw Interpreter.error(
                    Code.DN0201,
                    at2,
                    "non-persistent buffers are not in the checkpoint, so their values are unknown",
                    "make the buffer persistent, or compute it in forward");
              }
              o.module.buffers.put(
                  Args.as(String.class, "register_buffer", a.get(0), at2),
                  new TensorSlot(s.type, at2, false));
              return Values.NONE;
            });
      case "register_parameter":
        return new Builtin(
            name,
            (it, a, kw, at2) -> {
              if (a.get(1) instanceof TensorSlot s) {
                o.module.parameters.put(
                    Args.as(String.class, "register_parameter", a.get(0), at2),
                    new TensorSlot(s.type, at2, true));
              }
              return Values.NONE;
            });
      case "add_module":
      case "register_module":
        return new Builtin(
            name,
            (it, a, kw, at2) -> {
              Attributes.set(it, o, Args.as(String.class, name, a.get(0), at2), a.get(1), at2);
              return Values.NONE;
            });
      case "modules":
        return new Builtin(name, (it, a, kw, at2) -> new PyList(new ArrayList<>(allModules(o))));
      case "children":
        return new Builtin(
            name, (it, a, kw, at2) -> new PyList(new ArrayList<>(o.module.modules.values())));
      case "named_children":
        return new Builtin(
            name,
            (it, a, kw, at2) ->
                new PyList(
                    o.module.modules.entrySet().stream()
                        .map(e -> (Object) PyTuple.of(e.getKey(), e.getValue()))
                        .toList()));
      case "parameters":
        return new Builtin(
            name,
            (it, a, kw, at2) -> {
              List<Object> out = new ArrayList<>();
              for (PyObject m : allModules(o)) {
                out.addAll(m.module.parameters.values());
              }
              return new PyList(out);
            });
      case "apply":
        return new Builtin(
            name,
            (it, a, kw, at2) -> {
              List<PyObject> mods = allModules(o);
              for (int i = mods.size() - 1; i >= 0; i--) {
                it.call(a.get(0), List.of(mods.get(i)), Map.of(), at2);
              }
              return o;
            });
      case "eval":
      case "train":
      case "to":
      case "cuda":
      case "cpu":
      case "float":
      case "requires_grad_":
        return new Builtin(name, (it, a, kw, at2) -> o);
      case "zero_grad":
        return new Builtin(name, (it, a, kw, at2) -> Values.NONE);
      default:
        return null;
    }
  }

  /** The module and all its descendants, depth-first, each once (as nn.Module.modules()). */
  static List<PyObject> allModules(PyObject root) {
    List<PyObject> out = new ArrayList<>();
    java.util.ArrayDeque<PyObject> stack = new java.util.ArrayDeque<>();
    stack.push(root);
    java.util.Set<PyObject> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    while (!stack.isEmpty()) {
      PyObject m = stack.pop();
      if (!seen.add(m)) {
        continue;
      }
      out.add(m);
      List<Object> kids = new ArrayList<>(m.module.modules.values());
      for (int i = kids.size() - 1; i >= 0; i--) {
        if (kids.get(i) instanceof PyObject k && k.module != null) {
          stack.push(k);
        }
      }
    }
    return out;
  }

  List<Object> iterateModule(PyObject o, Span at) {
    if (o.cls.nearestLayer() instanceof NnLayers.Container c) {
      Map<String, Object> items = NnLayers.Container.items(this, o, at);
      // A dict iterates its keys (ModuleDict's keys are its names, as PyTorch's).
      return new ArrayList<>(c.holdsParameters() && c.isDict() ? items.keySet() : items.values());
    }
    throw Interpreter.error(Code.DN0102, at, "'" + o.cls.name + "' object is not iterable");
  }

  Object moduleGetItem(PyObject o, Object idx, Span at) {
    Map<String, Object> items = NnLayers.Container.items(this, o, at);
    List<Object> kids = new ArrayList<>(items.values());
    boolean params = o.cls.nearestLayer() instanceof NnLayers.Container pc && pc.holdsParameters();
    if (o.cls.nearestLayer() instanceof NnLayers.Container c && c.isDict()) {
      Object v = items.get(idx);
      if (v == null) {
        throw Interpreter.error(
            Code.DN0109,
            at,
            "no "
                + (params ? "parameter" : "module")
                + " named "
                + Builtins.repr(in, idx)
                + " in "
                + o.cls.name);
      }
      return v;
    }
    if (params && (idx instanceof Operators.SliceValue || idx instanceof HostScalar)) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "indexing a ParameterList with a slice or a run-time value is not supported yet",
          "index it with constant integers, or iterate it");
    }
    if (idx instanceof Operators.SliceValue s) {
      long[] r = Operators.resolveSlice(s, kids.size(), at);
      PyObject out = new PyObject(o.cls);
      out.module = new ModuleState(at);
      int k = 0;
      for (long i = r[0]; r[2] > 0 ? i < r[1] : i > r[1]; i += r[2]) {
        out.module.modules.put(String.valueOf(k++), kids.get((int) i));
      }
      return out;
    }
    if (idx instanceof HostScalar h) {
      return ModuleDispatch.pick(kids, h, at);
    }
    return kids.get(Operators.index(idx, kids.size(), at));
  }

  void moduleSetItem(PyObject o, Object idx, Object v, Span at) {
    if (o.cls.nearestLayer() instanceof NnLayers.Container pc && pc.holdsParameters()) {
      String key =
          pc.isDict()
              ? Builtins.str(in, idx)
              : new ArrayList<>(o.module.parameters.keySet())
                  .get(Operators.index(idx, o.module.parameters.size(), at));
      NnLayers.Container.add(in, o, key, v, at);
      return;
    }
    if (o.cls.nearestLayer() instanceof NnLayers.Container c && c.isDict()) {
      o.module.modules.put(Builtins.str(in, idx), v);
      return;
    }
    List<String> keys = new ArrayList<>(o.module.modules.keySet());
    o.module.modules.put(keys.get(Operators.index(idx, keys.size(), at)), v);
  }

  // ------------------------------------------------------------------------------------------
  // Tensors

  Staging staging(Span at) {
    return in.requireStaging(at);
  }

  Object slotValue(TensorSlot s, Span at) {
    return in.staging == null ? s : in.staging.weight(s, at);
  }

  SymTensor tensor(Object v, Span at) {
    if (v instanceof SymTensor t) {
      return t;
    }
    if (v instanceof TensorSlot s) {
      return staging(at).weight(s, at);
    }
    throw Interpreter.error(Code.DN0201, at, "expected a tensor, got " + Builtins.typeName(v));
  }

  SymTensor op(String name, List<SymTensor> operands, Map<String, Attr> attrs, Span at) {
    List<ValueId> ids = new ArrayList<>();
    List<Type> types = new ArrayList<>();
    for (SymTensor t : operands) {
      ids.add(t.id());
      types.add(t.type());
    }
    return (SymTensor) staging(at).emit(name, ids, types, attrs, null, at);
  }

  SymTensor full(double value, DType dt, Span at) {
    return full(value, dt, new long[0], at);
  }

  /** A tensor of one value; the backend makes it a constant, so no data travels at run time. */
  SymTensor full(double value, DType dt, long[] shape, Span at) {
    Attr v =
        dt.isFloat()
            ? Attr.of(value)
            : dt == DType.BOOL
                ? Attr.of(value != 0)
                // a number put into uint8 wraps modulo 256, as PyTorch's m + 300 does
                : Attr.of(dt == DType.U8 ? ((long) value) & 0xff : (long) value);
    return (SymTensor)
        staging(at)
            .emit("full", List.of(), List.of(), Map.of("value", v), TensorType.of(dt, shape), at);
  }

  SymTensor cast(SymTensor t, DType to, Span at) {
    if (t.type().dtype() == to) {
      return t;
    }
    return op("cast", List.of(t), Map.of("dtype", Attr.of(to.irName())), at);
  }

  SymTensor reshape(SymTensor t, long[] shape, Span at) {
    if (java.util.Arrays.equals(t.type().dims(), shape)) {
      return t;
    }
    return op("reshape", List.of(t), Map.of("shape", Attr.ints(shape)), at);
  }

  /**
   * Brings two operands of a binary op to tensors of one dtype, as PyTorch's type promotion does.
   */
  private SymTensor[] operands(Object a, Object b, boolean trueDiv, Span at) {
    // A run-time Python scalar (a loop counter, int(t.item())) goes to the device as a 0-d tensor
    // of the dtype PyTorch gives a Python number next to the other operand.
    if (a instanceof HostScalar ha && Operators.isTensorLike(b)) {
      a = scalarOperand(ha, tensor(b, at).type().dtype(), at);
    }
    if (b instanceof HostScalar hb && Operators.isTensorLike(a)) {
      b = scalarOperand(hb, tensor(a, at).type().dtype(), at);
    }
    for (Object v : new Object[] {a, b}) {
      if (v instanceof HostScalar) {
        throw Interpreter.error(
            Code.DN0201,
            at,
            "mixing a run-time Python scalar (from .item()) with a tensor is not supported yet",
            "keep the value as a tensor instead of calling .item()");
      }
    }
    if (!Operators.isTensorLike(a)) {
      SymTensor tb = tensor(b, at);
      DType dt = scalarDtype(a, tb.type().dtype(), at);
      tb = cast(tb, dt, at);
      a = full(Operators.toDouble(a), dt, at);
      return finishDiv(new SymTensor[] {(SymTensor) a, tb}, trueDiv, at);
    }
    if (!Operators.isTensorLike(b)) {
      SymTensor ta = tensor(a, at);
      DType dt = scalarDtype(b, ta.type().dtype(), at);
      ta = cast(ta, dt, at);
      return finishDiv(new SymTensor[] {ta, full(Operators.toDouble(b), dt, at)}, trueDiv, at);
    }
    SymTensor ta = tensor(a, at);
    SymTensor tb = tensor(b, at);
    if (ta.type().dtype() != tb.type().dtype()) {
      // float32 + float64 is float64 and int32 + int64 int64 where both have dimensions; a 0-d
      // tensor of the same kind does not widen one with dimensions (resultType).
      DType dt = resultType(List.of(ta, tb), at);
      ta = cast(ta, dt, at);
      tb = cast(tb, dt, at);
    }
    return finishDiv(new SymTensor[] {ta, tb}, trueDiv, at);
  }

  /**
   * A run-time host scalar as a 0-d tensor of its own kind (int64, float64 or bool), uploaded by
   * the host program before the subgraph that reads it runs (op {@code to_tensor}).
   */
  SymTensor upload(HostScalar h, Span at) {
    return (SymTensor)
        staging(at)
            .emit(
                "to_tensor",
                List.of(h.id()),
                List.of(h.type()),
                Map.of("dtype", Attr.of(h.type().dtype().irName())),
                null,
                at);
  }

  /**
   * {@code h} next to a tensor of {@code tensorDtype}: uploaded and cast as PyTorch promotes it.
   */
  private SymTensor scalarOperand(HostScalar h, DType tensorDtype, Span at) {
    DType kind = h.type().dtype();
    Object sample = kind.isFloat() ? (Object) 0.0 : kind == DType.BOOL ? (Object) false : 0L;
    return cast(upload(h, at), scalarDtype(sample, tensorDtype, at), at);
  }

  /**
   * The dtype PyTorch's type promotion gives these operands (tensors, Python numbers, run-time
   * scalars): tensors with dimensions decide, then 0-d tensors, then numbers (a float number
   * counting as float32, the default dtype), a later category only where it is of a higher kind
   * (bool, integer, float) than the earlier ones. {@code where(c, int_tensor, 2.5)} is float32,
   * {@code int32_tensor + torch.tensor(3)} int32. None is skipped.
   */
  DType resultType(List<Object> operands, Span at) {
    DType dims = null;
    DType zero = null;
    DType numbers = null;
    for (Object v : operands) {
      if (v == Values.NONE) {
        continue;
      }
      if (Operators.isTensorLike(v)) {
        TensorType ty = tensor(v, at).type();
        if (ty.rank() > 0) {
          dims = promote(dims, ty.dtype());
        } else {
          zero = promote(zero, ty.dtype());
        }
      } else {
        numbers = promote(numbers, numberDtype(v, at));
      }
    }
    DType out = combine(dims, combine(zero, numbers));
    return out != null ? out : DType.F32;
  }

  /** The dtype of a Python number or run-time scalar next to tensors (a float one is float32). */
  private static DType numberDtype(Object v, Span at) {
    DType kind =
        v instanceof HostScalar h
            ? h.type().dtype()
            : v instanceof Double
                ? DType.F64
                : v instanceof Long ? DType.I64 : v instanceof Boolean ? DType.BOOL : null;
    if (kind == null) {
      throw Interpreter.error(
          Code.DN0201, at, "cannot combine a tensor with a " + Builtins.typeName(v));
    }
    return kind.isFloat() ? DType.F32 : kind;
  }

  /** PyTorch's promoteTypes over the IR dtypes (null is no operand yet). */
  static DType promote(DType a, DType b) {
    if (a == null || a == b) {
      return b;
    }
    if (b == null || b == DType.BOOL) {
      return a;
    }
    if (a == DType.BOOL) {
      return b;
    }
    if (a.isFloat() != b.isFloat()) {
      return a.isFloat() ? a : b;
    }
    return a.byteSize() >= b.byteSize() ? a : b;
  }

  /** The dtype of a higher category's operands and a lower one's, as PyTorch combines them. */
  private static DType combine(DType higher, DType lower) {
    if (higher == null) {
      return lower;
    }
    if (lower == null || higher.isFloat()) {
      return higher;
    }
    return higher == DType.BOOL || lower.isFloat() ? promote(higher, lower) : higher;
  }

  /**
   * An operand (tensor, Python number or run-time scalar) as a tensor of {@code dt}: a number is a
   * 0-d constant, a run-time scalar a 0-d upload.
   */
  SymTensor operandAs(Object v, DType dt, Span at) {
    if (v instanceof HostScalar h) {
      return cast(upload(h, at), dt, at);
    }
    if (Operators.isTensorLike(v)) {
      return cast(tensor(v, at), dt, at);
    }
    numberDtype(v, at); // refuses anything but a number
    return full(Operators.toDouble(v), dt, at);
  }

  /** A tensor of {@code dims} filled with a Python number or a run-time scalar, as {@code dt}. */
  SymTensor filled(Object v, DType dt, long[] dims, Span at) {
    if (v instanceof HostScalar h) {
      return TensorFunctions.expand(this, cast(upload(h, at), dt, at), dims, at);
    }
    numberDtype(v, at);
    return full(Operators.toDouble(v), dt, dims, at);
  }

  /** Whether {@code item} is a slice with a bound known only at run time. */
  static boolean runTimeSlice(Object item) {
    return item instanceof Operators.SliceValue s
        && (s.lower() instanceof HostScalar || s.upper() instanceof HostScalar);
  }

  /**
   * {@code t} with every run-time slice among {@code items} ({@code x[:, t:t + 2]}, a glimpse or a
   * window at a computed position) read by an index_select of {@code start + arange(k)} along its
   * dimension, and replaced in {@code items} by {@code :}. The length k must be static: the upper
   * bound is the lower one plus a constant. Where the slice would leave the dimension (PyTorch
   * returns a shorter one) the run raises (check_slice_range).
   */
  private SymTensor readRunTimeSlices(SymTensor t, List<Object> items, Span at) {
    TensorType ty = t.type();
    SymTensor[] out = {t};
    forEachRunTimeSlice(
        ty.rank(),
        items,
        (i, d) -> {
          Window w = window((Operators.SliceValue) items.get(i), ty, d, at);
          out[0] =
              op("index_select", List.of(out[0], w.positions()), Map.of("axis", Attr.of(d)), at);
          items.set(i, new Operators.SliceValue(Values.NONE, Values.NONE, Values.NONE));
        });
    return out[0];
  }

  /** A run-time slice at position {@code item} of an index, over dimension {@code dim}. */
  private interface SliceAt {
    void accept(int item, int dim);
  }

  /** Calls {@code f} for each run-time slice of an index of a tensor of {@code rank}. */
  private static void forEachRunTimeSlice(int rank, List<Object> items, SliceAt f) {
    int consumed = 0;
    for (Object x : items) {
      consumed += dimsConsumed(x);
    }
    int d = 0;
    for (int i = 0; i < items.size(); i++) {
      Object x = items.get(i);
      if (x == Operators.ELLIPSIS) {
        d += rank - consumed;
        continue;
      }
      if (runTimeSlice(x)) {
        f.accept(i, d);
      }
      d += dimsConsumed(x);
    }
  }

  /**
   * A run-time slice {@code [a:a + k]} of dimension {@code d}: its start (0-d int64), its positions
   * {@code a + arange(k)}, checked to lie inside the dimension (check_slice_range), and k.
   */
  private record Window(SymTensor start, SymTensor positions, long length) {}

  private Window window(Operators.SliceValue s, TensorType ty, int d, Span at) {
    if (d >= ty.rank()) {
      throw Interpreter.error(
          Code.DN0202, at, "too many indices for a tensor of rank " + ty.rank());
    }
    long k = runTimeSliceLength(s, at);
    SymTensor start = cast(upload((HostScalar) s.lower(), at), DType.I64, at);
    SymTensor positions =
        op(
            "add",
            List.of(
                reshape(start, new long[] {1}, at),
                ShapeFunctions.arange(this, 0, 1, k, DType.I64, at)),
            Map.of(),
            at);
    inRange(positions, ty.dims()[d], false, "check_slice_range", at);
    return new Window(start, positions, k);
  }

  /**
   * The index of a write at run-time slices ({@code outs[:, t:t + 2] = v}): each such slice
   * replaced by the static {@code 0:k}, and per dimension of {@code t} the run-time start the
   * region moves to (null where static), checked as a read checks it.
   */
  record ShiftedIndex(PyTuple items, SymTensor[] starts) {}

  ShiftedIndex shiftRunTimeSlices(SymTensor t, List<Object> items, Span at) {
    TensorType ty = t.type();
    SymTensor[] starts = new SymTensor[ty.rank()];
    List<Object> out = new ArrayList<>(items);
    forEachRunTimeSlice(
        ty.rank(),
        items,
        (i, d) -> {
          Window w = window((Operators.SliceValue) items.get(i), ty, d, at);
          starts[d] = w.start();
          out.set(i, new Operators.SliceValue(0L, w.length(), Values.NONE));
        });
    return new ShiftedIndex(new PyTuple(ImmutableList.copyOf(out)), starts);
  }

  /** The dimensions of the indexed tensor an index item uses up (None and ... none here). */
  private static int dimsConsumed(Object x) {
    if (x == Values.NONE || x == Operators.ELLIPSIS) {
      return 0;
    }
    if (x instanceof SymTensor m && m.type().dtype() == DType.BOOL) {
      return m.type().rank();
    }
    return 1;
  }

  /** The static length of a run-time slice {@code [a:a + k]} (step 1), with DN0201 otherwise. */
  private long runTimeSliceLength(Operators.SliceValue s, Span at) {
    if (s.step() != Values.NONE && !Long.valueOf(1).equals(s.step())) {
      throw Interpreter.error(
          Code.DN0201, at, "a slice with run-time bounds and a step is not supported yet");
    }
    for (Object b : new Object[] {s.lower(), s.upper()}) {
      if (b instanceof HostScalar h && h.type().dtype() != DType.I64) {
        throw Interpreter.error(
            Code.DN0102,
            at,
            "slice indices must be integers, got a run-time " + h.type().dtype().numpyName());
      }
    }
    java.util.Optional<Long> k =
        s.lower() instanceof HostScalar lo && s.upper() instanceof HostScalar hi
            ? staging(at).constantOffset(lo, hi)
            : java.util.Optional.empty();
    if (k.isEmpty() || k.get() <= 0) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "a slice whose length is known only at run time is not supported: the result's shape"
              + " would depend on the data",
          "slice a fixed length from a run-time start, x[t:t + k], or mask the rest with"
              + " torch.where");
    }
    return k.get();
  }

  /**
   * {@code idx} with each run-time int (a loop counter, {@code int(t.item())}) uploaded as a 0-d
   * int64 tensor, which indexes as advanced indexing does: like the int, with its range checked at
   * run time.
   */
  Object uploadIndices(Object idx, Span at) {
    if (idx instanceof HostScalar h && h.type().dtype() == DType.I64) {
      return upload(h, at);
    }
    if (idx instanceof PyTuple tu
        && tu.items().stream()
            .anyMatch(x -> x instanceof HostScalar h && h.type().dtype() == DType.I64)) {
      List<Object> items = new ArrayList<>();
      for (Object x : tu.items()) {
        items.add(x instanceof HostScalar h && h.type().dtype() == DType.I64 ? upload(h, at) : x);
      }
      return new PyTuple(ImmutableList.copyOf(items));
    }
    return idx;
  }

  private SymTensor[] finishDiv(SymTensor[] ts, boolean trueDiv, Span at) {
    if (trueDiv && !ts[0].type().dtype().isFloat()) {
      ts[0] = cast(ts[0], DType.F32, at);
      ts[1] = cast(ts[1], DType.F32, at);
    }
    return ts;
  }

  private static DType scalarDtype(Object s, DType tensorDtype, Span at) {
    if (!(s instanceof Long || s instanceof Double || s instanceof Boolean)) {
      throw Interpreter.error(
          Code.DN0201, at, "cannot combine a tensor with a " + Builtins.typeName(s));
    }
    if (tensorDtype.isFloat()) {
      return tensorDtype;
    }
    if (s instanceof Double) {
      return DType.F32;
    }
    if (s instanceof Long && tensorDtype == DType.BOOL) {
      return DType.I64;
    }
    return tensorDtype;
  }

  Object binary(String op, Object a, Object b, Span at) {
    if (in.staging == null && (a instanceof TensorSlot || b instanceof TensorSlot)) {
      return byType(List.of(a, b), Map.of(), at, (l, k) -> binary(op, l.get(0), l.get(1), at));
    }
    if (op.equals("@")) {
      return matmul(tensor(a, at), tensor(b, at), at);
    }
    if (op.equals("&") || op.equals("|") || op.equals("^")) {
      return bitwise(op.equals("&") ? "and" : op.equals("|") ? "or" : "xor", a, b, at);
    }
    String ir =
        Operators.irOp(op)
            .orElseThrow(
                () ->
                    Interpreter.error(
                        Code.DN0201, at, "operator " + op + " on tensors is not supported"));
    SymTensor[] t = operands(a, b, op.equals("/"), at);
    if ((op.equals("//") || op.equals("%")) && !t[1].type().dtype().isFloat()) {
      requireNonzeroDivisor(b, t[1], at);
    }
    if (op.equals("**") && !t[0].type().dtype().isFloat() && b instanceof Long n && n < 0) {
      throw Interpreter.error(
          Code.DN0202, at, "Integers to negative integer powers are not allowed.");
    }
    return op(ir, List.of(t[0], t[1]), Map.of(), at);
  }

  Object unary(String op, Object v, Span at) {
    if (in.staging == null && v instanceof TensorSlot) {
      return byType(List.of(v), Map.of(), at, (l, k) -> unary(op, l.get(0), at));
    }
    SymTensor t = tensor(v, at);
    return switch (op) {
      case "-" -> op("neg", List.of(t), Map.of(), at);
      case "+" -> t;
      default -> bitwiseNot(t, at);
    };
  }

  /**
   * PyTorch's {@code &}, {@code |} and {@code ^} (torch.bitwise_and, _or, _xor): logical on two
   * bools, bitwise on integers (after promotion: a bool next to an int64 tensor is 0 or 1), and an
   * error on floating-point operands, as in PyTorch.
   */
  SymTensor bitwise(String which, Object a, Object b, Span at) {
    SymTensor[] t = operands(a, b, false, at);
    DType dt = t[0].type().dtype();
    if (dt.isFloat()) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "bitwise_" + which + " is not implemented for " + dt.numpyName() + " tensors",
          "PyTorch's &, | and ^ take bool or integer tensors; compare first (x > 0) for a mask");
    }
    if (dt == DType.BOOL) {
      return which.equals("xor")
          ? op("ne", List.of(t[0], t[1]), Map.of(), at)
          : op("logical_" + which, List.of(t[0], t[1]), Map.of(), at);
    }
    return op("bitwise_" + which, List.of(t[0], t[1]), Map.of(), at);
  }

  /** PyTorch's {@code ~} (torch.bitwise_not): logical not of a bool, two's complement of an int. */
  SymTensor bitwiseNot(SymTensor t, Span at) {
    DType dt = t.type().dtype();
    if (dt.isFloat()) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "bitwise_not is not implemented for " + dt.numpyName() + " tensors",
          "~ takes a bool or integer tensor; use torch.logical_not(x) for x == 0");
    }
    return dt == DType.BOOL
        ? op("logical_not", List.of(t), Map.of(), at)
        : op("bitwise_not", List.of(t), Map.of(), at);
  }

  /**
   * An integer division by {@code divisor} (the operand as given, and as the tensor it became):
   * PyTorch raises ZeroDivisionError where it holds a zero; the compiled division divides by 1
   * there instead (relay_builder: an integer division by zero traps), an undefined value this check
   * keeps from being returned. A number divisor is checked here; a tensor one costs a reduction in
   * the subgraph and a flag the host reads after the call (op {@code check_divisor}, DN0405).
   */
  private void requireNonzeroDivisor(Object given, SymTensor divisor, Span at) {
    Object known =
        Operators.isTensorLike(given) ? staging(at).knownValue(divisor).orElse(null) : given;
    if (known instanceof Long || known instanceof Boolean || known instanceof Double) {
      if (Operators.toDouble(known) == 0) {
        throw Interpreter.error(Code.DN0202, at, "ZeroDivisionError");
      }
      return;
    }
    SymTensor nonzero = tensor(compare("!=", divisor, 0L, at), at);
    Object all = nonzero.type().rank() == 0 ? nonzero : call("all", List.of(nonzero), Map.of(), at);
    staging(at).check(in, all, "check_divisor", at);
  }

  /**
   * Makes a run fail where PyTorch's would because an index in {@code ix} (an integer tensor the
   * model computed or was given) lies outside a dimension of {@code size}: {@code [-size, size)}
   * with {@code negatives} (advanced indexing, index_fill, index_put), else {@code [0, size)}
   * (gather, index_select, embedding, scatter). The device ops clip their indices to stay in
   * bounds; without this check a clipped result would be returned where PyTorch raises. An index
   * known at compile time is checked here instead; other ones cost a reduction in the subgraph and
   * a flag the host reads after the call (op {@code check_index_range}, DN0405 at {@code at}).
   */
  void requireIndicesInRange(SymTensor ix, long size, boolean negatives, Span at) {
    inRange(ix, size, negatives, "check_index_range", at);
  }

  /**
   * {@link #requireIndicesInRange} raising through host op {@code checkOp} ({@code
   * check_slice_range} for the windows of run-time slices, whose message differs).
   */
  private void inRange(SymTensor ix, long size, boolean negatives, String checkOp, Span at) {
    if (ix.type().numel() == 0) {
      return;
    }
    long lo = negatives ? -size : 0;
    java.util.Optional<Object> k = staging(at).knownValue(ix);
    if (k.isPresent() && k.get() instanceof Long v) {
      if (v < lo || v >= size) {
        throw Interpreter.error(
            Code.DN0202, at, "index " + v + " is out of range for a dimension of size " + size);
      }
      return;
    }
    SymTensor i64 = cast(ix, DType.I64, at);
    SymTensor ok =
        op(
            "logical_and",
            List.of(
                tensor(compare(">=", i64, lo, at), at), tensor(compare("<", i64, size, at), at)),
            Map.of(),
            at);
    Object all = ok.type().rank() == 0 ? ok : call("all", List.of(ok), Map.of(), at);
    staging(at).check(in, all, checkOp, at);
  }

  Object compare(String op, Object a, Object b, Span at) {
    if (in.staging == null && (a instanceof TensorSlot || b instanceof TensorSlot)) {
      return byType(List.of(a, b), Map.of(), at, (l, k) -> compare(op, l.get(0), l.get(1), at));
    }
    String ir = Operators.irOp(op).orElseThrow();
    SymTensor[] t = operands(a, b, false, at);
    return op(ir, List.of(t[0], t[1]), Map.of(), at);
  }

  /**
   * torch.matmul's rules: 1-d operands gain a dimension that is removed again, an N-d by 2-d
   * product is one linear over the flattened leading dimensions, and batched products broadcast
   * their batch dimensions and run as one 3-d batch matmul.
   */
  SymTensor matmul(SymTensor a, SymTensor b, Span at) {
    int ra = a.type().rank();
    int rb = b.type().rank();
    if (ra == 0 || rb == 0) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "matmul needs tensors of at least one dimension, got " + a.type() + " and " + b.type());
    }
    if (ra == 1) {
      SymTensor r = matmul(reshape(a, new long[] {1, a.type().shape().get(0)}, at), b, at);
      List<Long> shape = new ArrayList<>(r.type().shape());
      shape.remove(shape.size() - 2);
      return reshape(r, shape.stream().mapToLong(Long::longValue).toArray(), at);
    }
    if (rb == 1) {
      SymTensor r = matmul(a, reshape(b, new long[] {b.type().shape().get(0), 1}, at), at);
      List<Long> shape = new ArrayList<>(r.type().shape());
      shape.remove(shape.size() - 1);
      return reshape(r, shape.stream().mapToLong(Long::longValue).toArray(), at);
    }
    long k = a.type().shape().get(ra - 1);
    if (k != b.type().shape().get(rb - 2)) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "matmul: shapes " + a.type().shape() + " and " + b.type().shape() + " do not fit");
    }
    long n = b.type().shape().get(rb - 1);
    if (rb == 2) {
      // linear computes x · Wᵀ over the last dimension, so pass Bᵀ as the weight.
      SymTensor bt = op("transpose", List.of(b), Map.of("perm", Attr.ints(1, 0)), at);
      return op("linear", List.of(a, bt), Map.of(), at);
    }
    // Broadcast batch dimensions, then fold them into one for a 3-d batch matmul.
    List<Long> batchA = a.type().shape().subList(0, ra - 2);
    List<Long> batchB = b.type().shape().subList(0, rb - 2);
    int nb = Math.max(batchA.size(), batchB.size());
    long[] batch = new long[nb];
    long prod = 1;
    for (int i = 0; i < nb; i++) {
      int ia = batchA.size() - nb + i;
      int ib = batchB.size() - nb + i;
      long da = ia >= 0 ? batchA.get(ia) : 1;
      long db = ib >= 0 ? batchB.get(ib) : 1;
      if (da != db && da != 1 && db != 1) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "matmul: batch dimensions of "
                + a.type().shape()
                + " and "
                + b.type().shape()
                + " do not broadcast");
      }
      batch[i] = Math.max(da, db);
      prod *= batch[i];
    }
    SymTensor a3 =
        reshape(expandBatch(a, batch, at), new long[] {prod, a.type().shape().get(ra - 2), k}, at);
    SymTensor b3 = reshape(expandBatch(b, batch, at), new long[] {prod, k, n}, at);
    SymTensor r = op("matmul", List.of(a3, b3), Map.of(), at);
    long[] out = java.util.Arrays.copyOf(batch, nb + 2);
    out[nb] = a.type().shape().get(ra - 2);
    out[nb + 1] = n;
    return reshape(r, out, at);
  }

  /** Broadcasts the leading (batch) dimensions of a matrix stack to {@code batch}. */
  private SymTensor expandBatch(SymTensor t, long[] batch, Span at) {
    int r = t.type().rank();
    long[] target = java.util.Arrays.copyOf(batch, batch.length + 2);
    target[batch.length] = t.type().shape().get(r - 2);
    target[batch.length + 1] = t.type().shape().get(r - 1);
    if (java.util.Arrays.equals(target, t.type().dims())) {
      return t;
    }
    // Adding zeros of the target shape broadcasts without a dedicated op.
    return op("add", List.of(t, full(0, t.type().dtype(), target, at)), Map.of(), at);
  }

  Object item(SymTensor t, Span at) {
    java.util.Optional<Object> k = staging(at).knownValue(t);
    if (k.isPresent() && t.type().numel() == 1) {
      return k.get(); // rule STATIC-TENSOR: a Python number, as .item() gives
    }
    return staging(at).emit("item", List.of(t.id()), List.of(t.type()), Map.of(), null, at);
  }

  long len(Object v, Span at) {
    TensorType t = v instanceof SymTensor s ? s.type() : ((TensorSlot) v).type;
    if (t.rank() == 0) {
      throw Interpreter.error(Code.DN0102, at, "len() of a 0-d tensor");
    }
    return t.shape().get(0);
  }

  List<Object> unbind(SymTensor t, Span at) {
    List<Object> out = new ArrayList<>();
    long n = len(t, at);
    for (long i = 0; i < n; i++) {
      out.add(index(t, i, at));
    }
    return out;
  }

  static int axis(long dim, int rank, Span at) {
    long d = dim < 0 ? dim + rank : dim;
    if (d < 0 || d >= Math.max(rank, 1)) {
      throw Interpreter.error(
          Code.DN0202, at, "dimension " + dim + " is out of range for a tensor of rank " + rank);
    }
    return (int) d;
  }

  /** Basic indexing: ints, slices, None and Ellipsis. */
  /**
   * A tensor indexed with integers, slices, None and ... (PyTorch's basic indexing): the strided
   * region of the tensor it selects and the shape of the result.
   */
  record BasicIndex(long[] begin, long[] end, long[] strides, long[] resultShape) {
    /** How many elements the region has along each dimension of the tensor. */
    long[] counts() {
      long[] c = new long[begin.length];
      for (int k = 0; k < c.length; k++) {
        c[k] = (end[k] - begin[k] + strides[k] - 1) / strides[k];
      }
      return c;
    }

    boolean whole(TensorType type) {
      boolean identity = true;
      for (int k = 0; k < begin.length; k++) {
        identity &= begin[k] == 0 && end[k] == type.shape().get(k) && strides[k] == 1;
      }
      return identity;
    }
  }

  /** {@code t[idx]}'s region; a located error for an index PyTorch or dynnc refuses. */
  BasicIndex basicIndex(SymTensor t, Object idx, Span at) {
    List<Object> items =
        idx instanceof PyTuple tu ? new ArrayList<>(tu.items()) : new ArrayList<>(List.of(idx));
    int consumed =
        (int) items.stream().filter(x -> x != Values.NONE && x != Operators.ELLIPSIS).count();
    int ell = items.indexOf(Operators.ELLIPSIS);
    if (ell >= 0) {
      items.remove(ell);
      for (int k = 0; k < t.type().rank() - consumed; k++) {
        items.add(ell, new Operators.SliceValue(Values.NONE, Values.NONE, Values.NONE));
      }
    }
    int rank = t.type().rank();
    long[] begin = new long[rank];
    long[] end = t.type().dims();
    long[] strides = new long[rank];
    java.util.Arrays.fill(strides, 1);
    List<Long> outShape = new ArrayList<>();
    int dim = 0;
    int tensorIndices = 0;
    for (Object x : items) {
      if (x == Values.NONE) {
        outShape.add(1L);
        continue;
      }
      if (dim >= rank) {
        throw Interpreter.error(Code.DN0202, at, "too many indices for a tensor of rank " + rank);
      }
      long size = t.type().shape().get(dim);
      List<Long> indexShape = null;
      if (x instanceof SymTensor ix && ix.type().dtype().isFloat()) {
        throw Interpreter.error(
            Code.DN0202, at, "tensors used as indices must be long, byte or bool tensors");
      }
      if (x instanceof SymTensor ix) {
        // An integer tensor of one element whose value is known at compile time (a counter
        // made by torch.tensor([0]) and incremented in a static loop) indexes like that number,
        // and its shape replaces the indexed dimension, as PyTorch's advanced indexing does.
        java.util.Optional<Object> k =
            ix.type().numel() == 1
                    && !ix.type().dtype().isFloat()
                    && ix.type().dtype() != DType.BOOL
                ? staging(at).knownValue(ix)
                : java.util.Optional.empty();
        if (k.isEmpty() || ++tensorIndices > 1) {
          throw Interpreter.error(
              Code.DN0201,
              at,
              "indexing a tensor with "
                  + (k.isEmpty()
                      ? "a run-time "
                          + ix.type().dtype().numpyName()
                          + " tensor of shape "
                          + ix.type().shape()
                      : "more than one tensor")
                  + " is not supported yet",
              ix.type().dtype() == DType.BOOL
                  ? "the result's shape would depend on the data; keep the shape with"
                      + " torch.where(mask, x, 0) or x * mask"
                  : "index with integers (t.item() of a counter), or use torch.index_select /"
                      + " gather");
        }
        x = k.get();
        indexShape = ix.type().shape();
      }
      if (x instanceof Long || x instanceof Boolean) {
        long i = Operators.asLong(x, at);
        long j = i < 0 ? i + size : i;
        if (j < 0 || j >= size) {
          throw Interpreter.error(
              Code.DN0202,
              at,
              "index " + i + " is out of bounds for dimension " + dim + " with size " + size);
        }
        begin[dim] = j;
        end[dim] = j + 1;
        if (indexShape != null) {
          outShape.addAll(indexShape);
        }
      } else if (x instanceof Operators.SliceValue s) {
        long[] r = Operators.resolveSlice(s, size, at);
        if (r[2] < 0) {
          throw Interpreter.error(
              Code.DN0201, at, "negative slice steps are not supported on tensors");
        }
        begin[dim] = r[0];
        end[dim] = Math.max(r[0], r[1]);
        strides[dim] = r[2];
        outShape.add((end[dim] - begin[dim] + r[2] - 1) / r[2]);
      } else {
        throw Interpreter.error(
            Code.DN0201,
            at,
            "indexing a tensor with a " + Builtins.typeName(x) + " is not supported yet",
            "use integers, slices and None; index with tensors through torch.index_select or torch.gather");
      }
      dim++;
    }
    for (; dim < rank; dim++) {
      outShape.add(t.type().shape().get(dim));
    }
    return new BasicIndex(
        begin, end, strides, outShape.stream().mapToLong(Long::longValue).toArray());
  }

  /**
   * An index with its uint8 tensors as the boolean masks PyTorch takes them for (deprecated there
   * since 1.2, with a warning, and still common in older research code).
   */
  static <T> T byteMasks(TorchLib t, T idx, Span at) {
    if (idx instanceof SymTensor s && s.type().dtype() == DType.U8) {
      @SuppressWarnings("unchecked")
      T mask = (T) t.cast(s, DType.BOOL, at);
      return mask;
    }
    if (idx instanceof PyTuple tu
        && tu.items().stream()
            .anyMatch(x -> x instanceof SymTensor s && s.type().dtype() == DType.U8)) {
      List<Object> items = new ArrayList<>();
      for (Object x : tu.items()) {
        items.add(byteMasks(t, x, at));
      }
      @SuppressWarnings("unchecked")
      T out = (T) PyTuple.of(items.toArray());
      return out;
    }
    return idx;
  }

  Object index(Object v, Object idx, Span at) {
    if (in.staging == null && holdsSlot(List.of(v, idx))) {
      return byType(List.of(v, idx), Map.of(), at, (l, k) -> index(l.get(0), l.get(1), at));
    }
    if (in.staging != null) {
      idx = byteMasks(this, idx, at);
    }
    SymTensor t = tensor(v, at);
    if (in.staging != null
        && idx instanceof SymTensor mask
        && mask.type().dtype() == DType.BOOL
        && mask.type().rank() > 0) {
      // x[mask]: a shape that depends on the data; kept as a selection (MaskedSelections)
      return masked.select(t, mask, at);
    }
    if (in.staging != null) {
      List<Object> items = idx instanceof PyTuple tu ? new ArrayList<>(tu.items()) : null;
      if (items == null ? runTimeSlice(idx) : items.stream().anyMatch(TorchLib::runTimeSlice)) {
        if (items == null) {
          items = new ArrayList<>(List.of(idx));
        }
        t = readRunTimeSlices(t, items, at);
        idx = new PyTuple(ImmutableList.copyOf(items));
      }
      idx = uploadIndices(idx, at);
    }
    if (in.staging != null && TensorIndexing.hasRunTimeIndex(in.staging, idx)) {
      return TensorIndexing.read(this, t, idx, at);
    }
    BasicIndex r = basicIndex(t, idx, at);
    SymTensor sliced = t;
    if (!r.whole(t.type())) {
      sliced =
          op(
              "strided_slice",
              List.of(t),
              Map.of(
                  "begin",
                  Attr.ints(r.begin()),
                  "end",
                  Attr.ints(r.end()),
                  "strides",
                  Attr.ints(r.strides())),
              at);
    }
    return reshape(sliced, r.resultShape(), at);
  }

  Object tensorAttribute(Object v, String name, Span at) {
    if (v instanceof HostScalar h) {
      if (name.equals("item")) {
        return new Builtin(name, (it, a, kw, at2) -> h);
      }
      throw Interpreter.error(
          Code.DN0201, at, "attribute '" + name + "' of a run-time scalar is not supported");
    }
    TensorType type = v instanceof SymTensor s ? s.type() : ((TensorSlot) v).type;
    switch (name) {
      case "shape":
        return new PyTuple(ImmutableList.copyOf(type.shape()));
      case "dtype":
        return type.dtype();
      case "device":
        return "cpu";
      case "data":
        return v;
      case "T":
      case "H":
        // PyTorch 1.13: T reverses every dimension (deprecated beyond 2-D, still allowed); H, the
        // conjugate transpose, is a matrix's transpose for real tensors and refuses other ranks.
        if (name.equals("H") && type.rank() != 2) {
          throw Interpreter.error(
              Code.DN0202,
              at,
              "tensor.H is only supported on matrices (2-D tensors). Got "
                  + type.rank()
                  + "-D tensor.");
        }
        if (type.rank() < 2) {
          return v;
        }
        long[] reversed = new long[type.rank()];
        for (int i = 0; i < reversed.length; i++) {
          reversed[i] = reversed.length - 1 - i;
        }
        return op("transpose", List.of(tensor(v, at)), Map.of("perm", Attr.ints(reversed)), at);
      case "requires_grad":
      case "is_cuda":
        return false;
      case "ndim":
        return (long) type.rank();
      case "mT":
      case "mH":
        if (type.rank() < 2) {
          throw Interpreter.error(
              Code.DN0202,
              at,
              "tensor."
                  + name
                  + " is only supported on matrices or batches of matrices. Got "
                  + type.rank()
                  + "-D tensor.");
        }
        return ShapeFunctions.matrixTranspose(this, tensor(v, at), at);
      default:
        break;
    }
    TorchRegistry.Entry method = TorchRegistry.REGISTRY.find(Space.TENSOR, name);
    if (v instanceof TensorSlot slot
        && in.staging == null
        && (method == null || !method.atConstruction())) {
      // Construction-time tensors: in-place initializers (overridden by the checkpoint) and shape
      // queries.
      return new Builtin(
          name,
          (it, a, kw, at2) -> {
            if (name.endsWith("_")
                || name.equals("clone")
                || name.equals("detach")
                || name.equals("float")) {
              return slot;
            }
            if (method == null) {
              throw TorchRegistry.REGISTRY.missing(Space.TENSOR, name, TENSOR_ATTRIBUTES, at2);
            }
            List<Object> all = new ArrayList<>();
            all.add(slot);
            all.addAll(a);
            return byType(all, kw, at2, (aa, kk) -> invoke(method, aa, kk, at2));
          });
    }
    if (method == null) {
      throw TorchRegistry.REGISTRY.missing(Space.TENSOR, name, TENSOR_ATTRIBUTES, at);
    }
    return new Builtin(
        name,
        (it, a, kw, at2) -> {
          List<Object> all = new ArrayList<>();
          all.add(v);
          all.addAll(a);
          return invoke(method, all, kw, at2);
        });
  }

  /**
   * Construction code computing with tensors (a positional encoding's sine and cosine table, built
   * before {@code register_buffer}): evaluated for the result's type only, by the op's own lowering
   * in a scratch program whose inputs stand for the construction-time tensors. The values are the
   * checkpoint's once the result is a parameter or a persistent buffer; any other use of the result
   * in forward is DN0201, and reading a value into Python (a branch, {@code item()}) is refused
   * here. The inputs forget a known fill value too: the result may be a view that a later write
   * changes.
   */
  Object byType(
      List<Object> args,
      Map<String, Object> kwargs,
      Span at,
      java.util.function.BiFunction<List<Object>, Map<String, Object>, Object> op) {
    java.util.IdentityHashMap<TensorSlot, SymTensor> stand = new java.util.IdentityHashMap<>();
    List<Object> a2 = new ArrayList<>();
    for (Object v : args) {
      a2.add(standIn(v, stand));
    }
    Map<String, Object> k2 = new LinkedHashMap<>();
    for (Map.Entry<String, Object> en : kwargs.entrySet()) {
      k2.put(en.getKey(), standIn(en.getValue(), stand));
    }
    Staging scratch = new Staging(stand.size());
    int i = 0;
    for (Map.Entry<TensorSlot, SymTensor> en : stand.entrySet()) {
      en.getKey().fill = null;
      en.setValue(new SymTensor(new ValueId(i++), en.getKey().type));
    }
    a2.replaceAll(v -> resolve(v, stand));
    k2.replaceAll((k, v) -> resolve(v, stand));
    in.staging = scratch;
    try {
      return backToSlots(op.apply(a2, k2), at);
    } finally {
      in.staging = null;
    }
  }

  /** A construction-time tensor's value read into Python: dynnc does not know it. */
  static DiagnosticException unknownAtConstruction(Span at) {
    return Interpreter.error(
        Code.DN0112,
        at,
        "the value of a tensor made in __init__ is not known when dynnc compiles the model",
        "compute with Python numbers (the math module) here, or move this to forward");
  }

  private static boolean holdsSlot(java.util.Collection<Object> values) {
    for (Object v : values) {
      if (v instanceof TensorSlot
          || v instanceof PyList l && holdsSlot(l.items)
          || v instanceof PyTuple t && holdsSlot(t.items())) {
        return true;
      }
    }
    return false;
  }

  /** Marks the slots in {@code v} (a placeholder null until the scratch program numbers them). */
  private static Object standIn(Object v, java.util.IdentityHashMap<TensorSlot, SymTensor> stand) {
    if (v instanceof TensorSlot s) {
      stand.putIfAbsent(s, null);
    } else if (v instanceof PyList l) {
      l.items.forEach(x -> standIn(x, stand));
    } else if (v instanceof PyTuple t) {
      t.items().forEach(x -> standIn(x, stand));
    }
    return v;
  }

  private static Object resolve(Object v, java.util.IdentityHashMap<TensorSlot, SymTensor> stand) {
    if (v instanceof TensorSlot s) {
      return stand.get(s);
    } else if (v instanceof PyList l) {
      List<Object> items = new ArrayList<>();
      l.items.forEach(x -> items.add(resolve(x, stand)));
      return new PyList(items);
    } else if (v instanceof PyTuple t) {
      List<Object> items = new ArrayList<>();
      t.items().forEach(x -> items.add(resolve(x, stand)));
      return new PyTuple(ImmutableList.copyOf(items), t.fields());
    }
    return v;
  }

  private Object backToSlots(Object r, Span at) {
    if (r instanceof SymTensor t) {
      return new TensorSlot(t.type(), at, false);
    } else if (r instanceof HostScalar) {
      throw unknownAtConstruction(at);
    } else if (r instanceof PyTuple t) {
      List<Object> items = new ArrayList<>();
      for (Object x : t.items()) {
        items.add(backToSlots(x, at));
      }
      return new PyTuple(ImmutableList.copyOf(items), t.fields());
    } else if (r instanceof PyList l) {
      List<Object> items = new ArrayList<>();
      for (Object x : l.items) {
        items.add(backToSlots(x, at));
      }
      return new PyList(items);
    }
    return r;
  }

  /** Tensor attributes that are not methods, for suggestions. */
  private static final List<String> TENSOR_ATTRIBUTES =
      List.of(
          "shape",
          "dtype",
          "device",
          "data",
          "T",
          "H",
          "mT",
          "mH",
          "requires_grad",
          "is_cuda",
          "ndim");

  /** Calls torch function {@code name} with the tensor first. */
  Object call(String name, List<Object> args, Map<String, Object> kwargs, Span at) {
    return call(Space.TORCH, name, args, kwargs, at);
  }

  /** Calls registered function {@code name} of {@code space}, which must exist. */
  Object call(Space space, String name, List<Object> args, Map<String, Object> kwargs, Span at) {
    TorchRegistry.Entry e = TorchRegistry.REGISTRY.find(space, name);
    if (e == null) {
      throw new IllegalArgumentException(space.qualify(name) + " is not registered");
    }
    return invoke(e, args, kwargs, at);
  }

  /** Binds a call to a registered function's signature and lowers it. */
  private Object invoke(
      TorchRegistry.Entry e, List<Object> args, Map<String, Object> kwargs, Span at) {
    if (in.staging == null && !e.atConstruction()) {
      if (holdsSlot(args) || holdsSlot(kwargs.values())) {
        return byType(args, kwargs, at, (a, k) -> invoke(e, a, k, at));
      }
      throw Interpreter.error(
          Code.DN0201,
          at,
          e.space().qualify(e.name()) + " on construction-time values is not supported",
          "dynnc evaluates __init__ at compile time; tensor arithmetic belongs in forward");
    }
    BoundArgs bound = BoundArgs.bind(e.overloads(), in, args, kwargs, at);
    SymTensor input =
        in.staging != null
                && bound.inPlace()
                && bound.raw(bound.schema().params().get(0).name()) instanceof SymTensor t
            ? t
            : null;
    String what = e.space().qualify(e.name()) + "(inplace=True)";
    if (input != null) {
      InPlace.checkByCall(in, input, what, at);
    }
    Object result =
        input == null
            ? e.impl().call(this, bound, at)
            : in.staging.quietly(() -> e.impl().call(this, bound, at));
    if (input != null && result instanceof SymTensor out) {
      InPlace.updatedByCall(in, input, out, what, at);
    }
    return result;
  }

  /**
   * The error for a name that a torch namespace lacks: known but unsupported, or unknown with a
   * suggestion; null for a namespace that is not torch's (math, collections).
   */
  DiagnosticException missingName(PyNamespace ns, String name, Span at) {
    for (Space s : Space.values()) {
      if (s.prefix.equals(ns.name) && libs.get(ns.name) == ns) {
        return TorchRegistry.REGISTRY.missing(s, name, ns.attrs.keySet(), at);
      }
    }
    return null;
  }

  /**
   * {@link TorchRegistry#unsupportedDetail} for a name of one of torch's own namespaces, else null.
   */
  String unsupportedDetail(PyNamespace ns, String name) {
    for (Space s : Space.values()) {
      if (s.prefix.equals(ns.name) && libs.get(ns.name) == ns) {
        return TorchRegistry.REGISTRY.unsupportedDetail(s, name);
      }
    }
    return null;
  }

  Interpreter interpreter() {
    return in;
  }

  // ------------------------------------------------------------------------------------------
  // torch / F namespaces

  /** The registered functions of {@code space}, as callables of its namespace. */
  private Map<String, Object> functions(Space space) {
    Map<String, Object> m = new HashMap<>();
    for (TorchRegistry.Entry e : TorchRegistry.REGISTRY.entries(space)) {
      m.put(e.name(), new Builtin(e.name(), (it, a, kw, at) -> invoke(e, a, kw, at)));
    }
    return m;
  }
}
