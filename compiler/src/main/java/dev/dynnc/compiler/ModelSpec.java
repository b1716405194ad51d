package dev.dynnc.compiler;

import dev.dynnc.weights.Checkpoints;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * One model's compile settings as written in a {@code dynnc.yaml} file: what the flags of {@code
 * dynnc compile} hold, shared by the CLI ({@code --spec}) and the Maven plugin.
 *
 * <pre>{@code
 * name: early_exit_cnn                # optional; default: the spec's directory name
 * source-root: .                      # relative to this file
 * entry: models.sdn:build_model(num_classes=10)
 * method: forward                     # optional
 * inputs:
 *   x: float32[1,3,32,32]
 * weights: checkpoint.pt              # relative to this file
 * weights-key: state_dict             # optional; the checkpoint's entry holding the tensors
 * strip-prefix: module.               # optional; removed from the checkpoint's keys
 * target: llvm                        # optional
 * compile-timeout: 600                # seconds, optional
 * max-errors: 20                      # optional
 * tune: 600                           # seconds of auto-scheduler tuning, optional (default: none)
 * }</pre>
 *
 * <p>The file is data: it is read with SnakeYAML's safe loader into scalars, lists and maps only
 * (no tags, no objects), with limits on size, aliases and nesting, and every key and value is
 * checked here with its line and column, so a typo is an error, never a silently ignored setting.
 * Paths are resolved against the spec's directory.
 *
 * @param file the spec file, as given
 * @param name the model's name (a letter, then letters, digits, '_' or '-')
 * @param inputs input specs in the form of {@code --input}, NAME=DTYPE[D0,...], in order
 * @param weightsKey the checkpoint's entry that holds the state dict, as {@code --weights-key}
 * @param stripPrefix the prefix to remove from the checkpoint's keys, as {@code --strip-prefix}
 * @param target the target as written, checked by the caller with {@link TargetSpec#parse}
 */
public record ModelSpec(
    Path file,
    String name,
    Path sourceRoot,
    String entry,
    Optional<String> method,
    List<String> inputs,
    Path weights,
    Optional<String> weightsKey,
    Optional<String> stripPrefix,
    Optional<String> target,
    OptionalInt compileTimeoutSeconds,
    OptionalInt maxErrors,
    OptionalInt tuneSeconds) {

  /** Returns where the checkpoint holds the tensors and the prefix their names lose. */
  public Checkpoints.Selection selection() {
    return new Checkpoints.Selection(weightsKey.orElse(null), stripPrefix.orElse(null));
  }

  /** The keys a spec may have; anything else is a located error. */
  public static final List<String> KEYS =
      List.of(
          "name",
          "source-root",
          "entry",
          "method",
          "inputs",
          "weights",
          "weights-key",
          "strip-prefix",
          "target",
          "compile-timeout",
          "max-errors",
          "tune");

  /** The largest spec file read, in bytes: a spec is a dozen lines. */
  public static final int MAX_BYTES = 64 * 1024;

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

  /**
   * A spec that cannot be used; the message starts with {@code file:line:col:} when a place is
   * known.
   */
  public static final class SpecException extends Exception {
    public SpecException(String message) {
      super(message);
    }
  }

  /** Reads and checks the spec at {@code file}. */
  public static ModelSpec read(Path file) throws SpecException {
    byte[] bytes;
    try {
      if (!Files.isRegularFile(file)) {
        throw new SpecException(file + ": not a regular file");
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new SpecException(
            file
                + ": a model spec is at most "
                + MAX_BYTES
                + " bytes, this one has "
                + Files.size(file));
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new SpecException(file + ": cannot read: " + e.getMessage());
    }
    Node root;
    try (Reader r =
        new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8)) {
      root = yaml().compose(r);
    } catch (MarkedYAMLException e) {
      throw new SpecException(at(file, e.getProblemMark()) + "invalid YAML: " + e.getProblem());
    } catch (YAMLException | IOException e) {
      throw new SpecException(file + ": invalid YAML: " + e.getMessage());
    }
    if (!(root instanceof MappingNode map)) {
      throw new SpecException(
          file
              + ": a model spec is a mapping of settings (name, entry, inputs, weights, ...)"
              + (root == null ? "; the file is empty" : ""));
    }
    return new SpecWalker(file, map).spec();
  }

  /** SnakeYAML's safe loader with limits that a hostile file cannot push past. */
  private static Yaml yaml() {
    LoaderOptions o = new LoaderOptions();
    o.setAllowDuplicateKeys(false);
    o.setMaxAliasesForCollections(10);
    o.setAllowRecursiveKeys(false);
    o.setNestingDepthLimit(10);
    o.setCodePointLimit(MAX_BYTES);
    return new Yaml(new SafeConstructor(o));
  }

  private static String at(Path file, Mark m) {
    return m == null
        ? file + ": "
        : file + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1) + ": ";
  }

  /** Walks the composed node tree, so that each error has the line and column of its value. */
  private static final class SpecWalker {
    private final Path file;
    private final Map<String, Node> values = new LinkedHashMap<>();
    private final Map<String, Node> keys = new LinkedHashMap<>();

    SpecWalker(Path file, MappingNode map) throws SpecException {
      this.file = file;
      for (NodeTuple t : map.getValue()) {
        if (!(t.getKeyNode() instanceof ScalarNode k)) {
          throw new SpecException(
              at(file, t.getKeyNode().getStartMark()) + "a setting's name must be plain text");
        }
        if (!KEYS.contains(k.getValue())) {
          throw new SpecException(
              at(file, k.getStartMark())
                  + "unknown setting '"
                  + shown(k.getValue())
                  + "'; a model spec has "
                  + String.join(", ", KEYS));
        }
        if (values.put(k.getValue(), t.getValueNode()) != null) {
          throw new SpecException(
              at(file, k.getStartMark()) + "setting '" + k.getValue() + "' is given twice");
        }
        keys.put(k.getValue(), k);
      }
    }

    ModelSpec spec() throws SpecException {
      Path dir = file.toAbsolutePath().getParent();
      Optional<String> name = text("name");
      String n = name.orElse(dir.getFileName() == null ? "" : dir.getFileName().toString());
      if (!NAME.matcher(n).matches()) {
        Mark m = name.isPresent() ? values.get("name").getStartMark() : null;
        throw new SpecException(
            at(file, m)
                + "model name '"
                + shown(n)
                + "' must be a letter followed by at most 63"
                + " letters, digits, '_' or '-'"
                + (name.isPresent()
                    ? ""
                    : " (it defaults to the spec's directory name;" + " set 'name:')"));
      }
      Path sourceRoot = dir.resolve(text("source-root").orElse(".")).normalize();
      String entry = required("entry");
      Path weights = dir.resolve(required("weights")).normalize();
      return new ModelSpec(
          file,
          n,
          sourceRoot,
          entry,
          text("method"),
          inputs(),
          weights,
          text("weights-key"),
          text("strip-prefix"),
          text("target"),
          positive("compile-timeout"),
          positive("max-errors"),
          positive("tune"));
    }

    private String required(String key) throws SpecException {
      return text(key)
          .orElseThrow(() -> new SpecException(file + ": the model spec needs '" + key + ":'"));
    }

    private Optional<String> text(String key) throws SpecException {
      Node v = values.get(key);
      if (v == null) {
        return Optional.empty();
      }
      if (!(v instanceof ScalarNode s) || s.getValue().isEmpty()) {
        throw new SpecException(
            at(file, v.getStartMark()) + "'" + key + "' must be a non-empty text value");
      }
      return Optional.of(s.getValue());
    }

    private OptionalInt positive(String key) throws SpecException {
      Optional<String> t = text(key);
      if (t.isEmpty()) {
        return OptionalInt.empty();
      }
      try {
        int v = Integer.parseInt(t.get());
        if (v >= 1) {
          return OptionalInt.of(v);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new SpecException(
          at(file, values.get(key).getStartMark())
              + "'"
              + key
              + "' must be a whole number"
              + " from 1 to "
              + Integer.MAX_VALUE
              + ", got '"
              + shown(t.get())
              + "'");
    }

    private List<String> inputs() throws SpecException {
      Node v = values.get("inputs");
      if (v == null) {
        throw new SpecException(
            file + ": the model spec needs 'inputs:', e.g. 'x: float32[1,3,32,32]'");
      }
      if (!(v instanceof MappingNode m) || m.getValue().isEmpty()) {
        throw new SpecException(
            at(file, v.getStartMark())
                + "'inputs' maps each input's name to DTYPE[D0,D1,...],"
                + " e.g. 'x: float32[1,3,32,32]'");
      }
      List<String> out = new ArrayList<>();
      for (NodeTuple t : m.getValue()) {
        if (!(t.getKeyNode() instanceof ScalarNode k)
            || !(t.getValueNode() instanceof ScalarNode val)) {
          throw new SpecException(
              at(file, t.getKeyNode().getStartMark())
                  + "each input is 'NAME: DTYPE[D0,D1,...]', e.g. 'x: float32[1,3,32,32]'");
        }
        String spec = k.getValue() + "=" + val.getValue();
        try {
          InputSpecs.parse(List.of(spec));
        } catch (IllegalArgumentException e) {
          throw new SpecException(
              at(file, k.getStartMark()) + e.getMessage().replaceFirst("^--input ", "input "));
        }
        out.add(spec);
      }
      try {
        InputSpecs.parse(out);
      } catch (IllegalArgumentException e) {
        throw new SpecException(
            at(file, v.getStartMark()) + e.getMessage().replaceFirst("^--input ", "input "));
      }
      return List.copyOf(out);
    }
  }

  private static String shown(String s) {
    String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    StringBuilder b = new StringBuilder();
    t.codePoints()
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
              } else {
                b.appendCodePoint(c);
              }
            });
    return b.toString();
  }
}
