package dev.dynnc.ir;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The structure of a returned Python value: tensors and scalars at the leaves, tuples, lists and
 * dicts (insertion order) above them. Leaves are flattened depth-first, left to right.
 */
public sealed interface OutputTree {
  record Leaf(ValueId value) implements OutputTree {}

  record TupleNode(ImmutableList<OutputTree> items) implements OutputTree {}

  record ListNode(ImmutableList<OutputTree> items) implements OutputTree {}

  record DictNode(ImmutableList<String> keys, ImmutableList<OutputTree> items)
      implements OutputTree {}

  /** Python None. */
  record NoneNode() implements OutputTree {}

  /** Direct sub-trees (empty for leaves and None). */
  default List<OutputTree> children() {
    if (this instanceof TupleNode n) {
      return n.items();
    } else if (this instanceof ListNode n) {
      return n.items();
    } else if (this instanceof DictNode n) {
      return n.items();
    }
    return List.of();
  }

  default List<ValueId> leaves() {
    List<ValueId> out = new ArrayList<>();
    collect(this, out);
    return out;
  }

  private static void collect(OutputTree t, List<ValueId> out) {
    if (t instanceof Leaf l) {
      out.add(l.value());
    } else {
      t.children().forEach(i -> collect(i, out));
    }
  }

  /** Rebuilds the tree with every leaf value replaced. */
  default OutputTree mapLeaves(UnaryOperator<ValueId> f) {
    if (this instanceof Leaf l) {
      return new Leaf(f.apply(l.value()));
    } else if (this instanceof TupleNode n) {
      return new TupleNode(map(n.items(), f));
    } else if (this instanceof ListNode n) {
      return new ListNode(map(n.items(), f));
    } else if (this instanceof DictNode n) {
      return new DictNode(n.keys(), map(n.items(), f));
    }
    return this;
  }

  private static ImmutableList<OutputTree> map(
      ImmutableList<OutputTree> items, UnaryOperator<ValueId> f) {
    return items.stream().map(i -> i.mapLeaves(f)).collect(ImmutableList.toImmutableList());
  }
}
