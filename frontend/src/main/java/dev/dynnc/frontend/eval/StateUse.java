package dev.dynnc.frontend.eval;

import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostic;
import dev.dynnc.frontend.eval.Values.PyObject;
import dev.dynnc.ir.Span;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds state a model keeps between calls: an attribute of a module that forward reads and then
 * sets ({@code self.calls += 1}, {@code self.hidden = self.rnn(x, self.hidden)}). PyTorch's next
 * call sees the new value; a compiled model starts every run from the values the model had when it
 * was compiled, so such a forward can give other results from its second call on. An attribute
 * forward sets before it reads it (a state reset at the start of forward) is not state.
 */
final class StateUse {
  /** Per module object and attribute, where forward first touched it and whether by reading. */
  private record First(boolean read, Span at) {}

  private final Map<PyObject, Map<String, First>> first = new IdentityHashMap<>();
  private final Map<PyObject, Map<String, Span>> kept = new IdentityHashMap<>();

  void read(PyObject o, String name, Span at) {
    first.computeIfAbsent(o, k -> new LinkedHashMap<>()).putIfAbsent(name, new First(true, at));
  }

  void write(PyObject o, String name, Span at) {
    First f =
        first
            .computeIfAbsent(o, k -> new LinkedHashMap<>())
            .putIfAbsent(name, new First(false, at));
    if (f != null && f.read()) {
      kept.computeIfAbsent(o, k -> new LinkedHashMap<>()).putIfAbsent(name, at);
    }
  }

  /** One warning (DN0117) per attribute forward read and then set, at its first write. */
  List<Diagnostic> warnings() {
    List<Diagnostic> out = new ArrayList<>();
    kept.forEach(
        (o, names) ->
            names.forEach(
                (name, at) -> {
                  Span r = first.get(o).get(name).at();
                  out.add(
                      Diagnostic.of(
                          Code.DN0117,
                          at,
                          "forward sets "
                              + o.cls.name
                              + "."
                              + name
                              + ", which it read before (line "
                              + r.line()
                              + "): PyTorch keeps the new value for the next call, while every"
                              + " run of the compiled model starts from the value it had when"
                              + " compiled",
                          "set it at the start of forward if each call should start afresh, or"
                              + " pass the state in and return it"));
                }));
    return out;
  }
}
