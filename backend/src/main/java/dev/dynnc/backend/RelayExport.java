package dev.dynnc.backend;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.OpDef;
import dev.dynnc.ir.Ops;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.ValueId;
import dev.dynnc.rewrite.SubgraphPlan;
import dev.dynnc.weights.WeightTensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a subgraph as a compile request for relay_builder.py: JSON ops, the Relay lowering of each
 * op name they use (from the op table), plus a raw weights file.
 */
public final class RelayExport {
  /**
   * The request's fields that name files of this one compile rather than describe what is compiled:
   * the compile cache leaves them out of its key (the weights file's content goes in instead).
   */
  public static final List<String> PATH_FIELDS =
      List.of("weights_file", "output", "relay_file", "error_file");

  private RelayExport() {}

  public static void write(
      SubgraphPlan sg, Map<String, WeightTensor> weights, String target, Path dir, Path output)
      throws IOException {
    write(sg, weights, target, dir, output, null, null, false);
  }

  /**
   * Writes the request with the given boundary layouts: {@code inputLayouts[i]} is the layout in
   * which input i arrives and {@code outputLayouts[j]} the one in which output j leaves (null
   * arrays or entries: NCHW, as the IR has it). With {@code queryLayouts}, the request asks the
   * worker only where TVM's layout pass wants the subgraph's boundaries blocked ({@code
   * BoundaryLayouts}); the answer, JSON, goes to {@code output}.
   */
  public static void write(
      SubgraphPlan sg,
      Map<String, WeightTensor> weights,
      String target,
      Path dir,
      Path output,
      String[] inputLayouts,
      String[] outputLayouts,
      boolean queryLayouts)
      throws IOException {
    Map<String, Object> req = new LinkedHashMap<>();
    List<Object> inputs = new ArrayList<>();
    Map<String, Object> shapes = new LinkedHashMap<>();
    for (int i = 0; i < sg.inputs().size(); i++) {
      Param p = sg.inputs().get(i);
      Type.TensorType t = (Type.TensorType) p.type();
      Map<String, Object> in = new LinkedHashMap<>();
      in.put("id", p.id().index());
      in.put("dtype", t.dtype().numpyName());
      in.put("shape", t.shape());
      if (inputLayouts != null && inputLayouts[i] != null) {
        in.put("layout", inputLayouts[i]);
      }
      inputs.add(in);
      shapes.put(String.valueOf(p.id().index()), t.shape());
    }
    List<Object> weightInputs = new ArrayList<>();
    for (SubgraphPlan.SharedWeight w : sg.sharedWeights()) {
      weightInputs.add(
          Map.of(
              "id",
              w.id().index(),
              "name",
              inputName(w),
              "dtype",
              w.type().dtype().numpyName(),
              "shape",
              w.type().shape()));
      shapes.put(String.valueOf(w.id().index()), w.type().shape());
    }
    List<Object> ops = new ArrayList<>();
    Map<String, Object> lowerings = new LinkedHashMap<>();
    Map<String, Object> weightIndex = new LinkedHashMap<>();
    Map<ValueId, Type> types = new LinkedHashMap<>();
    sg.inputs().forEach(p -> types.put(p.id(), p.type()));
    sg.sharedWeights().forEach(w -> types.put(w.id(), w.type()));
    Path weightsFile = dir.resolve("weights.bin");
    try (OutputStream w = Files.newOutputStream(weightsFile)) {
      long offset = 0;
      for (Op op : sg.ops()) {
        Type.TensorType t = (Type.TensorType) op.type();
        types.put(op.result(), t);
        shapes.put(String.valueOf(op.result().index()), t.shape());
        Map<String, Object> attrs = new LinkedHashMap<>();
        op.attrs().forEach((k, v) -> attrs.put(k, attrValue(v)));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", op.result().index());
        o.put("op", op.name());
        o.put("args", op.operands().stream().map(ValueId::index).toList());
        o.put("attrs", attrs);
        o.put("dtype", t.dtype().numpyName());
        o.put("shape", t.shape());
        ops.add(o);
        lowerings.computeIfAbsent(op.name(), RelayExport::lowering);
        if (op.name().equals("weight")) {
          String name = op.strAttr("name");
          if (!weightIndex.containsKey(name)) {
            WeightTensor wt = weights.get(name);
            if (wt == null) {
              throw new IllegalStateException("weight '" + name + "' was not bound");
            }
            byte[] data = toDtype(wt, t);
            w.write(data);
            weightIndex.put(
                name, Map.of("offset", offset, "dtype", t.dtype().numpyName(), "shape", t.shape()));
            offset += data.length;
          }
        }
      }
    }
    List<Object> outTypes = new ArrayList<>();
    for (ValueId v : sg.outputs()) {
      Type.TensorType t = (Type.TensorType) types.get(v);
      outTypes.add(Map.of("dtype", t.dtype().numpyName(), "shape", t.shape()));
    }
    req.put("inputs", inputs);
    req.put("weight_inputs", weightInputs);
    req.put("ops", ops);
    req.put("lowerings", lowerings);
    req.put("outputs", sg.outputs().stream().map(ValueId::index).toList());
    req.put("output_types", outTypes);
    if (outputLayouts != null && java.util.Arrays.stream(outputLayouts).anyMatch(l -> l != null)) {
      req.put("output_layouts", java.util.Arrays.asList(outputLayouts));
    }
    if (queryLayouts) {
      req.put("query", "layouts");
    }
    req.put("shapes", shapes);
    req.put("weights", weightIndex);
    req.put("weights_file", weightsFile.toAbsolutePath().toString());
    req.put("target", target);
    req.put("output", output.toAbsolutePath().toString());
    req.put("relay_file", dir.resolve("relay.txt").toAbsolutePath().toString());
    req.put("error_file", dir.resolve("error.txt").toAbsolutePath().toString());
    Gson gson = new GsonBuilder().serializeSpecialFloatingPointValues().create();
    Files.writeString(dir.resolve("request.json"), gson.toJson(req));
  }

  /**
   * An op's Relay lowering from the op table, as relay_builder.py reads it: {@code {"special":
   * NAME}} for a named function of its {@code _SPECIAL} table, else {@code {"fn": "nn.softmax",
   * "attrs": {"axis": "axis"}, "consts": {...}, "list": true}} for a plain call whose keywords take
   * op attributes and fixed values.
   */
  static Map<String, Object> lowering(String op) {
    OpDef.Lowering l =
        Ops.get(op)
            .map(OpDef::lowering)
            .orElseThrow(() -> new IllegalStateException("unknown op '" + op + "'"));
    Map<String, Object> out = new LinkedHashMap<>();
    if (l instanceof OpDef.Lowering.Special s) {
      out.put("special", s.name());
    } else if (l instanceof OpDef.Lowering.Relay r) {
      out.put("fn", r.fn());
      if (!r.attrs().isEmpty()) {
        out.put("attrs", r.attrs());
      }
      if (!r.consts().isEmpty()) {
        out.put("consts", r.consts());
      }
      if (r.listOperands()) {
        out.put("list", true);
      }
    } else {
      throw new IllegalStateException(
          "op '" + op + "' runs on the host only and cannot be in a subgraph");
    }
    return out;
  }

  /**
   * The JSON value with every object's members in name order. A request's member order carries no
   * meaning and is not stable (parts are written from {@code Map.of}, whose order differs between
   * JVMs): compare or hash this form.
   */
  public static JsonElement canonical(JsonElement e) {
    if (e.isJsonObject()) {
      JsonObject sorted = new JsonObject();
      new TreeMap<>(e.getAsJsonObject().asMap()).forEach((k, v) -> sorted.add(k, canonical(v)));
      return sorted;
    }
    if (e.isJsonArray()) {
      JsonArray a = new JsonArray();
      e.getAsJsonArray().forEach(x -> a.add(canonical(x)));
      return a;
    }
    return e;
  }

  /** The graph executor input that receives a shared weight. */
  public static String inputName(SubgraphPlan.SharedWeight w) {
    return "w" + w.id().index();
  }

  /** Checkpoint data in the dtype the IR declares for a weight. */
  public static byte[] weightBytes(WeightTensor w, Type.TensorType t) {
    return toDtype(w, t);
  }

  private static Object attrValue(Attr a) {
    if (a instanceof Attr.IntAttr i) {
      return i.value();
    } else if (a instanceof Attr.FloatAttr f) {
      return f.value();
    } else if (a instanceof Attr.BoolAttr b) {
      return b.value();
    } else if (a instanceof Attr.StrAttr s) {
      return s.value();
    }
    return ((Attr.IntsAttr) a).values();
  }

  /**
   * Checkpoint data converted to the dtype the IR declares for the weight (float32 almost always).
   */
  private static byte[] toDtype(WeightTensor w, Type.TensorType t) {
    if (w.dtype() == t.dtype()) {
      return w.data();
    }
    if (t.dtype() == dev.dynnc.semantics.DType.F32) {
      float[] f = w.toFloatArray();
      java.nio.ByteBuffer bb =
          java.nio.ByteBuffer.allocate(f.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      bb.asFloatBuffer().put(f);
      return bb.array();
    }
    throw new IllegalStateException(
        "weight dtype " + w.dtype() + " cannot be used as " + t.dtype());
  }
}
