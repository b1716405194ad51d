package dev.dynnc.frontend.eval;

import com.google.common.collect.ImmutableList;
import dev.dynnc.frontend.ast.Expr;
import dev.dynnc.frontend.ast.Parameter;
import dev.dynnc.frontend.ast.Stmt;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.ValueId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of the partial evaluator.
 *
 * <p>Python ints, floats, bools and strings are {@link Long}, {@link Double}, {@link Boolean} and
 * {@link String}; everything else is one of the classes here. {@link SymTensor} and {@link
 * HostScalar} are the only <em>dynamic</em> values: they stand for IR values computed at run time;
 * every other value is static and folded at compile time.
 */
public final class Values {
  private Values() {}

  /** Python's None. */
  public static final Object NONE =
      new Object() {
        @Override
        public String toString() {
          return "None";
        }
      };

  /**
   * A tuple (immutable); {@code fields} names its items when it was made by a namedtuple class,
   * else it is null.
   */
  public record PyTuple(ImmutableList<Object> items, NamedTupleType fields) {
    public PyTuple(ImmutableList<Object> items) {
      this(items, null);
    }

    public static PyTuple of(Object... items) {
      return new PyTuple(ImmutableList.copyOf(items));
    }
  }

  /**
   * A class made by {@code collections.namedtuple}: its name and field names. Calling it makes a
   * {@link PyTuple}.
   */
  public record NamedTupleType(
      String name, ImmutableList<String> fields, Map<String, Object> defaults) {
    @Override
    public String toString() {
      return "<class '" + name + "'>";
    }
  }

  /** A list (mutable, identity semantics; mutations are journaled, see {@link Journal}). */
  public static final class PyList {
    public final List<Object> items;

    public PyList(List<Object> items) {
      this.items = new Journal.TrackedList(items);
    }
  }

  /** A dict keeping insertion order; keys are static values; mutations are journaled. */
  public static final class PyDict {
    public final LinkedHashMap<Object, Object> map = new Journal.TrackedMap<>();

    /**
     * The factory of a {@code collections.defaultdict}, called for a missing key; null for a plain
     * dict.
     */
    public Object defaultFactory;

    /** The class of an instance of a class deriving from dict (see DictSubclass); null for dict. */
    public PyClass cls;
  }

  public record PyRange(long start, long stop, long step) {
    public long length() {
      if (step > 0) {
        return Math.max(0, (stop - start + step - 1) / step);
      }
      return Math.max(0, (start - stop - step - 1) / -step);
    }
  }

  /**
   * {@code range(start, stop, step)} with a bound known only at run time (an int {@link
   * HostScalar}) and a step known at compile time: only a for loop can use it, as a staged while
   * loop.
   */
  public record RunTimeRange(Object start, Object stop, long step) {}

  /** A Python function or lambda with its defining environment. */
  public static final class PyFunction {
    public final String name;
    public final ImmutableList<Parameter> params;
    public final List<Stmt> body; // null for lambdas
    public final Expr lambdaBody; // null for defs
    public final Map<String, Object> defaults;
    public final Scope closure;
    public final Span span;

    /** The class whose body defined this function, for zero-argument super(). */
    public PyClass owner;

    /** Decorator kind: "", "staticmethod", "classmethod" or "property". */
    public String decoration = "";

    /** The module globals the function was defined in. */
    public Map<String, Object> globalsRef;

    /** The package used to resolve relative imports inside the function. */
    public String moduleName;

    PyFunction(
        String name,
        ImmutableList<Parameter> params,
        List<Stmt> body,
        Expr lambdaBody,
        Map<String, Object> defaults,
        Scope closure,
        Span span) {
      this.name = name;
      this.params = params;
      this.body = body;
      this.lambdaBody = lambdaBody;
      this.defaults = defaults;
      this.closure = closure;
      this.span = span;
    }
  }

  /** A callable implemented in Java (Python builtins, torch functions). */
  @FunctionalInterface
  public interface BuiltinImpl {
    Object call(Interpreter in, List<Object> args, Map<String, Object> kwargs, Span at);
  }

  public record Builtin(String name, BuiltinImpl impl) {}

  /** A function bound to its receiver. */
  public record BoundMethod(Object self, Object function) {}

  /** A user or library class. Library classes carry Java behaviour in {@link #layer}. */
  public static final class PyClass {
    public final String name;
    public final String qualifiedName;
    public final List<PyClass> bases;
    public final LinkedHashMap<String, Object> dict = new LinkedHashMap<>();
    public final Layer layer; // non-null for torch.nn classes

    /** The names its body annotates ({@code hidden: int = 8}), in order: a dataclass's fields. */
    public final List<String> annotations = new ArrayList<>();

    public PyClass(String name, String qualifiedName, List<PyClass> bases, Layer layer) {
      this.name = name;
      this.qualifiedName = qualifiedName;
      this.bases = bases;
      this.layer = layer;
    }

    /**
     * Method resolution order: depth-first, left to right, duplicates kept at their last place (C3
     * for common cases).
     */
    public List<PyClass> mro() {
      List<PyClass> out = new ArrayList<>();
      out.add(this);
      for (PyClass b : bases) {
        for (PyClass c : b.mro()) {
          out.remove(c);
          out.add(c);
        }
      }
      return out;
    }

    public Object lookup(String attr) {
      for (PyClass c : mro()) {
        if (c.dict.containsKey(attr)) {
          return c.dict.get(attr);
        }
      }
      return null;
    }

    public boolean isSubclassOf(PyClass other) {
      return mro().contains(other);
    }

    /** The nearest torch.nn class this class derives from, if any. */
    public Layer nearestLayer() {
      for (PyClass c : mro()) {
        if (c.layer != null) {
          return c.layer;
        }
      }
      return null;
    }

    @Override
    public String toString() {
      return "<class '" + qualifiedName + "'>";
    }
  }

  /** Java behaviour of a torch.nn class: construction and lowering of its forward. */
  public interface Layer {
    /** Runs the class's __init__ on {@code self}. */
    void init(
        Interpreter in, PyObject self, List<Object> args, Map<String, Object> kwargs, Span at);

    /** Lowers a call of the module; null means "use the Python forward". */
    Object forward(
        Interpreter in, PyObject self, List<Object> args, Map<String, Object> kwargs, Span at);
  }

  /** An instance of a class; {@link #module} is set once nn.Module.__init__ has run. */
  public static final class PyObject {
    public final PyClass cls;

    /** Instance attributes; mutations are journaled, see {@link Journal}. */
    public final LinkedHashMap<String, Object> dict = new Journal.TrackedMap<>();

    public ModuleState module;

    public PyObject(PyClass cls) {
      this.cls = cls;
    }

    @Override
    public String toString() {
      return "<" + cls.qualifiedName + " object>";
    }
  }

  /** nn.Module bookkeeping: children, parameters and buffers in registration order. */
  public static final class ModuleState {
    public final LinkedHashMap<String, Object> modules = new LinkedHashMap<>();
    public final LinkedHashMap<String, TensorSlot> parameters = new LinkedHashMap<>();
    public final LinkedHashMap<String, TensorSlot> buffers = new LinkedHashMap<>();

    /** Buffers registered with {@code persistent=False}: not in the state_dict. */
    public final java.util.Set<String> nonPersistent = new java.util.HashSet<>();

    /**
     * Parameters that {@code nn.utils.weight_norm} split into {@code NAME_g} and {@code NAME_v}:
     * NAME to the dim it keeps (-1: the norm of the whole tensor). NAME is then computed from the
     * two, as the hook PyTorch installs does before each forward.
     */
    public final LinkedHashMap<String, Integer> weightNorms = new LinkedHashMap<>();

    /**
     * Parameters that {@code nn.utils.spectral_norm} replaced by {@code NAME_orig} and the buffers
     * {@code NAME_u}, {@code NAME_v}: NAME to the dim its matrix keeps. In eval mode NAME is {@code
     * NAME_orig / (u . (W v))}, with the stored u and v (no power iteration).
     */
    public final LinkedHashMap<String, Integer> spectralNorms = new LinkedHashMap<>();

    private Span createdAt;

    public ModuleState(Span createdAt) {
      this.createdAt = createdAt;
    }

    /** Where the module was constructed (the call that made it). */
    public Span createdAt() {
      return createdAt;
    }

    boolean createdAtUnset() {
      return !createdAt.isKnown();
    }

    void setCreatedAt(Span at) {
      createdAt = at;
    }
  }

  /**
   * A construction-time tensor: a parameter, a buffer, or a tensor made in __init__. Its values
   * come from the checkpoint; only its type and where it was made are known while compiling.
   */
  public static final class TensorSlot {
    public final Type.TensorType type;
    public final Span createdAt;
    public final boolean isParameter;

    /** The state_dict key, assigned when the model tree is finished. */
    public String stateKey;

    /**
     * The one value of every element when it is known at construction ({@code torch.zeros}, {@code
     * torch.ones}), or null.
     */
    public Double fill;

    /** A buffer registered with {@code persistent=False}: its values are not in the checkpoint. */
    public boolean nonPersistent;

    public TensorSlot(Type.TensorType type, Span createdAt, boolean isParameter) {
      this.type = type;
      this.createdAt = createdAt;
      this.isParameter = isParameter;
    }
  }

  /** A run-time tensor: an IR value on the device. */
  public record SymTensor(ValueId id, Type.TensorType type) {}

  /** A run-time host scalar: an IR value the host program holds. */
  public record HostScalar(ValueId id, Type.ScalarType type) {}

  /** A Python module namespace (user file or library stand-in). */
  public static final class PyNamespace {
    public final String name;
    public final Map<String, Object> attrs;

    /** Library names we do not model: using anything from them is a diagnostic. */
    public final boolean opaque;

    public PyNamespace(String name, Map<String, Object> attrs, boolean opaque) {
      this.name = name;
      this.attrs = attrs;
      this.opaque = opaque;
    }

    @Override
    public String toString() {
      return "<module '" + name + "'>";
    }
  }

  /**
   * A value from a library dynnc does not model (an import of scipy, tqdm or argparse, or a torch
   * name outside the inference subset such as an optimizer or a loss): construction code may store
   * it, pass it along, take its attributes and call it (each giving another Opaque), since
   * definitions that are never called cost nothing; any other use is a DN0105 naming where it came
   * from. {@code known} is the modelled part of a library that dynnc models partly
   * (argparse.Namespace), or null.
   *
   * @param name the dotted name as written, with "(...)" for calls, e.g. {@code
   *     scipy.special.expit(...)}
   * @param origin the import statement (or, for a torch name, the expression) it came from
   * @param imported whether {@code origin} is an import (the note says "imported here") or a use
   *     ("named here")
   * @param detail why it is opaque, completing "'NAME' is ...", e.g. "from a library dynnc does not
   *     model"
   */
  public record Opaque(
      String name, Span origin, boolean imported, String detail, PyNamespace known) {
    /** The value of {@code this.attr}. */
    Opaque attribute(String attr) {
      return new Opaque(name + "." + attr, origin, imported, detail, null);
    }

    /** The value of a call of this. */
    Opaque called() {
      return new Opaque(name + "(...)", origin, imported, detail, null);
    }

    /** The located error for using this where its value matters. */
    dev.dynnc.diag.DiagnosticException useError(Span at) {
      if (detail.equals(MaskedSelections.DETAIL)) {
        return Interpreter.error(
            dev.dynnc.diag.Code.DN0201,
            at,
            "a selection by a run-time bool mask (x[mask], made at line "
                + origin.line()
                + ") cannot be used here: its shape depends on the data",
            MaskedSelections.HINT);
      }
      return Interpreter.error(
          dev.dynnc.diag.Code.DN0105,
          at,
          "'" + name + "' is " + detail + ", so it cannot be used here",
          (imported ? "imported here: " : "named here: ") + origin.file() + ":" + origin.line());
    }

    @Override
    public String toString() {
      return "<" + name + ">";
    }
  }

  /** {@code super()} bound to a class and instance. */
  public record Super(PyClass cls, Object self) {}

  /**
   * A value that differs in kind between data-dependent paths (or exists on only one), so no single
   * run-time value can stand for it; any use is an error. {@code detail} says how the paths differ,
   * e.g. "a Tensor f32[1,4] on one path and an int on the other".
   */
  public record Poison(String name, Span branch, String detail) {}

  /**
   * What a caller's name holds once an inlined call updated its tensor in place on some of the
   * call's paths only: the tensor's value depends on the path, so reading it is refused (DN0200).
   */
  public record Stale(String detail) {}

  /**
   * The value of an expression whose evaluation failed with a diagnostic already recorded (the
   * evaluator goes on to find further errors). Any operation on it abandons its statement silently
   * ({@link Signals.FailedUse}), so one mistake is reported once, not again at every use of its
   * result.
   */
  public static final Object FAILED =
      new Object() {
        @Override
        public String toString() {
          return "<failed>";
        }
      };

  /** Lexical scope chain for closures. */
  public static final class Scope {
    public final Map<String, Object> vars;
    public final Scope parent;

    public Scope(Map<String, Object> vars, Scope parent) {
      this.vars = vars;
      this.parent = parent;
    }
  }
}
