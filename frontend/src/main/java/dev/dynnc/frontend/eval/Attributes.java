package dev.dynnc.frontend.eval;

import com.google.common.collect.ImmutableList;
import dev.dynnc.diag.Code;
import dev.dynnc.diag.DiagnosticException;
import dev.dynnc.frontend.eval.Values.*;
import dev.dynnc.ir.Span;
import java.util.List;
import java.util.Map;

/** Attribute lookup and assignment with Python's rules, plus nn.Module's registration rules. */
final class Attributes {
  private Attributes() {}

  static Object get(Interpreter in, Object obj, String name, Span at) {
    MaskedSelections.Selection sel = in.torch.masked.of(obj);
    if (sel != null) {
      return in.torch.masked.attribute((Opaque) obj, sel, name, at);
    }
    if (obj instanceof Opaque o) {
      if (o.known() != null && o.known().attrs.containsKey(name)) {
        return o.known().attrs.get(name);
      }
      if (in.staging == null) {
        return o.attribute(name);
      }
    }
    if (obj instanceof PackedSequences.PackedSequence p) {
      return PackedSequences.attribute(p, name, at);
    }
    Signals.use(obj, at);
    if (obj instanceof PyDict d && d.cls != null) {
      return DictSubclass.get(in, d, name, at);
    }
    if (obj instanceof PyObject o) {
      return getOnObject(in, o, name, at);
    } else if (obj instanceof PyNamespace ns) {
      if (ns.attrs.containsKey(name)) {
        return ns.attrs.get(name);
      }
      if (ns.opaque) {
        return new Opaque(ns.name + "." + name, at, false, Interpreter.opaqueDetail(ns.name), null);
      }
      PyNamespace sub = in.moduleCache.get(ns.name + "." + name);
      if (sub != null) {
        return sub;
      }
      String partial = in.library.unmodelled(ns, name);
      if (partial != null) {
        // numpy's unmodelled names (np.random, np.zeros in training code) are used only where
        // their values matter.
        if (in.staging == null) {
          return new Opaque(ns.name + "." + name, at, false, "not supported by dynnc", null);
        }
        throw Interpreter.error(Code.DN0105, at, partial);
      }
      String known = in.staging == null ? in.torch.unsupportedDetail(ns, name) : null;
      if (known != null) {
        // A loss, an optimizer or another known torch name outside inference, named in construction
        // or training code: only a use where its value matters is an error.
        return new Opaque(ns.name + "." + name, at, false, known, null);
      }
      DiagnosticException missing = in.torch.missingName(ns, name, at);
      if (missing != null) {
        throw missing;
      }
      if (in.torch.isLibrary(ns)) {
        if (in.staging == null) {
          // An optimizer, a loss or a data loader named in construction or training code: only a
          // use is an error.
          return new Opaque(ns.name + "." + name, at, false, unsupported(ns, name), null);
        }
        String close =
            Suggest.closest(name, ns.attrs.keySet())
                .map(c -> "did you mean " + ns.name + "." + c + "? ")
                .orElse("");
        throw Interpreter.error(
            Code.DN0105,
            at,
            ns.name + "." + name + " is not supported by dynnc yet",
            close + "the README lists the supported layers and tensor functions");
      }
      throw Interpreter.error(
          Code.DN0101,
          at,
          "module '" + ns.name + "' has no attribute '" + name + "'",
          Suggest.hint(name, new java.util.TreeSet<>(ns.attrs.keySet())));
    } else if (obj instanceof PyClass c) {
      Object v = c.lookup(name);
      if (v instanceof PyFunction f && f.decoration.equals("classmethod")) {
        return new BoundMethod(c, f);
      }
      if (v != null) {
        return v;
      }
      if (name.equals("__name__")) {
        return c.name;
      }
      throw Interpreter.error(
          Code.DN0101, at, "class '" + c.name + "' has no attribute '" + name + "'");
    } else if (obj instanceof Super s) {
      List<PyClass> mro = superMro(s, at);
      int i = mro.indexOf(s.cls());
      for (int k = i + 1; k < mro.size(); k++) {
        if (mro.get(k).dict.containsKey(name)) {
          return bind(s.self(), mro.get(k).dict.get(name), in, at);
        }
        // A library layer's forward has no Python body: `super().forward(x)` in a subclass of,
        // say, nn.Conv2d (padding or masking before the layer's own computation) runs the layer.
        if (mro.get(k).layer != null
            && name.equals("forward")
            && s.self() instanceof PyObject self
            && self.module != null) {
          Layer layer = mro.get(k).layer;
          return new Builtin(
              mro.get(k).name + ".forward",
              (it, a, kw, at2) -> layer.forward(it, self, a, kw, at2));
        }
      }
      throw Interpreter.error(Code.DN0101, at, "'super' object has no attribute '" + name + "'");
    } else if (obj instanceof SymTensor || obj instanceof TensorSlot || obj instanceof HostScalar) {
      return in.torch.tensorAttribute(obj, name, at);
    } else if (obj instanceof PyTuple t && t.fields() != null) {
      Object v = PyLibrary.namedTupleAttribute(t, name);
      if (v != null) {
        return v;
      }
    } else if (obj instanceof Builtin b) {
      Object v = name.equals("__name__") ? b.name() : in.library.functionAttribute(b, name);
      if (v == null && b.name().equals("dict")) {
        v = DictSubclass.unboundMethod(name);
      }
      if (v != null) {
        return v;
      }
    } else if (obj instanceof PyFunction f && name.equals("__name__")) {
      return f.name;
    } else if (obj instanceof NamedTupleType nt) {
      if (name.equals("_fields")) {
        return new PyTuple(ImmutableList.copyOf(nt.fields()));
      }
      if (name.equals("__name__")) {
        return nt.name();
      }
    }
    Object m = Builtins.method(in, obj, name, at);
    if (m != null) {
      return m;
    }
    throw Interpreter.error(
        Code.DN0101, at, "'" + Builtins.typeName(obj) + "' object has no attribute '" + name + "'");
  }

  /**
   * Why {@code ns.name} is opaque, completing "'torch.nn.X' is ...", with the closest modelled name
   * if one is close.
   */
  static String unsupported(PyNamespace ns, String name) {
    return "not supported by dynnc"
        + Suggest.closest(name, ns.attrs.keySet())
            .map(c -> " (did you mean " + ns.name + "." + c + "?)")
            .orElse("");
  }

  /** {@code del obj.name}: an instance attribute, or a module's child, parameter or buffer. */
  static void delete(Interpreter in, Object obj, String name, Span at) {
    Signals.use(obj, at);
    if (obj instanceof PyObject o) {
      boolean found = o.dict.remove(name) != null;
      if (o.module != null) {
        found |= o.module.modules.remove(name) != null;
        found |= o.module.parameters.remove(name) != null;
        found |= o.module.buffers.remove(name) != null;
      }
      if (found) {
        return;
      }
    } else if (obj instanceof PyClass c && c.dict.remove(name) != null) {
      return;
    }
    throw Interpreter.error(
        Code.DN0101, at, "'" + Builtins.typeName(obj) + "' object has no attribute '" + name + "'");
  }

  /** The MRO that super(cls, self) searches: self's class's (or self's own, for a class). */
  private static List<PyClass> superMro(Super s, Span at) {
    PyClass c =
        s.self() instanceof PyObject o
            ? o.cls
            : s.self() instanceof PyDict d && d.cls != null
                ? d.cls
                : s.self() instanceof PyClass k ? k : null;
    if (c == null || !c.isSubclassOf(s.cls())) {
      throw Interpreter.error(
          Code.DN0102,
          at,
          "super(type, obj): obj must be an instance or subtype of type '" + s.cls().name + "'",
          "inside a method, write super().__init__() or super("
              + s.cls().name
              + ", self).__init__()");
    }
    return c.mro();
  }

  private static Object bind(Object self, Object v, Interpreter in, Span at) {
    if (v instanceof PyFunction f) {
      if (f.decoration.equals("staticmethod")) {
        return f;
      }
      if (f.decoration.equals("property")) {
        return in.callFunction(f, List.of(self), Map.of(), at);
      }
      if (f.decoration.equals("classmethod")) {
        return new BoundMethod(self instanceof PyObject o ? o.cls : self, f);
      }
      return new BoundMethod(self, f);
    }
    if (v instanceof Builtin b) {
      return new BoundMethod(self, b);
    }
    return v;
  }

  private static Object getOnObject(Interpreter in, PyObject o, String name, Span at) {
    if (in.staging != null
        && o.module != null
        && (o.dict.containsKey(name) || o.module.buffers.containsKey(name))) {
      in.stateUse.read(
          o, name, o.dict.containsKey(name) ? o.dict.get(name) : o.module.buffers.get(name), at);
    }
    if (o.dict.containsKey(name)) {
      return Interpreter.checkPoison(o.dict.get(name), "attribute '" + name + "'", at);
    }
    Object cv = o.cls.lookup(name);
    if (cv instanceof PyFunction f && f.decoration.equals("property")) {
      return in.callFunction(f, List.of(o), Map.of(), at);
    }
    // nn.Module keeps parameters, buffers and submodules out of the instance's __dict__ (in
    // _parameters, _buffers, _modules) and finds them in __getattr__, which Python calls only when
    // the class has no such attribute: a class attribute shadows them (`self.forward =
    // nn.Linear(...)` in a class that defines forward leaves forward the method).
    if (cv != null) {
      return bind(o, cv, in, at);
    }
    if (o.module != null) {
      if (o.module.parameters.containsKey(name)) {
        return in.torch.slotValue(o.module.parameters.get(name), at);
      }
      if (o.module.buffers.containsKey(name)) {
        return in.torch.slotValue(o.module.buffers.get(name), at);
      }
      if (o.module.modules.containsKey(name)) {
        return o.module.modules.get(name);
      }
      if (o.module.weightNorms.containsKey(name)) {
        // weight_norm's computed weight, as its forward pre-hook sets it
        return in.staging != null
            ? NnLayers.weightNormed(in, o, name, at)
            : new TensorSlot(o.module.parameters.get(name + "_v").type, at, false);
      }
      if (o.module.spectralNorms.containsKey(name)) {
        return in.staging != null
            ? NnLayers.spectralNormed(in, o, name, at)
            : new TensorSlot(o.module.parameters.get(name + "_orig").type, at, false);
      }
    }
    if (name.equals("__class__")) {
      return o.cls;
    }
    if (name.equals("__dict__") && o.module == null) {
      PyDict d = new PyDict();
      in.budget.slots(2L * o.dict.size(), at);
      d.map.putAll(o.dict);
      return d;
    }
    if (o.module != null) {
      Object m = ModuleSemantics.method(in, o, name, at);
      if (m == null) {
        m = in.torch.moduleMethod(o, name, at);
      }
      if (m != null) {
        return m;
      }
      if (o.module.buffers.containsKey(name) || o.module.parameters.containsKey(name)) {
        return Values.NONE;
      }
    }
    List<String> known = new java.util.ArrayList<>(o.dict.keySet());
    if (o.module != null) {
      known.addAll(o.module.parameters.keySet());
      known.addAll(o.module.buffers.keySet());
      known.addAll(o.module.modules.keySet());
    }
    for (PyClass c : o.cls.mro()) {
      known.addAll(c.dict.keySet());
    }
    String hint = Suggest.hint(name, known);
    if (hint == null && o.module != null) {
      hint = "assign self." + name + " in __init__ before forward uses it";
    }
    throw Interpreter.error(
        Code.DN0101, at, "'" + o.cls.name + "' object has no attribute '" + name + "'", hint);
  }

  static void set(Interpreter in, Object obj, String name, Object v, Span at) {
    if (obj instanceof Opaque && in.staging == null) {
      return; // torch.backends.cudnn.benchmark = True: a setting of a library dynnc does not model
    }
    if (obj instanceof PackedSequences.PackedSequence) {
      throw Interpreter.error(Code.DN0101, at, "can't set attribute '" + name + "'");
    }
    Signals.use(obj, at);
    if (obj instanceof PyDict d && d.cls != null) {
      DictSubclass.set(in, d, name, v, at);
      return;
    }
    if (name.equals("requires_grad")
        && (obj instanceof TensorSlot || obj instanceof SymTensor)
        && v instanceof Boolean) {
      // `self.conv.weight.requires_grad = False` (freezing layers): no effect on inference.
      return;
    }
    if (name.equals("data") && in.staging == null && obj instanceof TensorSlot slot) {
      // `self.fc.weight.data = torch.randn(4, 4) * 0.1` in __init__: new values, which the
      // checkpoint's replace; only the type must stay what the checkpoint is checked against.
      if (!(v instanceof TensorSlot w) || !w.type.equals(slot.type)) {
        throw Interpreter.error(
            Code.DN0201,
            at,
            "assigning .data a "
                + (v instanceof TensorSlot w2 ? w2.type.toString() : Builtins.typeName(v))
                + " where the tensor is "
                + slot.type
                + " is not supported",
            "make the parameter with its final shape and dtype");
      }
      slot.fill = null;
      return;
    }
    if (obj instanceof PyObject o) {
      if (o.module == null
          && o.cls.nearestLayer() != null
          && (v instanceof PyObject child && child.module != null
              || v instanceof TensorSlot slot && slot.isParameter)) {
        String what = v instanceof PyObject ? "module" : "parameter";
        throw Interpreter.error(
            Code.DN0101,
            at,
            "cannot assign " + what + " before Module.__init__() call",
            "call super().__init__() at the start of " + o.cls.name + ".__init__");
      }
      if (o.module != null) {
        if (in.staging != null) {
          in.stateUse.write(o, name, at);
        }
        if (v instanceof PyObject child && child.module != null) {
          o.dict.remove(name);
          o.module.parameters.remove(name);
          o.module.modules.put(name, child);
          return;
        }
        if (v instanceof TensorSlot slot && slot.isParameter) {
          if (!o.module.parameters.containsKey(name) && o.cls.lookup(name) != null) {
            // Module.register_parameter refuses a name that getattr already finds; after
            // __setattr__ has dropped the instance's own, only the class's can be left.
            throw Interpreter.error(
                Code.DN0101,
                at,
                "attribute '" + name + "' already exists (PyTorch raises KeyError here)",
                o.cls.name
                    + " defines '"
                    + name
                    + "' at class level, which would shadow the parameter; remove or rename it");
          }
          o.dict.remove(name);
          o.module.modules.remove(name);
          o.module.parameters.put(name, slot);
          return;
        }
        if (o.module.buffers.containsKey(name) && v instanceof TensorSlot slot) {
          o.module.buffers.put(name, slot);
          return;
        }
        if (v == Values.NONE
            && (o.module.parameters.containsKey(name) || o.module.modules.containsKey(name))) {
          o.module.parameters.remove(name);
          o.module.modules.remove(name);
        }
        o.module.modules.remove(name);
      }
      o.dict.put(name, v);
      return;
    }
    if (obj instanceof PyClass c) {
      c.dict.put(name, v);
      return;
    }
    throw Interpreter.error(
        Code.DN0101, at, "cannot set attribute '" + name + "' on '" + Builtins.typeName(obj) + "'");
  }
}
