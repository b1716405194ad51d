package dev.dynnc.frontend.eval;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.*;
import dev.dynnc.ir.Span;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * nn.Module's methods that walk the module tree or have no effect on inference, with PyTorch's
 * order and duplicate rules: {@code named_modules}, {@code named_children}, {@code
 * named_parameters} and {@code named_buffers} list a module or tensor reachable under several names
 * once, under its first name; {@code apply} visits children first; {@code register_buffer(...,
 * persistent=False)} keeps the buffer out of the state_dict.
 */
final class ModuleSemantics {
  private ModuleSemantics() {}

  private static final Schema NAMED_MODULES =
      Schema.parse(
          "named_modules(Any? memo=None, str prefix='', bool remove_duplicate=True) -> Any");
  private static final Schema REGISTER_BUFFER =
      Schema.parse("register_buffer(str name, Any? tensor, bool persistent=True) -> None");

  /** Module method {@code name} of {@code o}, or null when it is not one of these. */
  static Object method(Interpreter in, PyObject o, String name, Span at) {
    return switch (name) {
      case "named_modules" ->
          fn(
              name,
              (it, a, kw, at2) -> {
                BoundArgs b = BoundArgs.bind(NAMED_MODULES, it, a, kw, at2);
                return pairs(namedModules(o, b.str("prefix"), b.bool("remove_duplicate")), it, at2);
              });
      case "named_children" -> fn(name, (it, a, kw, at2) -> pairs(namedChildren(o), it, at2));
      case "children" -> fn(name, (it, a, kw, at2) -> values(namedChildren(o), it, at2));
      case "named_parameters", "named_buffers", "parameters", "buffers" ->
          fn(
              name,
              (it, a, kw, at2) -> {
                boolean named = name.startsWith("named_");
                BoundArgs b =
                    BoundArgs.bind(
                        Schema.parse(
                            (named
                                    ? name
                                        + "(str prefix='', bool recurse=True,"
                                        + " bool remove_duplicate=True)"
                                    : name + "(bool recurse=True)")
                                + " -> Any"),
                        it,
                        a,
                        kw,
                        at2);
                String prefix = named ? b.str("prefix") : "";
                List<Map.Entry<String, Object>> out =
                    namedTensors(
                        it, o, prefix, b.bool("recurse"), name.endsWith("parameters"), at2);
                return named ? pairs(out, it, at2) : values(out, it, at2);
              });
      case "apply" ->
          fn(
              name,
              (it, a, kw, at2) -> {
                apply(it, o, a.get(0), at2);
                return o;
              });
      case "register_buffer" ->
          fn(
              name,
              (it, a, kw, at2) -> {
                registerBuffer(it, o, a, kw, at2);
                return Values.NONE;
              });
      case "flatten_parameters" -> {
        if (!isRecurrent(o)) {
          throw Interpreter.error(
              Code.DN0101,
              at,
              "'" + o.cls.name + "' object has no attribute 'flatten_parameters'",
              "flatten_parameters is a method of nn.RNN, nn.LSTM and nn.GRU");
        }
        yield fn(name, (it, a, kw, at2) -> Values.NONE);
      }
      case "train",
          "eval",
          "requires_grad_",
          "share_memory",
          "to",
          "cuda",
          "cpu",
          "float",
          "type" ->
          fn(
              name,
              (it, a, kw, at2) -> { // eval mode and float32 on the CPU is what dynnc compiles
                for (Object v : concat(a, kw.values())) {
                  if (v instanceof dev.dynnc.semantics.DType d
                      && d != dev.dynnc.semantics.DType.F32) {
                    throw changesDtype(name + "(" + d.numpyName() + ")", at2);
                  }
                }
                return o;
              });
      case "zero_grad" -> fn(name, (it, a, kw, at2) -> Values.NONE);
      case "half", "double", "bfloat16" ->
          fn(
              name,
              (it, a, kw, at2) -> {
                throw changesDtype(name + "()", at2);
              });
      default -> null;
    };
  }

  private static dev.dynnc.diag.DiagnosticException changesDtype(String call, Span at) {
    return Interpreter.error(
        Code.DN0201,
        at,
        "Module."
            + call
            + " changes the dtype of the module's parameters, "
            + "which dynnc does not model",
        "dynnc compiles the model in float32, as the checkpoint stores it");
  }

  private static List<Object> concat(List<Object> a, java.util.Collection<Object> b) {
    List<Object> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static Builtin fn(String name, BuiltinImpl impl) {
    return new Builtin(name, impl);
  }

  private static String str(Object v) {
    return v instanceof String s ? s : "";
  }

  private static boolean isRecurrent(PyObject o) {
    for (PyClass c : o.cls.mro()) {
      if (List.of("torch.nn.RNN", "torch.nn.LSTM", "torch.nn.GRU").contains(c.qualifiedName)) {
        return true;
      }
    }
    return false;
  }

  /** The module's children that are modules, in registration order. */
  private static List<Map.Entry<String, PyObject>> kids(PyObject m) {
    List<Map.Entry<String, PyObject>> out = new ArrayList<>();
    for (Map.Entry<String, Object> e : m.module.modules.entrySet()) {
      if (e.getValue() instanceof PyObject k && k.module != null) {
        out.add(Map.entry(e.getKey(), k));
      }
    }
    return out;
  }

  private static Set<Object> identitySet() {
    return Collections.newSetFromMap(new IdentityHashMap<>());
  }

  /**
   * {@code named_modules()}: pre-order, each module once under its first name unless duplicates are
   * asked for.
   */
  static List<Map.Entry<String, Object>> namedModules(
      PyObject root, String prefix, boolean removeDuplicate) {
    List<Map.Entry<String, Object>> out = new ArrayList<>();
    walk(root, prefix, removeDuplicate ? identitySet() : null, out, identitySet());
    return out;
  }

  private static void walk(
      PyObject m,
      String prefix,
      Set<Object> memo,
      List<Map.Entry<String, Object>> out,
      Set<Object> path) {
    if (memo != null && !memo.add(m) || !path.add(m)) {
      return; // a module that contains itself would make PyTorch recurse forever; it is listed once
      // here
    }
    out.add(Map.entry(prefix, m));
    for (Map.Entry<String, PyObject> e : kids(m)) {
      walk(
          e.getValue(), prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), memo, out, path);
    }
    path.remove(m);
  }

  private static List<Map.Entry<String, Object>> namedChildren(PyObject o) {
    Set<Object> memo = identitySet();
    List<Map.Entry<String, Object>> out = new ArrayList<>();
    for (Map.Entry<String, PyObject> e : kids(o)) {
      if (memo.add(e.getValue())) {
        out.add(Map.entry(e.getKey(), e.getValue()));
      }
    }
    return out;
  }

  /**
   * {@code named_parameters()} or {@code named_buffers()}: each tensor once, under its first name.
   */
  private static List<Map.Entry<String, Object>> namedTensors(
      Interpreter in, PyObject o, String prefix, boolean recurse, boolean parameters, Span at) {
    List<Map.Entry<String, Object>> mods =
        recurse ? namedModules(o, prefix, true) : List.of(Map.entry(prefix, o));
    Set<Object> memo = identitySet();
    List<Map.Entry<String, Object>> out = new ArrayList<>();
    for (Map.Entry<String, Object> m : mods) {
      ModuleState st = ((PyObject) m.getValue()).module;
      for (Map.Entry<String, TensorSlot> e : (parameters ? st.parameters : st.buffers).entrySet()) {
        if (memo.add(e.getValue())) {
          in.budget.work(1, at);
          out.add(
              Map.entry(
                  m.getKey().isEmpty() ? e.getKey() : m.getKey() + "." + e.getKey(),
                  in.torch.slotValue(e.getValue(), at)));
        }
      }
    }
    return out;
  }

  private static PyList pairs(List<Map.Entry<String, Object>> entries, Interpreter in, Span at) {
    in.budget.boxes(entries.size(), at);
    List<Object> out = new ArrayList<>();
    for (Map.Entry<String, Object> e : entries) {
      out.add(PyTuple.of(e.getKey(), e.getValue()));
    }
    return new PyList(out);
  }

  private static PyList values(List<Map.Entry<String, Object>> entries, Interpreter in, Span at) {
    in.budget.slots(entries.size(), at);
    return new PyList(new ArrayList<>(entries.stream().map(Map.Entry::getValue).toList()));
  }

  /**
   * {@code module.apply(fn)}: fn on every child's subtree first, then on the module itself, as
   * PyTorch does.
   */
  private static void apply(Interpreter in, PyObject m, Object fn, Span at) {
    in.step(at);
    for (Map.Entry<String, Object> e : namedChildren(m)) {
      apply(in, (PyObject) e.getValue(), fn, at);
    }
    in.call(fn, List.of(m), Map.of(), at);
  }

  private static void registerBuffer(
      Interpreter in, PyObject o, List<Object> a, Map<String, Object> kw, Span at) {
    BoundArgs b = BoundArgs.bind(REGISTER_BUFFER, in, a, kw, at);
    String name = b.str("name");
    Object t = b.raw("tensor");
    if (t == Values.NONE) {
      o.module.buffers.remove(name);
      return;
    }
    if (!(t instanceof TensorSlot s)) {
      throw Interpreter.error(
          Code.DN0102, at, "register_buffer needs a tensor, got " + Builtins.typeName(t));
    }
    TensorSlot slot = new TensorSlot(s.type, at, false);
    slot.fill = s.fill;
    slot.nonPersistent = !b.bool("persistent");
    o.dict.remove(name);
    o.module.buffers.put(name, slot);
    if (slot.nonPersistent) {
      o.module.nonPersistent.add(
          name); // not in the state_dict: its values are those it was made with
    } else {
      o.module.nonPersistent.remove(name);
    }
  }

  /**
   * {@code del seq[i]} on a Sequential, ModuleList or ModuleDict; list keys are renumbered, as
   * PyTorch does.
   */
  static void delItem(Interpreter in, PyObject o, Object index, Span at) {
    if (!(o.cls.nearestLayer() instanceof NnLayers.Container c)) {
      throw Interpreter.error(
          Code.DN0102, at, "'" + o.cls.name + "' object does not support item deletion");
    }
    if (c.holdsParameters()) {
      throw Interpreter.error(
          Code.DN0201, at, "deleting from a " + c.name() + " is not supported yet");
    }
    if (c.isDict()) {
      if (o.module.modules.remove(index) == null) {
        throw Interpreter.error(
            Code.DN0109, at, "no module named " + Builtins.repr(in, index) + " in ModuleDict");
      }
      return;
    }
    List<Object> kids = new ArrayList<>(o.module.modules.values());
    List<Integer> drop = new ArrayList<>();
    if (index instanceof Operators.SliceValue sl) {
      long[] r = Operators.resolveSlice(sl, kids.size(), at);
      for (long i = r[0]; r[2] > 0 ? i < r[1] : i > r[1]; i += r[2]) {
        drop.add((int) i);
      }
    } else {
      drop.add(Operators.index(index, kids.size(), at));
    }
    drop.sort(Collections.reverseOrder());
    drop.forEach(i -> kids.remove((int) i));
    o.module.modules.clear();
    for (Object k : kids) {
      o.module.modules.put(String.valueOf(o.module.modules.size()), k);
    }
  }
}
