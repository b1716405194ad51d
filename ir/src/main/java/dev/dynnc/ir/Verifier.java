package dev.dynnc.ir;

import dev.dynnc.graph.Dominators;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the structural invariants of a {@link Function}; run after every pass in tests.
 *
 * <p>Invariants:
 *
 * <ol>
 *   <li>There is at least one block; block {@code i} has id {@code ^bb i}; the entry block has no
 *       parameters.
 *   <li>Every block is reachable from the entry.
 *   <li>Every value (function parameter, block parameter, op result) is defined exactly once.
 *   <li>Every use is dominated by its definition: earlier in the same block, or in a block that
 *       dominates the user's block.
 *   <li>Every op is known to {@link OpRegistry} and its declared type equals the inferred one.
 *   <li>Jump and branch targets exist and receive arguments whose count and types match the
 *       target's parameters.
 *   <li>A branch condition is a host {@code bool} scalar.
 *   <li>The number of input names equals the number of function parameters.
 * </ol>
 */
public final class Verifier {
  private Verifier() {}

  /** Thrown by {@link #verifyOrThrow} — an internal compiler error, never a user error. */
  public static final class VerifyException extends RuntimeException {
    public VerifyException(String message) {
      super(message);
    }
  }

  public static void verifyOrThrow(Function f) {
    List<String> errors = verify(f);
    if (!errors.isEmpty()) {
      throw new VerifyException(
          "IR verification failed for @"
              + f.name()
              + ":\n  "
              + String.join("\n  ", errors)
              + "\n"
              + Printer.print(f));
    }
  }

  public static List<String> verify(Function f) {
    List<String> errors = new ArrayList<>();
    if (f.blocks().isEmpty()) {
      errors.add("function has no blocks");
      return errors;
    }
    if (f.inputNames().size() != f.params().size()) {
      errors.add("input names and parameters differ in number");
    }
    int n = f.blocks().size();
    for (int i = 0; i < n; i++) {
      if (f.blocks().get(i).id().index() != i) {
        errors.add("block at position " + i + " is named " + f.blocks().get(i).id());
        return errors;
      }
    }
    if (!f.entry().params().isEmpty()) {
      errors.add("entry block has parameters");
    }
    for (Block b : f.blocks()) {
      for (BlockId s : b.terminator().successors()) {
        if (s.index() < 0 || s.index() >= n) {
          errors.add(b.id() + ": branch to missing block " + s);
          return errors;
        }
      }
    }
    Dominators dom = Dominators.compute(n, 0, i -> successors(f, i));
    // Where each value is defined: block index and position (-1 for block/function params).
    Map<ValueId, int[]> defs = new HashMap<>();
    Map<ValueId, Type> types = new HashMap<>();
    for (Param p : f.params()) {
      define(p.id(), new int[] {0, -1}, p.type(), defs, types, errors);
    }
    for (Block b : f.blocks()) {
      if (!dom.isReachable(b.id().index())) {
        errors.add(b.id() + " is unreachable");
      }
      for (Param p : b.params()) {
        define(p.id(), new int[] {b.id().index(), -1}, p.type(), defs, types, errors);
      }
      for (int i = 0; i < b.ops().size(); i++) {
        Op op = b.ops().get(i);
        define(op.result(), new int[] {b.id().index(), i}, op.type(), defs, types, errors);
      }
    }
    for (Block b : f.blocks()) {
      int bi = b.id().index();
      for (int i = 0; i < b.ops().size(); i++) {
        Op op = b.ops().get(i);
        List<Type> in = new ArrayList<>();
        boolean ok = true;
        for (ValueId u : op.operands()) {
          ok &= checkUse(u, bi, i, defs, dom, errors, op.result() + " = " + op.name());
          in.add(types.get(u));
        }
        if (!ok) {
          continue;
        }
        try {
          Type inferred = OpRegistry.infer(op.name(), in, op.attrs(), op.type());
          if (!inferred.equals(op.type())) {
            errors.add(
                op.result()
                    + " = "
                    + op.name()
                    + ": declared type "
                    + op.type()
                    + " but operands give "
                    + inferred);
          }
        } catch (OpRegistry.TypeError e) {
          errors.add(op.result() + " = " + op.name() + ": " + e.getMessage());
        }
      }
      Terminator t = b.terminator();
      String where = b.id() + " terminator";
      for (ValueId u : t.uses()) {
        checkUse(u, bi, b.ops().size(), defs, dom, errors, where);
      }
      if (t instanceof Terminator.Jump j) {
        checkArgs(f, j.target(), j.args(), types, errors, where);
      } else if (t instanceof Terminator.Branch br) {
        if (!new Type.ScalarType(DType.BOOL).equals(types.get(br.condition()))) {
          errors.add(
              where
                  + ": condition "
                  + br.condition()
                  + " must be a host bool, is "
                  + types.get(br.condition()));
        }
        checkArgs(f, br.ifTrue(), br.trueArgs(), types, errors, where);
        checkArgs(f, br.ifFalse(), br.falseArgs(), types, errors, where);
      }
    }
    return errors;
  }

  private static int[] successors(Function f, int i) {
    return f.blocks().get(i).terminator().successors().stream().mapToInt(BlockId::index).toArray();
  }

  private static void define(
      ValueId id,
      int[] at,
      Type type,
      Map<ValueId, int[]> defs,
      Map<ValueId, Type> types,
      List<String> errors) {
    if (defs.put(id, at) != null) {
      errors.add(id + " is defined more than once");
    }
    types.put(id, type);
  }

  private static boolean checkUse(
      ValueId u,
      int block,
      int position,
      Map<ValueId, int[]> defs,
      Dominators dom,
      List<String> errors,
      String where) {
    int[] d = defs.get(u);
    if (d == null) {
      errors.add(where + ": use of undefined value " + u);
      return false;
    }
    if (!dom.isReachable(block)) {
      return true; // reported once as unreachable; dominance means nothing there
    }
    boolean ok = d[0] == block ? d[1] < position : dom.dominates(d[0], block);
    if (!ok) {
      errors.add(where + ": use of " + u + " is not dominated by its definition");
    }
    return ok;
  }

  private static void checkArgs(
      Function f,
      BlockId target,
      List<ValueId> args,
      Map<ValueId, Type> types,
      List<String> errors,
      String where) {
    List<Param> params = f.block(target).params();
    if (params.size() != args.size()) {
      errors.add(
          where + ": " + target + " takes " + params.size() + " arguments, got " + args.size());
      return;
    }
    for (int i = 0; i < args.size(); i++) {
      Type t = types.get(args.get(i));
      if (t != null && !t.equals(params.get(i).type())) {
        errors.add(
            where
                + ": argument "
                + args.get(i)
                + " of type "
                + t
                + " does not match "
                + params.get(i));
      }
    }
  }
}
