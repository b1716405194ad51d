package dev.dynnc.weights;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint whose keys lose a prefix, as {@code torch.nn.modules.utils
 * .consume_prefix_in_state_dict_if_present} does: the view of a {@code nn.DataParallel} model's
 * state dict (every key {@code module.NAME}) under the names of the model it wraps.
 *
 * <p>Keys without the prefix keep their names, as in PyTorch; but a prefix that no key has is an
 * error, and so is a stripped key that equals another key, since one of the two tensors would be
 * silently dropped.
 */
final class PrefixStripped extends Checkpoint {

  private final Checkpoint inner;

  /** The file's key for each new name. */
  private final Map<String, String> original = new LinkedHashMap<>();

  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

  PrefixStripped(Checkpoint inner, String prefix) throws CheckpointException {
    super(inner.name);
    this.inner = inner;
    boolean any = false;
    for (Map.Entry<String, Entry> e : inner.entries().entrySet()) {
      String key = e.getKey();
      boolean has = key.startsWith(prefix);
      any |= has;
      String renamed = has ? key.substring(prefix.length()) : key;
      String clash = original.putIfAbsent(renamed, key);
      if (clash != null) {
        throw new CheckpointException(
            name
                + ": with --strip-prefix '"
                + RestrictedUnpickler.printable(prefix)
                + "', keys '"
                + RestrictedUnpickler.printable(clash)
                + "' and '"
                + RestrictedUnpickler.printable(key)
                + "' both become '"
                + RestrictedUnpickler.printable(renamed)
                + "'");
      }
      entries.put(renamed, e.getValue());
    }
    if (!any && !entries.isEmpty()) {
      throw new CheckpointException(
          name
              + ": --strip-prefix '"
              + RestrictedUnpickler.printable(prefix)
              + "' starts none of the checkpoint's keys, such as "
              + TorchZipReader.quoted(List.copyOf(entries.keySet()).subList(0, 1)));
    }
  }

  @Override
  public LinkedHashMap<String, Entry> entries() {
    return entries;
  }

  /**
   * Loads under the file's names, so that the inner reader's budget and messages apply as they are.
   */
  @Override
  LinkedHashMap<String, WeightTensor> read(List<String> keys)
      throws CheckpointException, IOException {
    List<String> fileKeys = new ArrayList<>();
    keys.forEach(k -> fileKeys.add(original.get(k)));
    LinkedHashMap<String, WeightTensor> loaded = inner.load(fileKeys);
    LinkedHashMap<String, WeightTensor> out = new LinkedHashMap<>();
    for (String k : keys) {
      out.put(k, loaded.get(original.get(k)));
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
