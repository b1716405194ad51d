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
 * was compiled, so such a forward can give other results from its second call on. So is a list or
 * dict such an attribute holds that forward changes in place ({@code self.counts[k] += 1}). An
 * attribute forward sets before it reads it (a state reset at the start of forward) is not state,
 * nor is a list or dict forward empties before it changes it otherwise ({@code self.feats.clear()}
 * and then appends).
 */
final class StateUse {
  /** Per module object and attribute, where forward first touched it and whether by reading. */
  private record First(boolean read, Span at) {}

  /** A list or dict forward got by reading an attribute it had not set: changing it is state. */
  private record Held(PyObject owner, String name) {}

  private final Map<PyObject, Map<String, First>> first = new IdentityHashMap<>();

  /** Where forward changed a read attribute: set at {@code at}, or changed in place. */
  private record Kept(Span at, boolean inPlace) {}

  private final Map<PyObject, Map<String, Kept>> kept = new IdentityHashMap<>();
  private final Map<Object, Held> held = new IdentityHashMap<>();

  /** Forward read {@code o.name}, whose value is {@code value}. */
  void read(PyObject o, String name, Object value, Span at) {
    First f =
        first.computeIfAbsent(o, k -> new LinkedHashMap<>()).putIfAbsent(name, new First(true, at));
    if (f == null || f.read()) {
      Object c =
          value instanceof Values.PyList l
              ? l.items
              : value instanceof Values.PyDict d ? d.map : null;
      if (c instanceof Journal.Tracked) {
        held.putIfAbsent(c, new Held(o, name));
      }
    }
  }

  /** A container was changed in place ({@code self.counts[k] += 1}, {@code .append}). */
  void mutated(Journal.Tracked c) {
    Held h = held.get(c);
    if (h != null) {
      kept.computeIfAbsent(h.owner(), k -> new LinkedHashMap<>())
          .putIfAbsent(h.name(), new Kept(first.get(h.owner()).get(h.name()).at(), true));
    }
  }

  /**
   * A container was emptied ({@code self.feats.clear()}): if forward got it by reading an attribute
   * and has not changed it before, the attribute starts afresh here, as if set to an empty one, so
   * filling it again afterwards is not state.
   */
  void cleared(Journal.Tracked c, Span at) {
    Held h = held.get(c);
    if (h == null) {
      return;
    }
    Map<String, Kept> k = kept.get(h.owner());
    if (k != null && k.containsKey(h.name())) {
      return; // changed before it was emptied: already reported
    }
    held.remove(c);
    first.get(h.owner()).put(h.name(), new First(false, at));
  }

  void write(PyObject o, String name, Span at) {
    First f =
        first
            .computeIfAbsent(o, k -> new LinkedHashMap<>())
            .putIfAbsent(name, new First(false, at));
    if (f != null && f.read()) {
      kept.computeIfAbsent(o, k -> new LinkedHashMap<>()).putIfAbsent(name, new Kept(at, false));
    }
  }

  /** One warning (DN0117) per attribute forward read and then set, at its first write. */
  List<Diagnostic> warnings() {
    List<Diagnostic> out = new ArrayList<>();
    kept.forEach(
        (o, names) ->
            names.forEach(
                (name, k) -> {
                  Span r = first.get(o).get(name).at();
                  boolean inPlace = k.inPlace();
                  out.add(
                      Diagnostic.of(
                          Code.DN0117,
                          k.at(),
                          "forward "
                              + (inPlace ? "changes " : "sets ")
                              + o.cls.name
                              + "."
                              + name
                              + (inPlace ? " in place (read at " : ", which it read before (")
                              + "line "
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
