package dev.dynnc.frontend.eval;

import dev.dynnc.diag.Code;
import dev.dynnc.diag.DiagnosticException;
import dev.dynnc.ir.Span;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The torch-function registry: every {@code torch.*} and {@code torch.nn.functional.*} function,
 * tensor method and {@code torch.nn} class dynnc supports, each declared once with its {@link
 * Schema} (several for an overloaded function), its implementation and a note; and the PyTorch
 * names dynnc knows but does not support, each with the reason.
 *
 * <p>Calls are bound by {@link BoundArgs}; a name in neither list is a misspelling or a part of
 * PyTorch dynnc does not know, and gets the nearest supported names as a suggestion. The table in
 * {@code docs/supported-api.md} is {@link #markdown()}.
 */
final class TorchRegistry {
  /** Where a name lives. */
  enum Space {
    TORCH("torch"),
    FUNCTIONAL("torch.nn.functional"),
    TENSOR("Tensor"),
    NN("torch.nn");

    final String prefix;

    Space(String prefix) {
      this.prefix = prefix;
    }

    String qualify(String name) {
      return prefix + "." + name;
    }
  }

  /** Lowers a bound call. */
  @FunctionalInterface
  interface Impl {
    Object call(TorchLib t, BoundArgs a, Span at);
  }

  /** One supported name: its overloads (tried in order), implementation and documentation note. */
  record Entry(
      Space space,
      String name,
      List<Schema> overloads,
      Impl impl,
      boolean atConstruction,
      String note,
      NnLayers.Declared layer) {}

  /** The reason of most unsupported names; the message then says "not supported by dynnc yet". */
  static final String NOT_YET = "not yet supported";

  /**
   * The registry, filled once from the declarations in {@link TensorFunctions} and {@link
   * NnLayers}.
   */
  static final TorchRegistry REGISTRY = build();

  private final Map<Space, Map<String, Entry>> entries = new EnumMap<>(Space.class);
  private final Map<Space, Map<String, String>> unsupported = new EnumMap<>(Space.class);

  private TorchRegistry() {
    for (Space s : Space.values()) {
      entries.put(s, new TreeMap<>());
      unsupported.put(s, new TreeMap<>());
    }
  }

  private static TorchRegistry build() {
    TorchRegistry r = new TorchRegistry();
    TensorFunctions.declare(r);
    MatrixFunctions.declare(r);
    NnLayers.declare(r);
    ExtraFunctions.declare(r);
    MoreFunctions.declare(r);
    InPlace.declare(r);
    for (Space s : Space.values()) {
      for (String name : r.unsupported.get(s).keySet()) {
        if (r.entries.get(s).containsKey(name)) {
          throw new IllegalStateException(
              s.qualify(name) + " is declared both supported and unsupported");
        }
      }
    }
    return r;
  }

  /** Starts the declaration of a function with one schema per overload. */
  Def def(String... schemas) {
    return new Def(this, List.of(schemas));
  }

  /**
   * A declaration being built: {@code r.def("relu(Tensor input) -> Tensor").in(TORCH,
   * TENSOR).to(impl)}.
   */
  static final class Def {
    private final TorchRegistry r;
    private final List<String> schemas;
    private Set<Space> spaces = Set.of();
    private String note = "";
    private boolean atConstruction;

    private Def(TorchRegistry r, List<String> schemas) {
      this.r = r;
      this.schemas = schemas;
    }

    Def in(Space... where) {
      spaces = Set.of(where);
      return this;
    }

    Def note(String text) {
      note = text;
      return this;
    }

    /** Also callable while the model is constructed (creation functions, shape queries). */
    Def atConstruction() {
      atConstruction = true;
      return this;
    }

    void to(Impl impl) {
      List<Schema> parsed = schemas.stream().map(Schema::parse).toList();
      for (Space s : spaces) {
        String name = parsed.get(0).name();
        r.add(new Entry(s, name, parsed, impl, atConstruction, note, null));
      }
    }
  }

  /** Declares a torch.nn class; its constructor's schemas are the layer's own. */
  void layer(String note, NnLayers.Declared layer) {
    String name = layer.schemas.get(0).name();
    add(new Entry(Space.NN, name, layer.schemas, null, true, note, layer));
  }

  /** Declares tensor method {@code name} with {@code overloads}, outside the builder. */
  void method(String name, List<Schema> overloads, String note, Impl impl) {
    add(new Entry(Space.TENSOR, name, overloads, impl, false, note, null));
  }

  private void add(Entry e) {
    if (entries.get(e.space()).put(e.name(), e) != null) {
      throw new IllegalStateException(e.space().qualify(e.name()) + " is declared twice");
    }
  }

  /** Declares PyTorch names that dynnc does not support, with one reason for all of them. */
  void unsupported(Space space, String reason, String... names) {
    for (String n : names) {
      if (unsupported.get(space).put(n, reason) != null) {
        throw new IllegalStateException(space.qualify(n) + " is declared unsupported twice");
      }
    }
  }

  Entry find(Space space, String name) {
    return entries.get(space).get(name);
  }

  Collection<Entry> entries(Space space) {
    return entries.get(space).values();
  }

  /**
   * The error for {@code name}, which is not supported in {@code space}: a known PyTorch name gets
   * the reason (DN0105); anything else is unknown (DN0113), with the nearest supported name, or one
   * of {@code alsoDefined}, as a hint.
   */
  /**
   * Why a known PyTorch name is not supported, completing "'torch.nn.X' is ...", or null when the
   * name is not a known unsupported one.
   */
  String unsupportedDetail(Space space, String name) {
    String reason = unsupported.get(space).get(name);
    return reason == null
        ? null
        : "not supported by dynnc" + (reason.equals(NOT_YET) ? " yet" : " (" + reason + ")");
  }

  DiagnosticException missing(Space space, String name, Collection<String> alsoDefined, Span at) {
    String qualified = space.qualify(name);
    String reason = unsupported.get(space).get(name);
    if (reason != null) {
      return Interpreter.error(
          Code.DN0105,
          at,
          qualified
              + " is not supported by dynnc"
              + (reason.equals(NOT_YET) ? " yet" : ": " + reason),
          "docs/supported-api.md lists the supported functions, methods and layers");
    }
    Set<String> candidates = new TreeSet<>(entries.get(space).keySet());
    candidates.addAll(alsoDefined);
    String close =
        Suggest.closest(name, candidates)
            .map(c -> "did you mean " + space.qualify(c) + "?")
            .orElse(
                "check the spelling; docs/supported-api.md lists the supported functions, methods and layers");
    return Interpreter.error(
        Code.DN0113, at, qualified + " is not a PyTorch name dynnc knows", close);
  }

  /**
   * The supported-API table of the docs, one row per supported name and one per known unsupported
   * name.
   */
  String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Supported PyTorch API\n\n")
        .append(
            "<!-- Generated from the torch-function registry (frontend: TensorFunctions.declare, NnLayers.declare)")
        .append(" by SupportedApiTest; do not edit. Regenerate with -Dgolden.bless=true. -->\n\n")
        .append(
            "Every call below is bound to its signature, written like PyTorch's schema strings: positional and\n")
        .append(
            "keyword arguments, defaults and types are checked, and a mismatch is a located error (DN0102).\n")
        .append(
            "`int[2]` takes one int or two, `int[]` a list or one int, `int...` several ints or one tuple;\n")
        .append(
            "`Tensor|Scalar` takes a tensor or a Python number; `Number` and `Tensor|Number` also take a\n")
        .append(
            "run-time scalar (`t.item()`, a while loop's counter), which the host uploads; `?` allows None,\n")
        .append(
            "and parameters after `*` are keyword-only. A PyTorch name listed under \"Known but not supported\" is\n")
        .append(
            "reported with its reason (DN0105); any other name is reported as unknown, with the nearest\n")
        .append("supported name (DN0113).\n");
    String[] titles = {"torch", "torch.nn.functional (F)", "Tensor methods", "torch.nn layers"};
    for (Space s : Space.values()) {
      sb.append("\n## ")
          .append(titles[s.ordinal()])
          .append("\n\n| Name | Signature | Notes |\n|---|---|---|\n");
      for (Entry e : entries.get(s).values()) {
        List<String> sigs = new ArrayList<>();
        for (Schema sc : e.overloads()) {
          // A method's first parameter is the tensor it is called on; it binds as 'input' like the
          // function's.
          // A '|' (Tensor|Scalar) would end the table cell: Markdown tables want it escaped, even
          // in code.
          sigs.add(
              "`"
                  + (s == Space.TENSOR ? sc.withFirstNamed("self") : sc)
                      .toString()
                      .replace("|", "\\|")
                  + "`");
        }
        sb.append("| `")
            .append(s.qualify(e.name()))
            .append("` | ")
            .append(String.join("<br>", sigs))
            .append(" | ")
            .append(e.note())
            .append(" |\n");
      }
    }
    sb.append("\n## Known but not supported\n\n| Name | Reason |\n|---|---|\n");
    for (Space s : Space.values()) {
      for (Map.Entry<String, String> e : unsupported.get(s).entrySet()) {
        sb.append("| `")
            .append(s.qualify(e.getKey()))
            .append("` | ")
            .append(e.getValue())
            .append(" |\n");
      }
    }
    return sb.toString();
  }
}
