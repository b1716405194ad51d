package dev.dynnc.frontend.eval;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.dynnc.diag.Code;
import dev.dynnc.frontend.ast.Stmt;
import dev.dynnc.frontend.eval.Signals.BreakSignal;
import dev.dynnc.frontend.eval.Signals.ContinueSignal;
import dev.dynnc.frontend.eval.Signals.PathEnded;
import dev.dynnc.frontend.eval.Signals.ReturnSignal;
import dev.dynnc.frontend.eval.Values.*;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Block;
import dev.dynnc.ir.BlockId;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.OpPosition;
import dev.dynnc.ir.OpRegistry;
import dev.dynnc.ir.OutputTree;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Terminator;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.Type.ScalarType;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.ir.ValueId;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the IR of one method while the {@link Interpreter} evaluates it on symbolic inputs.
 *
 * <p>Rule DYN-IF: a condition on a run-time value ends the current block with a branch; both
 * branches are evaluated from copies of the local variables; a branch that returns records a
 * pending return and ends its path; branches that fall through meet in a join block whose
 * parameters are the variables that differ (tensors of one type, or host scalars). Rule RET: in the
 * top-level method every pending return becomes a {@code ret}; in an inlined callee they meet in a
 * join block, so the caller continues with one value. Static conditions never reach here: the
 * interpreter folds them (including conditions on one-element tensors computed from constants, rule
 * STATIC-TENSOR in {@link Constants}), and static loops are unrolled by simply running them, up to
 * {@link #MAX_OPS} emitted ops.
 *
 * <p>Rule FORK-STATE ({@link Journal}): Python containers (lists, dicts, object attributes) that a
 * path mutates are rolled back before the other path runs, so each side of a branch starts from the
 * same heap; at the join, their contents are merged element by element like variables, and a return
 * remembers the value and the containers as they were on its path.
 *
 * <p>Rule TAIL: when the exits of a loop unrolled at the top level of a function leave lists of
 * different lengths (greedy decoding that appends a token per step and breaks at an end token), the
 * exits are grouped by those lengths; exits of one group are joined, and each group runs the rest
 * of the function on its own path, ending in its own return, up to {@link #MAX_TAIL_PATHS} paths.
 */
final class Staging {
  /**
   * A path that returned {@code value} at the end of {@code block}; {@code frozen} is a copy of the
   * value's structure at that moment and {@code heap} the state of the containers the path had
   * touched since its function began (rule FORK-STATE in {@link Journal}).
   */
  record Pending(
      BlockBuilder block, Object value, Object frozen, Span span, Map<Long, Journal.State> heap) {}

  static final class BlockBuilder {
    final BlockId id;
    final List<Param> params = new ArrayList<>();
    final List<Op> ops = new ArrayList<>();
    final Map<String, ValueId> weights = new HashMap<>();

    /** Where static decisions and returns cut this block's ops, see {@link #cut()}. */
    final List<Integer> cuts = new ArrayList<>();

    Terminator terminator;

    BlockBuilder(int index) {
      this.id = new BlockId(index);
    }
  }

  private record Outcome(Map<String, Object> locals, BlockBuilder block) {}

  /** Bounds unrolling: real models lower to thousands of ops, a runaway static loop to millions. */
  static final int MAX_OPS = 200_000;

  private int opCount;
  private final List<BlockBuilder> blocks = new ArrayList<>();

  /** Values of one-element tensors known at compile time, see {@link Constants}. */
  private final Map<ValueId, Object> known = new HashMap<>();

  // The op that defined each host scalar, for the offsets of run-time slices (x[t:t + 2]).
  private final Map<ValueId, Op> hostDefs = new HashMap<>();

  private int nextValue;
  private boolean topPending = true;
  BlockBuilder current;

  Staging(int firstValue) {
    this.nextValue = firstValue;
    current = newBlock();
  }

  BlockBuilder newBlock() {
    BlockBuilder b = new BlockBuilder(blocks.size());
    blocks.add(b);
    return b;
  }

  /**
   * Marks the current end of the op stream as a place where a compiler cutting at every {@code if}
   * and {@code return} would cut although dynnc decided it while compiling (for {@code
   * analysis.CutEverywhere}).
   */
  void cut() {
    current.cuts.add(current.ops.size());
  }

  /** The places {@link #cut()} marked, in the blocks {@link #finish} returns. */
  List<OpPosition> cuts() {
    List<OpPosition> out = new ArrayList<>();
    for (BlockBuilder b : blocks) {
      b.cuts.forEach(i -> out.add(new OpPosition(b.id, i)));
    }
    return out;
  }

  ValueId newValue() {
    return new ValueId(nextValue++);
  }

  Function finish(String name, List<String> inputNames, List<Param> params) {
    ImmutableList.Builder<Block> out = ImmutableList.builder();
    for (BlockBuilder b : blocks) {
      if (b.terminator == null) {
        throw new IllegalStateException("block " + b.id + " was left without a terminator");
      }
      out.add(
          new Block(
              b.id, ImmutableList.copyOf(b.params), ImmutableList.copyOf(b.ops), b.terminator));
    }
    return new Function(
        name, ImmutableList.copyOf(inputNames), ImmutableList.copyOf(params), out.build());
  }

  // ------------------------------------------------------------------------------------------
  // Emission

  Object emit(
      String op,
      List<ValueId> operands,
      List<Type> operandTypes,
      Map<String, Attr> attrs,
      Type declared,
      Span at) {
    return emitIn(current, op, operands, operandTypes, attrs, declared, at);
  }

  Object emitIn(
      BlockBuilder b,
      String op,
      List<ValueId> operands,
      List<Type> operandTypes,
      Map<String, Attr> attrs,
      Type declared,
      Span at) {
    Type t;
    try {
      t = OpRegistry.infer(op, operandTypes, attrs, declared);
    } catch (OpRegistry.TypeError e) {
      throw Interpreter.error(Code.DN0202, at, e.getMessage());
    }
    if (++opCount > MAX_OPS) {
      throw Interpreter.error(
          Code.DN0200,
          at,
          "forward unrolls into more than " + MAX_OPS + " operations",
          "a static loop in forward runs far too long; check its bounds");
    }
    ValueId id = newValue();
    Op made =
        new Op(id, op, ImmutableList.copyOf(operands), ImmutableSortedMap.copyOf(attrs), t, at);
    b.ops.add(made);
    if (t instanceof ScalarType) {
      hostDefs.put(id, made);
    }
    noteView(op, id, operands);
    if (t instanceof TensorType tt && tt.numel() == 1) {
      List<Object> values = new ArrayList<>();
      for (ValueId o : operands) {
        values.add(known.get(o));
      }
      Object k = Constants.fold(op, values, attrs, tt.dtype());
      if (k != null) {
        known.put(id, k);
      }
    }
    return t instanceof TensorType tt ? new SymTensor(id, tt) : new HostScalar(id, (ScalarType) t);
  }

  /** Ops whose PyTorch counterparts return views sharing their operand's storage. */
  private static final java.util.Set<String> VIEW_OPS =
      java.util.Set.of("reshape", "strided_slice", "transpose", "broadcast_to");

  /**
   * Tensors made by clone(), with the first value id made after them: a clone shares its value's id
   * (no data moves) but not its storage, so views of that id taken before it do not share its
   * storage.
   */
  private final Map<SymTensor, Integer> copies = new java.util.IdentityHashMap<>();

  /** Set while dynnc computes the new value of an in-place update: its reshapes are no views. */
  private boolean quietViews;

  /**
   * {@code work}'s views are dynnc's own (an in-place update's new value takes the updated tensor's
   * storage, and the reshapes that compute it share nothing with what the model holds).
   */
  <T> T quietly(java.util.function.Supplier<T> work) {
    boolean saved = quietViews;
    quietViews = true;
    try {
      return work.get();
    } finally {
      quietViews = saved;
    }
  }

  /** Each view's base: the value whose storage it shares in PyTorch. */
  private final Map<ValueId, ValueId> viewBases = new java.util.HashMap<>();

  private void noteView(String op, ValueId result, List<ValueId> operands) {
    if (VIEW_OPS.contains(op) && !quietViews) {
      viewBases.put(result, operands.get(0));
    }
  }

  /**
   * Whether {@code v} may be a view of {@code t} (a reshape, slice or transpose of it, or of a view
   * of it), sharing its storage: an update of t would show through v in PyTorch.
   */
  boolean isViewOf(SymTensor v, SymTensor t) {
    if (v == t || copies.containsKey(v)) {
      return false;
    }
    Integer made = copies.get(t);
    ValueId r = v.id();
    for (ValueId b = viewBases.get(r); b != null; r = b, b = viewBases.get(b)) {
      if (b.equals(t.id()) && (made == null || r.index() >= made)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The bases whose storage {@code t} shares as a view, nearest first (a view of a view has two);
   * none for a tensor of its own storage, such as a clone.
   */
  List<ValueId> viewBases(SymTensor t) {
    List<ValueId> out = new ArrayList<>();
    if (copies.containsKey(t)) {
      return out;
    }
    for (ValueId b = viewBases.get(t.id()); b != null; b = viewBases.get(b)) {
      out.add(b);
    }
    return out;
  }

  /** Whether value {@code id} was read from the checkpoint. */
  boolean isWeightValue(ValueId id) {
    return weightIds.contains(id);
  }

  /** {@code x.clone()}: the same value, as a tensor of its own storage (see TensorWrites). */
  SymTensor copyOf(SymTensor x) {
    SymTensor c = new SymTensor(x.id(), x.type());
    copies.put(c, nextValue);
    return c;
  }

  /** Values read from the checkpoint (parameters and buffers). */
  private final java.util.Set<ValueId> weightIds = new java.util.HashSet<>();

  /** Whether {@code t} is a parameter or buffer read in forward (see TensorWrites). */
  boolean isWeight(SymTensor t) {
    return weightIds.contains(t.id()) && !copies.containsKey(t);
  }

  /**
   * The compile-time value of a one-element tensor computed from constants only (rule
   * STATIC-TENSOR).
   */
  /**
   * {@code k} when host scalar {@code to} is {@code from + k} (or {@code k + from}, or {@code from}
   * is {@code to - k}) for a constant int k: the length of the run-time slice {@code [from:to]}.
   */
  java.util.Optional<Long> constantOffset(HostScalar from, HostScalar to) {
    Op t = hostDefs.get(to.id());
    if (t != null && t.name().equals("add") && t.operands().size() == 2) {
      for (int i = 0; i < 2; i++) {
        if (sameValue(t.operands().get(i), from.id(), 8)) {
          java.util.Optional<Long> k = constantInt(t.operands().get(1 - i));
          if (k.isPresent()) {
            return k;
          }
        }
      }
    }
    Op f = hostDefs.get(from.id());
    if (f != null
        && f.name().equals("sub")
        && f.operands().size() == 2
        && sameValue(f.operands().get(0), to.id(), 8)) {
      return constantInt(f.operands().get(1));
    }
    return java.util.Optional.empty();
  }

  /**
   * Whether host scalars {@code a} and {@code b} are equal by construction: the same value, or
   * computed by the same op with the same attributes from operands equal by construction (host ops
   * are pure), so {@code x[t % 4:t % 4 + 2]}, which computes {@code t % 4} twice, has length 2.
   */
  private boolean sameValue(ValueId a, ValueId b, int depth) {
    if (a.equals(b)) {
      return true;
    }
    Op x = hostDefs.get(a);
    Op y = hostDefs.get(b);
    if (x == null
        || y == null
        || depth == 0
        || !x.name().equals(y.name())
        || !x.attrs().equals(y.attrs())
        || x.operands().size() != y.operands().size()) {
      return false;
    }
    if (x.operands().isEmpty()) {
      return x.name().equals("const"); // equal attributes: the same constant
    }
    for (int i = 0; i < x.operands().size(); i++) {
      if (!sameValue(x.operands().get(i), y.operands().get(i), depth - 1)) {
        return false;
      }
    }
    return true;
  }

  private java.util.Optional<Long> constantInt(ValueId v) {
    Op c = hostDefs.get(v);
    return c != null && c.name().equals("const") && c.attrs().get("value") instanceof Attr.IntAttr i
        ? java.util.Optional.of(i.value())
        : java.util.Optional.empty();
  }

  java.util.Optional<Object> knownValue(SymTensor t) {
    return java.util.Optional.ofNullable(known.get(t.id()));
  }

  SymTensor weight(TensorSlot slot, Span at) {
    if (slot.stateKey == null && slot.fill != null) {
      // A non-persistent buffer of zeros or ones: not in the checkpoint, and a constant of the
      // compiled code.
      DType dt = slot.type.dtype();
      Attr v =
          dt.isFloat()
              ? Attr.of(slot.fill)
              : dt == DType.BOOL ? Attr.of(slot.fill != 0) : Attr.of(slot.fill.longValue());
      return (SymTensor) emit("full", List.of(), List.of(), Map.of("value", v), slot.type, at);
    }
    if (slot.stateKey == null && slot.nonPersistent) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "the buffer registered at "
              + slot.createdAt
              + " with persistent=False is "
              + "not in the checkpoint, and dynnc knows its values only when torch.zeros or torch.ones made it",
          "register it with persistent=True, so that the checkpoint holds its values");
    }
    if (slot.stateKey == null) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "this tensor was created in __init__ but is neither a parameter nor a buffer",
          "register it with self.register_buffer(name, tensor) so its values come from the checkpoint");
    }
    ValueId cached = current.weights.get(slot.stateKey);
    if (cached != null) {
      return new SymTensor(cached, slot.type);
    }
    SymTensor t =
        (SymTensor)
            emit(
                "weight",
                List.of(),
                List.of(),
                Map.of("name", Attr.of(slot.stateKey)),
                slot.type,
                slot.createdAt);
    current.weights.put(slot.stateKey, t.id());
    weightIds.add(t.id());
    return t;
  }

  HostScalar constant(BlockBuilder b, Object v, Span at) {
    if (v instanceof HostScalar h) {
      return h;
    }
    Attr value;
    DType dt;
    if (v instanceof Boolean x) {
      value = Attr.of(x);
      dt = DType.BOOL;
    } else if (v instanceof Long x) {
      value = Attr.of(x);
      dt = DType.I64;
    } else if (v instanceof Double x) {
      value = Attr.of(x);
      dt = DType.F64;
    } else {
      throw Interpreter.error(
          Code.DN0201, at, "a " + Builtins.typeName(v) + " cannot be a run-time scalar");
    }
    return (HostScalar)
        emitIn(b, "const", List.of(), List.of(), Map.of("value", value), new ScalarType(dt), at);
  }

  // ------------------------------------------------------------------------------------------
  // Host scalars

  HostScalar toHostBool(Interpreter in, Object v, Span at) {
    if (v instanceof SymTensor t) {
      if (t.type().numel() != 1) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "the truth value of a tensor of shape " + t.type().shape() + " is ambiguous",
            "reduce it first, e.g. with .any(), .all() or .item() on a one-element tensor");
      }
      v = emit("item", List.of(t.id()), List.of(t.type()), Map.of(), null, at);
    }
    HostScalar h = (HostScalar) v;
    if (h.type().dtype() == DType.BOOL) {
      return h;
    }
    HostScalar zero =
        constant(current, h.type().dtype().isFloat() ? (Object) 0.0 : (Object) 0L, at);
    return hostOp("ne", h, zero, at);
  }

  private HostScalar hostOp(String op, HostScalar a, HostScalar b, Span at) {
    return (HostScalar)
        emit(op, List.of(a.id(), b.id()), List.of(a.type(), b.type()), Map.of(), null, at);
  }

  HostScalar hostValue(Interpreter in, Object v, Span at) {
    if (v instanceof SymTensor t) {
      return (HostScalar) emit("item", List.of(t.id()), List.of(t.type()), Map.of(), null, at);
    }
    if (v instanceof HostScalar h) {
      return h;
    }
    if (v instanceof Long || v instanceof Double || v instanceof Boolean) {
      return constant(current, v, at);
    }
    throw Interpreter.error(
        Code.DN0201, at, "cannot combine a run-time scalar with a " + Builtins.typeName(v));
  }

  Object hostBinary(Interpreter in, String op, Object a, Object b, Span at) {
    String ir =
        Operators.irOp(op)
            .filter(o -> !o.startsWith("logical"))
            .orElseThrow(
                () ->
                    Interpreter.error(
                        Code.DN0201,
                        at,
                        "operator " + op + " on run-time scalars is not supported"));
    HostScalar x = hostValue(in, a, at);
    HostScalar y = hostValue(in, b, at);
    if (op.equals("/")) {
      x = hostCast(in, x, DType.F64, at);
      y = hostCast(in, y, DType.F64, at);
    }
    boolean floats = x.type().dtype().isFloat() || y.type().dtype().isFloat();
    boolean nonzeroConstant = b instanceof Number n && n.doubleValue() != 0;
    if (floats && !nonzeroConstant && (op.equals("/") || op.equals("//") || op.equals("%"))) {
      // Python raises ZeroDivisionError where IEEE division gives an infinity or NaN (ints raise
      // in PyScalar.floorDiv and mod themselves)
      HostScalar zero = constant(current, (Object) 0.0, at);
      check(in, hostOp("ne", y, zero, at), "check_float_divisor", at);
    }
    return hostOp(ir, x, y, at);
  }

  /**
   * An {@code assert} on run-time data: a host op that raises a located error (DN0405) when the
   * condition is false; nothing after it runs.
   */
  void check(Interpreter in, Object cond, Span at) {
    check(in, cond, "check", at);
  }

  /** A run-time condition raised by {@code op} ("check" for an assert, or "check_padding"). */
  void check(Interpreter in, Object cond, String op, Span at) {
    HostScalar c = toHostBool(in, cond, at);
    emit(op, List.of(c.id()), List.of(c.type()), Map.of(), null, at);
  }

  /** {@code cond ? a : b} on host scalars of one dtype, both already computed (op select). */
  HostScalar select(Interpreter in, HostScalar cond, HostScalar a, HostScalar b, Span at) {
    return (HostScalar)
        emit(
            "select",
            List.of(cond.id(), a.id(), b.id()),
            List.of(cond.type(), a.type(), b.type()),
            Map.of(),
            null,
            at);
  }

  /** {@code min}/{@code max} of two ints or two floats, at least one a run-time scalar. */
  Object hostExtreme(Interpreter in, String irOp, Object a, Object b, Span at) {
    return hostOp(irOp, hostValue(in, a, at), hostValue(in, b, at), at);
  }

  /**
   * {@code abs(h)} as {@code maximum(0 - h, h)}: exact for ints (0 - (-2**63) raises), and for
   * floats CPython's max keeps its first argument unless the second is greater, so abs(-0.0) is 0.0
   * and abs(nan) is nan.
   */
  Object hostAbs(Interpreter in, HostScalar h, Span at) {
    HostScalar zero =
        constant(current, h.type().dtype().isFloat() ? (Object) 0.0 : (Object) 0L, at);
    return hostOp("maximum", hostOp("sub", zero, h, at), h, at);
  }

  /**
   * {@code math.<fn>(h)} of a run-time scalar: op {@code math_<fn>} on it as a float (the int
   * functions floor and ceil of an int are the int itself), raising at run time where CPython does.
   */
  Object hostMath(Interpreter in, String fn, HostScalar h, Span at) {
    boolean integral = !h.type().dtype().isFloat();
    if ((fn.equals("floor") || fn.equals("ceil") || fn.equals("trunc")) && integral) {
      return hostCast(in, h, DType.I64, at);
    }
    if (fn.equals("trunc")) {
      return hostCast(in, h, DType.I64, at);
    }
    HostScalar x = hostCast(in, h, DType.F64, at);
    return emit("math_" + fn, List.of(x.id()), List.of(x.type()), Map.of(), null, at);
  }

  /**
   * {@code numpy.<fn>(h)} of a run-time scalar (exp, log, log2, log10, sqrt, tanh, abs): a float64
   * as numpy computes it, NaN or an infinity where math would raise; abs of an int stays an int.
   */
  Object hostNumpy(Interpreter in, String fn, HostScalar h, Span at) {
    if (fn.equals("abs") || fn.equals("absolute")) {
      // ints stay ints (a bool as 0 or 1)
      return hostAbs(in, h.type().dtype() == DType.BOOL ? hostCast(in, h, DType.I64, at) : h, at);
    }
    HostScalar x = hostCast(in, h, DType.F64, at);
    String op = fn.equals("tanh") ? "math_tanh" : "np_" + fn;
    return emit(op, List.of(x.id()), List.of(x.type()), Map.of(), null, at);
  }

  /**
   * Python's {@code round(x)} (an int) or {@code round(x, n)} with a run-time operand: the table's
   * {@code round} op, halves to even as CPython rounds. {@code round} of an int without digits is
   * the int itself.
   */
  Object hostRound(Interpreter in, Object x, Object ndigits, Span at) {
    HostScalar h = hostValue(in, x, at);
    if (h.type().dtype() == DType.BOOL) {
      h = hostCast(in, h, DType.I64, at);
    }
    if (ndigits == null) {
      return h.type().dtype().isFloat()
          ? emit("round", List.of(h.id()), List.of(h.type()), Map.of(), null, at)
          : h;
    }
    HostScalar n = hostValue(in, ndigits, at);
    if (n.type().dtype().isFloat()) {
      throw Interpreter.error(
          Code.DN0102, at, "'float' object cannot be interpreted as an integer");
    }
    n = hostCast(in, n, DType.I64, at);
    return emit("round", List.of(h.id(), n.id()), List.of(h.type(), n.type()), Map.of(), null, at);
  }

  Object hostCompare(Interpreter in, String op, Object a, Object b, Span at) {
    String ir =
        Operators.irOp(op)
            .orElseThrow(
                () ->
                    Interpreter.error(
                        Code.DN0201,
                        at,
                        "comparison " + op + " on run-time scalars is not supported"));
    return hostOp(ir, hostValue(in, a, at), hostValue(in, b, at), at);
  }

  HostScalar hostCast(Interpreter in, HostScalar h, DType to, Span at) {
    if (h.type().dtype() == to) {
      return h;
    }
    return (HostScalar)
        emit(
            "cast",
            List.of(h.id()),
            List.of(h.type()),
            Map.of("dtype", Attr.of(to.irName())),
            null,
            at);
  }

  Object not(Interpreter in, Object v, Span at) {
    HostScalar b = toHostBool(in, v, at);
    return emit("logical_not", List.of(b.id()), List.of(b.type()), Map.of(), null, at);
  }

  Object logical(Interpreter in, String op, Object a, Object b, Span at) {
    Signals.use(a, at);
    Signals.use(b, at);
    HostScalar x = a instanceof Boolean ab ? constant(current, ab, at) : toHostBool(in, a, at);
    HostScalar y = b instanceof Boolean bb ? constant(current, bb, at) : toHostBool(in, b, at);
    return hostOp(op, x, y, at);
  }

  /**
   * Rule DYN-EXPR: a value chosen by a data-dependent condition ({@code a if c else b}, or the
   * short-circuit {@code and}/{@code or}). The condition ends the block with a branch; each side is
   * evaluated only on its own path, from the same heap (rule FORK-STATE), and the two values meet
   * in a join block like variables after an {@code if}. For {@code and}/{@code or} ({@code
   * truthOnly}), two values that cannot meet (a tensor on one path, a Python bool on the other) are
   * replaced by their truth values, which is all a condition reads of them.
   */
  Object branchValue(
      Interpreter in,
      Interpreter.Frame f,
      Object cond,
      java.util.function.Supplier<Object> whenTrue,
      java.util.function.Supplier<Object> whenFalse,
      boolean truthOnly,
      Span at) {
    HostScalar c = toHostBool(in, cond, at);
    BlockBuilder t = newBlock();
    BlockBuilder e = newBlock();
    current.terminator =
        new Terminator.Branch(c.id(), t.id, ImmutableList.of(), e.id, ImmutableList.of(), at);
    Side ts = side(t, whenTrue);
    Side es = side(e, whenFalse);
    if (ts.end() == null || es.end() == null) {
      if (ts.end() == null && es.end() == null) {
        throw new PathEnded(at);
      }
      Side only = ts.end() == null ? es : ts; // the other side raised: this one goes on
      for (Journal.State st : only.after().values()) {
        st.container().restoreTracked(st.state());
      }
      current = only.end();
      return only.value();
    }
    Object a = ts.value();
    Object b = es.value();
    BlockBuilder tEnd = ts.end();
    BlockBuilder eEnd = es.end();
    Map<Long, Journal.State> tAfter = ts.after();
    Map<Long, Journal.State> eAfter = es.after();
    if (truthOnly && typeOf(a) != null && typeOf(b) != null && !canMeet(a, b)) {
      a = truthIn(in, tEnd, a, at);
      b = truthIn(in, eEnd, b, at);
    }
    String key = "\0value";
    Map<String, Object> la = new HashMap<>(f.locals);
    la.put(key, a);
    Map<String, Object> lb = new HashMap<>(f.locals);
    lb.put(key, b);
    Map<Long, Journal.Tracked> shared = new LinkedHashMap<>();
    tAfter.values().forEach(st -> shared.put(st.container().born(), st.container()));
    eAfter.values().forEach(st -> shared.putIfAbsent(st.container().born(), st.container()));
    joinPaths(
        f,
        List.of(new Exit(tEnd, la, tAfter), new Exit(eEnd, lb, eAfter)),
        List.of(view(tAfter, before(es.journal())), view(eAfter, before(ts.journal()))),
        shared.values(),
        at,
        "after the data-dependent condition here");
    return f.locals.remove(key);
  }

  /** One side of a data-dependent value: where its path ends, its value and its journal. */
  private record Side(
      BlockBuilder end, Object value, Journal journal, Map<Long, Journal.State> after) {}

  /**
   * Evaluates one side from block {@code start} under its own journal, rolled back afterwards (what
   * the side left in the containers is kept in its after-states).
   */
  private Side side(BlockBuilder start, java.util.function.Supplier<Object> eval) {
    Journal j = Journal.push();
    Object v;
    boolean ended = false;
    try {
      current = start;
      v = eval.get();
    } catch (PathEnded p) {
      v = null; // a call on this side raised on every path (rule TRY): no value comes out
      ended = true;
    } finally {
      j.pop();
    }
    Side out = new Side(ended ? null : current, v, j, j.afterStates());
    j.rollback();
    return out;
  }

  /** Whether two values can meet in one block parameter (or are the same value). */
  private static boolean canMeet(Object a, Object b) {
    Type x = typeOf(a);
    Type y = typeOf(b);
    return x.equals(y) || (x instanceof ScalarType && y instanceof ScalarType);
  }

  /** The truth of {@code v} as a run-time bool computed at the end of block {@code b}. */
  private HostScalar truthIn(Interpreter in, BlockBuilder b, Object v, Span at) {
    BlockBuilder saved = current;
    current = b;
    try {
      return Interpreter.isDynamic(v) ? toHostBool(in, v, at) : constant(b, in.truthy(v, at), at);
    } finally {
      current = saved;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Control flow

  /**
   * How one path sees the contents of containers (rule FORK-STATE): its own saved states, else a
   * fallback.
   */
  @FunctionalInterface
  interface View {
    Object state(Journal.Tracked c);
  }

  /** The state a path left in the containers it touched, or {@code fallback} for the others. */
  private static View view(Map<Long, Journal.State> own, View fallback) {
    return c -> {
      Journal.State s = own.get(c.born());
      return s != null ? s.state() : fallback.state(c);
    };
  }

  /** What the heap held before {@code j}'s path mutated it: saved states, else the current ones. */
  private static View before(Journal j) {
    return c -> j.recorded(c) ? j.before(c) : c.copyState();
  }

  void dynamicIf(
      Interpreter in,
      Interpreter.Frame f,
      Object test,
      List<Stmt> body,
      List<Stmt> orelse,
      Span at) {
    HostScalar c = toHostBool(in, test, at);
    BlockBuilder t = newBlock();
    BlockBuilder e = newBlock();
    current.terminator =
        new Terminator.Branch(c.id(), t.id, ImmutableList.of(), e.id, ImmutableList.of(), at);
    Map<String, Object> saved = new HashMap<>(f.locals);
    // Each side runs under its own journal, which is rolled back afterwards, so both start from
    // the heap as it is here; what each left is kept in its after-states.
    Journal jt = Journal.push();
    Outcome ot;
    try {
      ot = runBranch(in, f, body, t, saved);
    } finally {
      jt.pop();
    }
    Map<Long, Journal.State> tAfter = jt.afterStates();
    jt.rollback();
    Journal je = Journal.push();
    Outcome oe;
    try {
      oe = runBranch(in, f, orelse, e, saved);
    } finally {
      je.pop();
    }
    Map<Long, Journal.State> eAfter = je.afterStates();
    je.rollback();
    if (ot == null && oe == null) {
      throw new PathEnded(at);
    }
    if (ot == null || oe == null) {
      Outcome only = ot == null ? oe : ot;
      for (Journal.State st : (ot == null ? eAfter : tAfter).values()) {
        st.container().restoreTracked(st.state()); // the surviving path's heap goes on
      }
      f.locals.clear();
      f.locals.putAll(only.locals());
      current = only.block();
      return;
    }
    BlockBuilder join = newBlock();
    List<BlockBuilder> preds = List.of(ot.block(), oe.block());
    Map<BlockBuilder, List<ValueId>> args = new LinkedHashMap<>();
    preds.forEach(p -> args.put(p, new ArrayList<>()));
    List<View> views = List.of(view(tAfter, before(je)), view(eAfter, before(jt)));
    Set<String> names = new LinkedHashSet<>(ot.locals().keySet());
    names.addAll(oe.locals().keySet());
    Map<String, Object> merged = new HashMap<>();
    for (String name : names) {
      Object a = ot.locals().containsKey(name) ? ot.locals().get(name) : onlyOnePath(name, at);
      Object b = oe.locals().containsKey(name) ? oe.locals().get(name) : onlyOnePath(name, at);
      merged.put(name, merge(List.of(a, b), views, preds, join, args, name, at));
    }
    Map<Long, Journal.Tracked> shared = new LinkedHashMap<>();
    tAfter.values().forEach(st -> shared.put(st.container().born(), st.container()));
    eAfter.values().forEach(st -> shared.putIfAbsent(st.container().born(), st.container()));
    for (Journal.Tracked box : shared.values()) {
      mergeContents(
          box,
          views,
          preds,
          join,
          args,
          describeContainer(box, merged),
          "after the data-dependent branch here",
          at);
    }
    for (BlockBuilder p : preds) {
      p.terminator = new Terminator.Jump(join.id, ImmutableList.copyOf(args.get(p)), at);
    }
    f.locals.clear();
    f.locals.putAll(merged);
    current = join;
  }

  /**
   * Evaluates one of {@code n} arms picked by a run-time int, such as a module container indexed by
   * one ({@code self.experts[expert_id](x)}): the index is checked at run time (an index out of
   * range, negative ones counted from the end as Python does, stops the model with a run-time
   * error), then a chain of branches on {@code index == i} runs arm i, and the arms' values and the
   * containers they touched are joined as after an if/elif chain (rule FORK-STATE).
   */
  Object dynamicChoice(
      Interpreter in,
      HostScalar index,
      int n,
      java.util.function.IntFunction<Object> arm,
      Span at) {
    HostScalar checked =
        hostOp(
            "check_index", hostCast(in, index, DType.I64, at), constant(current, (long) n, at), at);
    List<BlockBuilder> preds = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    List<Map<Long, Journal.State>> afters = new ArrayList<>();
    BlockBuilder test = current;
    for (int i = 0; i < n; i++) {
      BlockBuilder body = newBlock();
      if (i < n - 1) {
        current = test;
        HostScalar eq = hostOp("eq", checked, constant(current, (long) i, at), at);
        BlockBuilder next = newBlock();
        current.terminator =
            new Terminator.Branch(
                eq.id(), body.id, ImmutableList.of(), next.id, ImmutableList.of(), at);
        test = next;
      } else {
        test.terminator = new Terminator.Jump(body.id, ImmutableList.of(), at);
      }
      current = body;
      Journal j = Journal.push();
      boolean ended = false;
      try {
        values.add(freeze(arm.apply(i), new java.util.IdentityHashMap<>()));
      } catch (PathEnded p) {
        ended = true; // this arm raised on every path (rule TRY)
      } finally {
        j.pop();
      }
      if (!ended) {
        afters.add(j.afterStates());
      }
      j.rollback();
      if (!ended) {
        preds.add(current);
      }
    }
    if (preds.isEmpty()) {
      throw new PathEnded(at);
    }
    BlockBuilder join = newBlock();
    Map<BlockBuilder, List<ValueId>> args = new LinkedHashMap<>();
    preds.forEach(p -> args.put(p, new ArrayList<>()));
    List<View> views = new ArrayList<>();
    Map<Long, Journal.Tracked> shared = new LinkedHashMap<>();
    for (Map<Long, Journal.State> after : afters) {
      views.add(view(after, Journal.Tracked::copyState));
      after.values().forEach(st -> shared.putIfAbsent(st.container().born(), st.container()));
    }
    Object merged =
        merge(values, views, preds, join, args, "the value picked by a run-time index", at);
    if (merged instanceof Poison p) {
      throw Interpreter.error(
          Code.DN0205,
          at,
          "the modules picked by a run-time index return "
              + p.detail().replaceFirst("^is ", "")
              + " for different indices",
          "every module of the container must return tensors of the same shape");
    }
    for (Journal.Tracked box : shared.values()) {
      mergeContents(
          box, views, preds, join, args, "a container", "after the run-time choice here", at);
    }
    for (BlockBuilder p : preds) {
      p.terminator = new Terminator.Jump(join.id, ImmutableList.copyOf(args.get(p)), at);
    }
    current = join;
    return merged;
  }

  private static Poison onlyOnePath(String name, Span at) {
    return new Poison(name, at, "is assigned on only one path");
  }

  private Outcome runBranch(
      Interpreter in,
      Interpreter.Frame f,
      List<Stmt> body,
      BlockBuilder block,
      Map<String, Object> saved) {
    f.locals.clear();
    f.locals.putAll(saved);
    current = block;
    try {
      in.execBlock(body, f);
      return new Outcome(new HashMap<>(f.locals), current);
    } catch (ReturnSignal r) {
      f.pending.add(pending(f, r.value, r.span));
      return null;
    } catch (PathEnded p) {
      return null;
    } catch (BreakSignal | ContinueSignal s) {
      Loop l = f.loops.peek();
      if (l == null) {
        throw Interpreter.error(Code.DN0003, s.span, "'break' or 'continue' outside a loop");
      }
      // The path leaves its iteration here: it waits, frozen, for the loop's join (rule DYN-LOOP).
      Map<String, Object> locals = new HashMap<>();
      Map<Object, Object> done = new java.util.IdentityHashMap<>();
      f.locals.forEach((k, v) -> locals.put(k, freeze(v, done)));
      Exit e = new Exit(current, locals, Journal.pathStates(l.journal));
      (s instanceof BreakSignal ? l.breaks : l.continues).add(e);
      return null;
    }
  }

  /**
   * A return on the current path. Other paths may later mutate or roll back the containers the
   * value is made of, so the value's structure is copied now, and so is the state of every
   * container the function's path has touched (rule FORK-STATE).
   */
  private Pending pending(Interpreter.Frame f, Object value, Span at) {
    Map<Long, Journal.State> heap = f.journal == null ? Map.of() : Journal.pathStates(f.journal);
    return new Pending(current, value, freeze(value, new java.util.IdentityHashMap<>()), at, heap);
  }

  /** A copy of a value's tuples, lists and dicts; tensors, scalars and objects are shared. */
  private static Object freeze(Object v, Map<Object, Object> done) {
    Object seen = done.get(v);
    if (seen != null) {
      return seen;
    }
    if (v instanceof PyList l) {
      PyList copy = new PyList(List.of());
      done.put(v, copy);
      for (Object x : l.items) {
        copy.items.add(freeze(x, done));
      }
      return copy;
    } else if (v instanceof PyDict d) {
      PyDict copy = new PyDict();
      done.put(v, copy);
      for (Map.Entry<Object, Object> en : d.map.entrySet()) {
        copy.map.put(en.getKey(), freeze(en.getValue(), done));
      }
      return copy;
    } else if (v instanceof PyTuple t) {
      List<Object> items = new ArrayList<>();
      for (Object x : t.items()) {
        items.add(freeze(x, done));
      }
      return new PyTuple(ImmutableList.copyOf(items));
    }
    return v;
  }

  // ------------------------------------------------------------------------------------------
  // Exceptions (rule TRY)

  /**
   * A try statement being staged: the frame it is in, its journal (begun with it) and, per handler,
   * the paths that raised an exception it takes.
   */
  static final class TryFrame {
    final Interpreter.Frame owner;
    final Journal journal;
    final List<Object> handlerTypes;
    final List<List<Raised>> raised = new ArrayList<>();
    final int stagedLoops;

    TryFrame(Interpreter.Frame owner, Journal journal, List<Object> handlerTypes, int stagedLoops) {
      this.owner = owner;
      this.journal = journal;
      this.handlerTypes = handlerTypes;
      this.stagedLoops = stagedLoops;
      handlerTypes.forEach(h -> raised.add(new ArrayList<>()));
    }

    boolean noRaises() {
      return raised.stream().allMatch(List::isEmpty);
    }
  }

  /**
   * A path that raised: where it stopped, with the try's frame's variables and the containers it
   * had touched since the try began, and the exception (its class and attributes, frozen).
   */
  record Raised(Exit exit, PyClass cls, Map<String, Object> attrs, Span span) {}

  /** The try statements being staged, innermost first (rule TRY). */
  private final java.util.ArrayDeque<TryFrame> tries = new java.util.ArrayDeque<>();

  /** Local names under which a raised exception's attributes travel to its handler's join. */
  private static final String EXC_ATTR = "\0exception.";

  /**
   * Rule TRY, at a {@code raise} of the model's own exception class in forward: the first staged
   * try, innermost out, with a handler for the class takes it. The path ends here and waits, with
   * the exception, for that handler; every path that raised to one handler is joined before it
   * runs, like the exits of a loop. Returns normally (the caller reports the raise) when no staged
   * try handles it or the exception is not an instance of a class of the model's own.
   */
  void raiseToHandler(Interpreter in, Interpreter.Frame f, Stmt.Raise r) {
    if (tries.isEmpty()) {
      return;
    }
    Object v = in.eval(r.exc().get(), f);
    if (v instanceof PyClass pc && ExceptionClasses.derives(pc)) {
      v = in.call(pc, List.of(), Map.of(), r.span());
    }
    if (!(v instanceof PyObject exc) || !ExceptionClasses.derives(exc.cls)) {
      return;
    }
    for (TryFrame t : tries) {
      for (int k = 0; k < t.handlerTypes.size(); k++) {
        if (!ExceptionClasses.handles(t.handlerTypes.get(k), exc.cls)) {
          continue;
        }
        if (trial || stagedLoops > t.stagedLoops) {
          throw Interpreter.error(
              Code.DN0200,
              r.span(),
              "raising " + exc.cls.name + " inside a data-dependent loop is not supported",
              "leave the loop with 'break' and raise after it, or return from the loop instead");
        }
        Map<Object, Object> done = new java.util.IdentityHashMap<>();
        Map<String, Object> locals = new HashMap<>();
        t.owner.locals.forEach((name, x) -> locals.put(name, freeze(x, done)));
        Map<String, Object> attrs = new LinkedHashMap<>();
        exc.dict.forEach((name, x) -> attrs.put(name, freeze(x, done)));
        Exit e = new Exit(current, locals, Journal.pathStates(t.journal));
        t.raised.get(k).add(new Raised(e, exc.cls, attrs, r.span()));
        throw new PathEnded(r.span());
      }
    }
  }

  /**
   * Rule TRY: a try statement in forward. Its body runs on the current path; a raise that one of
   * its handlers takes ends its path there ({@link #raiseToHandler}), also from inside a call. Then
   * each handler runs once on the join of the paths that raised to it, its {@code as} name bound to
   * the exception (an object with the attributes of the raised ones, merged like variables), and
   * the paths out of the body (through {@code else}) and out of the handlers meet after the
   * statement, as after an if. A try whose body never raises at run time is its body (and else).
   */
  void stagedTry(Interpreter in, Interpreter.Frame f, Stmt.Try st) {
    Span at = st.span();
    if (!st.finalbody().isEmpty()) {
      throw Interpreter.error(
          Code.DN0200,
          at,
          "try/finally in forward is not supported",
          "move the statements of the finally block after the try statement");
    }
    List<Object> types = new ArrayList<>();
    for (Stmt.Handler h : st.handlers()) {
      types.add(h.type().isPresent() ? in.eval(h.type().get(), f) : null);
    }
    TryFrame t = new TryFrame(f, Journal.push(), types, stagedLoops);
    try {
      boolean fell = false;
      tries.push(t);
      try {
        in.execBlock(st.body(), f);
        fell = true;
      } catch (PathEnded p) {
        // every path of the body raised or returned
      } catch (ReturnSignal r) {
        if (t.noRaises()) {
          throw r;
        }
        f.pending.add(pending(f, r.value, r.span));
      } catch (BreakSignal | ContinueSignal s) {
        if (t.noRaises()) {
          throw s;
        }
        throw leavesTry(s.span);
      } finally {
        tries.pop();
      }
      if (t.noRaises()) {
        if (!fell) {
          throw new PathEnded(at);
        }
        in.execBlock(st.orelse(), f);
        return;
      }
      List<Exit> outs = new ArrayList<>();
      if (fell) {
        runClause(in, f, st.orelse(), null, t, outs);
      }
      for (int k = 0; k < st.handlers().size(); k++) {
        List<Raised> rs = t.raised.get(k);
        if (rs.isEmpty()) {
          continue;
        }
        PyClass cls = rs.get(0).cls();
        for (Raised r : rs) {
          if (r.cls() != cls) {
            throw Interpreter.error(
                Code.DN0205,
                st.handlers().get(k).span(),
                "this handler takes "
                    + cls.name
                    + " and "
                    + r.cls().name
                    + " raised on different data-dependent paths",
                "raise one exception class per handler, or give each class its own except clause");
          }
        }
        List<Exit> exits = new ArrayList<>();
        for (Raised r : rs) {
          Map<String, Object> locals = new HashMap<>(r.exit().locals());
          r.attrs().forEach((name, x) -> locals.put(EXC_ATTR + name, x));
          exits.add(new Exit(r.exit().block(), locals, r.exit().heap()));
        }
        t.journal.rollback();
        joinExits(f, exits, t.journal, at, "when the exception reaches this handler");
        PyObject exc = new PyObject(cls);
        for (String name : rs.get(0).attrs().keySet()) {
          // An attribute that differs in kind between the paths (a message string per layer) is
          // a Poison, reported only where the handler reads it.
          exc.dict.put(name, f.locals.remove(EXC_ATTR + name));
        }
        f.locals.keySet().removeIf(name -> name.startsWith(EXC_ATTR));
        Stmt.Handler h = st.handlers().get(k);
        h.name().ifPresent(name -> f.locals.put(name, exc));
        runClause(in, f, h.body(), h.name().orElse(null), t, outs);
      }
      if (outs.isEmpty()) {
        throw new PathEnded(at);
      }
      t.journal.rollback();
      joinExits(f, outs, t.journal, at, "after the try statement here");
    } finally {
      t.journal.pop();
      t.journal.commitToParent();
    }
  }

  /**
   * Runs an else or except clause of a staged try on the current path; the path that falls out of
   * it is added to {@code outs}. A handler's {@code as} name is unbound after the clause, as in
   * Python.
   */
  private void runClause(
      Interpreter in,
      Interpreter.Frame f,
      List<Stmt> body,
      String asName,
      TryFrame t,
      List<Exit> outs) {
    try {
      in.execBlock(body, f);
      if (asName != null) {
        f.locals.remove(asName);
      }
      outs.add(new Exit(current, new HashMap<>(f.locals), Journal.pathStates(t.journal)));
    } catch (PathEnded p) {
      // the clause returned on every path
    } catch (ReturnSignal r) {
      f.pending.add(pending(f, r.value, r.span));
    } catch (BreakSignal | ContinueSignal s) {
      throw leavesTry(s.span);
    }
  }

  private static RuntimeException leavesTry(Span at) {
    return Interpreter.error(
        Code.DN0200,
        at,
        "'break' or 'continue' out of a try statement whose body raises on a data-dependent path"
            + " is not supported",
        "set a flag in the try statement and break after it");
  }

  /** Joins {@code exits} into the current path, their heaps seen from before {@code base} began. */
  private void joinExits(
      Interpreter.Frame f, List<Exit> exits, Journal base, Span at, String where) {
    View before = before(base);
    List<View> views = new ArrayList<>();
    Map<Long, Journal.Tracked> shared = new LinkedHashMap<>();
    for (Exit e : exits) {
      views.add(view(e.heap(), before));
      e.heap().values().forEach(s -> shared.putIfAbsent(s.container().born(), s.container()));
    }
    base.touched().forEach(c -> shared.putIfAbsent(c.born(), c));
    joinPaths(f, exits, views, shared.values(), at, where);
  }

  // ------------------------------------------------------------------------------------------
  // Loops (rule DYN-LOOP)

  /**
   * A path that left a loop ({@code break}) or its iteration ({@code continue}, or the end of the
   * body) at the end of {@code block}, with its variables and the containers it had touched since
   * the loop began.
   */
  record Exit(BlockBuilder block, Map<String, Object> locals, Map<Long, Journal.State> heap) {}

  /** A loop running now: its journal (begun with the loop) and the exits waiting for its joins. */
  static final class Loop {
    final Journal journal;
    final List<Exit> breaks = new ArrayList<>();
    final List<Exit> continues = new ArrayList<>();

    /** Unrolled while compiling: its body runs on every path that reaches it, once per pass. */
    boolean unrolled;

    Loop(Journal journal) {
      this.journal = journal;
    }
  }

  /**
   * Whether the statement running now in {@code f} runs on every path through its call so far: no
   * data-dependent branch or staged loop is open in it, no path of it has returned, and each loop
   * open in it is unrolled with no path that left it. An in-place update of the caller's tensor
   * made here is the caller's on return.
   */
  boolean onEveryPath(Interpreter.Frame f) {
    if (!f.pending.isEmpty()) {
      return false;
    }
    for (Journal j = Journal.current(); j != f.journal && j != f.startJournal; j = j.parent) {
      if (j == null) {
        return false;
      }
      Journal open = j;
      boolean unrolled = tries.stream().anyMatch(t -> t.journal == open && t.noRaises());
      for (Loop l : f.loops) {
        unrolled |= l.journal == open && l.unrolled && l.breaks.isEmpty() && l.continues.isEmpty();
      }
      if (!unrolled) {
        return false;
      }
    }
    return true;
  }

  /** A container a staged loop body changed (DN0207), made unusable once the trial is undone. */
  private Journal.Tracked unusable;

  /** Set while a loop body is evaluated only to learn the types of its loop-carried values. */
  private boolean trial;

  boolean inTrial() {
    return trial;
  }

  private Loop enterLoop(Interpreter.Frame f) {
    Loop l = new Loop(Journal.push());
    f.loops.push(l);
    return l;
  }

  private static void leaveLoop(Interpreter.Frame f, Loop l) {
    f.loops.pop();
    l.journal.pop();
    l.journal.commitToParent();
  }

  /** The running path as an exit of {@code l}. */
  private Exit here(Interpreter.Frame f, Loop l) {
    return new Exit(current, new HashMap<>(f.locals), Journal.pathStates(l.journal));
  }

  /**
   * A loop unrolled while compiling ({@code for} over a value known at compile time, or a {@code
   * while} whose test is known): {@code next} starts each iteration (false once the loop is over; a
   * {@code while} whose test turns data-dependent stages the rest of the loop itself), and {@code
   * orelse} runs the loop's {@code else} clause. A data-dependent {@code continue} joins the next
   * iteration; a data-dependent {@code break} waits for the join after the loop, so the loop keeps
   * going on the paths that did not leave it.
   */
  void unrolledLoop(
      Interpreter in,
      Interpreter.Frame f,
      Span at,
      java.util.function.BooleanSupplier next,
      List<Stmt> body,
      Runnable orelse) {
    Loop l = enterLoop(f);
    l.unrolled = true;
    boolean live = true;
    try {
      while (live) {
        boolean more;
        try {
          more = next.getAsBoolean();
        } catch (PathEnded p) {
          live = false;
          break;
        }
        if (!more) {
          try {
            orelse.run();
          } catch (ReturnSignal r) {
            leaveAfterReturn(f, l, r);
            live = false;
          } catch (PathEnded p) {
            live = false;
          }
          break;
        }
        boolean fell = false;
        try {
          in.execBlock(body, f);
          fell = true;
        } catch (BreakSignal b) {
          l.breaks.add(here(f, l));
        } catch (ContinueSignal c) {
          fell = true;
        } catch (ReturnSignal r) {
          leaveAfterReturn(f, l, r);
        } catch (PathEnded p) {
          // every path of this iteration broke, continued or returned
        }
        if (!l.continues.isEmpty()) {
          // Paths that continued meet the one that went on at the start of the next iteration.
          List<Exit> go = new ArrayList<>(l.continues);
          l.continues.clear();
          if (fell) {
            go.add(here(f, l));
          }
          join(f, go, l, at);
        } else if (!fell) {
          live = false;
        }
      }
      if (l.breaks.isEmpty()) {
        if (!live) {
          throw new PathEnded(at);
        }
        return; // no data-dependent exit: the running path is the loop's only way out
      }
      List<Exit> out = new ArrayList<>(l.breaks);
      if (live) {
        out.add(here(f, l));
      }
      List<List<Exit>> groups = f == tailFrame && at == tailSite ? byLengths(out, l) : List.of(out);
      for (int g = groups.size() - 1; g > 0; g--) {
        // Rule TAIL: this group's lists differ in length from the first group's, so it goes on
        // through the rest of the function on its own path; the first group continues here.
        if (++tailPaths > MAX_TAIL_PATHS) {
          throw Interpreter.error(
              Code.DN0205,
              at,
              "the exits of this loop leave lists of more than "
                  + MAX_TAIL_PATHS
                  + " different lengths in this function",
              "bound the loop with a smaller range, or stack the list inside the loop");
        }
        Collection<Journal.Tracked> boxes = join(f, groups.get(g), l, at);
        List<Journal.State> heap = new ArrayList<>();
        boxes.forEach(c -> heap.add(new Journal.State(c, c.copyState())));
        tails.add(new Tail(current, new HashMap<>(f.locals), heap));
      }
      join(f, groups.get(0), l, at);
    } finally {
      leaveLoop(f, l);
    }
  }

  /** Most paths the exits of loops may split a function into (rule TAIL). */
  static final int MAX_TAIL_PATHS = 64;

  private int tailPaths;

  /** The frame and the top-level statement of its function that runs now (rule TAIL). */
  private Interpreter.Frame tailFrame;

  private Span tailSite;

  /** Exit groups a top-level loop just left, each to run the rest of its function on its own. */
  private final List<Tail> tails = new ArrayList<>();

  /** A path that runs the rest of a function on its own: where it starts, its locals and heap. */
  private record Tail(BlockBuilder block, Map<String, Object> locals, List<Journal.State> heap) {}

  /**
   * The exits of {@code l} grouped by the lengths of the lists they left (in variables and in the
   * containers the loop touched), in order of first appearance: exits of one group can be joined.
   */
  private List<List<Exit>> byLengths(List<Exit> exits, Loop l) {
    View base = before(l.journal);
    Collection<Journal.Tracked> boxes = containers(exits, l);
    Map<List<Integer>, List<Exit>> groups = new LinkedHashMap<>();
    for (Exit e : exits) {
      View v = view(e.heap(), base);
      List<Integer> key = new ArrayList<>();
      for (Journal.Tracked c : boxes) {
        if (c instanceof Journal.TrackedList) {
          key.add(((List<?>) v.state(c)).size());
        }
      }
      new java.util.TreeMap<>(e.locals())
          .forEach(
              (name, x) -> {
                if (x instanceof PyList pl) {
                  key.add(((List<?>) v.state((Journal.Tracked) pl.items)).size());
                }
              });
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
    }
    return new ArrayList<>(groups.values());
  }

  /**
   * Runs the statements of a function body from {@code from} on (rule TAIL): a top-level loop whose
   * exits leave lists of different lengths splits the path, and each other group of exits runs the
   * remaining statements on its own, ending in its own return, under a journal rolled back
   * afterwards so every path starts from the heap its exits left.
   */
  private void runTail(Interpreter in, Interpreter.Frame f, List<Stmt> body, int from, Span at) {
    try {
      for (int i = from; i < body.size(); i++) {
        Interpreter.Frame savedFrame = tailFrame;
        Span savedSite = tailSite;
        tailFrame = f;
        tailSite = body.get(i).span();
        List<Tail> split;
        try {
          in.exec(body.get(i), f);
        } finally {
          tailFrame = savedFrame;
          tailSite = savedSite;
          split = new ArrayList<>(tails);
          tails.clear();
        }
        for (Tail t : split) {
          Map<String, Object> locals = new HashMap<>(f.locals);
          BlockBuilder block = current;
          Journal j = Journal.push();
          try {
            t.heap().forEach(st -> st.container().restoreTracked(st.state()));
            f.locals.clear();
            f.locals.putAll(t.locals());
            current = t.block();
            runTail(in, f, body, i + 1, at);
          } finally {
            j.pop();
            j.rollback();
          }
          f.locals.clear();
          f.locals.putAll(locals);
          current = block;
        }
      }
      f.pending.add(pending(f, Values.NONE, at));
    } catch (ReturnSignal r) {
      f.pending.add(pending(f, r.value, r.span));
    } catch (PathEnded p) {
      // every path returned inside a data-dependent branch
    }
  }

  /**
   * A static {@code return} in a loop some of whose paths already left it: the return becomes a
   * pending return and the loop goes on with the other paths; with no other path it simply returns.
   */
  private void leaveAfterReturn(Interpreter.Frame f, Loop l, ReturnSignal r) {
    if (l.breaks.isEmpty() && l.continues.isEmpty()) {
      throw r;
    }
    f.pending.add(pending(f, r.value, r.span));
  }

  /**
   * Joins the exits of {@code l} into one path: a join block whose parameters are the variables
   * (and container items) that differ, or the one exit itself.
   */
  private Collection<Journal.Tracked> join(Interpreter.Frame f, List<Exit> exits, Loop l, Span at) {
    View base = before(l.journal);
    List<View> views = new ArrayList<>();
    for (Exit e : exits) {
      views.add(view(e.heap(), base));
    }
    Collection<Journal.Tracked> shared = containers(exits, l);
    joinPaths(f, exits, views, shared, at, "after the loop here");
    return shared;
  }

  /** The containers the exits of {@code l} or the loop itself touched, in order of birth seen. */
  private static Collection<Journal.Tracked> containers(List<Exit> exits, Loop l) {
    Map<Long, Journal.Tracked> shared = new LinkedHashMap<>();
    for (Exit e : exits) {
      e.heap().values().forEach(st -> shared.putIfAbsent(st.container().born(), st.container()));
    }
    l.journal.touched().forEach(c -> shared.putIfAbsent(c.born(), c));
    return shared.values();
  }

  /** Joins paths into one: their variables and containers merged (rule DYN-IF's join). */
  private void joinPaths(
      Interpreter.Frame f,
      List<Exit> exits,
      List<View> views,
      java.util.Collection<Journal.Tracked> containers,
      Span at,
      String where) {
    BlockBuilder join = exits.size() == 1 ? exits.get(0).block() : newBlock();
    List<BlockBuilder> preds = new ArrayList<>();
    Map<BlockBuilder, List<ValueId>> args = new LinkedHashMap<>();
    Set<String> names = new java.util.TreeSet<>();
    for (Exit e : exits) {
      preds.add(e.block());
      args.put(e.block(), new ArrayList<>());
      names.addAll(e.locals().keySet());
    }
    Map<String, Object> merged = new HashMap<>();
    for (String name : names) {
      List<Object> vals = new ArrayList<>();
      for (Exit e : exits) {
        vals.add(e.locals().containsKey(name) ? e.locals().get(name) : onlyOnePath(name, at));
      }
      merged.put(name, merge(vals, views, preds, join, args, name, at));
    }
    for (Journal.Tracked box : containers) {
      mergeContents(box, views, preds, join, args, describeContainer(box, merged), where, at);
    }
    if (exits.size() > 1) {
      for (BlockBuilder p : preds) {
        p.terminator = new Terminator.Jump(join.id, ImmutableList.copyOf(args.get(p)), at);
      }
    }
    f.locals.clear();
    f.locals.putAll(merged);
    current = join;
  }

  /** How a loop-carried variable enters the staged loop's body. */
  private sealed interface Carried {}

  /** Passed into the body as a block parameter of this type. */
  private record Widened(Type type) implements Carried {}

  /**
   * The same Python value on every iteration (a constant, a module, a list the body only reads).
   */
  private record Kept() implements Carried {}

  /** Rebound to a value of another kind by the body: unusable before the body binds it again. */
  private record Unusable(String detail) implements Carried {}

  /** The body of a staged loop, evaluated once: its entry block and the path at its latch. */
  private record LoopBody(
      BlockBuilder entry, Loop loop, BlockBuilder latch, Map<String, Object> latchLocals) {}

  /**
   * Rule DYN-LOOP: a {@code while} whose test {@code first} depends on run-time data becomes a loop
   * of the host program. The variables the body may rebind are the loop-carried values; a fixpoint
   * over trial runs of the body decides how each is carried: tensors and run-time scalars (and
   * Python numbers the body changes) become parameters of the body's block, widened (bool, int,
   * float) until one more iteration keeps their types; other values must stay the same. The body is
   * then evaluated once more for real, from those parameters: it is compiled once, however many
   * iterations run. A carried tensor whose shape or dtype changes from one iteration to the next is
   * an error (DN0207): without a static bound the loop cannot be unrolled, and a tensor that grows
   * has no single compiled body. Lists, dicts and attributes that existed before the loop cannot be
   * changed inside it (DN0207): their length would depend on the number of iterations.
   *
   * <p>Shape of the result: the test is evaluated before the loop and again at the end of the body
   * (the loop is rotated, so each test is computed by the code before it); {@code break} exits and
   * the exits where the test is false meet after the loop, where the {@code else} clause runs on
   * the latter.
   */
  void stagedWhile(Interpreter in, Interpreter.Frame f, Stmt.While w, Object first) {
    stagedLoops++;
    try {
      stageWhile(in, f, w, first);
    } finally {
      stagedLoops--;
    }
  }

  /** Data-dependent loops being staged now (their bodies run as trials first). */
  private int stagedLoops;

  private void stageWhile(Interpreter in, Interpreter.Frame f, Stmt.While w, Object first) {
    Span at = w.span();
    Set<String> bound = new java.util.TreeSet<>();
    Interpreter.boundNames(w.body(), bound);
    Map<String, Object> entry = new HashMap<>(f.locals);
    Map<String, Carried> carried = new LinkedHashMap<>();
    for (String name : bound) {
      if (entry.containsKey(name)) {
        Object v = entry.get(name);
        carried.put(
            name,
            v instanceof SymTensor t
                ? new Widened(t.type())
                : v instanceof HostScalar h ? new Widened(h.type()) : new Kept());
      }
    }
    HostScalar c0 = toHostBool(in, first, at);
    BlockBuilder pre = current;
    for (int pass = 0; ; pass++) {
      LoopBody trialBody = trialRun(in, f, w, entry, carried);
      if (!widen(carried, entry, trialBody.latchLocals(), at) || pass > 2 * carried.size() + 2) {
        break;
      }
    }
    // The way in, and out when the first test is false (made first, so that the only edge back
    // to an earlier block is the loop's own).
    BlockBuilder in0 = newBlock();
    BlockBuilder out0 = newBlock();
    current = pre;
    f.locals.clear();
    f.locals.putAll(entry);
    LoopBody b = runBody(in, f, w, entry, carried);
    pre.terminator =
        new Terminator.Branch(c0.id(), in0.id, ImmutableList.of(), out0.id, ImmutableList.of(), at);
    backEdge(in0, b.entry(), entry, carried, at);
    List<Exit> normal = new ArrayList<>();
    normal.add(new Exit(out0, entry, Map.of()));
    if (b.latch() != null) {
      current = b.latch();
      f.locals.clear();
      f.locals.putAll(b.latchLocals());
      Object t = in.foldCondition(in.eval(w.test(), f));
      BlockBuilder latch = current;
      Map<String, Object> after = new HashMap<>(f.locals);
      boolean dynamic = Interpreter.isDynamic(t);
      boolean go = dynamic || in.truthy(t, at);
      BlockBuilder again = go ? newBlock() : null;
      BlockBuilder done = dynamic || !go ? newBlock() : null;
      if (dynamic) {
        HostScalar c = toHostBool(in, t, at);
        current.terminator =
            new Terminator.Branch(
                c.id(), again.id, ImmutableList.of(), done.id, ImmutableList.of(), at);
      } else {
        latch.terminator = new Terminator.Jump(go ? again.id : done.id, ImmutableList.of(), at);
      }
      if (again != null) {
        backEdge(again, b.entry(), after, carried, at);
      }
      if (done != null) {
        normal.add(new Exit(done, after, Map.of()));
      }
    }
    View asNow = Journal.Tracked::copyState;
    List<Exit> exits = new ArrayList<>(normal);
    if (!w.orelse().isEmpty()) {
      joinPaths(f, normal, normal.stream().map(e -> asNow).toList(), List.of(), at, "");
      exits.clear();
      try {
        in.execBlock(w.orelse(), f);
        exits.add(new Exit(current, new HashMap<>(f.locals), Map.of()));
      } catch (ReturnSignal r) {
        if (b.loop().breaks.isEmpty()) {
          throw r;
        }
        f.pending.add(pending(f, r.value, r.span));
      }
    }
    exits.addAll(b.loop().breaks);
    if (exits.isEmpty()) {
      throw new PathEnded(at);
    }
    joinPaths(f, exits, exits.stream().map(e -> asNow).toList(), List.of(), at, "");
  }

  /**
   * Evaluates the body once to learn what it makes of the carried values; everything it emitted,
   * changed or recorded is undone afterwards.
   */
  private LoopBody trialRun(
      Interpreter in,
      Interpreter.Frame f,
      Stmt.While w,
      Map<String, Object> entry,
      Map<String, Carried> carried) {
    int blockMark = blocks.size();
    int pendingMark = f.pending.size();
    BlockBuilder saved = current;
    boolean wasTrial = trial;
    trial = true;
    Journal j = Journal.push();
    try {
      return runBody(in, f, w, entry, carried);
    } finally {
      j.pop();
      j.rollback();
      trial = wasTrial;
      blocks.subList(blockMark, blocks.size()).clear();
      f.pending.subList(pendingMark, f.pending.size()).clear();
      f.locals.clear();
      f.locals.putAll(entry);
      current = saved;
      if (unusable instanceof Journal.TrackedList list) {
        // Its contents are unknown after the loop: uses of it are not reported again.
        list.restoreTracked(List.of(Values.FAILED));
      }
      unusable = null;
    }
  }

  /** Evaluates the body of a staged loop from its carried values, up to the join at its latch. */
  private LoopBody runBody(
      Interpreter in,
      Interpreter.Frame f,
      Stmt.While w,
      Map<String, Object> entry,
      Map<String, Carried> carried) {
    Span at = w.span();
    BlockBuilder b = newBlock();
    Map<String, Object> locals = new HashMap<>(entry);
    for (Map.Entry<String, Carried> e : carried.entrySet()) {
      if (e.getValue() instanceof Widened wd) {
        ValueId p = newValue();
        b.params.add(new Param(p, wd.type()));
        locals.put(
            e.getKey(),
            wd.type() instanceof TensorType tt
                ? new SymTensor(p, tt)
                : new HostScalar(p, (ScalarType) wd.type()));
      } else if (e.getValue() instanceof Unusable u) {
        locals.put(e.getKey(), new Poison(e.getKey(), at, u.detail()));
      }
    }
    current = b;
    f.locals.clear();
    f.locals.putAll(locals);
    Loop l = enterLoop(f);
    List<Exit> back = new ArrayList<>();
    try {
      try {
        in.execBlock(w.body(), f);
        back.add(here(f, l));
      } catch (BreakSignal s) {
        l.breaks.add(here(f, l));
      } catch (ContinueSignal s) {
        back.add(here(f, l));
      } catch (ReturnSignal r) {
        f.pending.add(pending(f, r.value, r.span));
      } catch (PathEnded p) {
        // every path of the body left it
      }
      back.addAll(l.continues);
      l.continues.clear();
      List<Journal.Tracked> changed = new ArrayList<>(l.journal.touched());
      for (Exit e : back) {
        e.heap().values().forEach(st -> changed.add(st.container()));
      }
      for (Exit e : l.breaks) {
        e.heap().values().forEach(st -> changed.add(st.container()));
      }
      if (!changed.isEmpty()) {
        unusable = changed.get(0);
        throw Interpreter.error(
            Code.DN0207,
            at,
            describeContainer(changed.get(0), entry)
                + " is changed inside this data-dependent loop, so its length or contents would"
                + " depend on the number of iterations",
            "accumulate per-step results in a loop-carried tensor of fixed shape (a running sum"
                + " or mean) instead of a list");
      }
      if (back.isEmpty()) {
        return new LoopBody(b, l, null, null);
      }
      join(f, back, l, at);
      return new LoopBody(b, l, current, new HashMap<>(f.locals));
    } finally {
      leaveLoop(f, l);
    }
  }

  /**
   * Updates how each variable is carried from what one trial iteration left in it; true when
   * something changed (another trial is needed).
   */
  private boolean widen(
      Map<String, Carried> carried, Map<String, Object> entry, Map<String, Object> after, Span at) {
    if (after == null) {
      return false; // no path reaches the next iteration
    }
    boolean changed = false;
    // A tensor or scalar the body updates in place (acc.add_(h), outs[t] = h, a callee's x += y)
    // is rebound without an assignment to its name; it is carried like an assigned one. Before
    // this, each iteration read the value from before the loop.
    for (Map.Entry<String, Object> e : entry.entrySet()) {
      String name = e.getKey();
      if (!carried.containsKey(name)
          && after.containsKey(name)
          && after.get(name) != e.getValue()
          && typeOf(e.getValue()) != null) {
        carried.put(name, new Widened(typeOf(e.getValue())));
        changed = true;
      }
    }
    for (Map.Entry<String, Carried> e : carried.entrySet()) {
      String name = e.getKey();
      Object start = entry.get(name);
      Object now = after.containsKey(name) ? after.get(name) : start;
      Carried c = e.getValue();
      Carried next = c;
      if (start == Values.FAILED || now == Values.FAILED) {
        continue; // its error is reported already
      }
      if (c instanceof Kept) {
        if (now == start
            || (isPrimitive(now)
                && Operators.pyEquals(now, start)
                && now.getClass() == start.getClass())) {
          continue;
        }
        Type a = typeOf(start);
        Type b = typeOf(now);
        next =
            a != null && b != null
                ? new Widened(unify(a, b, name, at))
                : new Unusable(
                    "is "
                        + kind(start, Journal.Tracked::copyState)
                        + " before the data-dependent loop and "
                        + kind(now, Journal.Tracked::copyState)
                        + " after one iteration");
      } else if (c instanceof Widened wd) {
        Type b = typeOf(now);
        if (b == null) {
          throw Interpreter.error(
              Code.DN0207,
              at,
              "the loop-carried variable '"
                  + name
                  + "' is "
                  + kind(start, Journal.Tracked::copyState)
                  + " when the data-dependent loop starts and "
                  + (now instanceof Poison p
                      ? p.detail().replaceFirst("^is ", "")
                      : kind(now, Journal.Tracked::copyState))
                  + " after one iteration",
              "a variable carried by a while loop must keep its kind: a tensor of one shape, or a number");
        }
        next = new Widened(unify(wd.type(), b, name, at));
      }
      if (!next.equals(c)) {
        e.setValue(next);
        changed = true;
      }
    }
    return changed;
  }

  /** The type a value would have as a block parameter, or null for other Python values. */
  private static Type typeOf(Object v) {
    if (v instanceof SymTensor t) {
      return t.type();
    } else if (v instanceof HostScalar h) {
      return h.type();
    } else if (v instanceof Boolean) {
      return new ScalarType(DType.BOOL);
    } else if (v instanceof Long) {
      return new ScalarType(DType.I64);
    } else if (v instanceof Double) {
      return new ScalarType(DType.F64);
    }
    return null;
  }

  /**
   * The type that holds values of types {@code a} and {@code b}: bool < int < float, or a tensor.
   */
  private static Type unify(Type a, Type b, String name, Span at) {
    if (a.equals(b)) {
      return a;
    }
    if (a instanceof ScalarType x && b instanceof ScalarType y) {
      DType d = x.dtype().isFloat() || y.dtype().isFloat() ? DType.F64 : DType.I64;
      return new ScalarType(d);
    }
    if (a instanceof ScalarType && b instanceof TensorType) {
      return b; // a Python number before the loop, a tensor after: the number enters as a tensor
    }
    throw Interpreter.error(
        Code.DN0207,
        at,
        "the loop-carried variable '"
            + name
            + "' is a "
            + (a instanceof TensorType ? "Tensor " : "run-time ")
            + a
            + " when an iteration of this data-dependent loop starts and a "
            + (b instanceof TensorType ? "Tensor " : "run-time ")
            + b
            + " after it",
        "a tensor carried by a while loop must keep its shape and dtype, so that its body is"
            + " compiled once; pad it to a fixed size, or bound the loop with 'for t in range(N)'");
  }

  /** Ends {@code from} with a jump into the loop body, passing the carried values converted. */
  private void backEdge(
      BlockBuilder from,
      BlockBuilder body,
      Map<String, Object> values,
      Map<String, Carried> carried,
      Span at) {
    BlockBuilder saved = current;
    current = from;
    List<ValueId> args = new ArrayList<>();
    for (Map.Entry<String, Carried> e : carried.entrySet()) {
      if (!(e.getValue() instanceof Widened wd)) {
        continue;
      }
      Object v = Signals.use(values.get(e.getKey()), at);
      if (wd.type() instanceof TensorType tt) {
        if (v instanceof SymTensor s && s.type().equals(tt)) {
          args.add(s.id());
        } else if (v instanceof Long || v instanceof Double || v instanceof Boolean) {
          args.add(full(tt, v, at).id());
        } else {
          throw Interpreter.error(
              Code.DN0207,
              at,
              "the loop-carried variable '"
                  + e.getKey()
                  + "' is "
                  + kind(v, Journal.Tracked::copyState)
                  + " here and a Tensor "
                  + tt
                  + " after an iteration of this data-dependent loop",
              "give it its loop type before the loop, e.g. with torch.zeros");
        }
      } else {
        HostScalar h = hostValue(null, v, at);
        args.add(hostCast(null, h, ((ScalarType) wd.type()).dtype(), at).id());
      }
    }
    from.terminator = new Terminator.Jump(body.id, ImmutableList.copyOf(args), at);
    current = saved;
  }

  /** A tensor of type {@code t} filled with the Python number {@code v}. */
  private SymTensor full(TensorType t, Object v, Span at) {
    DType dt = t.dtype();
    double d = v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue();
    Attr value = dt.isFloat() ? Attr.of(d) : dt == DType.BOOL ? Attr.of(d != 0) : Attr.of((long) d);
    return (SymTensor) emit("full", List.of(), List.of(), Map.of("value", value), t, at);
  }

  /**
   * Ends the method with {@code value} when no Python function body ran as the method: a library
   * layer lowered as the model itself ({@code models.a:layer()} returning {@code nn.Linear}), whose
   * call stages its ops but no {@code return}.
   */
  void returnFromEntry(Interpreter in, Object value, Span at) {
    if (!topPending) {
      return;
    }
    topPending = false;
    current.terminator =
        new Terminator.Return(
            tree(in, current, freeze(value, new java.util.IdentityHashMap<>()), at), at);
  }

  /** Evaluates a function body, merging returns from data-dependent paths (rule RET). */
  Object runFunction(Interpreter in, Interpreter.Frame f, List<Stmt> body, Span at) {
    boolean top = topPending;
    topPending = false;
    f.entry = top;
    if (!top) {
      f.journal = Journal.push(); // an inlined call: its returns remember the heap from here on
    }
    try {
      try {
        runTail(in, f, body, 0, at);
      } catch (BreakSignal | ContinueSignal s) {
        throw Interpreter.error(Code.DN0003, s.span, "'break' or 'continue' outside a loop");
      }
      if (top) {
        for (Pending p : f.pending) {
          p.block().terminator =
              new Terminator.Return(tree(in, p.block(), p.frozen(), p.span()), p.span());
        }
        return Values.NONE;
      }
      if (f.pending.isEmpty()) {
        throw new PathEnded(at); // every path of the call raised to a try of a caller (rule TRY)
      }
      if (f.pending.size() == 1) {
        current = f.pending.get(0).block();
        return f.pending.get(0).value();
      }
      return joinReturns(f, at);
    } finally {
      if (f.journal != null) {
        f.journal.pop();
        f.journal.commitToParent();
      }
    }
  }

  /** Joins the paths of an inlined call: one block, its returned values and heaps merged. */
  private Object joinReturns(Interpreter.Frame f, Span at) {
    BlockBuilder join = newBlock();
    List<BlockBuilder> preds = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    List<View> views = new ArrayList<>();
    Map<BlockBuilder, List<ValueId>> args = new LinkedHashMap<>();
    Map<Long, Journal.Tracked> shared = new LinkedHashMap<>();
    View base = before(f.journal);
    for (Pending p : f.pending) {
      preds.add(p.block());
      values.add(p.frozen());
      views.add(view(p.heap(), base));
      args.put(p.block(), new ArrayList<>());
      p.heap().values().forEach(st -> shared.putIfAbsent(st.container().born(), st.container()));
    }
    String what = "the return value of " + Interpreter.qualifiedName(f.function) + "()";
    Object merged = merge(values, views, preds, join, args, what, at);
    if (merged instanceof Poison p) {
      throw Interpreter.error(
          Code.DN0205,
          at,
          Interpreter.qualifiedName(f.function)
              + "() returns "
              + p.detail().replaceFirst("^is ", "")
              + " on different data-dependent paths",
          "return tensors of the same shape (or the same constants) from every return statement");
    }
    for (Journal.Tracked box : shared.values()) {
      mergeContents(
          box,
          views,
          preds,
          join,
          args,
          describeContainer(box, f.locals),
          "when this call returns",
          at);
    }
    for (BlockBuilder p : preds) {
      p.terminator = new Terminator.Jump(join.id, ImmutableList.copyOf(args.get(p)), at);
    }
    current = join;
    return merged;
  }

  /**
   * Merges what several paths left in one container that existed before they split: element by
   * element for a list (whose length must agree), key by key for a dict or object (a key set on
   * some paths only becomes a {@link Poison}).
   */
  private void mergeContents(
      Journal.Tracked box,
      List<View> views,
      List<BlockBuilder> preds,
      BlockBuilder join,
      Map<BlockBuilder, List<ValueId>> args,
      String name,
      String where,
      Span at) {
    List<Object> states = new ArrayList<>();
    for (View v : views) {
      states.add(v.state(box));
    }
    Object now = box.copyState();
    if (box instanceof Journal.TrackedList list) {
      int n = ((List<?>) states.get(0)).size();
      for (Object st : states) {
        if (((List<?>) st).size() != n) {
          throw Interpreter.error(
              Code.DN0205,
              at,
              name + " has " + sizes(states) + " " + where,
              "add to the list on every path (or on none), or return early instead");
        }
      }
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        final int k = i;
        out.add(
            merge(
                states.stream().map(st -> (Object) ((List<?>) st).get(k)).toList(),
                views,
                preds,
                join,
                args,
                name + "[" + i + "]",
                at));
      }
      if (!sameItems(out, (List<?>) now)) {
        list.clear();
        list.addAll(out);
      }
    } else {
      @SuppressWarnings("unchecked")
      Journal.TrackedMap<Object, Object> map = (Journal.TrackedMap<Object, Object>) box;
      LinkedHashSet<Object> keys = new LinkedHashSet<>();
      for (Object st : states) {
        keys.addAll(((Map<?, ?>) st).keySet());
      }
      LinkedHashMap<Object, Object> out = new LinkedHashMap<>();
      for (Object key : keys) {
        String keyName =
            "key "
                + (key instanceof String k ? "'" + k + "'" : String.valueOf(key))
                + " of "
                + name;
        List<Object> vals = new ArrayList<>();
        for (Object st : states) {
          Map<?, ?> m = (Map<?, ?>) st;
          vals.add(
              m.containsKey(key) ? m.get(key) : new Poison(keyName, at, "is set on only one path"));
        }
        out.put(key, merge(vals, views, preds, join, args, keyName, at));
      }
      if (!sameItems(
          new ArrayList<>(out.entrySet()), new ArrayList<>(((Map<?, ?>) now).entrySet()))) {
        map.clear();
        map.putAll(out);
      }
    }
  }

  /** "2 items on one path and 1 on the other" / "1, 2 or 3 items depending on the path". */
  private static String sizes(List<Object> states) {
    List<String> out = new ArrayList<>();
    for (Object st : states) {
      out.add(String.valueOf(((List<?>) st).size()));
    }
    if (out.size() == 2) {
      return out.get(0) + " items on one path and " + out.get(1) + " on the other";
    }
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(out));
    return String.join(", ", distinct.subList(0, distinct.size() - 1))
        + " or "
        + distinct.get(distinct.size() - 1)
        + " items depending on the path";
  }

  private static boolean sameItems(List<?> a, List<?> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      Object x = a.get(i);
      Object y = b.get(i);
      if (x instanceof Map.Entry<?, ?> ex && y instanceof Map.Entry<?, ?> ey) {
        if (!ex.getKey().equals(ey.getKey()) || ex.getValue() != ey.getValue()) {
          return false;
        }
      } else if (x != y) {
        return false;
      }
    }
    return true;
  }

  /** Names a container for a message: the variable or attribute holding it, if one does. */
  private static String describeContainer(Journal.Tracked box, Map<String, Object> locals) {
    for (Map.Entry<String, Object> e : new java.util.TreeMap<>(locals).entrySet()) {
      if (e.getValue() instanceof PyList l && l.items == box) {
        return "the list '" + e.getKey() + "'";
      }
      if (e.getValue() instanceof PyDict d && d.map == box) {
        return "the dict '" + e.getKey() + "'";
      }
      if (e.getValue() instanceof PyObject o) {
        if (o.dict == box) {
          return "the attributes of '" + e.getKey() + "'";
        }
        for (Map.Entry<String, Object> a : o.dict.entrySet()) {
          if (a.getValue() instanceof PyList l && l.items == box) {
            return "the list '" + e.getKey() + "." + a.getKey() + "'";
          }
        }
      }
    }
    return box instanceof Journal.TrackedList ? "a list" : "a dict";
  }

  private Object merge(
      List<Object> vals,
      List<View> views,
      List<BlockBuilder> preds,
      BlockBuilder join,
      Map<BlockBuilder, List<ValueId>> args,
      String name,
      Span at) {
    Object first = vals.get(0);
    boolean same =
        vals.stream()
            .allMatch(
                v ->
                    v == first
                        || (isPrimitive(v)
                            && Operators.pyEquals(v, first)
                            && v.getClass() == first.getClass()));
    if (same || vals.contains(Values.FAILED)) {
      return vals.contains(Values.FAILED)
          ? Values.FAILED
          : first; // a failed path's error is reported already
    }
    for (Object v : vals) {
      if (v instanceof Poison p) {
        return new Poison(name, at, p.detail());
      }
      if (v instanceof Values.Stale stale) {
        return stale; // stale on one path: reading it after the join is refused too
      }
    }
    if (vals.stream()
        .allMatch(v -> v instanceof SymTensor s && s.type().equals(((SymTensor) first).type()))) {
      ValueId p = newValue();
      join.params.add(new Param(p, ((SymTensor) first).type()));
      for (int i = 0; i < vals.size(); i++) {
        args.get(preds.get(i)).add(((SymTensor) vals.get(i)).id());
      }
      return new SymTensor(p, ((SymTensor) first).type());
    }
    if (vals.stream()
        .allMatch(
            v ->
                v instanceof HostScalar
                    || isPrimitive(v) && !(v instanceof String) && v != Values.NONE)) {
      DType dt = DType.BOOL;
      for (Object v : vals) {
        DType d =
            v instanceof HostScalar h
                ? h.type().dtype()
                : v instanceof Boolean ? DType.BOOL : v instanceof Long ? DType.I64 : DType.F64;
        if (d.isFloat() || dt.isFloat()) {
          dt = DType.F64;
        } else if (d != DType.BOOL || dt != DType.BOOL) {
          dt = DType.I64;
        }
      }
      ValueId p = newValue();
      join.params.add(new Param(p, new ScalarType(dt)));
      for (int i = 0; i < vals.size(); i++) {
        BlockBuilder pred = preds.get(i);
        BlockBuilder saved = current;
        current = pred;
        HostScalar h = hostValue(null, vals.get(i), at);
        if (h.type().dtype() != dt) {
          h = hostCast(null, h, dt, at);
        }
        current = saved;
        args.get(pred).add(h.id());
      }
      return new HostScalar(p, new ScalarType(dt));
    }
    if (vals.stream()
        .allMatch(
            v -> v instanceof PyTuple t && t.items().size() == ((PyTuple) first).items().size())) {
      List<Object> items = new ArrayList<>();
      for (int k = 0; k < ((PyTuple) first).items().size(); k++) {
        final int idx = k;
        items.add(
            merge(
                vals.stream().map(v -> ((PyTuple) v).items().get(idx)).toList(),
                views,
                preds,
                join,
                args,
                name + "[" + k + "]",
                at));
      }
      return new PyTuple(ImmutableList.copyOf(items));
    }
    if (vals.stream().allMatch(v -> v instanceof PyList)) {
      // Different lists on different paths: a new list of the merged items, if the lengths agree.
      List<List<?>> states = new ArrayList<>();
      for (int i = 0; i < vals.size(); i++) {
        states.add((List<?>) views.get(i).state((Journal.Tracked) ((PyList) vals.get(i)).items));
      }
      int n = states.get(0).size();
      if (states.stream().allMatch(st -> st.size() == n)) {
        List<Object> items = new ArrayList<>();
        for (int k = 0; k < n; k++) {
          final int idx = k;
          items.add(
              merge(
                  states.stream().map(st -> (Object) st.get(idx)).toList(),
                  views,
                  preds,
                  join,
                  args,
                  name + "[" + k + "]",
                  at));
        }
        return new PyList(items);
      }
    }
    if (vals.stream().allMatch(v -> v instanceof PyDict)) {
      List<Map<?, ?>> states = new ArrayList<>();
      for (int i = 0; i < vals.size(); i++) {
        states.add((Map<?, ?>) views.get(i).state((Journal.Tracked) ((PyDict) vals.get(i)).map));
      }
      if (states.stream().allMatch(st -> st.keySet().equals(states.get(0).keySet()))) {
        PyDict out = new PyDict();
        for (Object key : states.get(0).keySet()) {
          out.map.put(
              key,
              merge(
                  states.stream().map(st -> (Object) st.get(key)).toList(),
                  views,
                  preds,
                  join,
                  args,
                  name + "[" + key + "]",
                  at));
        }
        return out;
      }
    }
    return new Poison(name, at, differences(vals, views));
  }

  /** "is a Tensor f32[1,4] on one path and an int on the other", for messages. */
  private static String differences(List<Object> vals, List<View> views) {
    List<String> kinds = new ArrayList<>();
    for (int i = 0; i < vals.size(); i++) {
      kinds.add(kind(vals.get(i), views.get(i)));
    }
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(kinds));
    if (distinct.size() == 1) {
      return "is " + distinct.get(0) + " with different contents on different paths";
    }
    if (vals.size() == 2) {
      return "is " + kinds.get(0) + " on one path and " + kinds.get(1) + " on the other";
    }
    return "is "
        + String.join(", ", distinct.subList(0, distinct.size() - 1))
        + " or "
        + distinct.get(distinct.size() - 1)
        + " depending on the path";
  }

  private static String kind(Object v, View view) {
    if (v instanceof SymTensor t) {
      return "a Tensor " + t.type();
    } else if (v instanceof HostScalar h) {
      return "a run-time " + h.type();
    } else if (v instanceof Long l) {
      return "the int " + l;
    } else if (v instanceof Double d) {
      return "the float " + d;
    } else if (v instanceof Boolean b) {
      return "the bool " + (b ? "True" : "False");
    } else if (v instanceof String s) {
      return "the str '" + s + "'";
    } else if (v == Values.NONE) {
      return "None";
    } else if (v instanceof PyList l) {
      return "a list of " + ((List<?>) view.state((Journal.Tracked) l.items)).size() + " items";
    } else if (v instanceof PyTuple t) {
      return "a tuple of " + t.items().size() + " items";
    } else if (v instanceof PyDict d) {
      return "a dict with keys " + ((Map<?, ?>) view.state((Journal.Tracked) d.map)).keySet();
    }
    String t = Builtins.typeName(v);
    return ("aeiouAEIOU".indexOf(t.charAt(0)) >= 0 ? "an " : "a ") + t;
  }

  private static boolean isPrimitive(Object v) {
    return v instanceof Long
        || v instanceof Double
        || v instanceof Boolean
        || v instanceof String
        || v == Values.NONE;
  }

  private OutputTree tree(Interpreter in, BlockBuilder b, Object v, Span at) {
    if (v instanceof SymTensor t) {
      return new OutputTree.Leaf(t.id());
    } else if (v instanceof HostScalar h) {
      return new OutputTree.Leaf(h.id());
    } else if (v instanceof Long || v instanceof Double || v instanceof Boolean) {
      return new OutputTree.Leaf(constant(b, v, at).id());
    } else if (v == Values.NONE) {
      return new OutputTree.NoneNode();
    } else if (v instanceof TensorSlot s) {
      BlockBuilder saved = current;
      current = b;
      SymTensor t = weight(s, at);
      current = saved;
      return new OutputTree.Leaf(t.id());
    } else if (v instanceof PyTuple t) {
      return new OutputTree.TupleNode(
          t.items().stream().map(x -> tree(in, b, x, at)).collect(ImmutableList.toImmutableList()));
    } else if (v instanceof PyList l) {
      return new OutputTree.ListNode(
          l.items.stream().map(x -> tree(in, b, x, at)).collect(ImmutableList.toImmutableList()));
    } else if (v instanceof PyDict d) {
      ImmutableList.Builder<String> keys = ImmutableList.builder();
      ImmutableList.Builder<OutputTree> items = ImmutableList.builder();
      for (Map.Entry<Object, Object> e : d.map.entrySet()) {
        keys.add(Builtins.str(in, e.getKey()));
        items.add(tree(in, b, e.getValue(), at));
      }
      return new OutputTree.DictNode(keys.build(), items.build());
    }
    Signals.use(v, at);
    if (v instanceof Poison p) {
      throw Interpreter.error(
          Code.DN0205,
          at,
          "the returned "
              + p.name()
              + " "
              + p.detail()
              + " after the data-dependent branch at "
              + p.branch(),
          p.detail().equals("is set on only one path")
              ? "set the key on every path, to a value of the same kind (False here, say), or return from"
                  + " inside the branch"
              : "make every path produce a tensor of the same shape, or the same constant");
    }
    throw Interpreter.error(
        Code.DN0206,
        at,
        Code.DN0206.format(Builtins.typeName(v)),
        "return tensors, Python numbers, or tuples/lists/dicts of them");
  }
}
