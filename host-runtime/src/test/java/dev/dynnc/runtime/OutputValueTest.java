package dev.dynnc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputValueTest {
  @Test
  void flattensDepthFirstAndNumbersLeavesLikeStructureJson() {
    LinkedHashMap<String, OutputValue> d = new LinkedHashMap<>();
    d.put("z", new OutputValue.Scalar(true));
    d.put(
        "a", new OutputValue.ListV(List.of(OutputValue.NONE, new OutputValue.Scalar(Double.NaN))));
    HostTensor t = HostTensor.ofFloats(new long[] {1, 2}, new float[] {1, 2});
    OutputValue v =
        new OutputValue.Tuple(
            List.of(new OutputValue.Leaf(t), new OutputValue.Scalar(2L), new OutputValue.Dict(d)));

    assertEquals(
        List.of(
            t,
            HostTensor.scalarLong(2),
            HostTensor.scalarBool(true),
            HostTensor.scalarDouble(Double.NaN)),
        v.flattenLeaves());
    assertEquals(
        "{\"type\":\"tuple\",\"items\":["
            + "{\"type\":\"tensor\",\"index\":0,\"dtype\":\"float32\",\"shape\":[1,2]},"
            + "{\"type\":\"int\",\"index\":1,\"value\":2},"
            + "{\"type\":\"dict\",\"keys\":[\"z\",\"a\"],\"items\":["
            + "{\"type\":\"bool\",\"index\":2,\"value\":true},"
            + "{\"type\":\"list\",\"items\":[{\"type\":\"none\"},{\"type\":\"float\",\"index\":3,\"value\":\"NaN\"}]}"
            + "]}]}",
        v.structureJson());
  }

  @Test
  void loneSurrogatesInKeysAreEscapedSoTheJsonIsValidUtf8() {
    LinkedHashMap<String, OutputValue> d = new LinkedHashMap<>();
    d.put("a\uD800b\uDC00\uD83D\uDD11", OutputValue.NONE);
    String json = new OutputValue.Dict(d).structureJson();
    assertEquals(
        "{\"type\":\"dict\",\"keys\":[\"a\\ud800b\\udc00\uD83D\uDD11\"],\"items\":[{\"type\":\"none\"}]}",
        json);
    assertEquals(
        d.keySet().iterator().next(),
        com.google.gson.JsonParser.parseString(json)
            .getAsJsonObject()
            .getAsJsonArray("keys")
            .get(0)
            .getAsString());
  }

  @Test
  void scalarsMustBeLongDoubleOrBoolean() {
    assertThrows(IllegalArgumentException.class, () -> new OutputValue.Scalar(1));
    assertEquals("{\"type\":\"none\"}", OutputValue.NONE.structureJson());
  }

  @Test
  void dictIsImmutableFromOutside() {
    LinkedHashMap<String, OutputValue> d = new LinkedHashMap<>();
    d.put("a", OutputValue.NONE);
    OutputValue.Dict dict = new OutputValue.Dict(d);
    d.put("b", OutputValue.NONE);
    dict.entries().put("c", OutputValue.NONE);
    assertEquals(List.of("a"), List.copyOf(dict.entries().keySet()));
  }
}
