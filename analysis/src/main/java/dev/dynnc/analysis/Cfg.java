package dev.dynnc.analysis;

import dev.dynnc.graph.Dominators;
import dev.dynnc.ir.Block;
import dev.dynnc.ir.BlockId;
import dev.dynnc.ir.Function;
import java.util.ArrayList;
import java.util.List;

/**
 * The control-flow graph of a function: successors, predecessors, reverse postorder, dominators and
 * post-dominators (the latter from a virtual exit joining every {@code ret}).
 */
public final class Cfg {
  private final int[][] succ;
  private final int[][] pred;
  private final Dominators dom;
  private final Dominators postDom;
  private final int exit;

  private Cfg(Function f) {
    int n = f.blocks().size();
    succ = new int[n][];
    List<List<Integer>> preds = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      preds.add(new ArrayList<>());
    }
    for (Block b : f.blocks()) {
      succ[b.id().index()] =
          b.terminator().successors().stream().mapToInt(BlockId::index).toArray();
      for (int s : succ[b.id().index()]) {
        preds.get(s).add(b.id().index());
      }
    }
    pred = new int[n][];
    for (int i = 0; i < n; i++) {
      pred[i] = preds.get(i).stream().mapToInt(Integer::intValue).toArray();
    }
    dom = Dominators.compute(n, 0, i -> succ[i]);
    // Reverse graph with a virtual exit node n whose reverse successors are the returning blocks.
    exit = n;
    List<Integer> rets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (succ[i].length == 0) {
        rets.add(i);
      }
    }
    int[] exitSucc = rets.stream().mapToInt(Integer::intValue).toArray();
    postDom = Dominators.compute(n + 1, exit, i -> i == exit ? exitSucc : pred[i]);
  }

  public static Cfg of(Function f) {
    return new Cfg(f);
  }

  public int size() {
    return succ.length;
  }

  public int[] successors(int block) {
    return succ[block].clone();
  }

  public int[] predecessors(int block) {
    return pred[block].clone();
  }

  public int[] reversePostorder() {
    return dom.reversePostorder();
  }

  public boolean isReachable(int block) {
    return dom.isReachable(block);
  }

  public boolean dominates(int a, int b) {
    return dom.dominates(a, b);
  }

  /** Immediate dominator; the entry's is itself. */
  public int idom(int block) {
    return dom.idom(block);
  }

  /** Whether every path from {@code b} to a return passes through {@code a}. */
  public boolean postDominates(int a, int b) {
    return postDom.dominates(a, b);
  }

  /**
   * Immediate post-dominator, or -1 when it is the virtual exit (the block returns on some path
   * alone).
   */
  public int ipostdom(int block) {
    int p = postDom.idom(block);
    return p == exit ? -1 : p;
  }
}
