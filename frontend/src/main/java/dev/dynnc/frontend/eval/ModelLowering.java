package dev.dynnc.frontend.eval;

import com.google.common.collect.ImmutableList;
import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostic;
import dev.dynnc.diag.DiagnosticException;
import dev.dynnc.diag.SourceMap;
import dev.dynnc.frontend.ast.Expr;
import dev.dynnc.frontend.ast.Parameter;
import dev.dynnc.frontend.eval.Values.*;
import dev.dynnc.frontend.parser.PythonSource;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.ir.ValueId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives the evaluator: builds the model from an entry expression, names its state, lowers a
 * method.
 */
public final class ModelLowering {
  private ModelLowering() {}

  /** A parameter or buffer the model expects from the checkpoint. */
  public record StateEntry(String key, TensorType type, Span createdAt) {}

  /**
   * The result of lowering: the IR and the state the model needs; {@code cuts} are the places in
   * {@code function} where a static {@code if} or a {@code return} was evaluated.
   */
  public record Lowered(
      Function function,
      ImmutableList<StateEntry> state,
      List<dev.dynnc.frontend.Decision> decisions,
      List<dev.dynnc.ir.OpPosition> cuts,
      List<Diagnostic> warnings) {}

  /**
   * Lowers {@code method} of the model that {@code entry} builds. A failing statement does not end
   * the evaluation: its error is recorded, what it would have bound becomes {@link Values#FAILED},
   * and evaluation goes on, so one run reports up to {@code maxErrors} independent mistakes; they
   * are thrown together at the end.
   */
  public static Lowered lower(
      Path sourceRoot,
      String entry,
      String method,
      LinkedHashMap<String, TensorType> inputs,
      SourceMap sources,
      int maxErrors) {
    int colon = entry.indexOf(':');
    Span entrySpan = new Span("<entry>", 1, 1);
    sources.add("<entry>", entry);
    if (colon <= 0 || colon == entry.length() - 1) {
      throw Interpreter.error(
          Code.DN0106,
          entrySpan,
          "entry '" + entry + "' must look like MODULE:EXPRESSION",
          "for example models.sdn:build_model(num_classes=10)");
    }
    String module = entry.substring(0, colon);
    if (!Interpreter.isModuleName(module)) {
      throw Interpreter.error(
          Code.DN0106,
          entrySpan,
          "entry module '" + module + "' is not a dotted Python module name",
          "MODULE is a dotted path relative to --source-root, e.g. models.sdn for models/sdn.py; paths and '..' are not allowed");
    }
    Interpreter in = new Interpreter(sourceRoot, sources, maxErrors);
    Lowered lowered;
    try {
      lowered = lower(in, entry, colon, module, entrySpan, method, inputs);
    } catch (DiagnosticException e) {
      throw new DiagnosticException(in.errors(e));
    } catch (Signals.FailedUse e) {
      lowered = null; // a failed value reached the entry or the outputs: its error is recorded
    }
    List<Diagnostic> errors = in.errors(null);
    if (!errors.isEmpty()) {
      throw new DiagnosticException(errors);
    }
    if (lowered == null) {
      throw new IllegalStateException(
          "a failed value without a recorded error"); // a dynnc bug, not a model error
    }
    return lowered;
  }

  private static Lowered lower(
      Interpreter in,
      String entry,
      int colon,
      String module,
      Span entrySpan,
      String method,
      LinkedHashMap<String, TensorType> inputs) {
    Path sourceRoot = in.sourceRoot;
    PyNamespace ns = in.importModule(module, entrySpan);
    if (ns.opaque) {
      throw Interpreter.error(
          Code.DN0104,
          entrySpan,
          "module '" + module + "' was not found under " + sourceRoot,
          "MODULE is a dotted path relative to --source-root, e.g. models.sdn for models/sdn.py");
    }
    Expr expr =
        PythonSource.parseExpression(entry.substring(colon + 1), new Span("<entry>", 1, colon + 2));
    Interpreter.Frame f =
        new Interpreter.Frame(new HashMap<>(), ns.attrs, null, module, null, false);
    Object model = in.eval(expr, f);
    if (in.hasErrors() && !(model instanceof PyObject built && built.module != null)) {
      return null; // construction failed before the model was a module: nothing more to check, and
      // no follow-up error
    }
    if (!(model instanceof PyObject root) || root.module == null) {
      throw Interpreter.error(
          Code.DN0106,
          expr.span(),
          "the entry expression gives a " + Builtins.typeName(model) + ", not an nn.Module",
          "the expression after ':' must construct the model");
    }
    ImmutableList<StateEntry> state = nameState(in, root);

    // A library layer has no Python forward: the model is then the layer itself, called as PyTorch
    // would.
    Object target =
        method.equals("forward")
                && root.cls.lookup(method) == null
                && !root.dict.containsKey(method)
                && root.cls.nearestLayer() != null
            ? root
            : Attributes.get(in, root, method, entrySpan);
    List<String> paramNames = methodParams(target);
    List<Param> params = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    List<String> names = new ArrayList<>();
    if (paramNames != null) {
      for (String n : inputs.keySet()) {
        if (!paramNames.contains(n)) {
          throw Interpreter.error(
              Code.DN0400,
              entrySpan,
              "input '" + n + "' is not a parameter of " + method + "()",
              method + "() takes " + String.join(", ", paramNames));
        }
      }
      for (String n : paramNames) {
        if (inputs.containsKey(n)) {
          names.add(n);
        }
      }
    } else {
      names.addAll(inputs.keySet());
    }
    for (String n : names) {
      ValueId id = new ValueId(params.size());
      params.add(new Param(id, inputs.get(n)));
      args.add(new SymTensor(id, inputs.get(n)));
    }
    Staging staging = new Staging(params.size());
    in.staging = staging;
    Journal.MUTATIONS.set(in.stateUse::mutated);
    try {
      Object result = in.call(target, args, Map.of(), entrySpan);
      if (!in.hasErrors()) {
        staging.returnFromEntry(in, result, entrySpan);
      }
    } finally {
      Journal.MUTATIONS.remove();
    }
    if (in.hasErrors()) {
      return null; // the staged IR of a failed lowering is incomplete; only the errors are reported
    }
    return new Lowered(
        staging.finish(method, names, params),
        state,
        in.decisions.decisions(),
        staging.cuts(),
        in.stateUse.warnings());
  }

  private static List<String> methodParams(Object target) {
    if (target instanceof BoundMethod bm && bm.function() instanceof PyFunction fn) {
      List<String> out = new ArrayList<>();
      for (Parameter p : fn.params.subList(1, fn.params.size())) {
        out.add(p.name());
      }
      return out;
    }
    return null;
  }

  /**
   * Assigns state_dict keys as {@code model.state_dict()} writes them: own parameters, own
   * persistent buffers, then each child's under its name. A module or tensor reachable under
   * several names is listed under every one of them, as PyTorch does, so the checkpoint must hold
   * each; the first name is the one the compiled model reads. Every entry is charged to the budget,
   * so a tree whose paths multiply (a module shared at every level) is refused, not walked for
   * ever.
   */
  static ImmutableList<StateEntry> nameState(Interpreter in, PyObject root) {
    List<StateEntry> out = new ArrayList<>();
    nameState(in, root, "", out, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
    return ImmutableList.copyOf(out);
  }

  private static void nameState(
      Interpreter in,
      PyObject m,
      String prefix,
      List<StateEntry> out,
      java.util.Set<PyObject> path) {
    if (!path.add(m)) {
      return; // a module inside itself: PyTorch would recurse without end; its state is already
      // listed above
    }
    in.step(m.module.createdAt());
    for (var e : m.module.parameters.entrySet()) {
      add(in, out, e.getValue(), prefix + e.getKey());
    }
    for (var e : m.module.buffers.entrySet()) {
      if (!m.module.nonPersistent.contains(e.getKey())) {
        add(in, out, e.getValue(), prefix + e.getKey());
      }
    }
    for (var e : m.module.modules.entrySet()) {
      if (e.getValue() instanceof PyObject k && k.module != null) {
        nameState(in, k, prefix + e.getKey() + ".", out, path);
      }
    }
    path.remove(m);
  }

  private static void add(Interpreter in, List<StateEntry> out, TensorSlot s, String key) {
    in.budget.slots(1, s.createdAt);
    if (s.stateKey == null) {
      s.stateKey = key;
    }
    out.add(new StateEntry(key, s.type, s.createdAt));
  }
}
