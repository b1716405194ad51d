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
import dev.dynnc.ir.DType;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.OpRegistry;
import dev.dynnc.ir.OutputTree;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Terminator;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.Type.ScalarType;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.ir.ValueId;
import java.util.ArrayList;
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
 * parameters are the variables that differ (tensors of one type, or host scalars). Rule RET: in
 * the top-level method every pending return becomes a {@code ret}; in an inlined callee they meet
 * in a join block, so the caller continues with one value. Static conditions never reach here:
 * the interpreter folds them, and static loops are unrolled by simply running them.
 */
final class Staging {
  /** A path that returned {@code value} at the end of {@code block}. */
  record Pending(BlockBuilder block, Object value, Span span) {}

  static final class BlockBuilder {
    final BlockId id;
    final List<Param> params = new ArrayList<>();
    final List<Op> ops = new ArrayList<>();
    final Map<String, ValueId> weights = new HashMap<>();
    Terminator terminator;

    BlockBuilder(int index) {
      this.id = new BlockId(index);
    }
  }

  private record Outcome(Map<String, Object> locals, BlockBuilder block) {}

  private final List<BlockBuilder> blocks = new ArrayList<>();
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

  ValueId newValue() {
    return new ValueId(nextValue++);
  }

  Function finish(String name, List<String> inputNames, List<Param> params) {
    ImmutableList.Builder<Block> out = ImmutableList.builder();
    for (BlockBuilder b : blocks) {
      if (b.terminator == null) {
        throw new IllegalStateException("block " + b.id + " was left without a terminator");
      }
      out.add(new Block(b.id, ImmutableList.copyOf(b.params), ImmutableList.copyOf(b.ops), b.terminator));
    }
    return new Function(name, ImmutableList.copyOf(inputNames), ImmutableList.copyOf(params), out.build());
  }

  // ------------------------------------------------------------------------------------------
  // Emission

  Object emit(String op, List<ValueId> operands, List<Type> operandTypes, Map<String, Attr> attrs, Type declared, Span at) {
    return emitIn(current, op, operands, operandTypes, attrs, declared, at);
  }

  Object emitIn(BlockBuilder b, String op, List<ValueId> operands, List<Type> operandTypes, Map<String, Attr> attrs,
      Type declared, Span at) {
    Type t;
    try {
      t = OpRegistry.infer(op, operandTypes, attrs, declared);
    } catch (OpRegistry.TypeError e) {
      throw Interpreter.error(Code.DN0202, at, e.getMessage());
    }
    ValueId id = newValue();
    b.ops.add(new Op(id, op, ImmutableList.copyOf(operands), ImmutableSortedMap.copyOf(attrs), t, at));
    return t instanceof TensorType tt ? new SymTensor(id, tt) : new HostScalar(id, (ScalarType) t);
  }

  SymTensor weight(TensorSlot slot, Span at) {
    if (slot.stateKey == null) {
      throw Interpreter.error(Code.DN0201, at, "this tensor was created in __init__ but is neither a parameter nor a buffer",
          "register it with self.register_buffer(name, tensor) so its values come from the checkpoint");
    }
    ValueId cached = current.weights.get(slot.stateKey);
    if (cached != null) {
      return new SymTensor(cached, slot.type);
    }
    SymTensor t = (SymTensor) emit("weight", List.of(), List.of(), Map.of("name", Attr.of(slot.stateKey)), slot.type, slot.createdAt);
    current.weights.put(slot.stateKey, t.id());
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
      throw Interpreter.error(Code.DN0201, at, "a " + Builtins.typeName(v) + " cannot be a run-time scalar");
    }
    return (HostScalar) emitIn(b, "const", List.of(), List.of(), Map.of("value", value), new ScalarType(dt), at);
  }

  // ------------------------------------------------------------------------------------------
  // Host scalars

  HostScalar toHostBool(Interpreter in, Object v, Span at) {
    if (v instanceof SymTensor t) {
      if (t.type().numel() != 1) {
        throw Interpreter.error(Code.DN0202, at, "the truth value of a tensor of shape " + t.type().shape() + " is ambiguous",
            "reduce it first, e.g. with .any(), .all() or .item() on a one-element tensor");
      }
      v = emit("item", List.of(t.id()), List.of(t.type()), Map.of(), null, at);
    }
    HostScalar h = (HostScalar) v;
    if (h.type().dtype() == DType.BOOL) {
      return h;
    }
    HostScalar zero = constant(current, h.type().dtype().isFloat() ? (Object) 0.0 : (Object) 0L, at);
    return hostOp("ne", h, zero, at);
  }

  private HostScalar hostOp(String op, HostScalar a, HostScalar b, Span at) {
    return (HostScalar) emit(op, List.of(a.id(), b.id()), List.of(a.type(), b.type()), Map.of(), null, at);
  }

  private HostScalar hostValue(Interpreter in, Object v, Span at) {
    if (v instanceof SymTensor t) {
      return (HostScalar) emit("item", List.of(t.id()), List.of(t.type()), Map.of(), null, at);
    }
    if (v instanceof HostScalar h) {
      return h;
    }
    if (v instanceof Long || v instanceof Double || v instanceof Boolean) {
      return constant(current, v, at);
    }
    throw Interpreter.error(Code.DN0201, at, "cannot combine a run-time scalar with a " + Builtins.typeName(v));
  }

  Object hostBinary(Interpreter in, String op, Object a, Object b, Span at) {
    String ir = switch (op) {
      case "+" -> "add";
      case "-" -> "sub";
      case "*" -> "mul";
      case "/" -> "div";
      case "//" -> "floor_div";
      case "%" -> "mod";
      case "**" -> "pow";
      default -> throw Interpreter.error(Code.DN0201, at, "operator " + op + " on run-time scalars is not supported");
    };
    HostScalar x = hostValue(in, a, at);
    HostScalar y = hostValue(in, b, at);
    if (op.equals("/")) {
      x = hostCast(in, x, DType.F64, at);
      y = hostCast(in, y, DType.F64, at);
    }
    return hostOp(ir, x, y, at);
  }

  Object hostCompare(Interpreter in, String op, Object a, Object b, Span at) {
    String ir = switch (op) {
      case "<" -> "lt";
      case "<=" -> "le";
      case ">" -> "gt";
      case ">=" -> "ge";
      case "==" -> "eq";
      case "!=" -> "ne";
      default -> throw Interpreter.error(Code.DN0201, at, "comparison " + op + " on run-time scalars is not supported");
    };
    return hostOp(ir, hostValue(in, a, at), hostValue(in, b, at), at);
  }

  HostScalar hostCast(Interpreter in, HostScalar h, DType to, Span at) {
    if (h.type().dtype() == to) {
      return h;
    }
    return (HostScalar) emit("cast", List.of(h.id()), List.of(h.type()), Map.of("dtype", Attr.of(to.irName())), null, at);
  }

  Object not(Interpreter in, Object v, Span at) {
    HostScalar b = toHostBool(in, v, at);
    return emit("logical_not", List.of(b.id()), List.of(b.type()), Map.of(), null, at);
  }

  Object logical(Interpreter in, String op, Object a, Object b, Span at) {
    HostScalar x = a instanceof Boolean ab ? constant(current, ab, at) : toHostBool(in, a, at);
    HostScalar y = b instanceof Boolean bb ? constant(current, bb, at) : toHostBool(in, b, at);
    return hostOp(op, x, y, at);
  }

  Object select(Interpreter in, Object cond, Object a, Object b, Span at) {
    throw Interpreter.error(Code.DN0200, at, "a conditional expression on tensor data is not supported yet",
        "write it as an if statement, or use torch.where(cond, a, b)");
  }

  // ------------------------------------------------------------------------------------------
  // Control flow

  void dynamicIf(Interpreter in, Interpreter.Frame f, Object test, List<Stmt> body, List<Stmt> orelse, Span at) {
    HostScalar c = toHostBool(in, test, at);
    BlockBuilder t = newBlock();
    BlockBuilder e = newBlock();
    current.terminator = new Terminator.Branch(c.id(), t.id, ImmutableList.of(), e.id, ImmutableList.of(), at);
    Map<String, Object> saved = new HashMap<>(f.locals);
    Outcome ot = runBranch(in, f, body, t, saved);
    Outcome oe = runBranch(in, f, orelse, e, saved);
    if (ot == null && oe == null) {
      throw new PathEnded(at);
    }
    if (ot == null || oe == null) {
      Outcome only = ot == null ? oe : ot;
      f.locals.clear();
      f.locals.putAll(only.locals());
      current = only.block();
      return;
    }
    BlockBuilder join = newBlock();
    List<BlockBuilder> preds = List.of(ot.block(), oe.block());
    Map<BlockBuilder, List<ValueId>> args = new LinkedHashMap<>();
    preds.forEach(p -> args.put(p, new ArrayList<>()));
    Set<String> names = new LinkedHashSet<>(ot.locals().keySet());
    names.addAll(oe.locals().keySet());
    Map<String, Object> merged = new HashMap<>();
    for (String name : names) {
      Object a = ot.locals().containsKey(name) ? ot.locals().get(name) : new Poison(name, at);
      Object b = oe.locals().containsKey(name) ? oe.locals().get(name) : new Poison(name, at);
      merged.put(name, merge(List.of(a, b), preds, join, args, name, at));
    }
    for (BlockBuilder p : preds) {
      p.terminator = new Terminator.Jump(join.id, ImmutableList.copyOf(args.get(p)), at);
    }
    f.locals.clear();
    f.locals.putAll(merged);
    current = join;
  }

  private Outcome runBranch(Interpreter in, Interpreter.Frame f, List<Stmt> body, BlockBuilder block, Map<String, Object> saved) {
    f.locals.clear();
    f.locals.putAll(saved);
    current = block;
    try {
      in.execBlock(body, f);
      return new Outcome(new HashMap<>(f.locals), current);
    } catch (ReturnSignal r) {
      f.pending.add(new Pending(current, r.value, r.span));
      return null;
    } catch (PathEnded p) {
      return null;
    } catch (BreakSignal | ContinueSignal s) {
      throw Interpreter.error(Code.DN0204, s.span, "'break' or 'continue' under a data-dependent condition is not supported yet",
          "data-dependent loop exits are planned; for now return early instead");
    }
  }

  /** Evaluates a function body, merging returns from data-dependent paths (rule RET). */
  Object runFunction(Interpreter in, Interpreter.Frame f, List<Stmt> body, Span at) {
    boolean top = topPending;
    topPending = false;
    try {
      in.execBlock(body, f);
      f.pending.add(new Pending(current, Values.NONE, at));
    } catch (ReturnSignal r) {
      f.pending.add(new Pending(current, r.value, r.span));
    } catch (PathEnded p) {
      // every path returned inside a data-dependent branch
    } catch (BreakSignal | ContinueSignal s) {
      throw Interpreter.error(Code.DN0003, s.span, "'break' or 'continue' outside a loop");
    }
    if (top) {
      for (Pending p : f.pending) {
        p.block().terminator = new Terminator.Return(tree(in, p.block(), p.value(), p.span()), p.span());
      }
      return Values.NONE;
    }
    if (f.pending.size() == 1) {
      current = f.pending.get(0).block();
      return f.pending.get(0).value();
    }
    BlockBuilder join = newBlock();
    List<BlockBuilder> preds = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    Map<BlockBuilder, List<ValueId>> args = new LinkedHashMap<>();
    for (Pending p : f.pending) {
      preds.add(p.block());
      values.add(p.value());
      args.put(p.block(), new ArrayList<>());
    }
    Object merged = merge(values, preds, join, args, "the return value of " + f.function.name + "()", at);
    if (merged instanceof Poison) {
      throw Interpreter.error(Code.DN0205, at, f.function.name + "() returns different kinds of values on different data-dependent paths",
          "return tensors of the same shape (or the same constants) from every return statement");
    }
    for (BlockBuilder p : preds) {
      p.terminator = new Terminator.Jump(join.id, ImmutableList.copyOf(args.get(p)), at);
    }
    current = join;
    return merged;
  }

  private Object merge(List<Object> vals, List<BlockBuilder> preds, BlockBuilder join, Map<BlockBuilder, List<ValueId>> args,
      String name, Span at) {
    Object first = vals.get(0);
    boolean same = vals.stream().allMatch(v -> v == first || (isPrimitive(v) && Operators.pyEquals(v, first)
        && v.getClass() == first.getClass()));
    if (same) {
      return first;
    }
    if (vals.stream().anyMatch(v -> v instanceof Poison)) {
      return new Poison(name, at);
    }
    if (vals.stream().allMatch(v -> v instanceof SymTensor s && s.type().equals(((SymTensor) first).type()))) {
      ValueId p = newValue();
      join.params.add(new Param(p, ((SymTensor) first).type()));
      for (int i = 0; i < vals.size(); i++) {
        args.get(preds.get(i)).add(((SymTensor) vals.get(i)).id());
      }
      return new SymTensor(p, ((SymTensor) first).type());
    }
    if (vals.stream().allMatch(v -> v instanceof HostScalar || isPrimitive(v) && !(v instanceof String))) {
      DType dt = DType.BOOL;
      for (Object v : vals) {
        DType d = v instanceof HostScalar h ? h.type().dtype() : v instanceof Boolean ? DType.BOOL
            : v instanceof Long ? DType.I64 : DType.F64;
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
    if (vals.stream().allMatch(v -> v instanceof PyTuple t && t.items().size() == ((PyTuple) first).items().size())) {
      List<Object> items = new ArrayList<>();
      for (int k = 0; k < ((PyTuple) first).items().size(); k++) {
        final int idx = k;
        items.add(merge(vals.stream().map(v -> ((PyTuple) v).items().get(idx)).toList(), preds, join, args, name, at));
      }
      return new PyTuple(ImmutableList.copyOf(items));
    }
    return new Poison(name, at);
  }

  private static boolean isPrimitive(Object v) {
    return v instanceof Long || v instanceof Double || v instanceof Boolean || v instanceof String || v == Values.NONE;
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
      return new OutputTree.TupleNode(t.items().stream().map(x -> tree(in, b, x, at)).collect(ImmutableList.toImmutableList()));
    } else if (v instanceof PyList l) {
      return new OutputTree.ListNode(l.items.stream().map(x -> tree(in, b, x, at)).collect(ImmutableList.toImmutableList()));
    } else if (v instanceof PyDict d) {
      ImmutableList.Builder<String> keys = ImmutableList.builder();
      ImmutableList.Builder<OutputTree> items = ImmutableList.builder();
      for (Map.Entry<Object, Object> e : d.map.entrySet()) {
        keys.add(Builtins.str(in, e.getKey()));
        items.add(tree(in, b, e.getValue(), at));
      }
      return new OutputTree.DictNode(keys.build(), items.build());
    }
    throw Interpreter.error(Code.DN0206, at, "forward returns a " + Builtins.typeName(v) + ", which a compiled model cannot return",
        "return tensors, Python numbers, or tuples/lists/dicts of them");
  }
}
