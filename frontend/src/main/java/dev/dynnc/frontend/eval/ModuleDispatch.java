package dev.dynnc.frontend.eval;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.HostScalar;
import dev.dynnc.ir.Span;
import dev.dynnc.semantics.DType;
import java.util.List;
import java.util.Map;

/**
 * A module container indexed by a run-time int in forward ({@code self.experts[expert_id](x)}, the
 * top-1 dispatch of a mixture of experts): the item is not known while compiling, so calling it
 * stages a multi-way data-dependent branch over the container's modules ({@link
 * Staging#dynamicChoice}), with an index out of range a run-time error.
 */
final class ModuleDispatch {
  private ModuleDispatch() {}

  /** The modules of a container and the run-time index that picks one of them. */
  record Choice(List<Object> modules, HostScalar index, Span at) {}

  /** {@code container[index]} with a run-time index, to be called. */
  static Choice pick(List<Object> modules, HostScalar index, Span at) {
    DType d = index.type().dtype();
    if (d.isFloat()) {
      throw Interpreter.error(
          Code.DN0102, at, "module container indices must be integers, not a run-time float");
    }
    if (modules.isEmpty()) {
      throw Interpreter.error(Code.DN0109, at, "index into an empty module container");
    }
    return new Choice(List.copyOf(modules), index, at);
  }

  /** Calls the picked module: one arm per module, joined after the call. */
  static Object call(Interpreter in, Choice c, List<Object> args, Map<String, Object> kw, Span at) {
    in.decisions.condition("module index", c.at(), c.index(), true, false);
    return in.requireStaging(at)
        .dynamicChoice(
            in,
            c.index(),
            c.modules().size(),
            i -> in.call(c.modules().get(i), args, kw, at),
            c.at());
  }
}
