package dev.dynnc.cli;

import dev.dynnc.analysis.CutEverywhere;
import dev.dynnc.compiler.Analysis;
import dev.dynnc.compiler.AtomicFiles;
import dev.dynnc.compiler.DynncCompiler;
import dev.dynnc.compiler.Graphviz;
import dev.dynnc.compiler.InputSpecs;
import dev.dynnc.compiler.ModelSpec;
import dev.dynnc.compiler.ProgramGraph;
import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostics;
import dev.dynnc.frontend.Decision;
import dev.dynnc.ir.Block;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Parser;
import dev.dynnc.ir.Printer;
import dev.dynnc.ir.Terminator;
import dev.dynnc.ir.Type;
import dev.dynnc.rewrite.Partitioner;
import dev.dynnc.rewrite.SubgraphPlan;
import dev.dynnc.runtime.Manifest;
import dev.dynnc.weights.Checkpoints;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The commands that look at a model without compiling it with TVM: {@code check} (what dynnc does
 * not support, and what it found dynamic) and {@code inspect} (what the compiler did with the
 * model, as text or a picture). They share the model options of {@code compile}, and a model spec
 * ({@code --spec dynnc.yaml}) whose settings the flags override.
 */
final class ModelCommands {
  private ModelCommands() {}

  /** The model a command works on: from {@code --spec}, from flags, or both (flags win). */
  static final class ModelOptions {
    @Option(
        names = "--spec",
        paramLabel = "FILE",
        description = "Model spec (dynnc.yaml); flags override its settings.")
    Path spec;

    @Option(names = "--source-root", description = "Directory holding the model's Python package.")
    Path sourceRoot;

    @Option(
        names = "--entry",
        description = "MODULE:EXPR, e.g. models.sdn:build_model(num_classes=10).")
    String entry;

    @Option(names = "--method", description = "Method to compile (default: forward).")
    String method;

    @Option(names = "--input", description = "NAME=DTYPE[D0,D1,...], one per model input.")
    List<String> inputs;

    @Option(
        names = "--weights",
        description = "torch.save state_dict file (.pt/.pth) or .safetensors.")
    Path weights;

    @Option(
        names = "--weights-key",
        paramLabel = "KEY",
        description =
            "Entry of the checkpoint's dict that holds the state dict, e.g. state_dict; a.b reaches"
                + " into nested dicts.")
    String weightsKey;

    @Option(
        names = "--strip-prefix",
        paramLabel = "PREFIX",
        description =
            "Prefix removed from the checkpoint's keys, e.g. module. for a model saved from"
                + " nn.DataParallel.")
    String stripPrefix;

    @Option(
        names = "--max-errors",
        paramLabel = "N",
        description = "Report at most N independent errors (default: 20).")
    Integer maxErrors;

    /** The merged settings; a missing required one is a usage error naming both ways to give it. */
    Model resolve(boolean weightsRequired) throws Main.CliError {
      Optional<ModelSpec> s = Optional.empty();
      if (spec != null) {
        try {
          s = Optional.of(ModelSpec.read(spec));
        } catch (ModelSpec.SpecException e) {
          throw new Main.CliError(Code.DN0400, Main.USAGE, e.getMessage());
        }
      }
      Path root = sourceRoot != null ? sourceRoot : s.map(ModelSpec::sourceRoot).orElse(null);
      String ent = entry != null ? entry : s.map(ModelSpec::entry).orElse(null);
      List<String> in = inputs != null ? inputs : s.map(ModelSpec::inputs).orElse(null);
      Path w = weights != null ? weights : s.map(ModelSpec::weights).orElse(null);
      String key = weightsKey != null ? weightsKey : s.flatMap(ModelSpec::weightsKey).orElse(null);
      String strip =
          stripPrefix != null ? stripPrefix : s.flatMap(ModelSpec::stripPrefix).orElse(null);
      if ("".equals(key) || "".equals(strip)) {
        throw new Main.CliError(
            Code.DN0400,
            Main.USAGE,
            ("".equals(key) ? "--weights-key" : "--strip-prefix") + " must not be empty");
      }
      List<String> missing = new ArrayList<>();
      if (root == null) {
        missing.add("--source-root");
      }
      if (ent == null) {
        missing.add("--entry");
      }
      if (in == null) {
        missing.add("--input");
      }
      if (w == null && weightsRequired) {
        missing.add("--weights");
      }
      if (!missing.isEmpty()) {
        throw new Main.CliError(
            Code.DN0400,
            Main.USAGE,
            "missing "
                + String.join(", ", missing)
                + " (give them as flags or in a model spec with --spec FILE)");
      }
      LinkedHashMap<String, Type.TensorType> parsed;
      try {
        parsed = InputSpecs.parse(in);
      } catch (IllegalArgumentException e) {
        throw new Main.CliError(Code.DN0400, Main.USAGE, e.getMessage());
      }
      if (!Files.isDirectory(root)) {
        throw new Main.CliError(
            Code.DN0004, Main.DIAGNOSTICS, "--source-root " + root + " is not a directory");
      }
      int errors = maxErrors != null ? maxErrors : s.flatMap(x -> box(x.maxErrors())).orElse(20);
      if (errors < 1) {
        throw new Main.CliError(
            Code.DN0400, Main.USAGE, "--max-errors " + errors + " must be at least 1");
      }
      String m = method != null ? method : s.flatMap(ModelSpec::method).orElse("forward");
      return new Model(
          root,
          ent,
          m,
          parsed,
          Optional.ofNullable(w),
          new Checkpoints.Selection(key, strip),
          errors,
          s.flatMap(ModelSpec::target),
          s.map(ModelSpec::compileTimeoutSeconds).orElse(OptionalInt.empty()),
          s.map(ModelSpec::tuneSeconds).orElse(OptionalInt.empty()));
    }

    private static Optional<Integer> box(OptionalInt i) {
      return i.isPresent() ? Optional.of(i.getAsInt()) : Optional.empty();
    }
  }

  /** A resolved model: what to analyze or compile. */
  record Model(
      Path sourceRoot,
      String entry,
      String method,
      LinkedHashMap<String, Type.TensorType> inputs,
      Optional<Path> weights,
      Checkpoints.Selection selection,
      int maxErrors,
      Optional<String> target,
      OptionalInt compileTimeoutSeconds,
      OptionalInt tuneSeconds) {
    Analysis analyze(PrintWriter err) {
      DynncCompiler c =
          DynncCompiler.builder()
              .maxErrors(maxErrors)
              .diagnostics((d, sources) -> err.append(Diagnostics.render(d, sources)).flush())
              .build();
      return c.analyze(sourceRoot, entry, method, inputs, weights, selection);
    }
  }

  /**
   * dynnc's subgraphs (compiled, and called from how many sites) next to what cutting at every
   * {@code if} and {@code return} with full unrolling would give ({@link CutEverywhere}, defined in
   * docs/subgraph-counts.md), for the comparison table of samples/README.md.
   */
  static String subgraphCounts(Analysis a) {
    Partitioner.Result p = a.partition().orElseThrow();
    long sites = p.host().blocks().stream().filter(b -> b.call().isPresent()).count();
    CutEverywhere cut = CutEverywhere.of(a.stages().get(0).function(), a.cuts());
    return "  subgraphs: "
        + p.subgraphs().size()
        + " compiled, "
        + sites
        + " call site(s); a cut at every if and return with full unrolling: "
        + cut.straight()
        + (cut.perIteration() > 0 ? " + " + cut.perIteration() + " per loop iteration" : "");
  }

  /** How many data-dependent decisions and loops (back edges) a program has. */
  record Dynamism(int conditions, int loops) {
    static Dynamism of(Function f) {
      int conditions = 0;
      int loops = 0;
      for (int i = 0; i < f.blocks().size(); i++) {
        Block b = f.blocks().get(i);
        if (b.terminator() instanceof Terminator.Branch) {
          conditions++;
        }
        for (var succ : b.terminator().successors()) {
          if (indexOf(f, succ) <= i) {
            loops++;
          }
        }
      }
      return new Dynamism(conditions, loops);
    }

    private static int indexOf(Function f, dev.dynnc.ir.BlockId id) {
      for (int i = 0; i < f.blocks().size(); i++) {
        if (f.blocks().get(i).id().equals(id)) {
          return i;
        }
      }
      return Integer.MAX_VALUE;
    }
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description =
          "Report everything in a model that dynnc does not support, without compiling it with TVM;"
              + " the first command to run on a new model.")
  static final class Check implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec cmd;
    @Mixin ModelOptions model;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = cmd.commandLine().getOut();
      PrintWriter err = cmd.commandLine().getErr();
      return Main.reportingErrors(
          err,
          () -> {
            Model m = model.resolve(false);
            Analysis a = m.analyze(err);
            if (!a.ok()) {
              long n =
                  a.diagnostics().all().stream()
                      .filter(d -> d.code().severity() == dev.dynnc.diag.Severity.ERROR)
                      .count();
              err.println("check failed: " + n + " error(s) in " + m.entry());
              return Main.DIAGNOSTICS;
            }
            Function f = a.stages().get(a.stages().size() - 1).function();
            Dynamism d = Dynamism.of(f);
            Partitioner.Result p = a.partition().orElseThrow();
            out.printf(
                "%s: supported; %d dynamic condition(s), %d dynamic loop(s), %d subgraph(s)%s%n",
                m.entry(),
                d.conditions(),
                d.loops(),
                p.subgraphs().size(),
                m.weights().isPresent() ? "" : " (weights not checked: no --weights)");
            out.println(subgraphCounts(a));
            return Main.OK;
          });
    }
  }

  /** What {@code inspect} prints. */
  enum Format {
    TEXT,
    DOT,
    SVG,
    PNG
  }

  @Command(
      name = "inspect",
      mixinStandardHelpOptions = true,
      description =
          "Show what the compiler did with a model (a spec, flags, or a compiled bundle): the program after"
              + " each stage as text, or its control-flow graph with decisions, loops and subgraphs as DOT, SVG or PNG.")
  static final class Inspect implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec cmd;
    @Mixin ModelOptions model;

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "BUNDLE",
        description = "A compiled bundle directory.")
    Path bundle;

    @Option(
        names = "--format",
        defaultValue = "text",
        description = "text, dot, svg or png (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description =
            "Write here instead of stdout (required for png); an existing file is replaced.")
    Path output;

    @Option(
        names = "--explain",
        description =
            "Say for every condition and loop of the method why it was judged static (decided or"
                + " unrolled while compiling) or dynamic (left for run time), at its source line.")
    boolean explain;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = cmd.commandLine().getOut();
      PrintWriter err = cmd.commandLine().getErr();
      return Main.reportingErrors(err, () -> inspect(out, err));
    }

    private int inspect(PrintWriter out, PrintWriter err) throws Exception {
      Format f;
      try {
        f = Format.valueOf(format.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new Main.CliError(
            Code.DN0400,
            Main.USAGE,
            "--format must be text, dot, svg or png, not '" + format + "'");
      }
      if (f == Format.PNG && output == null) {
        throw new Main.CliError(
            Code.DN0400, Main.USAGE, "--format png writes a binary picture: give -o FILE");
      }
      if (explain && (bundle != null || f != Format.TEXT)) {
        throw new Main.CliError(
            Code.DN0400,
            Main.USAGE,
            "--explain works on a model (--spec or flags), as text: a bundle no longer holds the"
                + " source's decisions");
      }
      List<Analysis.Stage> stages;
      Partitioner.Result parts;
      if (bundle != null) {
        if (model.spec != null || model.sourceRoot != null || model.entry != null) {
          throw new Main.CliError(
              Code.DN0400, Main.USAGE, "give a bundle or a model (--spec or flags), not both");
        }
        Function fn = readBundleProgram(bundle);
        stages = List.of(new Analysis.Stage("bundle", fn));
        parts = Partitioner.partition(fn);
      } else {
        Analysis a = model.resolve(false).analyze(err);
        if (!a.ok()) {
          err.println("inspect failed: the model has errors (see above)");
          return Main.DIAGNOSTICS;
        }
        if (explain) {
          out.print(explanation(a));
          out.flush();
          return Main.OK;
        }
        stages = a.stages();
        parts = a.partition().orElseThrow();
      }
      byte[] result =
          switch (f) {
            case TEXT -> text(stages, parts).getBytes(StandardCharsets.UTF_8);
            case DOT -> ProgramGraph.dot(parts).getBytes(StandardCharsets.UTF_8);
            case SVG, PNG -> {
              try {
                yield Graphviz.render(
                    ProgramGraph.dot(parts),
                    f == Format.SVG ? Graphviz.Format.SVG : Graphviz.Format.PNG);
              } catch (Graphviz.GraphvizException e) {
                throw new Main.CliError(Code.DN0400, Main.DIAGNOSTICS, e.getMessage());
              }
            }
          };
      if (output == null) {
        out.print(new String(result, StandardCharsets.UTF_8));
        out.flush();
      } else {
        write(output, result);
        out.println("wrote " + f.name().toLowerCase(java.util.Locale.ROOT) + " to " + output);
      }
      return Main.OK;
    }
  }

  /** The lowered program a bundle carries ({@code ir/<method>.ir}), parsed back. */
  static Function readBundleProgram(Path bundle) throws Main.CliError {
    Path ir = bundle.resolve("ir");
    if (!Files.isDirectory(bundle) || !Files.isDirectory(ir)) {
      throw new Main.CliError(
          Code.DN0403,
          Main.DIAGNOSTICS,
          bundle
              + " is not a bundle directory with an ir/ folder (a bundle packed to ship, as the"
              + " Maven plugin's zip, leaves its inspection files out: inspect the bundle the"
              + " compiler wrote)");
    }
    try (Stream<Path> files = Files.list(ir)) {
      List<Path> irs =
          files
              .filter(p -> p.getFileName().toString().endsWith(".ir") && Files.isRegularFile(p))
              .sorted()
              .toList();
      if (irs.size() != 1) {
        throw new Main.CliError(
            Code.DN0403,
            Main.DIAGNOSTICS,
            bundle + "/ir holds " + irs.size() + " programs; a bundle holds one");
      }
      if (Files.size(irs.get(0)) > 64L << 20) {
        throw new Main.CliError(
            Code.DN0403, Main.DIAGNOSTICS, irs.get(0) + " is larger than 64 MiB");
      }
      String rel = "ir/" + irs.get(0).getFileName();
      String listed = listedInspectionHash(bundle, rel);
      if (listed != null && !listed.equalsIgnoreCase(Manifest.sha256(irs.get(0)))) {
        throw new Main.CliError(
            Code.DN0403,
            Main.DIAGNOSTICS,
            bundle + "/" + rel + " does not match its SHA-256 in the manifest: it was modified");
      }
      return Parser.parse(Files.readString(irs.get(0), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new Main.CliError(
          Code.DN0403, Main.DIAGNOSTICS, "cannot read " + ir + ": " + e.getMessage());
    } catch (Parser.ParseException | RuntimeException e) {
      throw new Main.CliError(
          Code.DN0403,
          Main.DIAGNOSTICS,
          bundle + "/ir is not a valid dynnc program: " + e.getMessage());
    }
  }

  /** The hash the bundle's manifest lists for inspection file {@code rel}, or null if none. */
  private static String listedInspectionHash(Path bundle, String rel) throws Main.CliError {
    if (!Files.isRegularFile(bundle.resolve(Manifest.FILE_NAME))) {
      return null;
    }
    try {
      return Manifest.read(bundle).inspectionOrEmpty().get(rel);
    } catch (IOException | RuntimeException e) {
      throw new Main.CliError(
          Code.DN0403,
          Main.DIAGNOSTICS,
          bundle + "/manifest.json cannot be read: " + e.getMessage());
    }
  }

  /**
   * For every condition and loop of the method: where it is, the source line, and why it was judged
   * static or dynamic; then the totals.
   */
  static String explanation(Analysis a) {
    StringBuilder b = new StringBuilder();
    int dynamic = 0;
    for (Decision d : a.decisions()) {
      dynamic += d.dynamic() ? 1 : 0;
      b.append(d.span().file())
          .append(':')
          .append(d.span().line())
          .append(':')
          .append(d.span().column())
          .append(": ")
          .append(d.kind())
          .append(d.dynamic() ? " is dynamic: " : " is static: ")
          .append(d.why())
          .append('\n');
      a.sources()
          .line(d.span().file(), d.span().line())
          .ifPresent(line -> b.append("    ").append(line.strip()).append('\n'));
    }
    b.append(a.decisions().size())
        .append(" condition(s) and loop(s): ")
        .append(dynamic)
        .append(" dynamic, ")
        .append(a.decisions().size() - dynamic)
        .append(" static\n");
    return b.toString();
  }

  /** Every stage's program, then the partition: subgraphs with their ops, and the host blocks. */
  static String text(List<Analysis.Stage> stages, Partitioner.Result parts) {
    StringBuilder b = new StringBuilder();
    for (Analysis.Stage s : stages) {
      b.append("== after ")
          .append(s.name())
          .append(" ==\n")
          .append(Printer.print(s.function()))
          .append('\n');
    }
    Function last = stages.get(stages.size() - 1).function();
    Dynamism d = Dynamism.of(last);
    b.append("== partition: ")
        .append(parts.subgraphs().size())
        .append(" subgraph(s), ")
        .append(d.conditions())
        .append(" dynamic condition(s), ")
        .append(d.loops())
        .append(" loop(s) ==\n");
    for (SubgraphPlan sg : parts.subgraphs()) {
      b.append("subgraph sg")
          .append(sg.index())
          .append(": ")
          .append(sg.inputs().size())
          .append(" in, ")
          .append(sg.outputs().size())
          .append(" out\n");
      sg.ops().forEach(op -> b.append("  ").append(Printer.op(op)).append('\n'));
    }
    for (var hb : parts.host().blocks()) {
      b.append("host ^bb").append(hb.index()).append(':');
      hb.call().ifPresent(c -> b.append(" call sg").append(c.subgraph()).append(';'));
      b.append(' ')
          .append(hb.hostOps().size())
          .append(" host op(s); ")
          .append(Printer.terminatorLine(hb.terminator()))
          .append('\n');
    }
    return b.toString();
  }

  private static void write(Path file, byte[] bytes) throws Main.CliError {
    if (Files.isDirectory(file)) {
      throw new Main.CliError(
          Code.DN0406, Main.USAGE, "-o " + file + " is a directory; name a file");
    }
    try {
      AtomicFiles.write(file, bytes);
    } catch (IOException e) {
      throw new Main.CliError(
          Code.DN0406, Main.DIAGNOSTICS, "cannot write " + file + ": " + e.getMessage());
    }
  }
}
