package dev.dynnc.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DominatorsTest {
  @Test
  void diamondWithLoop() {
    // 0 -> 1, 2; 1 -> 3; 2 -> 3; 3 -> 1 (loop), 4; 5 unreachable
    int[][] succ = {{1, 2}, {3}, {3}, {1, 4}, {}, {4}};
    Dominators d = Dominators.compute(6, 0, i -> succ[i]);
    assertEquals(0, d.idom(1));
    assertEquals(0, d.idom(2));
    assertEquals(0, d.idom(3));
    assertEquals(3, d.idom(4));
    assertTrue(d.dominates(3, 4));
    assertFalse(d.dominates(1, 3));
    assertFalse(d.isReachable(5));
    assertArrayEquals(new int[] {0, 2, 1, 3, 4}, d.reversePostorder());
  }

  @Test
  void deepChainDoesNotOverflowTheStack() {
    int n = 200_000;
    Dominators d = Dominators.compute(n, 0, i -> i + 1 < n ? new int[] {i + 1} : new int[0]);
    assertEquals(n - 2, d.idom(n - 1));
    assertTrue(d.dominates(0, n - 1));
  }
}
