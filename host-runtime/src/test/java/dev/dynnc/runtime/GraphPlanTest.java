package dev.dynnc.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which graph entries may be bound to the caller's arrays, read from hand-written graph JSON. */
class GraphPlanTest {
  /**
   * Inputs x (node 0) and w (node 1); node 2 = op(x, w); node 3 = reshape nop of node 2; node 4 =
   * op(node 3). Entries are numbered like nodes (one output each). Storage: the nop shares its
   * argument's buffer (id 2), node 4 reuses x's buffer once x is dead (id 0).
   */
  static String graph(String heads) {
    return """
        {"nodes": [
          {"op": "null", "name": "x", "inputs": []},
          {"op": "null", "name": "w", "inputs": []},
          {"op": "tvm_op", "name": "f", "attrs": {"func_name": "f", "num_outputs": "1"},
           "inputs": [[0, 0, 0], [1, 0, 0]]},
          {"op": "tvm_op", "name": "reshape_nop", "attrs": {"func_name": "__nop"},
           "inputs": [[2, 0, 0]]},
          {"op": "tvm_op", "name": "g", "attrs": {"func_name": "g"}, "inputs": [[3, 0, 0]]}
        ],
        "arg_nodes": [0, 1],
        "node_row_ptr": [0, 1, 2, 3, 4, 5],
        "heads": %s,
        "attrs": {"storage_id": ["list_int", [0, 1, 2, 2, 0]]}}
        """
        .formatted(heads);
  }

  @Test
  void anOperatorsOwnOutputAndItsInputsAreBound() {
    GraphPlan p = GraphPlan.of(graph("[[4, 0, 0]]"), 2, 1);
    assertTrue(p.inputBindable(0), "x: read by f only");
    assertTrue(p.inputBindable(1));
    assertTrue(p.outputBindable(0), "g's output, though it reuses x's buffer once x is dead");
  }

  @Test
  void entriesThatAliasThroughAReshapeAreCopied() {
    GraphPlan p = GraphPlan.of(graph("[[2, 0, 0], [3, 0, 0], [4, 0, 0]]"), 2, 3);
    assertFalse(p.outputBindable(0), "f's output is the nop's buffer too");
    assertFalse(p.outputBindable(1), "the nop writes nothing");
    assertTrue(p.outputBindable(2));
  }

  @Test
  void inputsReturnedAsOutputsAndOutputsReturnedTwiceAreCopied() {
    GraphPlan p = GraphPlan.of(graph("[[0, 0, 0], [4, 0, 0], [4, 0, 0]]"), 2, 3);
    assertFalse(p.inputBindable(0), "x is returned as it is");
    assertTrue(p.inputBindable(1));
    assertFalse(p.outputBindable(0), "no operator writes x");
    assertFalse(p.outputBindable(1), "one array per call could not receive both");
    assertFalse(p.outputBindable(2));
  }

  @Test
  void anInputReadByAReshapeIsCopied() {
    String g =
        """
        {"nodes": [
          {"op": "null", "name": "x", "inputs": []},
          {"op": "tvm_op", "name": "reshape_nop", "attrs": {"func_name": "__nop"},
           "inputs": [[0, 0, 0]]},
          {"op": "tvm_op", "name": "g", "attrs": {"func_name": "g"}, "inputs": [[1, 0, 0]]}
        ],
        "arg_nodes": [0], "node_row_ptr": [0, 1, 2, 3], "heads": [[2, 0, 0]],
        "attrs": {"storage_id": ["list_int", [0, 0, 1]]}}
        """;
    GraphPlan p = GraphPlan.of(g, 1, 1);
    assertFalse(p.inputBindable(0), "g reads x's buffer through the nop");
    assertTrue(p.outputBindable(0));
  }

  @Test
  void anythingUnreadableCopiesEverything() {
    for (String bad :
        new String[] {
          "not json",
          "[]",
          "{}",
          graph("[[9, 0, 0]]"), // a head past the last node
          graph("[[4, 3, 0]]"), // an output the node does not have
          graph("[[4, 0, 0]]").replace("[0, 1, 2, 3, 4, 5]", "[0, 1, 2]"),
        }) {
      GraphPlan p = GraphPlan.of(bad, 2, 1);
      assertFalse(p.inputBindable(0) || p.inputBindable(1) || p.outputBindable(0), bad);
    }
    GraphPlan wrongCounts = GraphPlan.of(graph("[[4, 0, 0]]"), 3, 1);
    assertFalse(wrongCounts.inputBindable(0), "the executor has another number of inputs");
  }
}
