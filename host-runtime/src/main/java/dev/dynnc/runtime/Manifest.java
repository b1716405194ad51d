package dev.dynnc.runtime;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Describes a bundle: the {@code manifest.json} at its root, mapped one-to-one onto records for
 * Gson.
 *
 * <p>{@code files} maps every bundle-relative path (forward slashes) that running the bundle reads
 * to its lower-case SHA-256; {@link Bundle#open} refuses a bundle whose files do not match. {@code
 * inspection} maps the inspection files ({@link #INSPECTION_DIRS}) the same way: a bundle may ship
 * without them (the Maven plugin's zip leaves them out), and {@code dynnc inspect} checks the one
 * it reads.
 */
public record Manifest(
    String format,
    int formatVersion,
    String target,
    String device,
    String entry,
    String hostClass,
    List<TensorSpec> inputs,
    List<OutputNode> outputs,
    List<SubgraphSpec> subgraphs,
    Map<String, String> files,
    SharedWeights sharedWeights,
    CpuRequirement cpu,
    Map<String, String> inspection) {

  /** A manifest without inspection files (older bundles, bundles built to ship). */
  public Manifest(
      String format,
      int formatVersion,
      String target,
      String device,
      String entry,
      String hostClass,
      List<TensorSpec> inputs,
      List<OutputNode> outputs,
      List<SubgraphSpec> subgraphs,
      Map<String, String> files,
      SharedWeights sharedWeights,
      CpuRequirement cpu) {
    this(
        format,
        formatVersion,
        target,
        device,
        entry,
        hostClass,
        inputs,
        outputs,
        subgraphs,
        files,
        sharedWeights,
        cpu,
        null);
  }

  /** A manifest without a CPU requirement (older bundles, GPU bundles). */
  public Manifest(
      String format,
      int formatVersion,
      String target,
      String device,
      String entry,
      String hostClass,
      List<TensorSpec> inputs,
      List<OutputNode> outputs,
      List<SubgraphSpec> subgraphs,
      Map<String, String> files,
      SharedWeights sharedWeights) {
    this(
        format,
        formatVersion,
        target,
        device,
        entry,
        hostClass,
        inputs,
        outputs,
        subgraphs,
        files,
        sharedWeights,
        null);
  }

  /** A manifest without weights shared between subgraphs. */
  public Manifest(
      String format,
      int formatVersion,
      String target,
      String device,
      String entry,
      String hostClass,
      List<TensorSpec> inputs,
      List<OutputNode> outputs,
      List<SubgraphSpec> subgraphs,
      Map<String, String> files) {
    this(
        format,
        formatVersion,
        target,
        device,
        entry,
        hostClass,
        inputs,
        outputs,
        subgraphs,
        files,
        null);
  }

  /**
   * One node of the structure of a model's result: a tuple, list or dict of nodes, Python's None,
   * or a leaf (tensor or scalar) that the host program hands over by position. {@code outputs}
   * holds one root per distinct {@code return} of the model, and the host program names a root by
   * its index ({@link HostContext#result}), so keys and structure live here as data and never in
   * generated code.
   *
   * <p>{@code type} is {@code "leaf"} (with {@code leaf}, numbered depth-first from 0 within its
   * root), {@code "tuple"}, {@code "list"}, {@code "dict"} (with one key per item, distinct) or
   * {@code "none"}. A leaf may say what it holds, for typed APIs generated from the manifest:
   * {@code dtype}, with the {@code shape} of a tensor, or no shape for a Python scalar (int64: int,
   * float64: float, bool).
   */
  public record OutputNode(
      String type,
      Integer leaf,
      List<String> keys,
      List<OutputNode> items,
      String dtype,
      long[] shape) {
    public static final String LEAF = "leaf";
    public static final String TUPLE = "tuple";
    public static final String LIST = "list";
    public static final String DICT = "dict";
    public static final String NONE = "none";

    /** A node without a leaf type. */
    public OutputNode(String type, Integer leaf, List<String> keys, List<OutputNode> items) {
      this(type, leaf, keys, items, null, null);
    }

    public static OutputNode leaf(int index) {
      return new OutputNode(LEAF, index, null, null);
    }

    /**
     * A leaf that holds a tensor of {@code shape}, or a Python scalar when {@code shape} is null.
     */
    public static OutputNode leaf(int index, String dtype, long[] shape) {
      return new OutputNode(LEAF, index, null, null, dtype, shape == null ? null : shape.clone());
    }

    public static OutputNode none() {
      return new OutputNode(NONE, null, null, null);
    }

    /** A tuple or list node. */
    public static OutputNode sequence(String type, List<OutputNode> items) {
      return new OutputNode(type, null, null, List.copyOf(items));
    }

    public static OutputNode dict(List<String> keys, List<OutputNode> items) {
      return new OutputNode(DICT, null, List.copyOf(keys), List.copyOf(items));
    }

    /**
     * Whether this leaf holds a Python scalar rather than a tensor (known only for typed leaves).
     */
    public boolean isScalarLeaf() {
      return LEAF.equals(type) && dtype != null && shape == null;
    }

    // A record's equals compares arrays by identity; structures are deduplicated by value.
    @Override
    public boolean equals(Object o) {
      return o instanceof OutputNode n
          && java.util.Objects.equals(type, n.type)
          && java.util.Objects.equals(leaf, n.leaf)
          && java.util.Objects.equals(keys, n.keys)
          && java.util.Objects.equals(items, n.items)
          && java.util.Objects.equals(dtype, n.dtype)
          && java.util.Arrays.equals(shape, n.shape);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(
          type, leaf, keys, items, dtype, java.util.Arrays.hashCode(shape));
    }

    /**
     * The type of each result leaf over all {@code roots} (the returns of a model, which may take
     * different paths): the dtype with the shape, where a dimension that differs between roots is
     * {@code -1}, e.g. {@code float32[1,-1]} for a decoder returning 1 token on one path and 9 on
     * another. Empty when the roots have different numbers of leaves, or a leaf's dtype or rank (or
     * tensor-ness) differs between them, or a leaf is untyped. The manifest itself keeps each
     * root's exact shapes; a run's {@code outputs.json} records the shape the run produced.
     */
    public static java.util.Optional<List<String>> mergedLeafTypes(List<OutputNode> roots) {
      List<OutputNode> merged = null;
      for (OutputNode root : roots) {
        List<OutputNode> leaves = new java.util.ArrayList<>();
        root.collectLeaves(leaves);
        if (merged == null) {
          merged = leaves;
          continue;
        }
        if (leaves.size() != merged.size()) {
          return java.util.Optional.empty();
        }
        for (int i = 0; i < leaves.size(); i++) {
          OutputNode a = merged.get(i);
          OutputNode b = leaves.get(i);
          if (a.dtype == null
              || !a.dtype.equals(b.dtype)
              || (a.shape == null) != (b.shape == null)
              || a.shape != null && a.shape.length != b.shape.length) {
            return java.util.Optional.empty();
          }
          if (a.shape != null) {
            long[] dims = a.shape.clone();
            for (int d = 0; d < dims.length; d++) {
              dims[d] = dims[d] == b.shape[d] ? dims[d] : -1;
            }
            merged.set(i, new OutputNode(LEAF, a.leaf, null, null, a.dtype, dims));
          }
        }
      }
      if (merged == null || merged.stream().anyMatch(l -> l.dtype == null)) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(
          merged.stream()
              .map(l -> l.shape == null ? l.dtype : HostTensor.describe(l.dtype, l.shape))
              .toList());
    }

    private void collectLeaves(List<OutputNode> out) {
      if (LEAF.equals(type)) {
        out.add(this);
      } else if (items != null) {
        items.forEach(i -> i.collectLeaves(out));
      }
    }

    /** Nesting deeper than this is refused, so rebuilding a result cannot exhaust the stack. */
    public static final int MAX_DEPTH = 100;

    /**
     * Checks that this is a well-formed root: known types, leaves numbered 0, 1, ... depth-first,
     * dict keys present, distinct and one per item, nesting within {@link #MAX_DEPTH}. Returns the
     * number of leaves.
     *
     * @throws IllegalArgumentException naming the first problem
     */
    public int checkRoot() {
      return check(0, 0);
    }

    private int check(int nextLeaf, int depth) {
      if (depth > MAX_DEPTH) {
        throw new IllegalArgumentException("nested deeper than " + MAX_DEPTH + " levels");
      }
      if (!LEAF.equals(type) && (dtype != null || shape != null)) {
        throw new IllegalArgumentException(
            "a " + type + " node has a dtype or shape; only leaves do");
      }
      if (LEAF.equals(type)
          && (shape != null && dtype == null
              || shape != null && java.util.Arrays.stream(shape).anyMatch(d -> d < 0))) {
        throw new IllegalArgumentException(
            "leaf " + leaf + " has a shape without a dtype or a negative dim");
      }
      if (LEAF.equals(type) || NONE.equals(type)) {
        if (keys != null || items != null) {
          throw new IllegalArgumentException("a " + type + " node has keys or items");
        }
        if (NONE.equals(type)) {
          return nextLeaf;
        }
        if (leaf == null || leaf != nextLeaf) {
          throw new IllegalArgumentException(
              "leaf "
                  + leaf
                  + " where leaf "
                  + nextLeaf
                  + " was expected "
                  + "(leaves are numbered depth-first from 0)");
        }
        return nextLeaf + 1;
      }
      if (!TUPLE.equals(type) && !LIST.equals(type) && !DICT.equals(type)) {
        throw new IllegalArgumentException("unknown node type '" + type + "'");
      }
      if (items == null || leaf != null || (keys != null) != DICT.equals(type)) {
        throw new IllegalArgumentException(
            "a "
                + type
                + " node needs items"
                + (DICT.equals(type) ? " and keys" : "")
                + " and nothing else");
      }
      if (keys != null
          && (keys.size() != items.size()
              || keys.stream().anyMatch(java.util.Objects::isNull)
              || new java.util.HashSet<>(keys).size() != keys.size())) {
        throw new IllegalArgumentException("a dict node needs one distinct key per item");
      }
      int next = nextLeaf;
      for (OutputNode item : items) {
        if (item == null) {
          throw new IllegalArgumentException("a " + type + " node has a null item");
        }
        next = item.check(next, depth + 1);
      }
      return next;
    }
  }

  /**
   * Weights that several subgraphs use, stored once in {@code file} (little-endian, each at its
   * {@code offset}) and bound to every subgraph that names them in {@link
   * SubgraphSpec#weightInputs}.
   */
  public record SharedWeights(String file, List<WeightSpec> tensors) {}

  /**
   * The CPU a CPU bundle's kernels were compiled for: LLVM's name for it ({@code -mcpu}) and the
   * instruction set features LLVM generates code with for it, in LLVM's names ({@code avx512f},
   * {@code sse4.2}); {@link Bundle#open} checks them against the CPU it runs on.
   */
  public record CpuRequirement(String name, List<String> features) {}

  /** One shared weight: its state_dict key, type, and byte offset in the shared weights file. */
  public record WeightSpec(String key, String dtype, long[] shape, long offset) {}

  /** A subgraph input fed from a shared weight: the executor's input name and the weight's key. */
  public record WeightInput(String input, String key) {}

  public static final String FILE_NAME = "manifest.json";
  public static final String FORMAT = "dynnc-bundle";

  /**
   * Version 2 moved the result structure (keys included) out of the host class into {@code
   * outputs}.
   */
  public static final int FORMAT_VERSION = 2;

  /** Bundle-relative directory that holds the compiled host classes. */
  public static final String HOST_CLASSES = "host/classes/";

  private static final Gson GSON =
      new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  /**
   * One tensor's type; {@code name} is required for model inputs and optional for subgraph ports.
   */
  public record TensorSpec(String name, String dtype, long[] shape) {
    public String describe() {
      return HostTensor.describe(dtype, shape);
    }
  }

  /**
   * One TVM-compiled subgraph: its library and the types of its inputs and outputs, in call order.
   */
  public record SubgraphSpec(
      String name,
      String library,
      List<TensorSpec> inputs,
      List<TensorSpec> outputs,
      List<WeightInput> weightInputs) {
    /** A subgraph with all its weights compiled in. */
    public SubgraphSpec(
        String name, String library, List<TensorSpec> inputs, List<TensorSpec> outputs) {
      this(name, library, inputs, outputs, List.of());
    }

    /** Shared-weight inputs; an absent list in older manifests means none. */
    public List<WeightInput> weightInputsOrEmpty() {
      return weightInputs == null ? List.of() : weightInputs;
    }
  }

  public static Manifest parse(String json) throws JsonParseException {
    Manifest m = GSON.fromJson(json, Manifest.class);
    if (m == null) {
      throw new JsonParseException("empty document");
    }
    return m;
  }

  /** Reads {@code manifest.json} from a bundle directory. */
  public static Manifest read(Path bundleDir) throws IOException {
    return parse(Files.readString(bundleDir.resolve(FILE_NAME), StandardCharsets.UTF_8));
  }

  public String toJson() {
    return IoUtil.escapeLoneSurrogates(GSON.toJson(this));
  }

  /** Writes {@code manifest.json} into a bundle directory atomically. */
  public void write(Path bundleDir) throws IOException {
    IoUtil.writeAtomically(
        bundleDir.resolve(FILE_NAME), (toJson() + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** A copy of this manifest with {@code files} replaced. */
  public Manifest withFiles(Map<String, String> newFiles) {
    return withFiles(newFiles, inspection);
  }

  /** A copy of this manifest with {@code files} and {@code inspection} replaced. */
  public Manifest withFiles(Map<String, String> newFiles, Map<String, String> newInspection) {
    return new Manifest(
        format,
        formatVersion,
        target,
        device,
        entry,
        hostClass,
        inputs,
        outputs,
        subgraphs,
        newFiles,
        sharedWeights,
        cpu,
        newInspection);
  }

  /**
   * The bundle-relative folders of the inspection files: what the compiler made, for people and for
   * {@code dynnc inspect} ({@code ir/}: the lowered program; {@code relay/}: each subgraph's Relay
   * text, the native host program's TIR, tuning reports; {@code host/src/}: the host program's Java
   * source). Nothing that runs a bundle reads them.
   */
  public static final List<String> INSPECTION_DIRS = List.of("ir/", "relay/", "host/src/");

  /** Whether a bundle-relative path is an inspection file ({@link #INSPECTION_DIRS}). */
  public static boolean isInspectionFile(String rel) {
    return INSPECTION_DIRS.stream().anyMatch(rel::startsWith);
  }

  /** The inspection files' hashes; empty for a bundle that lists none. */
  public Map<String, String> inspectionOrEmpty() {
    return inspection == null ? Map.of() : inspection;
  }

  /**
   * A copy of this manifest whose files are those under {@code bundleDir}, hashed: the files that
   * run it in {@code files}, the inspection files in {@code inspection}.
   */
  public Manifest withFilesOf(Path bundleDir) throws IOException {
    Map<String, String> run = new TreeMap<>();
    Map<String, String> inspect = new TreeMap<>();
    hashFiles(bundleDir).forEach((k, v) -> (isInspectionFile(k) ? inspect : run).put(k, v));
    return withFiles(run, inspect.isEmpty() ? null : inspect);
  }

  /**
   * Bundle-relative path of the host class file, e.g. {@code
   * host/classes/dynnc/generated/ForwardHost.class}.
   */
  public String hostClassFile() {
    return HOST_CLASSES + hostClass.replace('.', '/') + ".class";
  }

  /**
   * Hashes every regular file under a bundle directory except the root {@code manifest.json} and
   * its signature, sorted by path: exactly the {@code files} map a writer should store.
   */
  public static Map<String, String> hashFiles(Path bundleDir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(bundleDir)) {
      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        String rel = bundleDir.relativize(p).toString().replace('\\', '/');
        if (!BundleSignature.UNLISTED.contains(rel)) {
          out.put(rel, sha256(p));
        }
      }
    }
    return out;
  }

  /** Lower-case hex SHA-256 of a file. */
  public static String sha256(Path file) throws IOException {
    return IoUtil.sha256Hex(file);
  }
}
