package dev.dynnc.compiler;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.dynnc.runtime.HostTensor;
import dev.dynnc.runtime.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The constants of a native host program's library (rule NATIVE-HOST): the weights as TVM folded
 * them for their kernels (pre-packed, batch norm folded in), each distinct one once however many
 * subgraphs hold it. relay_builder.py writes them beside the library ({@code params.bin}, with a
 * JSON index of dtype, shape and offset); they go into the bundle's weights file with the weights
 * the subgraphs share, and the runtime binds each once, read in place by every executor. Linked
 * into each subgraph's kernels instead, a decoder step that three subgraphs repeat carried its
 * weights three times (caption_decoder: 239 KB of constant data for 124 KB of weights).
 *
 * @param weights each constant's manifest entry: a key of its own and its offset in {@code blob}
 * @param blob the constants' bytes, little-endian
 */
record NativeParams(List<Manifest.WeightSpec> weights, byte[] blob) {

  static final NativeParams NONE = new NativeParams(List.of(), new byte[0]);

  /** The graph input of constant {@code j} of the native library. */
  static String input(int j) {
    return "np" + j;
  }

  /**
   * Reads the constants relay_builder.py wrote; each gets a key that none of {@code taken} (the
   * checkpoint keys of the shared weights) has.
   *
   * @throws IOException where the files are unreadable or the index does not describe the blob
   */
  static NativeParams read(Path bin, Path index, Set<String> taken) throws IOException {
    byte[] blob = Files.readAllBytes(bin);
    JsonArray entries;
    try {
      entries = JsonParser.parseString(Files.readString(index)).getAsJsonArray();
    } catch (RuntimeException e) {
      throw new IOException("the native library's constant index is not a JSON list", e);
    }
    String prefix = "(folded constant ";
    while (startsWithAny(taken, prefix)) {
      prefix = "(" + prefix;
    }
    List<Manifest.WeightSpec> out = new ArrayList<>();
    for (JsonElement el : entries) {
      try {
        JsonObject o = el.getAsJsonObject();
        String dtype = o.get("dtype").getAsString();
        JsonArray dims = o.getAsJsonArray("shape");
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = dims.get(i).getAsLong();
        }
        long offset = o.get("offset").getAsLong();
        long bytes = HostTensor.numel(shape) * HostTensor.itemSize(dtype);
        if (offset < 0 || offset + bytes > blob.length) {
          throw new IOException("constant " + out.size() + " lies outside the native library's");
        }
        out.add(new Manifest.WeightSpec(prefix + out.size() + ")", dtype, shape, offset));
      } catch (RuntimeException e) {
        throw new IOException("bad entry in the native library's constant index: " + el, e);
      }
    }
    return new NativeParams(List.copyOf(out), blob);
  }

  private static boolean startsWithAny(Set<String> keys, String prefix) {
    return keys.stream().anyMatch(k -> k.startsWith(prefix));
  }

  /** The bytes of constant {@code j}. */
  byte[] bytes(int j) {
    Manifest.WeightSpec w = weights.get(j);
    int n = (int) (HostTensor.numel(w.shape()) * HostTensor.itemSize(w.dtype()));
    return java.util.Arrays.copyOfRange(blob, (int) w.offset(), (int) w.offset() + n);
  }
}
