package dev.dynnc.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Immediate dominators of a rooted directed graph whose nodes are {@code 0..n-1}.
 *
 * <p>Algorithm: Cooper, Harvey and Kennedy, "A Simple, Fast Dominance Algorithm" (2001) — iterate
 * {@code idom(b) = intersect(processed preds)} in reverse postorder to a fixed point.
 * Post-dominators are dominators of the reversed graph from a virtual exit. Iterative throughout:
 * no recursion over the graph, so deep CFGs cannot overflow the stack.
 */
public final class Dominators {
  private final int[] idom;
  private final int[] rpoIndex;
  private final int[] rpo;

  private Dominators(int[] idom, int[] rpoIndex, int[] rpo) {
    this.idom = idom;
    this.rpoIndex = rpoIndex;
    this.rpo = rpo;
  }

  /** Computes dominators from {@code root}; unreachable nodes get idom -1. */
  public static Dominators compute(int n, int root, IntFunction<int[]> successors) {
    int[] order = reversePostorder(n, root, successors);
    int[] index = new int[n];
    Arrays.fill(index, -1);
    for (int i = 0; i < order.length; i++) {
      index[order[i]] = i;
    }
    List<List<Integer>> preds = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      preds.add(new ArrayList<>());
    }
    for (int v : order) {
      for (int s : successors.apply(v)) {
        preds.get(s).add(v);
      }
    }
    int[] idom = new int[n];
    Arrays.fill(idom, -1);
    idom[root] = root;
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int i = 1; i < order.length; i++) {
        int b = order[i];
        int newIdom = -1;
        for (int p : preds.get(b)) {
          if (idom[p] == -1) {
            continue;
          }
          newIdom = newIdom == -1 ? p : intersect(p, newIdom, idom, index);
        }
        if (newIdom != idom[b]) {
          idom[b] = newIdom;
          changed = true;
        }
      }
    }
    return new Dominators(idom, index, order);
  }

  private static int intersect(int a, int b, int[] idom, int[] index) {
    while (a != b) {
      while (index[a] > index[b]) {
        a = idom[a];
      }
      while (index[b] > index[a]) {
        b = idom[b];
      }
    }
    return a;
  }

  /** Nodes reachable from root in reverse postorder (iterative DFS). */
  public static int[] reversePostorder(int n, int root, IntFunction<int[]> successors) {
    boolean[] seen = new boolean[n];
    int[] post = new int[n];
    int count = 0;
    Deque<int[]> stack = new ArrayDeque<>(); // {node, next successor position}
    stack.push(new int[] {root, 0});
    seen[root] = true;
    while (!stack.isEmpty()) {
      int[] top = stack.peek();
      int[] succ = successors.apply(top[0]);
      if (top[1] < succ.length) {
        int s = succ[top[1]++];
        if (!seen[s]) {
          seen[s] = true;
          stack.push(new int[] {s, 0});
        }
      } else {
        post[count++] = top[0];
        stack.pop();
      }
    }
    int[] rpo = new int[count];
    for (int i = 0; i < count; i++) {
      rpo[i] = post[count - 1 - i];
    }
    return rpo;
  }

  public boolean isReachable(int node) {
    return rpoIndex[node] >= 0;
  }

  /** Immediate dominator, the root for the root itself, -1 if unreachable. */
  public int idom(int node) {
    return idom[node];
  }

  /** Whether {@code a} dominates {@code b} (reflexive). */
  public boolean dominates(int a, int b) {
    if (!isReachable(a) || !isReachable(b)) {
      return false;
    }
    int x = b;
    while (true) {
      if (x == a) {
        return true;
      }
      int up = idom[x];
      if (up == x) {
        return false;
      }
      x = up;
    }
  }

  /** Reachable nodes in reverse postorder. */
  public int[] reversePostorder() {
    return rpo.clone();
  }
}
