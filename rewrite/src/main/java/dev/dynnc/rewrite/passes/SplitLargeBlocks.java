package dev.dynnc.rewrite.passes;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.dynnc.analysis.Placement;
import dev.dynnc.analysis.ValueInfo;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Block;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.ValueId;
import dev.dynnc.rewrite.Partitioner;
import dev.dynnc.rewrite.Pass;
import dev.dynnc.rewrite.PassContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cuts a block with more device ops than one subgraph should hold into a chain of blocks, each of
 * which becomes a subgraph of its own.
 *
 * <p>TVM's Relay passes recurse along the dataflow graph, and their time grows faster than the
 * graph. A long straight line (a recurrent cell unrolled over a few hundred steps) crashed the
 * compile worker with a stack overflow at its default 1 MiB stack; with a larger stack, a GRU-like
 * cell unrolled 1,000 times (8,000 ops) compiled in 53 s as one subgraph and in 10 s cut. Below
 * {@link #MAX_COMPUTE_OPS} ops per subgraph both are far away; the largest subgraph of the nine
 * samples has 42 (plus 62 weights and constants), so they are not cut.
 *
 * <p>The block keeps its parameters and its device ops up to the first cut, and jumps to the next
 * piece, a new block without parameters numbered right after it (blocks after it are renumbered, so
 * numbering still follows the program's order): each piece dominates the next, so later pieces, the
 * host ops and other blocks read values of earlier pieces directly, and the partitioner makes those
 * that cross a cut outputs of one subgraph and inputs of the next. The last piece holds the rest of
 * the device ops, all the block's host ops (they read only device values, never the other way
 * round) and its terminator. Each cut is placed where the fewest bytes cross it, among the
 * positions that leave each piece between half and all of the budget. Weights and constants ({@code
 * weight}, {@code full}, {@code arange}: no operands, deterministic) are not counted and never
 * cross: a piece that reads one defined by an earlier piece gets a copy of its own, so TVM still
 * sees every weight as a constant it can pre-pack. Pieces that slice a value defined before the
 * block (the time steps of a sequence) slice a window of it instead, cut by a window piece placed
 * first ({@link #windows}), so that pieces of the same steps are alike and compile once.
 */
public final class SplitLargeBlocks implements Pass {
  /**
   * The most device ops, not counting weights and constants, that one subgraph gets. An unrolled
   * cell of 8 ops per step compiled at 100 steps (800 ops) and crashed TVM at 300.
   */
  public static final int MAX_COMPUTE_OPS = 256;

  private final int maxComputeOps;

  public SplitLargeBlocks() {
    this(MAX_COMPUTE_OPS);
  }

  /** With a budget of {@code maxComputeOps} (at least 2) device ops per piece. */
  public SplitLargeBlocks(int maxComputeOps) {
    if (maxComputeOps < 2) {
      throw new IllegalArgumentException("maxComputeOps must be at least 2: " + maxComputeOps);
    }
    this.maxComputeOps = maxComputeOps;
  }

  @Override
  public String name() {
    return "split-large-blocks";
  }

  @Override
  public Function run(Function f, PassContext ctx) {
    ValueInfo info = ValueInfo.compute(f);
    Map<ValueId, Type> types = f.types();
    int[] nextValue = {f.valueCount()};
    // Per block, its pieces' ops (one list for a block that is not cut).
    List<List<List<Op>>> piecesOf = new ArrayList<>();
    for (Block b : f.blocks()) {
      List<Op> compute = new ArrayList<>();
      for (Op op : b.ops()) {
        if (info.placement(op.result()) == Placement.DEVICE && !isSource(op)) {
          compute.add(op);
        }
      }
      // A block that uploads a host scalar is left whole: its host ops may feed its device ops.
      boolean uploads = b.ops().stream().anyMatch(op -> op.name().equals(Partitioner.UPLOAD));
      piecesOf.add(
          compute.size() <= maxComputeOps || uploads
              ? List.of(b.ops())
              : withSources(b, windows(b, cut(compute, types), types, nextValue), info, nextValue));
    }
    return Rewrites.cutBlocks(f, piecesOf);
  }

  /**
   * Weights and constants: device ops without operands whose value is the same wherever they run,
   * copied into each piece that reads them instead of crossing a cut.
   */
  static boolean isSource(Op op) {
    return op.operands().isEmpty()
        && (op.name().equals("weight") || op.name().equals("full") || op.name().equals("arange"));
  }

  /**
   * Cuts {@code compute} (in program order) into pieces of at most the budget, each cut where the
   * fewest bytes cross it among the positions that leave at least half the budget before it; on
   * ties the latest such position.
   *
   * <p>Only bytes that the choice of the cut decides count: values defined in the piece being cut
   * and read again within a budget's length of their definition. A value of an earlier piece is
   * read from that piece wherever this cut falls, and one read further away cannot stay within one
   * piece and crosses some cut anyway. Counting those made every position look cheaper than the one
   * before it in a stretch that consumes earlier values (the second layer of an unrolled two-layer
   * LSTM reads each step's output of the first): such a stretch was always cut at the budget's end,
   * out of step with its loop, and none of its pieces were alike.
   */
  private List<List<Op>> cut(List<Op> compute, Map<ValueId, Type> types) {
    int n = compute.size();
    Map<ValueId, Integer> defAt = new HashMap<>();
    for (int i = 0; i < n; i++) {
      defAt.put(compute.get(i).result(), i);
    }
    // lastUse[d]: the last device op of this block that reads the value defined at d.
    int[] lastUse = new int[n];
    java.util.Arrays.fill(lastUse, -1);
    for (int i = 0; i < n; i++) {
      for (ValueId v : compute.get(i).operands()) {
        Integer d = defAt.get(v);
        if (d != null) {
          lastUse[d] = Math.max(lastUse[d], i);
        }
      }
    }
    List<List<Op>> pieces = new ArrayList<>();
    int start = 0;
    while (n - start > maxComputeOps) {
      int lo = start + Math.max(1, maxComputeOps / 2);
      int hi = start + maxComputeOps;
      // crossing[k - start]: bytes this choice decides at a cut before op k. A value defined at
      // d and last read at u > d crosses every cut k with d < k <= u (a difference array), but
      // only values of this piece that fit in a piece count (see above).
      long[] delta = new long[hi - start + 2];
      for (int d = start; d < hi; d++) {
        if (lastUse[d] > d && lastUse[d] - d <= maxComputeOps) {
          long bytes = bytes(types.get(compute.get(d).result()));
          delta[d + 1 - start] += bytes;
          delta[Math.min(lastUse[d], hi) + 1 - start] -= bytes;
        }
      }
      long[] crossing = new long[hi - start + 1];
      long run = 0;
      for (int k = 0; k <= hi - start; k++) {
        run += delta[k];
        crossing[k] = run;
      }
      int best = hi;
      for (int k = hi; k >= lo; k--) {
        if (crossing[k - start] < crossing[best - start]) {
          best = k;
        }
      }
      pieces.add(compute.subList(start, best));
      start = best;
    }
    pieces.add(compute.subList(start, n));
    return pieces;
  }

  /**
   * Gives the pieces that slice a value defined before the block (the input sequence of an unrolled
   * recurrent loop, {@code x[:, t]}) a window of their own to slice instead, so that pieces that
   * differ only in which time steps they read become alike and are compiled once.
   *
   * <p>In each piece, the {@code strided_slice}s of one such value that agree on every axis but one
   * read a window of it: one slice covering all of theirs along that axis, computed in a window
   * piece placed before the block's first piece, and each of them slices the window at offsets
   * counted from the window's start. A loop of 400 steps over {@code x[:, t]} was 35 pieces, each
   * slicing its own steps and so each compiled; windowed, the pieces after the first are alike.
   * Only where at least two pieces would read a window; a block with more windows than the budget
   * gets several window pieces.
   */
  private List<List<Op>> windows(
      Block b, List<List<Op>> pieces, Map<ValueId, Type> types, int[] nextValue) {
    Set<ValueId> defined = new HashSet<>();
    for (Op op : b.ops()) {
      defined.add(op.result());
    }
    List<List<Op>> rebased = new ArrayList<>();
    List<Op> windowOps = new ArrayList<>();
    int windowed = 0;
    for (List<Op> piece : pieces) {
      // Per sliced value, its slices in this piece, in program order.
      Map<ValueId, List<Op>> groups = new LinkedHashMap<>();
      for (Op op : piece) {
        if (op.name().equals("strided_slice")
            && !defined.contains(op.operands().get(0))
            && types.get(op.operands().get(0)) instanceof Type.TensorType) {
          groups.computeIfAbsent(op.operands().get(0), k -> new ArrayList<>()).add(op);
        }
      }
      Map<ValueId, Op> replaced = new HashMap<>();
      for (Map.Entry<ValueId, List<Op>> g : groups.entrySet()) {
        Type.TensorType x = (Type.TensorType) types.get(g.getKey());
        int axis = windowAxis(g.getValue(), x);
        if (axis < 0) {
          continue;
        }
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (Op s : g.getValue()) {
          lo = Math.min(lo, s.intsAttr("begin")[axis]);
          hi = Math.max(hi, s.intsAttr("end")[axis]);
        }
        Op first = g.getValue().get(0);
        long[] begin = first.intsAttr("begin");
        long[] end = first.intsAttr("end");
        long[] strides = first.intsAttr("strides");
        begin[axis] = lo;
        end[axis] = hi;
        strides[axis] = 1;
        long[] shape = new long[x.rank()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = (end[i] - begin[i] + strides[i] - 1) / strides[i];
        }
        Op window =
            slice(
                new ValueId(nextValue[0]++),
                g.getKey(),
                begin,
                end,
                strides,
                Type.TensorType.of(x.dtype(), shape),
                first);
        windowOps.add(window);
        for (Op s : g.getValue()) {
          long[] localBegin = new long[shape.length];
          long[] localEnd = shape.clone();
          long[] localStrides = new long[shape.length];
          java.util.Arrays.fill(localStrides, 1);
          localBegin[axis] = s.intsAttr("begin")[axis] - lo;
          localEnd[axis] = s.intsAttr("end")[axis] - lo;
          localStrides[axis] = s.intsAttr("strides")[axis];
          replaced.put(
              s.result(),
              slice(s.result(), window.result(), localBegin, localEnd, localStrides, s.type(), s));
        }
      }
      if (!replaced.isEmpty()) {
        windowed++;
      }
      List<Op> ops = new ArrayList<>(piece.size());
      for (Op op : piece) {
        ops.add(replaced.getOrDefault(op.result(), op));
      }
      rebased.add(ops);
    }
    if (windowed < 2) {
      nextValue[0] -= windowOps.size(); // the ids drawn for windows that are not used
      return pieces;
    }
    List<List<Op>> out = new ArrayList<>();
    for (int i = 0; i < windowOps.size(); i += maxComputeOps) {
      out.add(windowOps.subList(i, Math.min(windowOps.size(), i + maxComputeOps)));
    }
    out.addAll(rebased);
    return out;
  }

  /**
   * The axis along which {@code slices} of a value of type {@code x} may share a window: the one
   * axis on which they differ (the others' begin, end and stride agree), or for slices that all
   * agree, the first axis they do not take whole; -1 when there is none.
   */
  private static int windowAxis(List<Op> slices, Type.TensorType x) {
    Op first = slices.get(0);
    int differing = -1;
    for (int i = 0; i < x.rank(); i++) {
      for (Op s : slices) {
        if (s.intsAttr("begin")[i] != first.intsAttr("begin")[i]
            || s.intsAttr("end")[i] != first.intsAttr("end")[i]
            || s.intsAttr("strides")[i] != first.intsAttr("strides")[i]) {
          if (differing >= 0 && differing != i) {
            return -1;
          }
          differing = i;
        }
      }
    }
    if (differing >= 0) {
      return differing;
    }
    for (int i = 0; i < x.rank(); i++) {
      if (first.intsAttr("begin")[i] != 0 || first.intsAttr("end")[i] != x.shape().get(i)) {
        return i;
      }
    }
    return -1;
  }

  private static Op slice(
      ValueId result, ValueId of, long[] begin, long[] end, long[] strides, Type type, Op like) {
    return new Op(
        result,
        "strided_slice",
        ImmutableList.of(of),
        ImmutableSortedMap.of(
            "begin", Attr.ints(begin), "end", Attr.ints(end), "strides", Attr.ints(strides)),
        type,
        like.span());
  }

  private static long bytes(Type t) {
    if (t instanceof Type.TensorType tt) {
      return Math.max(1, tt.numel()) * tt.dtype().byteSize();
    }
    return 8;
  }

  /**
   * The ops of each piece of {@code b}: its device ops cut into {@code pieces}, with the weights
   * and constants each piece reads, and (in the last piece) the block's host ops.
   */
  private static List<List<Op>> withSources(
      Block b, List<List<Op>> pieces, ValueInfo info, int[] nextValue) {
    Map<ValueId, Op> sources = new LinkedHashMap<>();
    List<Op> host = new ArrayList<>();
    for (Op op : b.ops()) {
      if (info.placement(op.result()) != Placement.DEVICE) {
        host.add(op);
      } else if (isSource(op)) {
        sources.put(op.result(), op);
      }
    }
    // Each source op is defined under its own id in the first piece that reads it (or the first
    // piece if only host ops and other blocks read it), and copied under a new id into every later
    // piece that reads it.
    Set<ValueId> placed = new HashSet<>();
    List<List<Op>> out = new ArrayList<>();
    for (List<Op> piece : pieces) {
      List<Op> ops = new ArrayList<>();
      Map<ValueId, ValueId> local = new HashMap<>();
      for (Op op : piece) {
        List<ValueId> operands = new ArrayList<>(op.operands().size());
        for (ValueId v : op.operands()) {
          Op src = sources.get(v);
          if (src != null && !local.containsKey(v)) {
            if (placed.add(v)) {
              ops.add(src);
              local.put(v, v);
            } else {
              ValueId copy = new ValueId(nextValue[0]++);
              ops.add(src.withResult(copy));
              local.put(v, copy);
            }
          }
          operands.add(local.getOrDefault(v, v));
        }
        ops.add(op.withOperands(ImmutableList.copyOf(operands)));
      }
      out.add(ops);
    }
    List<Op> unplaced = new ArrayList<>();
    for (Op src : sources.values()) {
      if (!placed.contains(src.result()) && !info.uses(src.result()).isEmpty()) {
        unplaced.add(src);
      }
    }
    out.get(0).addAll(0, unplaced);
    out.get(out.size() - 1).addAll(host);
    return out;
  }
}
