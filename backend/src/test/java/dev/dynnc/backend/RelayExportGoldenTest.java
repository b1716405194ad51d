package dev.dynnc.backend;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Type;
import dev.dynnc.rewrite.Partitioner;
import dev.dynnc.rewrite.SubgraphPlan;
import dev.dynnc.semantics.DType;
import dev.dynnc.testing.Golden;
import dev.dynnc.testing.GoldenFile;
import dev.dynnc.weights.WeightTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden tests of {@link RelayExport}: each {@code src/test/resources/golden/relay/*.ir} file holds
 * a function; every subgraph of its partition is exported, and the expectation is the compile
 * request relay_builder.py receives (pretty-printed, the work directory shown as {@code $WORK}) and
 * the contents of the weights file as float32 values.
 *
 * <p>Weight {@code NAME} of {@code n} elements holds {@code 0, 0.5, 1, ...} in the checkpoint,
 * stored as float32 unless a {@code // checkpoint: NAME=float64} directive says otherwise (the
 * export converts it to the IR's dtype). {@code // target: T} sets the target (default {@code
 * llvm}).
 */
class RelayExportGoldenTest {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  @TestFactory
  Stream<DynamicTest> relay() throws Exception {
    return Golden.suite("relay", "ir", RelayExportGoldenTest::export);
  }

  private static String export(GoldenFile g) throws Exception {
    Map<String, DType> stored = new HashMap<>();
    for (String d : g.directives("checkpoint")) {
      String[] kv = d.split("=");
      stored.put(kv[0].trim(), DType.fromNumpyName(kv[1].trim()));
    }
    Partitioner.Result parts = HostRunGoldenTest.partition(g);
    Map<String, WeightTensor> weights = new HashMap<>();
    for (SubgraphPlan sg : parts.subgraphs()) {
      for (Op op : sg.ops()) {
        if (op.name().equals("weight")) {
          weights.put(
              op.strAttr("name"),
              checkpoint(
                  (Type.TensorType) op.type(), stored.getOrDefault(op.strAttr("name"), DType.F32)));
        }
      }
    }
    return Golden.inTempDir(
        work -> {
          StringBuilder sb = new StringBuilder();
          for (SubgraphPlan sg : parts.subgraphs()) {
            Path dir = Files.createDirectories(work.resolve("sg" + sg.index()));
            RelayExport.write(
                sg, weights, g.directive("target").orElse("llvm"), dir, dir.resolve("sg.so"));
            JsonObject request =
                JsonParser.parseString(Files.readString(dir.resolve("request.json")))
                    .getAsJsonObject();
            sb.append("subgraph ").append(sg.index()).append(" request.json:\n");
            for (String key : new TreeSet<>(request.keySet())) {
              JsonElement v = RelayExport.canonical(request.get(key));
              if (v.isJsonArray() && key.equals("ops")) {
                sb.append("  ops:\n");
                v.getAsJsonArray()
                    .forEach(op -> sb.append("    ").append(GSON.toJson(op)).append('\n'));
              } else {
                sb.append("  ")
                    .append(key)
                    .append(": ")
                    .append(GSON.toJson(v).replace(work.toAbsolutePath().toString(), "$WORK"))
                    .append('\n');
              }
            }
            ByteBuffer bin =
                ByteBuffer.wrap(Files.readAllBytes(dir.resolve("weights.bin")))
                    .order(ByteOrder.LITTLE_ENDIAN);
            List<Float> floats = new ArrayList<>();
            while (bin.remaining() >= 4) {
              floats.add(bin.getFloat());
            }
            sb.append("subgraph ")
                .append(sg.index())
                .append(" weights.bin: ")
                .append(floats)
                .append('\n');
          }
          return sb.toString();
        });
  }

  /** A checkpoint tensor of {@code t}'s shape holding 0, 0.5, 1, ... in {@code dtype}. */
  private static WeightTensor checkpoint(Type.TensorType t, DType dtype) {
    long[] shape = t.shape().stream().mapToLong(Long::longValue).toArray();
    int n =
        Math.toIntExact(Stream.of(t.shape().toArray(new Long[0])).reduce(1L, Math::multiplyExact));
    ByteBuffer b = ByteBuffer.allocate(n * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      if (dtype == DType.F64) {
        b.putDouble(i * 0.5);
      } else {
        b.putFloat(i * 0.5f);
      }
    }
    return new WeightTensor(dtype, shape, b.array());
  }
}
