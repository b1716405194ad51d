package dev.dynnc.backend;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Modifier;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.comments.LineComment;
import com.github.javaparser.ast.expr.ArrayAccessExpr;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.BooleanLiteralExpr;
import com.github.javaparser.ast.expr.DoubleLiteralExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.IntegerLiteralExpr;
import com.github.javaparser.ast.expr.LongLiteralExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.Name;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.NullLiteralExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.SingleMemberAnnotationExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import com.github.javaparser.ast.expr.VariableDeclarationExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.CatchClause;
import com.github.javaparser.ast.stmt.ContinueStmt;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.IfStmt;
import com.github.javaparser.ast.stmt.ReturnStmt;
import com.github.javaparser.ast.stmt.Statement;
import com.github.javaparser.ast.stmt.SwitchEntry;
import com.github.javaparser.ast.stmt.SwitchStmt;
import com.github.javaparser.ast.stmt.ThrowStmt;
import com.github.javaparser.ast.stmt.TryStmt;
import com.github.javaparser.ast.stmt.WhileStmt;
import com.github.javaparser.ast.type.ArrayType;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import com.github.javaparser.ast.type.PrimitiveType;
import com.github.javaparser.ast.type.Type;
import com.google.common.collect.Iterables;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.OutputTree;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.ScalarEval;
import dev.dynnc.ir.Terminator;
import dev.dynnc.ir.ValueId;
import dev.dynnc.rewrite.HostPlan;
import dev.dynnc.runtime.HostArithmeticException;
import dev.dynnc.runtime.Manifest;
import dev.dynnc.semantics.DType;
import dev.dynnc.semantics.PyFloat;
import dev.dynnc.semantics.PyScalar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Synthesizes the Java host module from a {@link HostPlan}, as a JavaParser AST.
 *
 * <p>Shape of the generated code: every value is a local ({@code DeviceArray} for tensors, {@code
 * double}/{@code long}/{@code boolean} for host scalars); the block graph becomes a {@code while
 * (true) switch (block)} state machine, which expresses any CFG — including the loops that
 * data-dependent {@code while} will bring — without restructuring. Jumps assign block parameters
 * through temporaries (parallel-copy semantics). Each device array is released where its value dies
 * ({@link DeviceLifetimes}), so loops keep device memory flat. A program too large for one method
 * (hundreds of blocks: an unrolled loop with an exit per step) is generated in the {@link
 * SplitShape} instead, the same cases spread over methods of a few blocks each.
 *
 * <p>No text from the model or the user reaches the generated source: the class name is fixed,
 * comments hold only block and line:column numbers, and a {@code return} names its result structure
 * (with the dict keys) by index into the manifest's {@code outputs} ({@link #outputStructures}),
 * passing only the leaves. The only string literals are the constants written below.
 */
public final class HostCodegen {
  public static final String PACKAGE = "dynnc.generated";

  /**
   * The host class's simple name, the same for every bundle: a bundle holds one host class, and a
   * name derived from the method would put model text into the source (the method is recorded as
   * the manifest's {@code entry}).
   */
  public static final String CLASS_NAME = "Host";

  private HostCodegen() {}

  /**
   * Blocks per method in the split shape: a group's switch stays far below the JVM's 64 KiB of
   * bytecode per method even for blocks with many host ops.
   */
  static final int BLOCKS_PER_PART = 16;

  /**
   * The most syntax nodes (JavaParser's, over all blocks' cases) that the one-method shape holds.
   * Generated code takes about 2 bytes of bytecode per node (an unrolled loop of 300 steps with an
   * early exit after each: 26,729 nodes, 52 KiB in {@code run}), and HotSpot does not compile a
   * method of more than 8,000 bytes (HugeMethodLimit): that host ran interpreted, 109 µs against 73
   * µs split (interleaved, {@code dynnc bench}). At 600 steps javac refused it ("code too large",
   * 64 KiB). The nine samples' largest host, caption_decoder's, has 1,682 nodes.
   */
  static final int ONE_METHOD_MAX_NODES = 3_500;

  /** The host class of {@code hp}, in the one-method shape unless it would be too large. */
  public static CompilationUnit generate(HostPlan hp) {
    return generate(hp, 0);
  }

  /**
   * The host class of {@code hp}: with {@code blocksPerPart} 0, in the one-method shape unless it
   * has more than {@link #ONE_METHOD_MAX_NODES} syntax nodes, then split with {@link
   * #BLOCKS_PER_PART}; if positive, split with at most that many blocks per method; if negative, in
   * one method whatever its size (tests compare the two shapes).
   */
  static CompilationUnit generate(HostPlan hp, int blocksPerPart) {
    CompilationUnit cu = new CompilationUnit();
    cu.setPackageDeclaration(PACKAGE);
    cu.addImport("dev.dynnc.runtime.DeviceArray");
    cu.addImport("dev.dynnc.runtime.HostArithmeticException");
    cu.addImport("dev.dynnc.runtime.HostContext");
    cu.addImport("dev.dynnc.runtime.HostProgram");
    ClassOrInterfaceDeclaration cls =
        cu.addClass(CLASS_NAME, Modifier.Keyword.PUBLIC, Modifier.Keyword.FINAL);
    cls.addAnnotation(
        new SingleMemberAnnotationExpr(
            new Name("javax.annotation.processing.Generated"), new StringLiteralExpr("dynnc")));
    cls.setJavadocComment(
        "Host program of the compiled method: control flow between compiled subgraphs. Generated by dynnc; do not edit.");
    Map<Manifest.OutputNode, Integer> structures = structureIndex(hp);
    cls.addImplementedType("HostProgram");
    MethodDeclaration run = cls.addMethod("run", Modifier.Keyword.PUBLIC);
    run.addAnnotation("Override");
    run.setType(new ClassOrInterfaceType(null, "Object"));
    run.addParameter(new Parameter(new ClassOrInterfaceType(null, "HostContext"), "ctx"));
    run.addParameter(
        new Parameter(new ArrayType(new ClassOrInterfaceType(null, "DeviceArray")), "in"));
    run.addThrownException(new ClassOrInterfaceType(null, "Exception"));
    BlockStmt body = new BlockStmt();

    // Declarations: inputs from the argument array, every other value the host touches with a
    // default (values internal to a subgraph never reach the host).
    Map<Integer, dev.dynnc.ir.Type> all = new TreeMap<>();
    for (ValueId v : hostValues(hp)) {
      all.put(v.index(), hp.types().get(v));
    }
    for (int i = 0; i < hp.inputs().size(); i++) {
      Param p = hp.inputs().get(i);
      body.addStatement(
          declare(
              javaType(p.type()),
              var(p.id()),
              new ArrayAccessExpr(new NameExpr("in"), new IntegerLiteralExpr(String.valueOf(i)))));
      all.remove(p.id().index());
    }
    for (Map.Entry<Integer, dev.dynnc.ir.Type> e : all.entrySet()) {
      Type t = javaType(e.getValue());
      body.addStatement(declare(t, "v" + e.getKey(), defaultValue(t)));
    }
    body.addStatement(
        declare(
            new ArrayType(new ClassOrInterfaceType(null, "DeviceArray")),
            "r",
            new NullLiteralExpr()));
    body.addStatement(declare(PrimitiveType.intType(), "block", new IntegerLiteralExpr("0")));
    // The source position of the host op running now, as a number (HostArithmeticException.encode):
    // a Python
    // arithmetic error is reported at its line and column, with no model text in this class.
    body.addStatement(declare(PrimitiveType.longType(), "pos", new LongLiteralExpr("-1L")));
    List<String> files = sourceFiles(hp);

    NodeList<SwitchEntry> cases = new NodeList<>();
    DeviceLifetimes life = DeviceLifetimes.of(hp);
    for (HostPlan.HostBlock hb : hp.blocks()) {
      BlockStmt cb = new BlockStmt();
      release(cb, life.deadOnEntry(hb.index()));
      // Steps as DeviceLifetimes numbers them: the uploads (and the host ops they need), the
      // call, the host ops.
      int[] step = {0};
      for (Op op : hb.beforeCall()) {
        hostStatement(cb, op, hp, files);
        release(cb, life.diesAt(hb.index(), step[0]++));
      }
      hb.call()
          .ifPresent(
              c -> {
                NodeList<Expression> args = new NodeList<>();
                args.add(new IntegerLiteralExpr(String.valueOf(c.subgraph())));
                c.args().forEach(a -> args.add(new NameExpr(var(a))));
                cb.addStatement(assign("r", new MethodCallExpr(new NameExpr("ctx"), "call", args)));
                for (int i = 0; i < c.results().size(); i++) {
                  cb.addStatement(
                      assign(
                          var(c.results().get(i)),
                          new ArrayAccessExpr(
                              new NameExpr("r"), new IntegerLiteralExpr(String.valueOf(i)))));
                }
                release(cb, life.diesAt(hb.index(), step[0]++));
              });
      for (Op op : hb.hostOps()) {
        hostStatement(cb, op, hp, files);
        release(cb, life.diesAt(hb.index(), step[0]++));
      }
      terminator(cb, hb, hp, structures, life);
      SwitchEntry entry =
          new SwitchEntry(
              new NodeList<>(new IntegerLiteralExpr(String.valueOf(hb.index()))),
              SwitchEntry.Type.BLOCK,
              new NodeList<>(cb));
      cases.add(entry);
    }
    int nodes = 0;
    for (SwitchEntry c : cases) {
      nodes += c.findAll(com.github.javaparser.ast.Node.class).size();
    }
    if (blocksPerPart > 0 || (blocksPerPart == 0 && nodes > ONE_METHOD_MAX_NODES)) {
      SplitShape.build(
          cls, run, hp, all, cases, blocksPerPart > 0 ? blocksPerPart : BLOCKS_PER_PART);
      return cu;
    }
    cases.add(noBlock(new NameExpr("block")));
    SwitchStmt sw = new SwitchStmt(new NameExpr("block"), cases);
    // ctx.enter(block) records the block path (HostContext#blockPath) before each block runs.
    ExpressionStmt enter =
        new ExpressionStmt(
            new MethodCallExpr(
                new NameExpr("ctx"), "enter", new NodeList<>(new NameExpr("block"))));
    WhileStmt loop =
        new WhileStmt(new BooleanLiteralExpr(true), new BlockStmt(new NodeList<>(enter, sw)));
    body.addStatement(located(loop, new NameExpr("pos")));
    run.setBody(body);
    return cu;
  }

  /**
   * {@code try { loop } catch (ArithmeticException e) { throw HostArithmeticException.at(pos, e);
   * }}: a Python arithmetic error reported at the source position of the host op that raised it.
   */
  static TryStmt located(WhileStmt loop, Expression pos) {
    BlockStmt handler =
        new BlockStmt(
            new NodeList<>(
                new ThrowStmt(
                    new MethodCallExpr(
                        new NameExpr("HostArithmeticException"),
                        "at",
                        new NodeList<>(pos, new NameExpr("e"))))));
    return new TryStmt(
        new BlockStmt(new NodeList<>(loop)),
        new NodeList<>(
            new CatchClause(
                new Parameter(new ClassOrInterfaceType(null, "ArithmeticException"), "e"),
                handler)),
        null);
  }

  /** The default entry of a switch over blocks: {@code throw new IllegalStateException(...)}. */
  static SwitchEntry noBlock(Expression block) {
    BlockStmt bad = new BlockStmt();
    bad.addStatement(
        new ThrowStmt(
            new ObjectCreationExpr(
                null,
                new ClassOrInterfaceType(null, "IllegalStateException"),
                new NodeList<>(
                    new BinaryExpr(
                        new StringLiteralExpr("no block "), block, BinaryExpr.Operator.PLUS)))));
    return new SwitchEntry(new NodeList<>(), SwitchEntry.Type.BLOCK, new NodeList<>(bad));
  }

  /** Every value the host program reads or writes. */
  private static java.util.Set<ValueId> hostValues(HostPlan hp) {
    java.util.Set<ValueId> out = new java.util.HashSet<>();
    hp.inputs().forEach(p -> out.add(p.id()));
    for (HostPlan.HostBlock hb : hp.blocks()) {
      hb.params().forEach(p -> out.add(p.id()));
      for (Op op : hb.beforeCall()) {
        out.add(op.result());
        out.addAll(op.operands());
      }
      hb.call()
          .ifPresent(
              c -> {
                out.addAll(c.args());
                out.addAll(c.results());
              });
      for (Op op : hb.hostOps()) {
        out.add(op.result());
        out.addAll(op.operands());
      }
      out.addAll(hb.terminator().uses());
    }
    return out;
  }

  /** {@code ctx.release(...)} of device values that die here, if any. */
  private static void release(BlockStmt cb, List<ValueId> dead) {
    ctxCall(cb, "release", dead);
  }

  private static void ctxCall(BlockStmt cb, String method, List<ValueId> values) {
    if (!values.isEmpty()) {
      NodeList<Expression> args = new NodeList<>();
      values.forEach(v -> args.add(new NameExpr(var(v))));
      cb.addStatement(new MethodCallExpr(new NameExpr("ctx"), method, args));
    }
  }

  private static void terminator(
      BlockStmt cb,
      HostPlan.HostBlock hb,
      HostPlan hp,
      Map<Manifest.OutputNode, Integer> structures,
      DeviceLifetimes life) {
    Terminator t = hb.terminator();
    if (t instanceof Terminator.Return r) {
      NodeList<Expression> args = new NodeList<>();
      args.add(
          new IntegerLiteralExpr(String.valueOf(structures.get(structure(r.value(), hp.types())))));
      r.value().leaves().forEach(v -> args.add(new NameExpr(var(v))));
      ReturnStmt ret = new ReturnStmt(new MethodCallExpr(new NameExpr("ctx"), "result", args));
      ret.setComment(new LineComment(" return at " + at(r.span())));
      cb.addStatement(ret);
    } else if (t instanceof Terminator.Jump j) {
      jump(cb, hb.index(), j.target().index(), j.args(), hp, life);
    } else {
      Terminator.Branch b = (Terminator.Branch) t;
      BlockStmt then = new BlockStmt();
      jump(then, hb.index(), b.ifTrue().index(), b.trueArgs(), hp, life);
      BlockStmt otherwise = new BlockStmt();
      jump(otherwise, hb.index(), b.ifFalse().index(), b.falseArgs(), hp, life);
      IfStmt s = new IfStmt(new NameExpr(var(b.condition())), then, otherwise);
      s.setComment(new LineComment(" branch at " + at(b.span())));
      cb.addStatement(s);
    }
  }

  private static void jump(
      BlockStmt cb, int from, int target, List<ValueId> args, HostPlan hp, DeviceLifetimes life) {
    List<Param> params = hp.blocks().get(target).params();
    // Arrays whose values die on this edge are freed; an argument that stays live as well, or is
    // passed twice, gains a holder for each extra variable (DeviceLifetimes).
    DeviceLifetimes.EdgeMemory mem = life.edge(from, target, args);
    release(cb, mem.release());
    ctxCall(cb, "retain", mem.retain());
    // Parallel copy: read every argument before writing any parameter.
    for (int i = 0; i < args.size(); i++) {
      cb.addStatement(
          declare(javaType(params.get(i).type()), "t" + i, new NameExpr(var(args.get(i)))));
    }
    for (int i = 0; i < args.size(); i++) {
      cb.addStatement(assign(var(params.get(i).id()), new NameExpr("t" + i)));
    }
    cb.addStatement(assign("block", new IntegerLiteralExpr(String.valueOf(target))));
    cb.addStatement(new ContinueStmt());
  }

  /**
   * The result structures of the program's returns, in block order without repeats: the manifest's
   * {@code outputs}, which generated code names by index.
   */
  public static List<Manifest.OutputNode> outputStructures(HostPlan hp) {
    return List.copyOf(structureIndex(hp).keySet());
  }

  private static Map<Manifest.OutputNode, Integer> structureIndex(HostPlan hp) {
    Map<Manifest.OutputNode, Integer> index = new LinkedHashMap<>();
    for (HostPlan.HostBlock hb : hp.blocks()) {
      if (hb.terminator() instanceof Terminator.Return r) {
        index.putIfAbsent(structure(r.value(), hp.types()), index.size());
      }
    }
    return index;
  }

  /**
   * The manifest form of a returned tree, leaves numbered depth-first as {@link OutputTree#leaves}
   * lists them and typed from {@code types}.
   */
  static Manifest.OutputNode structure(OutputTree t, Map<ValueId, dev.dynnc.ir.Type> types) {
    return structure(t, types, new int[1]);
  }

  private static Manifest.OutputNode structure(
      OutputTree t, Map<ValueId, dev.dynnc.ir.Type> types, int[] nextLeaf) {
    if (t instanceof OutputTree.Leaf leaf) {
      dev.dynnc.ir.Type ty = types.get(leaf.value());
      if (ty instanceof dev.dynnc.ir.Type.TensorType tt) {
        return Manifest.OutputNode.leaf(
            nextLeaf[0]++,
            tt.dtype().numpyName(),
            tt.shape().stream().mapToLong(Long::longValue).toArray());
      }
      if (ty instanceof dev.dynnc.ir.Type.ScalarType st) {
        return Manifest.OutputNode.leaf(nextLeaf[0]++, st.dtype().numpyName(), null);
      }
      return Manifest.OutputNode.leaf(nextLeaf[0]++);
    } else if (t instanceof OutputTree.NoneNode) {
      return Manifest.OutputNode.none();
    }
    List<Manifest.OutputNode> items = new ArrayList<>();
    t.children().forEach(c -> items.add(structure(c, types, nextLeaf)));
    if (t instanceof OutputTree.DictNode d) {
      return Manifest.OutputNode.dict(d.keys(), items);
    }
    return Manifest.OutputNode.sequence(
        t instanceof OutputTree.ListNode ? Manifest.OutputNode.LIST : Manifest.OutputNode.TUPLE,
        items);
  }

  /**
   * The source files of the host ops, in order of first use: generated code names a file by its
   * index here, and the bundle keeps the names as data in {@code host/sources.json}.
   */
  public static List<String> sourceFiles(HostPlan hp) {
    java.util.LinkedHashSet<String> files = new java.util.LinkedHashSet<>();
    for (HostPlan.HostBlock hb : hp.blocks()) {
      for (Op op : Iterables.concat(hb.beforeCall(), hb.hostOps())) {
        if (op.span().isKnown()) {
          files.add(op.span().file());
        }
      }
    }
    return List.copyOf(files);
  }

  /**
   * Whether a host op's code can raise Python's arithmetic errors: the PyScalar and PyFloat calls
   * can.
   */
  private static boolean mayRaise(Expression e) {
    return e instanceof MethodCallExpr m
        && m.getScope()
            .map(Object::toString)
            .filter(n -> n.equals(PyScalar.class.getName()) || n.equals(PyFloat.class.getName()))
            .isPresent();
  }

  /**
   * A source position as dynnc-made text: line and column only (the file name is the user's text).
   */
  private static String at(dev.dynnc.ir.Span s) {
    return s.isKnown() ? s.line() + ":" + s.column() : "unknown position";
  }

  /**
   * {@code vN = ...;} for host op {@code op} (an upload, {@link #upload}, or {@link #hostOp}),
   * after {@code pos = ...;} where it can raise a Python error.
   */
  private static void hostStatement(BlockStmt cb, Op op, HostPlan hp, List<String> files) {
    Expression value =
        op.name().equals(dev.dynnc.rewrite.Partitioner.UPLOAD) ? upload(op, hp) : hostOp(op, hp);
    long pos =
        op.span().isKnown() && mayRaise(value)
            ? HostArithmeticException.encode(
                files.indexOf(op.span().file()), op.span().line(), op.span().column())
            : -1;
    if (pos >= 0) {
      cb.addStatement(assign("pos", new LongLiteralExpr(pos + "L")));
    }
    ExpressionStmt s = assign(var(op.result()), value);
    if (op.span().isKnown()) {
      s.setComment(new LineComment(" at " + at(op.span())));
    }
    cb.addStatement(s);
  }

  /**
   * {@code ctx.scalar("float32", v)}: the host scalar of a {@code to_tensor} op as a 0-d device
   * array of the op's dtype (a dtype name of dynnc's, never model text).
   */
  private static Expression upload(Op op, HostPlan hp) {
    return new MethodCallExpr(
        new NameExpr("ctx"),
        "scalar",
        new NodeList<>(
            new StringLiteralExpr(op.type().dtype().numpyName()),
            new NameExpr(var(op.operands().get(0)))));
  }

  private static Expression hostOp(Op op, HostPlan hp) {
    List<Expression> a = new ArrayList<>();
    op.operands().forEach(v -> a.add(new NameExpr(var(v))));
    DType out = op.type().dtype();
    switch (op.name()) {
      case "const":
        {
          Attr v = op.attrs().get("value");
          if (v instanceof Attr.BoolAttr b) {
            return new BooleanLiteralExpr(b.value());
          } else if (v instanceof Attr.IntAttr i) {
            return new LongLiteralExpr(i.value() + "L");
          }
          double d = ((Attr.FloatAttr) v).value();
          if (Double.isNaN(d)) {
            return new NameExpr("Double.NaN");
          } else if (Double.isInfinite(d)) {
            return new NameExpr(d > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY");
          }
          return new DoubleLiteralExpr(Double.toString(d));
        }
      case "item":
        {
          DType in = hp.types().get(op.operands().get(0)).dtype();
          String read = in.isFloat() ? "readDouble" : in == DType.BOOL ? "readBool" : "readLong";
          return new MethodCallExpr(new NameExpr("ctx"), read, new NodeList<>(a.get(0)));
        }
      case "item_at":
        {
          // a packed scalar (Ops: item_at): decoded as the declared type's kind
          String read =
              out.isFloat() ? "readDoubleAt" : out == DType.BOOL ? "readBoolAt" : "readLongAt";
          long index = ((Attr.IntAttr) op.attrs().get("index")).value();
          return new MethodCallExpr(
              new NameExpr("ctx"),
              read,
              new NodeList<>(a.get(0), new IntegerLiteralExpr(Long.toString(index))));
        }
      default:
        {
          // Every other host op is one call of its Python-semantics method from the op table, the
          // method constant folding also uses (ScalarEval), on operands converted as Python does.
          List<ScalarEval.Kind> kinds =
              op.operands().stream()
                  .map(v -> ScalarEval.Kind.of(hp.types().get(v).dtype()))
                  .toList();
          ScalarEval.Call c =
              ScalarEval.call(op.name(), kinds, ScalarEval.Kind.of(out))
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              "no host lowering for op '" + op.name() + "' on " + kinds));
          NodeList<Expression> args = new NodeList<>();
          for (int i = 0; i < a.size(); i++) {
            args.add(
                kinds.get(i) == c.params().get(i)
                    ? a.get(i)
                    : call(
                        ScalarEval.conversion(kinds.get(i), c.params().get(i)).orElseThrow(),
                        new NodeList<>(a.get(i))));
          }
          return c.method().isPresent() ? call(c.method().get(), args) : args.get(0);
        }
    }
  }

  /**
   * A call of a static method of dynnc's semantics module: the generated code names only dynnc's
   * classes.
   */
  private static Expression call(java.lang.reflect.Method m, NodeList<Expression> args) {
    return new MethodCallExpr(new NameExpr(m.getDeclaringClass().getName()), m.getName(), args);
  }

  static Type javaType(dev.dynnc.ir.Type t) {
    if (t instanceof dev.dynnc.ir.Type.TensorType) {
      return new ClassOrInterfaceType(null, "DeviceArray");
    }
    DType d = t.dtype();
    return d.isFloat()
        ? PrimitiveType.doubleType()
        : d == DType.BOOL ? PrimitiveType.booleanType() : PrimitiveType.longType();
  }

  private static Expression defaultValue(Type t) {
    if (t instanceof PrimitiveType p) {
      return switch (p.getType()) {
        case BOOLEAN -> new BooleanLiteralExpr(false);
        case DOUBLE -> new DoubleLiteralExpr("0.0");
        default -> new LongLiteralExpr("0L");
      };
    }
    return new NullLiteralExpr();
  }

  private static Statement declare(Type t, String name, Expression init) {
    return new ExpressionStmt(new VariableDeclarationExpr(new VariableDeclarator(t, name, init)));
  }

  private static ExpressionStmt assign(String name, Expression value) {
    return new ExpressionStmt(
        new AssignExpr(new NameExpr(name), value, AssignExpr.Operator.ASSIGN));
  }

  static String var(ValueId v) {
    return "v" + v.index();
  }
}
