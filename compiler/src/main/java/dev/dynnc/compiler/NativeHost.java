package dev.dynnc.compiler;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.BlockId;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.OutputTree;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.ScalarEval;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Terminator;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.ValueId;
import dev.dynnc.rewrite.HostPlan;
import dev.dynnc.rewrite.Partitioner;
import dev.dynnc.semantics.DType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rule NATIVE-HOST ({@code compile --native-host}): the whole host program compiled to native code
 * with the subgraphs' kernels, so that a run is one call into TVM instead of a call per subgraph
 * with the JVM between them (a data-dependent loop: one JVM round trip per iteration).
 *
 * <p>{@link #unsupported} says whether a host plan can run natively: every host op must be one
 * whose Python semantics native code reproduces exactly ({@link #NATIVE_OPS}: reads of device
 * scalars, constants, uploads, comparisons, {@code and}/{@code or}/{@code not}, int and float
 * arithmetic, {@code //}, {@code %} and {@code **}, Python's {@code math} functions and numpy's on
 * a float, {@code round(x)}, conversions, index checks and the other run-time checks), and no
 * subgraph may read shared weights. {@link #plan} is the plan as data for the TVM worker
 * (relay_builder.py's {@code _native}), which writes the native function; {@link #hostPlan} is the
 * host program that calls it: one call, then the return site it reports, with the leaves of that
 * site; or, where an op raised, that op again on the operands the native function stored in its
 * slots ({@link Slot}), so that the error is the Java host program's own, message and source
 * position.
 */
final class NativeHost {
  private NativeHost() {}

  /**
   * The semantic methods native code reproduces exactly, by class, name and operand kinds (after
   * Python's conversions, which native code makes too): the same value, and an error exactly where
   * the method throws.
   */
  private static final Set<String> NATIVE_OPS = nativeOps();

  private static Set<String> nativeOps() {
    Set<String> s = new java.util.HashSet<>();
    for (String cmp : List.of("lt", "le", "gt", "ge", "eq", "ne")) {
      s.add("PyScalar." + cmp + "(INT,INT)");
      s.add("PyScalar." + cmp + "(INT,FLOAT)");
      s.add("PyScalar." + cmp + "(FLOAT,INT)");
      s.add("PyFloat." + cmp + "(FLOAT,FLOAT)");
    }
    for (String f : List.of("add", "sub", "mul", "div", "max", "min", "mod", "floorDiv", "pow")) {
      s.add("PyFloat." + f + "(FLOAT,FLOAT)");
    }
    s.add("PyFloat.neg(FLOAT)");
    s.add("PyFloat.abs(FLOAT)");
    // Python's math module and numpy's ufuncs on a float (and ** of floats, above): sqrt, floor
    // and ceil exactly (IEEE), the others by the C library's function, as CPython computes them
    // (the Java host program's Math may differ from it in the last bit); the same domain and range
    // errors.
    for (String f :
        List.of(
            "exp", "expm1", "log", "log2", "log10", "log1p", "sqrt", "sin", "cos", "tan", "asin",
            "acos", "atan", "sinh", "cosh", "tanh", "floor", "ceil", "npExp", "npLog", "npLog2",
            "npLog10", "npSqrt")) {
      s.add("PyFloat." + f + "(FLOAT)");
    }
    for (String f : List.of("add", "sub", "mul", "max", "min", "floorDiv", "mod", "div", "pow")) {
      s.add("PyScalar." + f + "(INT,INT)");
    }
    s.add("PyScalar.neg(INT)");
    s.add("PyScalar.abs(INT)");
    s.add("PyScalar.checkIndex(INT,INT)");
    s.add("PyScalar.round(FLOAT)");
    s.add("PyScalar.trunc(FLOAT)");
    for (String k : List.of("BOOL", "INT", "FLOAT")) {
      s.add("PyScalar.select(BOOL," + k + "," + k + ")");
    }
    s.add("PyScalar.logicalAnd(BOOL,BOOL)");
    s.add("PyScalar.logicalOr(BOOL,BOOL)");
    s.add("PyScalar.logicalNot(BOOL)");
    for (String check :
        List.of(
            "check",
            "checkDivisor",
            "checkFloatDivisor",
            "checkLengths",
            "checkSliceRange",
            "checkIndexRange",
            "checkPadding")) {
      s.add("PyScalar." + check + "(BOOL)");
    }
    // the conversions, as methods (a cast) and of operands: bool(), int(), float()
    for (String[] c :
        new String[][] {
          {"toBool", "INT"},
          {"toBool", "FLOAT"},
          {"toInt", "BOOL"},
          {"toInt", "FLOAT"},
          {"toFloat", "BOOL"},
          {"toFloat", "INT"}
        }) {
      s.add("PyScalar." + c[0] + "(" + c[1] + ")");
    }
    return Set.copyOf(s);
  }

  /**
   * The most blocks and host ops a native host program has: one function of TIR, which TVM and LLVM
   * compile in time that grows faster than its size (6,000 host ops in one block did not finish in
   * minutes); larger host programs are not where a JVM round trip per subgraph matters.
   */
  static final int MAX_BLOCKS = 512;

  static final int MAX_HOST_OPS = 1024;

  /** Why {@code hp} cannot run natively, or empty when it can. */
  static Optional<String> unsupported(HostPlan hp) {
    int ops = hp.blocks().stream().mapToInt(b -> b.beforeCall().size() + b.hostOps().size()).sum();
    if (hp.blocks().size() > MAX_BLOCKS || ops > MAX_HOST_OPS) {
      return Optional.of(
          hp.blocks().size()
              + " blocks and "
              + ops
              + " host ops, more than a native host program takes ("
              + MAX_BLOCKS
              + " and "
              + MAX_HOST_OPS
              + ")");
    }
    for (HostPlan.HostBlock b : hp.blocks()) {
      for (Op op : concat(b.beforeCall(), b.hostOps())) {
        Optional<String> why = opUnsupported(op, hp);
        if (why.isPresent()) {
          return why;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> opUnsupported(Op op, HostPlan hp) {
    switch (op.name()) {
      case "const", "item", Partitioner.UPLOAD:
        return Optional.empty();
      default:
        if (nativeOp(op, hp).isEmpty()) {
          return Optional.of(
              "host op '"
                  + op.name()
                  + "' at "
                  + (op.span().isKnown() ? op.span().line() + ":" + op.span().column() : "?"));
        }
        return Optional.empty();
    }
  }

  /**
   * A host op as native code computes it: {@code fn} the semantic method ({@code PyScalar.add};
   * "id" for a conversion to the operand's own kind), after converting the operands to {@code
   * params}; {@code raises} where the method or a conversion may throw.
   */
  record NativeOp(String fn, List<ScalarEval.Kind> params, boolean raises) {}

  /** How native code computes {@code op}, or empty where it does not. */
  static Optional<NativeOp> nativeOp(Op op, HostPlan hp) {
    List<ScalarEval.Kind> kinds = new ArrayList<>();
    for (ValueId v : op.operands()) {
      // native code keeps a host scalar as the Java host program does: by its kind (a float32
      // scalar as a double, as the Java host holds it)
      if (!(hp.types().get(v) instanceof Type.ScalarType st)) {
        return Optional.empty();
      }
      kinds.add(ScalarEval.Kind.of(st.dtype()));
    }
    if (!(op.type() instanceof Type.ScalarType)) {
      return Optional.empty();
    }
    ScalarEval.Kind result = ScalarEval.Kind.of(op.type().dtype());
    Optional<ScalarEval.Call> c = ScalarEval.call(op.name(), kinds, result);
    if (c.isEmpty()) {
      return Optional.empty();
    }
    List<ScalarEval.Kind> params = c.get().params();
    for (int i = 0; i < kinds.size(); i++) {
      if (kinds.get(i) != params.get(i)) {
        Optional<Method> conv = ScalarEval.conversion(kinds.get(i), params.get(i));
        if (conv.isEmpty() || !NATIVE_OPS.contains(signature(conv.get(), List.of(kinds.get(i))))) {
          return Optional.empty();
        }
      }
    }
    String fn;
    if (c.get().method().isEmpty()) {
      fn = "id";
    } else {
      Method m = c.get().method().get();
      if (!NATIVE_OPS.contains(signature(m, params))) {
        return Optional.empty();
      }
      fn = m.getDeclaringClass().getSimpleName() + "." + m.getName();
    }
    return Optional.of(
        new NativeOp(fn, List.copyOf(params), ScalarEval.mayRaise(op.name(), kinds, result)));
  }

  private static String signature(Method m, List<ScalarEval.Kind> params) {
    return m.getDeclaringClass().getSimpleName()
        + "."
        + m.getName()
        + "("
        + String.join(",", params.stream().map(Enum::name).toList())
        + ")";
  }

  /** The raising ops of {@code hp} in the order the native plan numbers them. */
  static List<Op> raisingOps(HostPlan hp) {
    List<Op> out = new ArrayList<>();
    for (HostPlan.HostBlock b : hp.blocks()) {
      for (Op op : concat(b.beforeCall(), b.hostOps())) {
        if (nativeOp(op, hp).map(NativeOp::raises).orElse(false)) {
          out.add(op);
        }
      }
    }
    return out;
  }

  /** The return sites of {@code hp}, one per returning block, in block order. */
  static List<OutputTree> sites(HostPlan hp) {
    List<OutputTree> out = new ArrayList<>();
    for (HostPlan.HostBlock b : hp.blocks()) {
      if (b.terminator() instanceof Terminator.Return r) {
        out.add(r.value());
      }
    }
    return out;
  }

  /** The plan as data for relay_builder.py's {@code _native} (ids and dtypes, no model text). */
  static JsonObject plan(HostPlan hp) {
    List<Op> raising = raisingOps(hp);
    List<Slot> slots = slots(hp);
    JsonObject values = new JsonObject();
    hp.types()
        .forEach(
            (v, t) -> {
              JsonObject o = new JsonObject();
              o.addProperty("dtype", t.dtype().numpyName());
              if (t instanceof Type.TensorType tt) {
                JsonArray shape = new JsonArray();
                tt.shape().forEach(shape::add);
                o.add("shape", shape);
              } else {
                o.addProperty("scalar", true);
              }
              values.add(Integer.toString(v.index()), o);
            });
    JsonObject plan = new JsonObject();
    plan.add("values", values);
    plan.add("inputs", ids(hp.inputs().stream().map(Param::id).toList()));
    JsonArray blocks = new JsonArray();
    JsonArray sites = new JsonArray();
    for (HostPlan.HostBlock b : hp.blocks()) {
      JsonObject o = new JsonObject();
      o.add("params", ids(b.params().stream().map(Param::id).toList()));
      o.add("before", ops(b.beforeCall(), hp, raising, slots));
      if (b.call().isPresent()) {
        JsonObject c = new JsonObject();
        c.addProperty("subgraph", b.call().get().subgraph());
        c.add("args", ids(b.call().get().args()));
        c.add("results", ids(b.call().get().results()));
        o.add("call", c);
      } else {
        o.add("call", JsonNull.INSTANCE);
      }
      o.add("ops", ops(b.hostOps(), hp, raising, slots));
      JsonObject t = new JsonObject();
      if (b.terminator() instanceof Terminator.Jump j) {
        t.addProperty("kind", "jump");
        t.addProperty("target", j.target().index());
        t.add("args", ids(j.args()));
      } else if (b.terminator() instanceof Terminator.Branch br) {
        t.addProperty("kind", "branch");
        t.addProperty("cond", br.condition().index());
        t.addProperty("then", br.ifTrue().index());
        t.add("then_args", ids(br.trueArgs()));
        t.addProperty("else", br.ifFalse().index());
        t.add("else_args", ids(br.falseArgs()));
      } else if (b.terminator() instanceof Terminator.Return r) {
        t.addProperty("kind", "return");
        t.addProperty("site", sites.size());
        sites.add(ids(r.value().leaves()));
      }
      o.add("term", t);
      blocks.add(o);
    }
    plan.add("blocks", blocks);
    plan.add("sites", sites);
    JsonArray slotTypes = new JsonArray();
    for (Slot s : slots) {
      JsonObject o = new JsonObject();
      o.addProperty("dtype", s.dtype().numpyName());
      slotTypes.add(o);
    }
    plan.add("slots", slotTypes);
    return plan;
  }

  /**
   * An output of the native function that holds an operand of the op that raised: one per position
   * and kind among the raising ops' operands. The host program repeats the op on them.
   */
  record Slot(int position, DType dtype) {}

  private static List<Slot> slotsOf(Op op, HostPlan hp) {
    List<Slot> out = new ArrayList<>();
    for (int i = 0; i < op.operands().size(); i++) {
      // the dtype that holds the operand's kind exactly (a float32 scalar is a double)
      DType d = hp.types().get(op.operands().get(i)).dtype();
      out.add(new Slot(i, d == DType.BOOL ? DType.BOOL : d.isFloat() ? DType.F64 : DType.I64));
    }
    return out;
  }

  static List<Slot> slots(HostPlan hp) {
    List<Slot> out = new ArrayList<>();
    for (Op op : raisingOps(hp)) {
      for (Slot s : slotsOf(op, hp)) {
        if (!out.contains(s)) {
          out.add(s);
        }
      }
    }
    return out;
  }

  private static JsonArray ops(List<Op> ops, HostPlan hp, List<Op> raising, List<Slot> slots) {
    JsonArray out = new JsonArray();
    for (Op op : ops) {
      JsonObject o = new JsonObject();
      o.addProperty("id", op.result().index());
      o.add("args", ids(op.operands()));
      switch (op.name()) {
        case "const" -> {
          o.addProperty("fn", "const");
          Attr v = op.attrs().get("value");
          // as text: JSON has no NaN or infinities, and Python's float() reads these forms
          o.addProperty(
              "value",
              v instanceof Attr.BoolAttr b
                  ? (b.value() ? "1" : "0")
                  : v instanceof Attr.IntAttr i
                      ? Long.toString(i.value())
                      : pythonFloat(((Attr.FloatAttr) v).value()));
        }
        case "item" -> o.addProperty("fn", "item");
        case Partitioner.UPLOAD -> o.addProperty("fn", "upload");
        default -> {
          NativeOp n = nativeOp(op, hp).orElseThrow();
          o.addProperty("fn", n.fn());
          JsonArray params = new JsonArray();
          n.params().forEach(k -> params.add(k.name()));
          o.add("params", params);
          if (n.raises()) {
            JsonArray at = new JsonArray();
            slotsOf(op, hp).forEach(s -> at.add(slots.indexOf(s)));
            o.add("slots", at);
          }
        }
      }
      o.addProperty("raise", raising.indexOf(op));
      out.add(o);
    }
    return out;
  }

  private static String pythonFloat(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    } else if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    return Double.toString(d);
  }

  private static JsonArray ids(List<ValueId> vs) {
    JsonArray a = new JsonArray();
    vs.forEach(v -> a.add(v.index()));
    return a;
  }

  /**
   * The native function's outputs: each site's leaves (a scalar as a 1-element tensor), then the
   * status: the site taken, or -2 - k where raising op k raised.
   */
  static List<Type.TensorType> outputs(HostPlan hp) {
    List<Type.TensorType> out = new ArrayList<>();
    for (OutputTree site : sites(hp)) {
      for (ValueId v : site.leaves()) {
        if (hp.types().get(v) instanceof Type.TensorType tt) {
          out.add(tt);
        }
      }
    }
    out.add(statusType(hp));
    return out;
  }

  /**
   * The status output: {@code int64[1 + n]}, the status first, then every scalar leaf of every site
   * (in site and leaf order) and every slot, each as 64 bits (an int sign-extended, a bool 0 or 1,
   * a float as its float64 bits). One output instead of one per scalar: each output of the native
   * call costs the JVM side an array and a copy (act_rnn's shortest run, about 1 us, had 3 of its 7
   * outputs for the status and two slots).
   */
  private static Type.TensorType statusType(HostPlan hp) {
    long packed = slots(hp).size();
    for (OutputTree site : sites(hp)) {
      for (ValueId v : site.leaves()) {
        if (!(hp.types().get(v) instanceof Type.TensorType)) {
          packed++;
        }
      }
    }
    return new Type.TensorType(DType.I64, ImmutableList.of(1 + packed));
  }

  /**
   * The host program that runs the native function (subgraph 0 of the bundle): one call, then a
   * branch on the op that raised (repeating that op's error at its source position, as the JVM host
   * program would raise it) or on the return site taken, whose block returns its leaves.
   */
  static HostPlan hostPlan(HostPlan hp) {
    int[] next = {hp.types().keySet().stream().mapToInt(ValueId::index).max().orElse(0) + 1};
    Map<ValueId, Type> types = new HashMap<>(hp.types());
    java.util.function.Function<Type, ValueId> fresh =
        t -> {
          ValueId v = new ValueId(next[0]++);
          types.put(v, t);
          return v;
        };
    List<OutputTree> sites = sites(hp);
    List<Op> raising = raisingOps(hp);
    // results of the call: each site's tensor leaves, then the status array (statusType): the
    // status, each site's scalar leaves (sitePacked: a leaf's element there, -1 for a tensor),
    // then the slots
    List<List<ValueId>> siteArrays = new ArrayList<>();
    List<List<Integer>> sitePacked = new ArrayList<>();
    List<ValueId> results = new ArrayList<>();
    int packed = 0;
    for (OutputTree site : sites) {
      List<ValueId> arrays = new ArrayList<>();
      List<Integer> at = new ArrayList<>();
      for (ValueId v : site.leaves()) {
        if (hp.types().get(v) instanceof Type.TensorType tt) {
          ValueId a = fresh.apply(tt);
          arrays.add(a);
          results.add(a);
          at.add(-1);
        } else {
          arrays.add(null);
          at.add(1 + packed++);
        }
      }
      siteArrays.add(arrays);
      sitePacked.add(at);
    }
    Type.ScalarType int64 = new Type.ScalarType(DType.I64);
    Type.ScalarType bool = new Type.ScalarType(DType.BOOL);
    ValueId statusArray = fresh.apply(statusType(hp));
    results.add(statusArray);
    List<Slot> slots = slots(hp);
    int firstSlot = 1 + packed;

    List<HostPlan.HostBlock> blocks = new ArrayList<>();
    int nSites = sites.size();
    int nRaise = raising.size();
    // Block numbering: 0 the call; 1..nRaise the raise checks and raises (two each); then the site
    // checks (one per site but the last) and the site returns.
    int raiseBase = 1;
    int siteCheckBase = raiseBase + 2 * nRaise;
    int siteReturnBase = siteCheckBase + Math.max(0, nSites - 1);
    List<Op> ops0 = new ArrayList<>();
    ValueId status = fresh.apply(int64);
    ops0.add(itemAt(status, statusArray, 0, int64));
    Terminator t0;
    int firstSite = nSites == 1 ? siteReturnBase : siteCheckBase;
    if (nRaise > 0) {
      ValueId zero = fresh.apply(int64);
      ValueId didRaise = fresh.apply(bool);
      ops0.add(constOp(zero, 0, int64));
      ops0.add(op(didRaise, "lt", List.of(status, zero), bool, Span.NONE));
      t0 = branch(didRaise, raiseBase, firstSite);
    } else {
      t0 = jump(firstSite);
    }
    blocks.add(
        block(
            0,
            List.of(),
            Optional.of(new HostPlan.Call(0, ids(hp), ImmutableList.copyOf(results))),
            ops0,
            t0));
    for (int j = 0; j < nRaise; j++) {
      // check: status == -2 - j ? raise op j : next check (the last check raises the last op)
      int check = raiseBase + 2 * j;
      List<Op> ops = new ArrayList<>();
      ValueId k = fresh.apply(int64);
      ValueId is = fresh.apply(bool);
      ops.add(constOp(k, -2L - j, int64));
      ops.add(op(is, "eq", List.of(status, k), bool, Span.NONE));
      int otherwise = j + 1 < nRaise ? check + 2 : check + 1;
      blocks.add(block(check, List.of(), Optional.empty(), ops, branch(is, check + 1, otherwise)));
      // raise: the op again, on the operands the native program found, at its place, so that the
      // error is the one the JVM host program raises there
      Op original = raising.get(j);
      List<Op> raiseOps = new ArrayList<>();
      List<ValueId> operands = new ArrayList<>();
      List<Slot> at = slotsOf(original, hp);
      for (int i = 0; i < at.size(); i++) {
        Type t = hp.types().get(original.operands().get(i));
        ValueId x = fresh.apply(t);
        raiseOps.add(itemAt(x, statusArray, firstSlot + slots.indexOf(at.get(i)), t));
        operands.add(x);
      }
      raiseOps.add(
          new Op(
              fresh.apply(original.type()),
              original.name(),
              ImmutableList.copyOf(operands),
              original.attrs(),
              original.type(),
              original.span()));
      // Not reached past the raise, unless Java's arithmetic differs from the C library's in the
      // last bit at an overflow's edge: then the run fails (check_native) rather than return.
      ValueId no = fresh.apply(bool);
      raiseOps.add(
          new Op(
              no,
              "const",
              ImmutableList.of(),
              ImmutableSortedMap.of("value", Attr.of(false)),
              bool,
              Span.NONE));
      raiseOps.add(op(fresh.apply(bool), "check_native", List.of(no), bool, original.span()));
      blocks.add(block(check + 1, List.of(), Optional.empty(), raiseOps, jump(firstSite)));
    }
    for (int s = 0; s + 1 < nSites; s++) {
      List<Op> ops = new ArrayList<>();
      ValueId k = fresh.apply(int64);
      ValueId is = fresh.apply(bool);
      ops.add(constOp(k, s, int64));
      ops.add(op(is, "eq", List.of(status, k), bool, Span.NONE));
      int otherwise = s + 2 < nSites ? siteCheckBase + s + 1 : siteReturnBase + s + 1;
      blocks.add(
          block(
              siteCheckBase + s,
              List.of(),
              Optional.empty(),
              ops,
              branch(is, siteReturnBase + s, otherwise)));
    }
    for (int s = 0; s < nSites; s++) {
      List<ValueId> leaves = sites.get(s).leaves();
      List<Op> ops = new ArrayList<>();
      List<ValueId> order = new ArrayList<>(); // what each leaf, in order, becomes
      for (int i = 0; i < leaves.size(); i++) {
        if (hp.types().get(leaves.get(i)) instanceof Type.ScalarType st) {
          ValueId x = fresh.apply(st);
          ops.add(itemAt(x, statusArray, sitePacked.get(s).get(i), st));
          order.add(x);
        } else {
          order.add(siteArrays.get(s).get(i));
        }
      }
      int[] position = {0};
      OutputTree tree = sites.get(s).mapLeaves(v -> order.get(position[0]++));
      blocks.add(
          block(
              siteReturnBase + s,
              List.of(),
              Optional.empty(),
              ops,
              new Terminator.Return(tree, Span.NONE)));
    }
    blocks.sort(java.util.Comparator.comparingInt(HostPlan.HostBlock::index));
    return new HostPlan(
        hp.name(), hp.inputNames(), hp.inputs(), ImmutableList.copyOf(blocks), Map.copyOf(types));
  }

  private static ImmutableList<ValueId> ids(HostPlan hp) {
    return hp.inputs().stream().map(Param::id).collect(ImmutableList.toImmutableList());
  }

  private static HostPlan.HostBlock block(
      int index, List<Param> params, Optional<HostPlan.Call> call, List<Op> ops, Terminator t) {
    return new HostPlan.HostBlock(
        index,
        ImmutableList.copyOf(params),
        ImmutableList.of(),
        call,
        ImmutableList.copyOf(ops),
        t);
  }

  private static Op op(ValueId r, String name, List<ValueId> operands, Type t, Span at) {
    return new Op(r, name, ImmutableList.copyOf(operands), ImmutableSortedMap.of(), t, at);
  }

  /** {@code r = } element {@code index} of the status array, decoded as a scalar of type t. */
  private static Op itemAt(ValueId r, ValueId statusArray, int index, Type t) {
    return new Op(
        r,
        "item_at",
        ImmutableList.of(statusArray),
        ImmutableSortedMap.of("index", Attr.of((long) index)),
        t,
        Span.NONE);
  }

  private static Op constOp(ValueId r, long value, Type t) {
    return new Op(
        r,
        "const",
        ImmutableList.of(),
        ImmutableSortedMap.of("value", Attr.of(value)),
        t,
        Span.NONE);
  }

  private static Terminator branch(ValueId cond, int ifTrue, int ifFalse) {
    return new Terminator.Branch(
        cond,
        new BlockId(ifTrue),
        ImmutableList.of(),
        new BlockId(ifFalse),
        ImmutableList.of(),
        Span.NONE);
  }

  private static Terminator jump(int target) {
    return new Terminator.Jump(new BlockId(target), ImmutableList.of(), Span.NONE);
  }

  private static List<Op> concat(List<Op> a, List<Op> b) {
    List<Op> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
