package dev.dynnc.runtime;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;

/**
 * Represents a model's result in Java memory: the nested tuple/list/dict structure a PyTorch {@code
 * forward} returns, with tensors and Python scalars at the leaves.
 *
 * <p>{@link #flattenLeaves()} and {@link #structureJson()} agree on leaf numbering, so a result can
 * be saved as {@code output_<index>.npy} files plus a JSON description from which the structure can
 * be rebuilt.
 */
public sealed interface OutputValue
    permits OutputValue.Leaf,
        OutputValue.Scalar,
        OutputValue.Tuple,
        OutputValue.ListV,
        OutputValue.Dict,
        OutputValue.None {

  /** Python's {@code None}. */
  None NONE = new None();

  /** A tensor. */
  record Leaf(HostTensor tensor) implements OutputValue {
    public Leaf {
      Objects.requireNonNull(tensor, "tensor");
    }
  }

  /** A Python scalar: a {@link Long}, {@link Double} or {@link Boolean}. */
  record Scalar(Object value) implements OutputValue {
    public Scalar {
      if (!(value instanceof Long || value instanceof Double || value instanceof Boolean)) {
        throw new IllegalArgumentException(
            "a scalar is a Long, Double or Boolean, got "
                + (value == null ? "null" : value.getClass().getName()));
      }
    }

    /** The scalar as a 0-d int64, float64 or bool tensor. */
    public HostTensor toTensor() {
      if (value instanceof Long l) {
        return HostTensor.scalarLong(l);
      }
      if (value instanceof Double d) {
        return HostTensor.scalarDouble(d);
      }
      return HostTensor.scalarBool((Boolean) value);
    }

    String typeName() {
      return value instanceof Long ? "int" : value instanceof Double ? "float" : "bool";
    }
  }

  record Tuple(List<OutputValue> items) implements OutputValue {
    public Tuple {
      items = List.copyOf(items);
    }
  }

  record ListV(List<OutputValue> items) implements OutputValue {
    public ListV {
      items = List.copyOf(items);
    }
  }

  /**
   * A dict with string keys, in insertion order; the map is copied in and out so the value stays
   * immutable.
   */
  record Dict(LinkedHashMap<String, OutputValue> entries) implements OutputValue {
    public Dict {
      entries = new LinkedHashMap<>(entries);
      entries.values().forEach(v -> Objects.requireNonNull(v, "dict value"));
    }

    @Override
    public LinkedHashMap<String, OutputValue> entries() {
      return new LinkedHashMap<>(entries);
    }
  }

  record None() implements OutputValue {}

  /** The tensors and scalars in depth-first order (dicts in insertion order); None is skipped. */
  default List<HostTensor> flattenLeaves() {
    List<HostTensor> out = new ArrayList<>();
    describe(this, out);
    return out;
  }

  /**
   * The leaves in the order of {@link #flattenLeaves()}, as values: a {@link HostTensor} for a
   * tensor and a {@link Long}, {@link Double} or {@link Boolean} for a Python scalar (exact, where
   * {@link #flattenLeaves()} turns scalars into 0-d tensors). Typed APIs generated from a manifest
   * read their fields from here by leaf number.
   */
  default List<Object> leafValues() {
    List<Object> out = new ArrayList<>();
    collectValues(this, out);
    return out;
  }

  private static void collectValues(OutputValue v, List<Object> out) {
    if (v instanceof Leaf leaf) {
      out.add(leaf.tensor());
    } else if (v instanceof Scalar s) {
      out.add(s.value());
    } else if (v instanceof Tuple t) {
      t.items().forEach(i -> collectValues(i, out));
    } else if (v instanceof ListV l) {
      l.items().forEach(i -> collectValues(i, out));
    } else if (v instanceof Dict d) {
      d.entries().values().forEach(i -> collectValues(i, out));
    }
  }

  /**
   * A compact JSON description of the structure whose {@code index} fields number the leaves as
   * {@link #flattenLeaves()} does, e.g. {@code
   * {"type":"tuple","items":[{"type":"tensor","index":0,"dtype":"float32","shape":[1,10]},
   * {"type":"int","index":1,"value":2}]}}. Dicts are {@code
   * {"type":"dict","keys":[...],"items":[...]}}; None is {@code {"type":"none"}}; non-finite floats
   * are written as strings ({@code "NaN"}) to stay valid JSON; lone surrogates in keys are written
   * as {@code \\uXXXX} escapes so the text is valid UTF-8.
   */
  default String structureJson() {
    return IoUtil.escapeLoneSurrogates(describe(this, new ArrayList<>()).toString());
  }

  private static JsonElement describe(OutputValue v, List<HostTensor> leaves) {
    JsonObject o = new JsonObject();
    if (v instanceof Leaf leaf) {
      HostTensor t = leaf.tensor();
      o.addProperty("type", "tensor");
      o.addProperty("index", leaves.size());
      o.addProperty("dtype", t.dtype());
      JsonArray shape = new JsonArray();
      for (long d : t.shape()) {
        shape.add(d);
      }
      o.add("shape", shape);
      leaves.add(t);
    } else if (v instanceof Scalar s) {
      o.addProperty("type", s.typeName());
      o.addProperty("index", leaves.size());
      if (s.value() instanceof Double d && !Double.isFinite(d)) {
        o.addProperty("value", d.toString());
      } else if (s.value() instanceof Boolean b) {
        o.addProperty("value", b);
      } else {
        o.addProperty("value", (Number) s.value());
      }
      leaves.add(s.toTensor());
    } else if (v instanceof Tuple t) {
      o.addProperty("type", "tuple");
      o.add("items", describeAll(t.items(), leaves));
    } else if (v instanceof ListV l) {
      o.addProperty("type", "list");
      o.add("items", describeAll(l.items(), leaves));
    } else if (v instanceof Dict d) {
      o.addProperty("type", "dict");
      JsonArray keys = new JsonArray();
      d.entries().keySet().forEach(keys::add);
      o.add("keys", keys);
      o.add("items", describeAll(new ArrayList<>(d.entries().values()), leaves));
    } else {
      o.addProperty("type", "none");
    }
    return o;
  }

  private static JsonArray describeAll(List<OutputValue> items, List<HostTensor> leaves) {
    JsonArray a = new JsonArray();
    for (OutputValue item : items) {
      a.add(describe(item, leaves));
    }
    return a;
  }
}
