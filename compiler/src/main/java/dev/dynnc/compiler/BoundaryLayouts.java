package dev.dynnc.compiler;

import dev.dynnc.ir.Op;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.Terminator;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.ValueId;
import dev.dynnc.rewrite.HostPlan;
import dev.dynnc.rewrite.Partitioner;
import dev.dynnc.rewrite.SubgraphPlan;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The layouts of the activations that pass from one subgraph to another (rule BOUNDARY-LAYOUT).
 *
 * <p>TVM's layout pass (AlterOpLayout) runs x86 convolutions in a blocked layout, NCHW8c or
 * NCHW16c, and transforms a subgraph's NCHW inputs into it where the subgraph starts and its
 * results back to NCHW where it ends. Between two subgraphs that both want the blocked layout, the
 * activation is thus transformed out of it and straight back in: two passes over memory per
 * boundary, which on the gated samples were most of the cost of being dynamic (sg0 of skipnet_ff
 * spent 5 of its 55 µs in them). Here every value that only ever travels from subgraph to subgraph
 * gets one layout, chosen from what TVM does at the subgraphs it connects; a subgraph then takes or
 * returns that value in the chosen layout and the transform pair cancels inside TVM.
 *
 * <p>Values are grouped into classes that must share a layout: a call's argument with the subgraph
 * input it binds, a result with its subgraph output, a block argument with the block's parameter. A
 * class that the host program reads (host ops, branches, returned values, the function's inputs)
 * stays NCHW, so blocked tensors never leave the device side of the bundle. A subgraph called from
 * several sites shares its ports between their classes.
 */
public final class BoundaryLayouts {
  private BoundaryLayouts() {}

  /**
   * A query's answer for a port where any blocked layout costs nothing: an input only poolings and
   * elementwise ops read, or an output such ops compute from inputs (the worker rewrites them to
   * run in the layout the boundary brings).
   */
  static final String ANY = "any";

  /** A subgraph input ({@code input} true) or output of a unique subgraph. */
  record Port(int subgraph, boolean input, int index) {}

  /**
   * What TVM does at one subgraph's boundary, compiled with NCHW everywhere: per port, the blocked
   * layout it wants, {@link #ANY}, or null for NCHW.
   */
  public record Query(List<String> inputs, List<String> outputs) {}

  /** The layout of every subgraph input and output; null entries are NCHW (the IR's layout). */
  public record Plan(Map<Integer, String[]> inputs, Map<Integer, String[]> outputs) {
    public static final Plan NONE = new Plan(Map.of(), Map.of());

    public String input(int subgraph, int i) {
      String[] l = inputs.get(subgraph);
      return l == null ? null : l[i];
    }

    public String output(int subgraph, int j) {
      String[] l = outputs.get(subgraph);
      return l == null ? null : l[j];
    }

    /** How many subgraph ports take or give a blocked layout. */
    public int blockedPorts() {
      int n = 0;
      for (Map<Integer, String[]> m : List.of(inputs, outputs)) {
        for (String[] ls : m.values()) {
          n += (int) Arrays.stream(ls).filter(Objects::nonNull).count();
        }
      }
      return n;
    }
  }

  /** The classes of ports that may take a blocked layout: each a list of ports. */
  static List<List<Port>> candidateClasses(Partitioner.Result parts) {
    HostPlan hp = parts.host();
    UnionFind uf = new UnionFind();
    Set<Object> pinned = new HashSet<>();
    Map<Integer, HostPlan.HostBlock> blocks = new HashMap<>();
    hp.blocks().forEach(b -> blocks.put(b.index(), b));
    for (Param p : hp.inputs()) {
      pinned.add(p.id());
    }
    for (HostPlan.HostBlock b : hp.blocks()) {
      b.call()
          .ifPresent(
              c -> {
                for (int i = 0; i < c.args().size(); i++) {
                  uf.union(c.args().get(i), new Port(c.subgraph(), true, i));
                }
                for (int j = 0; j < c.results().size(); j++) {
                  uf.union(c.results().get(j), new Port(c.subgraph(), false, j));
                }
              });
      for (Op op : b.hostOps()) {
        pinned.addAll(op.operands());
        pinned.add(op.result());
      }
      Terminator t = b.terminator();
      if (t instanceof Terminator.Jump j) {
        bind(uf, j.args(), blocks.get(j.target().index()));
      } else if (t instanceof Terminator.Branch br) {
        pinned.add(br.condition());
        bind(uf, br.trueArgs(), blocks.get(br.ifTrue().index()));
        bind(uf, br.falseArgs(), blocks.get(br.ifFalse().index()));
      } else {
        pinned.addAll(t.uses());
      }
    }
    Map<Object, List<Object>> classes = uf.classes();
    Set<Object> pinnedRoots = new HashSet<>();
    for (Object p : pinned) {
      pinnedRoots.add(uf.find(p));
    }
    List<List<Port>> out = new ArrayList<>();
    for (Map.Entry<Object, List<Object>> e : classes.entrySet()) {
      if (pinnedRoots.contains(e.getKey())) {
        continue;
      }
      List<Port> ports = new ArrayList<>();
      Set<Type> types = new HashSet<>();
      for (Object m : e.getValue()) {
        if (m instanceof Port p) {
          ports.add(p);
          types.add(type(parts, p));
        }
      }
      if (ports.isEmpty() || types.size() != 1) {
        continue;
      }
      // Only 4-D float32 activations, the only tensors TVM's CPU layout pass blocks.
      if (types.iterator().next() instanceof Type.TensorType tt
          && tt.dtype() == DType.F32
          && tt.shape().size() == 4) {
        ports.sort(
            java.util.Comparator.comparingInt(Port::subgraph)
                .thenComparing(Port::input)
                .thenComparingInt(Port::index));
        out.add(ports);
      }
    }
    out.sort(java.util.Comparator.comparing(c -> c.get(0).toString()));
    return out;
  }

  /** The unique subgraphs that have a port in one of {@code classes}: the ones worth a query. */
  static Set<Integer> subgraphsToQuery(List<List<Port>> classes) {
    Set<Integer> s = new java.util.TreeSet<>();
    classes.forEach(c -> c.forEach(p -> s.add(p.subgraph())));
    return s;
  }

  /**
   * Chooses each class's layout: the one that leaves the fewest transforms at its ports, where an
   * input whose TVM layout differs from the class's, or an output TVM produces in another layout,
   * costs one, and a port that takes any layout ({@link #ANY}) nothing. NCHW wins ties, so nothing
   * changes where nothing is gained.
   */
  static Plan choose(
      Partitioner.Result parts, List<List<Port>> classes, Map<Integer, Query> queries) {
    Map<Integer, String[]> ins = new LinkedHashMap<>();
    Map<Integer, String[]> outs = new LinkedHashMap<>();
    for (List<Port> cls : classes) {
      Map<Port, String> natural = new LinkedHashMap<>();
      boolean known = true;
      for (Port p : cls) {
        Query q = queries.get(p.subgraph());
        if (q == null) {
          known = false;
          break;
        }
        List<String> side = p.input() ? q.inputs() : q.outputs();
        natural.put(p, p.index() < side.size() ? side.get(p.index()) : null);
      }
      if (!known) {
        continue;
      }
      String best = null;
      int bestCost = cost(natural, null);
      long[] nchw = nchwShape(parts, cls.get(0));
      for (String candidate :
          new java.util.TreeSet<>(
              natural.values().stream().filter(l -> blockFactor(l) > 0).toList())) {
        if (!fits(nchw, candidate)) {
          continue; // not a blocking of this activation's channels: an answer to distrust
        }
        int c = cost(natural, candidate);
        if (c < bestCost) {
          best = candidate;
          bestCost = c;
        }
      }
      if (best == null) {
        continue;
      }
      for (Port p : cls) {
        SubgraphPlan sg = parts.subgraphs().get(p.subgraph());
        String[] arr =
            (p.input() ? ins : outs)
                .computeIfAbsent(
                    p.subgraph(),
                    k -> new String[p.input() ? sg.inputs().size() : sg.outputs().size()]);
        arr[p.index()] = best;
      }
    }
    return new Plan(ins, outs);
  }

  private static int cost(Map<Port, String> natural, String layout) {
    int c = 0;
    for (String n : natural.values()) {
      if (!ANY.equals(n) && !Objects.equals(n, layout)) {
        c++;
      }
    }
    return c;
  }

  /**
   * A query's answer as the worker writes it: {@code {"inputs": [layout or null, ...], "outputs":
   * [...]}}, a layout being NCHW{k}c or {@value #ANY}. Anything else reads as no wish at that port.
   */
  static Query parseQuery(String json) {
    List<String> ins = new ArrayList<>();
    List<String> outs = new ArrayList<>();
    try {
      com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(json).getAsJsonObject();
      readLayouts(o.get("inputs"), ins);
      readLayouts(o.get("outputs"), outs);
    } catch (RuntimeException e) {
      return new Query(List.of(), List.of());
    }
    return new Query(ins, outs);
  }

  private static void readLayouts(com.google.gson.JsonElement e, List<String> into) {
    if (e == null || !e.isJsonArray()) {
      return;
    }
    for (com.google.gson.JsonElement x : e.getAsJsonArray()) {
      String l = x.isJsonPrimitive() && x.getAsJsonPrimitive().isString() ? x.getAsString() : null;
      into.add(blockFactor(l) > 0 || ANY.equals(l) ? l : null);
    }
  }

  /** The shape of an NCHW tensor in {@code layout} (NCHW{k}c), or the shape itself for null. */
  public static long[] shape(long[] nchw, String layout) {
    if (layout == null) {
      return nchw;
    }
    if (!fits(nchw, layout)) {
      throw new IllegalArgumentException(
          "layout " + layout + " does not fit shape " + Arrays.toString(nchw));
    }
    int k = blockFactor(layout);
    return new long[] {nchw[0], nchw[1] / k, nchw[2], nchw[3], k};
  }

  /** Whether {@code layout} blocks a tensor of shape {@code nchw}. */
  static boolean fits(long[] nchw, String layout) {
    int k = blockFactor(layout);
    return nchw.length == 4 && k > 0 && nchw[1] % k == 0;
  }

  private static long[] nchwShape(Partitioner.Result parts, Port p) {
    return ((Type.TensorType) type(parts, p)).shape().stream().mapToLong(Long::longValue).toArray();
  }

  /** k of the layout NCHW{k}c, or -1. */
  static int blockFactor(String layout) {
    if (layout == null || !layout.matches("NCHW[1-9][0-9]{0,3}c")) {
      return -1;
    }
    return Integer.parseInt(layout.substring(4, layout.length() - 1));
  }

  private static Type type(Partitioner.Result parts, Port p) {
    SubgraphPlan sg = parts.subgraphs().get(p.subgraph());
    if (p.input()) {
      return sg.inputs().get(p.index()).type();
    }
    return parts.host().types().get(sg.outputs().get(p.index()));
  }

  private static void bind(UnionFind uf, List<ValueId> args, HostPlan.HostBlock target) {
    if (target == null) {
      return;
    }
    for (int i = 0; i < args.size() && i < target.params().size(); i++) {
      uf.union(args.get(i), target.params().get(i).id());
    }
  }

  /** Union-find over values and ports. */
  private static final class UnionFind {
    private final Map<Object, Object> parent = new HashMap<>();

    Object find(Object x) {
      Object p = parent.get(x);
      if (p == null) {
        parent.put(x, x);
        return x;
      }
      if (p.equals(x)) {
        return x;
      }
      Object r = find(p);
      parent.put(x, r);
      return r;
    }

    void union(Object a, Object b) {
      Object ra = find(a);
      Object rb = find(b);
      if (!ra.equals(rb)) {
        parent.put(ra, rb);
      }
    }

    Map<Object, List<Object>> classes() {
      Map<Object, List<Object>> out = new LinkedHashMap<>();
      for (Object x : new ArrayList<>(parent.keySet())) {
        out.computeIfAbsent(find(x), k -> new ArrayList<>()).add(x);
      }
      return out;
    }
  }
}
