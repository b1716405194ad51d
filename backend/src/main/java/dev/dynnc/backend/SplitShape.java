package dev.dynnc.backend;

import com.github.javaparser.ast.Modifier;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.ArrayAccessExpr;
import com.github.javaparser.ast.expr.ArrayCreationExpr;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.BooleanLiteralExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.IntegerLiteralExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.SwitchExpr;
import com.github.javaparser.ast.expr.VariableDeclarationExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.ContinueStmt;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.IfStmt;
import com.github.javaparser.ast.stmt.ReturnStmt;
import com.github.javaparser.ast.stmt.SwitchEntry;
import com.github.javaparser.ast.stmt.SwitchStmt;
import com.github.javaparser.ast.stmt.WhileStmt;
import com.github.javaparser.ast.type.ArrayType;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import com.github.javaparser.ast.type.PrimitiveType;
import com.github.javaparser.ast.type.Type;
import com.github.javaparser.ast.visitor.ModifierVisitor;
import com.github.javaparser.ast.visitor.Visitable;
import dev.dynnc.ir.Param;
import dev.dynnc.rewrite.HostPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host class of a large program, split into methods of a few blocks each; {@link HostCodegen}
 * chooses it when the one-method shape would pass the 8,000 bytes of bytecode up to which HotSpot
 * compiles a method (larger still, the JVM's 64 KiB per method or its 65,535 local slots).
 *
 * <p>Values live in the arrays of a {@code Frame} object, one array per Java type ({@code a} for
 * device arrays, {@code d}, {@code l}, {@code z} for doubles, longs and booleans), instead of in
 * locals; the frame also holds the last call's results ({@code r}), the current block and the
 * source position of the running host op. {@code run} keeps the {@code while (true)} loop and
 * dispatches on the block to {@code part0}, {@code part1}, ..., each a {@code switch} over a run of
 * consecutive blocks (at most {@code perPart}, about {@link #PART_NODES} syntax nodes) whose cases
 * are the one-method shape's, rewritten: a value {@code vK} becomes its frame slot, a jump's {@code
 * continue} returns {@code false}, and a return stores the result in the frame and returns {@code
 * true}. A block's leading straight-line statements beyond {@link #CHUNK_NODES} move into methods
 * {@code block<k>s<j>} of their own. The blocks run in the same order with the same calls, releases
 * and retains.
 */
final class SplitShape {
  private SplitShape() {}

  /** A value's place in the frame: array field and index. */
  private record Slot(String array, int index) {}

  static void build(
      ClassOrInterfaceDeclaration cls,
      MethodDeclaration run,
      HostPlan hp,
      Map<Integer, dev.dynnc.ir.Type> others,
      NodeList<SwitchEntry> cases,
      int perPart) {
    Map<String, Slot> slots = new HashMap<>();
    Map<String, Integer> sizes = new LinkedHashMap<>();
    for (String array : List.of("a", "d", "l", "z")) {
      sizes.put(array, 0);
    }
    for (Param p : hp.inputs()) {
      slot(slots, sizes, HostCodegen.var(p.id()), p.type());
    }
    for (Map.Entry<Integer, dev.dynnc.ir.Type> e : others.entrySet()) {
      slot(slots, sizes, "v" + e.getKey(), e.getValue());
    }
    cls.addMember(frame(sizes));

    // Parts: consecutive blocks, at most perPart and about PART_NODES per method; a block's own
    // straight-line statements beyond CHUNK_NODES go to methods of their own first.
    List<NodeList<SwitchEntry>> parts = new ArrayList<>();
    NodeList<SwitchEntry> current = new NodeList<>();
    int currentNodes = 0;
    for (SwitchEntry c : cases) {
      int block = ((IntegerLiteralExpr) c.getLabels().get(0)).asNumber().intValue();
      SwitchEntry r = rewrite(c, slots);
      chunk(cls, block, r.getStatements().get(0).asBlockStmt());
      int n = nodes(r);
      if (!current.isEmpty() && (current.size() >= perPart || currentNodes + n > PART_NODES)) {
        parts.add(current);
        current = new NodeList<>();
        currentNodes = 0;
      }
      current.add(r);
      currentNodes += n;
    }
    parts.add(current);
    NodeList<SwitchEntry> dispatch = new NodeList<>();
    for (int k = 0; k < parts.size(); k++) {
      String name = "part" + k;
      NodeList<SwitchEntry> entries = parts.get(k);
      NodeList<Expression> labels = new NodeList<>();
      entries.forEach(e -> labels.add(e.getLabels().get(0).clone()));
      entries.add(HostCodegen.noBlock(frameField("block")));
      MethodDeclaration m = helper(cls, name).setType(PrimitiveType.booleanType());
      m.setBody(new BlockStmt(new NodeList<>(new SwitchStmt(frameField("block"), entries))));
      dispatch.add(
          new SwitchEntry(
              labels,
              SwitchEntry.Type.EXPRESSION,
              new NodeList<>(
                  new ExpressionStmt(
                      new MethodCallExpr(
                          null, name, new NodeList<>(new NameExpr("ctx"), new NameExpr("f")))))));
    }
    SwitchEntry bad = HostCodegen.noBlock(frameField("block"));
    dispatch.add(
        new SwitchEntry(
            new NodeList<>(),
            SwitchEntry.Type.THROWS_STATEMENT,
            new NodeList<>(bad.getStatements().get(0).asBlockStmt().getStatement(0))));

    BlockStmt body = new BlockStmt();
    ClassOrInterfaceType frameType = new ClassOrInterfaceType(null, "Frame");
    body.addStatement(
        new ExpressionStmt(
            new VariableDeclarationExpr(
                new VariableDeclarator(
                    frameType, "f", new ObjectCreationExpr(null, frameType, new NodeList<>())))));
    for (int i = 0; i < hp.inputs().size(); i++) {
      body.addStatement(
          new ExpressionStmt(
              new AssignExpr(
                  slotExpr(slots.get(HostCodegen.var(hp.inputs().get(i).id()))),
                  new ArrayAccessExpr(
                      new NameExpr("in"), new IntegerLiteralExpr(String.valueOf(i))),
                  AssignExpr.Operator.ASSIGN)));
    }
    BlockStmt loopBody = new BlockStmt();
    // ctx.enter(block) records the block path (HostContext#blockPath) before each block runs.
    loopBody.addStatement(
        new MethodCallExpr(new NameExpr("ctx"), "enter", new NodeList<>(frameField("block"))));
    loopBody.addStatement(
        new IfStmt(
            new SwitchExpr(frameField("block"), dispatch),
            new ReturnStmt(frameField("result")),
            null));
    body.addStatement(
        HostCodegen.located(
            new WhileStmt(new BooleanLiteralExpr(true), loopBody), frameField("pos")));
    run.setBody(body);
  }

  /**
   * Syntax nodes per part method, and per method of a block's straight-line statements: about 2
   * bytes of bytecode each, so both stay well below the 8,000 bytes up to which HotSpot compiles a
   * method.
   */
  static final int PART_NODES = 2000;

  static final int CHUNK_NODES = 1000;

  private static int nodes(Node n) {
    return n.findAll(Node.class).size();
  }

  /** {@code private static ... name(HostContext ctx, Frame f) throws Exception}, no body yet. */
  private static MethodDeclaration helper(ClassOrInterfaceDeclaration cls, String name) {
    return cls.addMethod(name, Modifier.Keyword.PRIVATE, Modifier.Keyword.STATIC)
        .addParameter(new Parameter(new ClassOrInterfaceType(null, "HostContext"), "ctx"))
        .addParameter(new Parameter(new ClassOrInterfaceType(null, "Frame"), "f"))
        .addThrownException(new ClassOrInterfaceType(null, "Exception"));
  }

  /**
   * Moves the leading straight-line statements of block {@code block}'s {@code body} (its call and
   * host ops: expression statements that declare nothing) into methods of about {@link
   * #CHUNK_NODES} nodes each, called in order, when the body is larger than that: a block of
   * thousands of host ops (Python arithmetic on a value read back, unrolled) would not fit one
   * method. Values are in the frame, so the statements mean the same in any method.
   */
  private static void chunk(ClassOrInterfaceDeclaration cls, int block, BlockStmt body) {
    if (nodes(body) <= CHUNK_NODES) {
      return;
    }
    NodeList<com.github.javaparser.ast.stmt.Statement> stmts = body.getStatements();
    int straight = 0;
    while (straight < stmts.size()
        && stmts.get(straight) instanceof ExpressionStmt e
        && !(e.getExpression() instanceof VariableDeclarationExpr)) {
      straight++;
    }
    NodeList<com.github.javaparser.ast.stmt.Statement> out = new NodeList<>();
    BlockStmt chunk = new BlockStmt();
    int chunkNodes = 0;
    int count = 0;
    for (int i = 0; i < straight; i++) {
      com.github.javaparser.ast.stmt.Statement st = stmts.get(i);
      int n = nodes(st);
      if (!chunk.isEmpty() && chunkNodes + n > CHUNK_NODES) {
        out.add(callChunk(cls, block, count++, chunk));
        chunk = new BlockStmt();
        chunkNodes = 0;
      }
      chunk.addStatement(st.clone());
      chunkNodes += n;
    }
    if (!chunk.isEmpty()) {
      out.add(callChunk(cls, block, count, chunk));
    }
    for (int i = straight; i < stmts.size(); i++) {
      out.add(stmts.get(i).clone());
    }
    body.setStatements(out);
  }

  private static ExpressionStmt callChunk(
      ClassOrInterfaceDeclaration cls, int block, int index, BlockStmt chunk) {
    String name = "block" + block + "s" + index;
    helper(cls, name).setBody(chunk);
    return new ExpressionStmt(
        new MethodCallExpr(null, name, new NodeList<>(new NameExpr("ctx"), new NameExpr("f"))));
  }

  private static void slot(
      Map<String, Slot> slots, Map<String, Integer> sizes, String name, dev.dynnc.ir.Type t) {
    Type jt = HostCodegen.javaType(t);
    String array =
        jt instanceof PrimitiveType p
            ? switch (p.getType()) {
              case DOUBLE -> "d";
              case BOOLEAN -> "z";
              default -> "l";
            }
            : "a";
    int index = sizes.merge(array, 1, Integer::sum) - 1;
    slots.put(name, new Slot(array, index));
  }

  /** {@code private static final class Frame}: the value arrays and the run's state. */
  private static ClassOrInterfaceDeclaration frame(Map<String, Integer> sizes) {
    ClassOrInterfaceDeclaration f =
        new ClassOrInterfaceDeclaration()
            .setName("Frame")
            .setModifiers(
                Modifier.Keyword.PRIVATE, Modifier.Keyword.STATIC, Modifier.Keyword.FINAL);
    Map<String, Type> element =
        Map.of(
            "a", new ClassOrInterfaceType(null, "DeviceArray"),
            "d", PrimitiveType.doubleType(),
            "l", PrimitiveType.longType(),
            "z", PrimitiveType.booleanType());
    for (Map.Entry<String, Integer> e : sizes.entrySet()) {
      Type el = element.get(e.getKey());
      f.addFieldWithInitializer(
          new ArrayType(el.clone()),
          e.getKey(),
          new ArrayCreationExpr(
              el.clone(),
              new NodeList<>(
                  new com.github.javaparser.ast.ArrayCreationLevel(
                      new IntegerLiteralExpr(String.valueOf(e.getValue())))),
              null),
          Modifier.Keyword.FINAL);
    }
    f.addField(new ArrayType(new ClassOrInterfaceType(null, "DeviceArray")), "r");
    f.addField(PrimitiveType.intType(), "block");
    f.addField(PrimitiveType.longType(), "pos").getVariable(0).setInitializer("-1L");
    f.addField(new ClassOrInterfaceType(null, "Object"), "result");
    return f;
  }

  private static Expression frameField(String name) {
    return new FieldAccessExpr(new NameExpr("f"), name);
  }

  private static Expression slotExpr(Slot s) {
    return new ArrayAccessExpr(
        frameField(s.array()), new IntegerLiteralExpr(String.valueOf(s.index())));
  }

  /** A case of the one-method shape, rewritten for a part method (see the class comment). */
  private static SwitchEntry rewrite(SwitchEntry c, Map<String, Slot> slots) {
    SwitchEntry copy = c.clone();
    List<Node> unused = new ArrayList<>();
    copy.accept(
        new ModifierVisitor<Void>() {
          @Override
          public Visitable visit(NameExpr n, Void arg) {
            Slot s = slots.get(n.getNameAsString());
            if (s != null) {
              return slotExpr(s);
            }
            String name = n.getNameAsString();
            if (name.equals("r") || name.equals("pos") || name.equals("block")) {
              return frameField(name);
            }
            return n;
          }

          @Override
          public Visitable visit(ContinueStmt n, Void arg) {
            return new ReturnStmt(new BooleanLiteralExpr(false));
          }

          @Override
          public Visitable visit(ReturnStmt n, Void arg) {
            super.visit(n, arg);
            if (n.getExpression().isEmpty()) {
              unused.add(n);
              return n;
            }
            BlockStmt b = new BlockStmt();
            b.addStatement(
                new AssignExpr(
                    frameField("result"), n.getExpression().get(), AssignExpr.Operator.ASSIGN));
            b.addStatement(new ReturnStmt(new BooleanLiteralExpr(true)));
            n.getComment().ifPresent(b::setComment);
            return b;
          }
        },
        null);
    if (!unused.isEmpty()) {
      throw new IllegalStateException("a host block returns without a result: " + unused);
    }
    return copy;
  }
}
