package dev.dynnc.runtime;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.HashMap;
import java.util.Map;

/**
 * Which inputs and outputs of a TVM graph executor may be bound to the caller's arrays ({@code
 * set_input_zero_copy}, {@code set_output_zero_copy}) instead of being copied, read from the
 * executor's graph JSON.
 *
 * <p>Binding an array only redirects the data pointers of the operators that read the input or
 * write the output (and read the output afterwards). That is enough unless the entry aliases
 * another by design: TVM's memory plan makes a {@code reshape} a {@code __nop} whose result is its
 * argument's buffer, so binding either side would leave the other reading or returning the
 * executor's own, stale, buffer. An output that is an input of the graph is written by no operator
 * at all, and an entry returned twice would be bound to two arrays of which one is never written.
 * Such entries are copied as before. (Entries that merely reuse a buffer another entry no longer
 * needs are safe to bind: the other entry keeps the executor's buffer to itself.) Anything this
 * class cannot read makes every entry copied: binding is an optimisation, never needed for a
 * correct result.
 */
final class GraphPlan {
  private final boolean[] inputBindable;
  private final boolean[] outputBindable;

  private GraphPlan(boolean[] inputBindable, boolean[] outputBindable) {
    this.inputBindable = inputBindable;
    this.outputBindable = outputBindable;
  }

  /** A plan in which nothing is bound: every input and output is copied. */
  static GraphPlan copyAll(int inputs, int outputs) {
    return new GraphPlan(new boolean[inputs], new boolean[outputs]);
  }

  /**
   * Reads {@code graphJson} of an executor with {@code inputs} inputs (in the executor's order,
   * weights included) and {@code outputs} outputs; a graph it cannot read, or whose counts differ,
   * gives {@link #copyAll}.
   */
  static GraphPlan of(String graphJson, int inputs, int outputs) {
    try {
      GraphPlan p = parse(graphJson);
      if (p.inputBindable.length == inputs && p.outputBindable.length == outputs) {
        return p;
      }
    } catch (RuntimeException e) { // malformed JSON or an unexpected shape: copy everything
    }
    return copyAll(inputs, outputs);
  }

  /** Whether the executor's input {@code index} may be bound to the caller's array. */
  boolean inputBindable(int index) {
    return inputBindable[index];
  }

  /** Whether output {@code index} may be bound to the caller's array. */
  boolean outputBindable(int index) {
    return outputBindable[index];
  }

  private static GraphPlan parse(String graphJson) {
    JsonObject g = JsonParser.parseString(graphJson).getAsJsonObject();
    JsonArray nodes = g.getAsJsonArray("nodes");
    JsonArray rowPtr = g.getAsJsonArray("node_row_ptr");
    JsonArray argNodes = g.getAsJsonArray("arg_nodes");
    JsonArray heads = g.getAsJsonArray("heads");
    JsonArray storage =
        g.getAsJsonObject("attrs").getAsJsonArray("storage_id").get(1).getAsJsonArray();
    int entries = storage.size();
    if (rowPtr.size() != nodes.size() + 1 || rowPtr.get(nodes.size()).getAsInt() != entries) {
      throw new IllegalArgumentException("node_row_ptr does not match the storage plan");
    }
    boolean[] readByNop = new boolean[entries];
    boolean[] writtenByOp = new boolean[entries];
    for (int n = 0; n < nodes.size(); n++) {
      JsonObject node = nodes.get(n).getAsJsonObject();
      if (node.get("op").getAsString().equals("null")) {
        continue;
      }
      String func = node.getAsJsonObject("attrs").get("func_name").getAsString();
      boolean real = !func.equals("__nop");
      for (int e = rowPtr.get(n).getAsInt(); e < rowPtr.get(n + 1).getAsInt(); e++) {
        writtenByOp[e] = real;
      }
      if (!real) {
        for (JsonElement in : node.getAsJsonArray("inputs")) {
          readByNop[entry(rowPtr, in.getAsJsonArray())] = true;
        }
      }
    }
    int[] headEntries = new int[heads.size()];
    Map<Integer, Integer> returned = new HashMap<>();
    for (int i = 0; i < headEntries.length; i++) {
      headEntries[i] = entry(rowPtr, heads.get(i).getAsJsonArray());
      returned.merge(headEntries[i], 1, Integer::sum);
    }
    boolean[] in = new boolean[argNodes.size()];
    for (int i = 0; i < in.length; i++) {
      int e = rowPtr.get(argNodes.get(i).getAsInt()).getAsInt();
      in[i] = !readByNop[e] && !returned.containsKey(e);
    }
    boolean[] out = new boolean[headEntries.length];
    for (int i = 0; i < out.length; i++) {
      int e = headEntries[i];
      out[i] = writtenByOp[e] && !readByNop[e] && returned.get(e) == 1;
    }
    return new GraphPlan(in, out);
  }

  /** The data entry of {@code ref}, a {@code [node, output, version]} reference. */
  private static int entry(JsonArray rowPtr, JsonArray ref) {
    int node = ref.get(0).getAsInt();
    int e = rowPtr.get(node).getAsInt() + ref.get(1).getAsInt();
    if (e >= rowPtr.get(node + 1).getAsInt()) {
      throw new IllegalArgumentException("reference to output " + ref.get(1) + " of node " + node);
    }
    return e;
  }
}
