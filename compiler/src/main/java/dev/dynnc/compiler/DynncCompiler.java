package dev.dynnc.compiler;

import com.github.javaparser.ast.CompilationUnit;
import dev.dynnc.backend.BundleOutput;
import dev.dynnc.backend.CompileService;
import dev.dynnc.backend.HostCodegen;
import dev.dynnc.backend.RelayExport;
import dev.dynnc.backend.TvmWorker;
import dev.dynnc.compiler.ProgressListener.Stage;
import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostic;
import dev.dynnc.diag.Diagnostics;
import dev.dynnc.diag.SourceMap;
import dev.dynnc.frontend.Frontend;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Param;
import dev.dynnc.ir.Printer;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.ValueId;
import dev.dynnc.ir.Verifier;
import dev.dynnc.rewrite.Partitioner;
import dev.dynnc.rewrite.PassContext;
import dev.dynnc.rewrite.PathSpecializer;
import dev.dynnc.rewrite.Pipeline;
import dev.dynnc.rewrite.SubgraphPlan;
import dev.dynnc.runtime.BundleSignature;
import dev.dynnc.runtime.Manifest;
import dev.dynnc.weights.Checkpoints;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The compiler's public API: model source to a bundle (TVM libraries + Java host module).
 *
 * <p>Pipeline: frontend (parse, evaluate construction, lower forward, bind weights) → verify → IR
 * passes ({@link Pipeline}) → partition into subgraphs + host program → compile each unique
 * subgraph with the {@link CompileService} → generate and compile the host class → write the
 * bundle. The bundle is assembled in a temporary directory beside the output and moved into place
 * only when complete (rule ATOMIC-BUNDLE, carried out by {@link BundleOutput}): a failed compile
 * leaves no partial bundle and an existing bundle untouched, and the output path is checked before
 * any expensive work. By default TVM runs in a worker process ({@link TvmWorker}) with a time limit
 * per subgraph; a test can inject any other service.
 *
 * <pre>{@code
 * DynncCompiler c = DynncCompiler.builder().target(Target.LLVM).diagnostics(sink).build();
 * CompileResult r = c.compile(request);
 * }</pre>
 *
 * <p>An instance holds only its configuration; compiles may run one after another on it.
 */
public final class DynncCompiler {
  /**
   * Where a bundle names its host ops' source files; {@code Bundle} reads it to locate run-time
   * errors.
   */
  static final String SOURCES_FILE = dev.dynnc.runtime.Bundle.SOURCES_FILE;

  private final Target target;
  private final TargetSpec targetSpec;
  private final CompileService service;
  private final Optional<Path> cacheDir;
  private final DiagnosticSink sink;
  private final ProgressListener progress;
  private final int maxErrors;
  private final java.util.function.Function<CompileRequest, Frontend.Result> lowering;
  private final List<Integer> specializePath;
  private final boolean keepDecisions;
  private final Duration tune;
  private final boolean boundaryLayouts;
  private final HostProgram hostProgram;

  /**
   * Which host program a compile builds: the model's control flow in native code with the
   * subgraphs' kernels ({@link #NATIVE}, rule NATIVE-HOST), or a Java class that calls each
   * subgraph's library ({@link #JAVA}).
   */
  public enum HostProgram {
    /**
     * Native where it can be (a CPU target, no tuning, a host program native code computes exactly,
     * not an oracle path), else Java; the progress listener is told why it stays in Java. The
     * default.
     */
    AUTO,
    /** Native; where it cannot be, the compile warns (DN0408, saying why) and builds Java. */
    NATIVE,
    /** Java: one library per subgraph, which {@code dynnc bench} profiles one by one. */
    JAVA
  }

  /**
   * Added to a tuned subgraph's compile time limit besides its share of the budget: a search round
   * started just before the deadline, the tuned build, and timing both builds.
   */
  static final Duration TUNE_MARGIN = Duration.ofSeconds(180);

  private DynncCompiler(Builder b) {
    this.target = b.target.kind();
    this.targetSpec = b.target;
    this.service =
        b.service != null
            ? b.service
            : b.target.kind() == Target.CUDA ? TvmWorker.sharedGpu() : TvmWorker.shared();
    this.cacheDir = Optional.ofNullable(b.cacheDir);
    this.sink = b.sink;
    this.progress = b.progress;
    this.maxErrors = b.maxErrors;
    this.lowering = b.lowering;
    this.specializePath = b.specializePath;
    this.keepDecisions = b.keepDecisions;
    this.tune = b.tune;
    this.boundaryLayouts = b.boundaryLayouts;
    this.hostProgram = b.hostProgram;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Configures a {@link DynncCompiler}; every setting has a default. */
  public static final class Builder {
    private TargetSpec target = TargetSpec.of(Target.LLVM);
    private CompileService service;
    private Path cacheDir;
    private DiagnosticSink sink = DiagnosticSink.NONE;
    private ProgressListener progress = ProgressListener.NONE;
    private int maxErrors = Frontend.DEFAULT_MAX_ERRORS;
    private java.util.function.Function<CompileRequest, Frontend.Result> lowering;
    private List<Integer> specializePath;
    private boolean keepDecisions;
    private Duration tune;
    private boolean boundaryLayouts = true;
    private HostProgram hostProgram = HostProgram.AUTO;

    private Builder() {}

    /**
     * Which host program to build ({@link HostProgram}); {@link HostProgram#AUTO} by default: the
     * host program in native code with the subgraphs' kernels, one library that a run calls once
     * (rule NATIVE-HOST, {@link NativeHost}), wherever native code can run it.
     */
    public Builder hostProgram(HostProgram h) {
      this.hostProgram = java.util.Objects.requireNonNull(h);
      return this;
    }

    /**
     * Whether activations that pass only between subgraphs keep the blocked layout TVM's kernels
     * use ({@link BoundaryLayouts}); true by default. False compiles every subgraph with NCHW
     * inputs and outputs, as the IR has them: for comparing, or to rule this out when a bundle
     * misbehaves. Tuned compiles ({@link #tune}) always use NCHW, since the auto-scheduler picks
     * its own layouts.
     */
    public Builder boundaryLayouts(boolean on) {
      this.boundaryLayouts = on;
      return this;
    }

    /**
     * Tunes the kernels of every subgraph with TVM's auto-scheduler for {@code budget} in all
     * (split evenly between the subgraphs, which then compile one at a time so that measurements do
     * not share the CPU), and keeps for each subgraph the faster of its tuned and untuned builds as
     * measured on this machine. With a compile cache the measurement records are kept there: an
     * unchanged subgraph is not tuned again, and a larger budget continues its search. Null (the
     * default) does not tune.
     */
    public Builder tune(Duration budget) {
      if (budget != null && (budget.isNegative() || budget.isZero())) {
        throw new IllegalArgumentException("the tuning budget must be positive, got " + budget);
      }
      this.tune = budget;
      return this;
    }

    /**
     * Compiles only one path of the method: the blocks {@code path} (a run's {@code
     * Bundle.RunStats#blockPath}) as one straight-line function ({@link PathSpecializer}), so the
     * taken path runs as one static graph. The benchmark suite's oracle; null (the default)
     * compiles the whole method.
     */
    public Builder specializePath(List<Integer> path) {
      this.specializePath = path == null ? null : List.copyOf(path);
      return this;
    }

    /**
     * With {@link #specializePath}, also computes the conditions of the branches the path takes and
     * returns them after the result: the decision oracle ({@link
     * PathSpecializer#specialize(Function, List, boolean)}).
     */
    public Builder keepDecisions(boolean keep) {
      this.keepDecisions = keep;
      return this;
    }

    /**
     * Replaces the frontend: the compile takes its lowered function from {@code l} instead of the
     * model's Python source. For tests that compile IR written by hand (a loop, before the frontend
     * stages one) through the rest of the real pipeline and TVM.
     */
    Builder lowering(java.util.function.Function<CompileRequest, Frontend.Result> l) {
      this.lowering = l;
      return this;
    }

    /** What to compile for (default {@link Target#LLVM}). */
    public Builder target(Target t) {
      return target(TargetSpec.of(Objects.requireNonNull(t, "target")));
    }

    /** The target with its options ({@code cuda -arch=sm_90}). */
    public Builder target(TargetSpec t) {
      this.target = Objects.requireNonNull(t, "target");
      return this;
    }

    /**
     * Who compiles subgraphs to libraries (default: the JVM-wide TVM worker, {@link
     * TvmWorker#shared()}).
     */
    public Builder compileService(CompileService s) {
      this.service = Objects.requireNonNull(s, "compileService");
      return this;
    }

    /**
     * Where compiled subgraph libraries are kept, keyed by their content ({@link CompileCache}), so
     * that an unchanged subgraph is not compiled again (default: no cache). A directory that is a
     * symbolic link, another user's, or writable by group or others is not used; the compile then
     * reports a warning and runs without it.
     */
    public Builder cacheDir(Path dir) {
      this.cacheDir = Objects.requireNonNull(dir, "cacheDir");
      return this;
    }

    /**
     * Where each diagnostic goes when a compile ends (default: nowhere; they are in the result
     * too).
     */
    public Builder diagnostics(DiagnosticSink s) {
      this.sink = Objects.requireNonNull(s, "diagnostics");
      return this;
    }

    /** Who hears about each stage as it starts (default: nobody). */
    public Builder progress(ProgressListener p) {
      this.progress = Objects.requireNonNull(p, "progress");
      return this;
    }

    /**
     * How many independent errors of the model one compile reports at most (default 20, as javac's
     * -Xmaxerrs).
     */
    public Builder maxErrors(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxErrors must be at least 1, got " + n);
      }
      this.maxErrors = n;
      return this;
    }

    public DynncCompiler build() {
      return new DynncCompiler(this);
    }
  }

  public Target target() {
    return target;
  }

  /** The target with its options, as the manifest records it. */
  public TargetSpec targetSpec() {
    return targetSpec;
  }

  /**
   * {@code $XDG_CACHE_HOME/dynnc}, or {@code ~/.cache/dynnc} when it is unset or (against the spec)
   * relative.
   */
  public static Path defaultCacheDir(String xdgCacheHome) {
    if (xdgCacheHome != null && !xdgCacheHome.isEmpty() && Path.of(xdgCacheHome).isAbsolute()) {
      return Path.of(xdgCacheHome, "dynnc");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "dynnc");
  }

  /** The compile cache's directory, if one was given (see {@link Builder#cacheDir}). */
  public Optional<Path> cacheDir() {
    return cacheDir;
  }

  /**
   * Compiles {@code req} into a bundle at {@code req.output()}; every diagnostic is also given to
   * the sink.
   */
  public CompileResult compile(CompileRequest req) throws IOException {
    CompileResult r = run(req);
    r.diagnostics().all().forEach(d -> sink.report(d, r.sources()));
    return r;
  }

  /**
   * Runs the front half of a compile: the frontend (weights are matched when given), the IR passes
   * and partitioning, keeping the program after each stage. Nothing is compiled with TVM and
   * nothing is written.
   */
  public Analysis analyze(
      Path sourceRoot,
      String entry,
      String method,
      LinkedHashMap<String, Type.TensorType> inputs,
      Optional<Path> weights,
      Checkpoints.Selection selection) {
    Frontend.Result fr =
        Frontend.lower(sourceRoot, entry, method, inputs, weights, selection, maxErrors);
    List<Analysis.Stage> stages = new ArrayList<>();
    if (!fr.ok() || fr.function().isEmpty()) {
      fr.diagnostics().all().forEach(d -> sink.report(d, fr.sources()));
      return new Analysis(
          fr.diagnostics(), fr.sources(), stages, Optional.empty(), fr.decisions(), List.of());
    }
    reportWarnings(fr);
    Function f = fr.function().get();
    stages.add(new Analysis.Stage("lowered", f));
    for (dev.dynnc.rewrite.Pass p : Pipeline.PASSES) {
      f = Pipeline.run(f, List.of(p), PassContext.DEFAULT);
      stages.add(new Analysis.Stage(p.name(), f));
    }
    Verifier.verifyOrThrow(f);
    return new Analysis(
        fr.diagnostics(),
        fr.sources(),
        stages,
        Optional.of(Partitioner.partition(f)),
        fr.decisions(),
        fr.cuts());
  }

  /** The diagnostic for a target name no {@link Target} has (the CLI takes targets as text). */
  public static Diagnostic unknownTarget(String name) {
    String[] parts = name.strip().split("\\s+");
    if (parts.length == 2 && parts[0].equals("llvm") && parts[1].startsWith("-mcpu=")) {
      return Diagnostic.of(
          Code.DN0400,
          Span.NONE,
          "unknown CPU in target '" + name + "'",
          "give one of LLVM's x86-64 CPU names: x86-64-v2 (SSE4.2), x86-64-v3 (AVX2, FMA),"
              + " x86-64-v4 (AVX-512), or a model such as haswell, skylake-avx512, icelake-server,"
              + " sapphirerapids, znver3, znver4; without -mcpu, llvm compiles for this machine's"
              + " CPU");
    }
    return Diagnostic.of(
        Code.DN0400,
        Span.NONE,
        "unknown target '" + name + "'",
        "use llvm (this machine's CPU), 'llvm -mcpu=NAME' (the CPU named, e.g. x86-64-v3) or"
            + " 'cuda -arch=sm_NN' (an NVIDIA GPU of that architecture)");
  }

  /**
   * Why this compiler cannot compile for its target at all, checked before any work: cuda without
   * an architecture, or without TVM's GPU build on the class path.
   */
  private Optional<Diagnostic> targetUnavailable() {
    if (target != Target.CUDA) {
      return Optional.empty();
    }
    if (targetSpec.arch() == null) {
      return Optional.of(
          Diagnostic.of(
              Code.DN0400,
              Span.NONE,
              "target 'cuda' needs the GPU's architecture: the kernels are machine code for it",
              "write the target as 'cuda -arch=sm_NN' (sm_90: H100 and H200, sm_80: A100, sm_89:"
                  + " L4 and RTX 40xx; nvidia-smi --query-gpu=compute_cap prints 9.0 for sm_90)"));
    }
    if (tune != null) {
      return Optional.of(
          Diagnostic.of(
              Code.DN0400,
              Span.NONE,
              "--tune is not available for target 'cuda': tuning times each kernel on the device,"
                  + " and dynnc's tuning runs on this machine's CPU",
              "compile for cuda without --tune (TVM's CUDA schedules are used as they are)"));
    }
    if (service instanceof TvmWorker && !TvmWorker.gpuBuildPresent()) {
      return Optional.of(
          Diagnostic.of(
              Code.DN0409,
              Span.NONE,
              "target 'cuda' needs TVM's GPU build, and this dynnc was built without it",
              "build dynnc with 'mvn -Pgpu install' (adds org.bytedeco:tvm, classifier"
                  + " linux-x86_64-gpu); see the README's 'GPU' section for the CUDA libraries it"
                  + " loads"));
    }
    return Optional.empty();
  }

  private CompileResult run(CompileRequest req) throws IOException {
    Diagnostics diags = new Diagnostics();
    Optional<Diagnostic> unavailable = targetUnavailable();
    if (unavailable.isPresent()) {
      diags.add(unavailable.get());
      return new CompileResult(diags, new SourceMap(), Optional.empty(), 0, 0);
    }
    Optional<String> notFile = notARegularFile(req.weights());
    if (notFile.isPresent()) {
      diags.add(
          Diagnostic.of(Code.DN0300, new Span(req.weights().toString(), 0, 0), notFile.get()));
      return new CompileResult(diags, new SourceMap(), Optional.empty(), 0, 0);
    }
    // Rule OUTPUT-GUARD: the output is checked (and a killed compile's swap repaired) before the
    // frontend and TVM spend any time.
    BundleOutput output;
    try {
      output = BundleOutput.prepare(req.output(), req.sourceRoot(), req.weights());
    } catch (BundleOutput.Refused e) {
      diags.add(Diagnostic.of(Code.DN0406, Span.NONE, e.getMessage()));
      return new CompileResult(diags, new SourceMap(), Optional.empty(), 0, 0);
    } catch (IOException e) {
      diags.add(
          Diagnostic.of(
              Code.DN0406,
              Span.NONE,
              "cannot create the bundle " + req.output() + ": " + BundleOutput.reason(e)));
      return new CompileResult(diags, new SourceMap(), Optional.empty(), 0, 0);
    }
    CompileCache cache = openCache();
    if (cache == null) {
      // Every subgraph will compile: start the TVM worker while the frontend runs. With a cache
      // the worker starts at the first miss, so recompiling an unchanged model does not pay for
      // it (2.9 s instead of 3.7-4.2 s for samples/msdnet on 2 cores).
      service.warmUp();
    }
    boolean installed = false;
    try {
      progress.stage(Stage.FRONTEND, "");
      Frontend.Result fr =
          lowering != null
              ? lowering.apply(req)
              : Frontend.lower(
                  req.sourceRoot(),
                  req.entry(),
                  req.method(),
                  req.inputs(),
                  Optional.of(req.weights()),
                  req.selection(),
                  maxErrors);
      if (!fr.ok()) {
        return new CompileResult(fr.diagnostics(), fr.sources(), fr.function(), 0, 0);
      }
      reportWarnings(fr);
      progress.stage(Stage.PASSES, "");
      Function f = Pipeline.run(fr.function().get(), PassContext.DEFAULT);
      Verifier.verifyOrThrow(f);
      if (specializePath != null) {
        try {
          f = PathSpecializer.specialize(f, specializePath, keepDecisions);
        } catch (IllegalArgumentException e) {
          diags.add(
              Diagnostic.of(
                  Code.DN0400,
                  Span.NONE,
                  "the block path does not fit this model: " + e.getMessage(),
                  "give a path that a run of this model's bundle took, as `dynnc bench` prints it"));
          return new CompileResult(diags, fr.sources(), Optional.of(f), 0, 0);
        }
        f = Pipeline.run(f, PassContext.DEFAULT);
        Verifier.verifyOrThrow(f);
      }
      progress.stage(Stage.PARTITION, "");
      Partitioner.Result parts = Partitioner.partition(f);
      Path tmp = output.dir();
      BoundaryLayouts.Plan layouts =
          boundaryLayouts && tune == null && target == Target.LLVM
              ? planLayouts(parts, fr, tmp, req.compileTimeout(), cache)
              : BoundaryLayouts.Plan.NONE;
      // The native host program first: its library holds every subgraph's kernels, so where it
      // builds, the subgraphs' own libraries are not built at all; where it cannot (a warning
      // says why), they are, for the Java host program.
      NativeBuild nativeBuild = null;
      if (hostProgram == HostProgram.NATIVE
          || (hostProgram == HostProgram.AUTO && specializePath == null)) {
        nativeBuild = buildNative(parts, fr, tmp, req.compileTimeout(), cache, layouts, diags);
        if (diags.hasErrors()) {
          return new CompileResult(diags, fr.sources(), Optional.of(f), 0, 0);
        }
      }
      dev.dynnc.rewrite.HostPlan hostPlan = parts.host();
      List<Manifest.SubgraphSpec> specs;
      if (nativeBuild != null) {
        specs = List.of(nativeBuild.spec());
        hostPlan = NativeHost.hostPlan(parts.host());
        if (!HostCodegen.outputStructures(hostPlan)
            .equals(HostCodegen.outputStructures(parts.host()))) {
          throw new IllegalStateException("native host program returns other structures");
        }
      } else {
        specs = compileSubgraphs(parts, fr, tmp, req.compileTimeout(), cache, layouts, diags);
        if (diags.hasErrors()) {
          return new CompileResult(diags, fr.sources(), Optional.of(f), 0, 0);
        }
      }
      try {
        progress.stage(Stage.HOST, "");
        String hostClass = writeHost(hostPlan, tmp, cache);
        progress.stage(Stage.BUNDLE, "");
        Files.writeString(tmp.resolve("ir/" + f.name() + ".ir"), Printer.print(f));
        List<Manifest.TensorSpec> inputs = new ArrayList<>();
        for (int i = 0; i < f.params().size(); i++) {
          inputs.add(spec(f.inputNames().get(i), f.params().get(i).type()));
        }
        Manifest.SharedWeights shared =
            writeSharedWeights(
                parts, fr, nativeBuild == null ? NativeParams.NONE : nativeBuild.params(), tmp);
        Manifest m =
            new Manifest(
                Manifest.FORMAT,
                Manifest.FORMAT_VERSION,
                targetSpec.tvmString(),
                target.device().manifestName(),
                f.name(),
                hostClass,
                inputs,
                HostCodegen.outputStructures(hostPlan),
                specs,
                Map.of(),
                shared,
                target == Target.LLVM ? cpuRequirement(tmp, specs) : null);
        m = m.withFilesOf(tmp);
        m.write(tmp);
        if (req.signingKey() != null) {
          BundleSignature.sign(tmp, req.signingKey());
        }
        output.install(req.sourceRoot(), req.weights());
        installed = true;
      } catch (BundleOutput.Refused e) {
        diags.add(Diagnostic.of(Code.DN0406, Span.NONE, e.getMessage()));
        return new CompileResult(diags, fr.sources(), Optional.of(f), 0, 0);
      } catch (IOException e) {
        diags.add(
            Diagnostic.of(
                Code.DN0406,
                Span.NONE,
                "cannot write the bundle " + req.output() + ": " + BundleOutput.reason(e)));
        return new CompileResult(diags, fr.sources(), Optional.of(f), 0, 0);
      }
      int sites = (int) parts.host().blocks().stream().filter(b -> b.call().isPresent()).count();
      return new CompileResult(
          diags, fr.sources(), Optional.of(f), parts.subgraphs().size(), sites);
    } finally {
      if (!installed) {
        output.discard();
      }
    }
  }

  /**
   * The CPU the subgraphs' kernels were compiled for and the instruction set features LLVM used,
   * from the lines that start each library's Relay text ({@code // target: llvm -mcpu=znver4},
   * {@code // cpu features: avx avx2 ...}, written by relay_builder.py); null when no library says.
   */
  static Manifest.CpuRequirement cpuRequirement(Path bundle, List<Manifest.SubgraphSpec> specs)
      throws IOException {
    String cpu = null;
    java.util.TreeSet<String> features = new java.util.TreeSet<>();
    for (Manifest.SubgraphSpec sg : specs) {
      Path relay = bundle.resolve("relay/" + sg.name() + ".relay");
      if (!Files.isRegularFile(relay)) {
        continue;
      }
      try (java.io.BufferedReader r = Files.newBufferedReader(relay)) {
        String line;
        while ((line = r.readLine()) != null && line.startsWith("//")) {
          java.util.regex.Matcher mcpu = MCPU.matcher(line);
          if (line.startsWith("// target: ") && mcpu.find()) {
            cpu = mcpu.group(1);
          } else if (line.startsWith(CPU_FEATURES)) {
            String list = line.substring(CPU_FEATURES.length()).strip();
            if (!list.isEmpty()) {
              features.addAll(java.util.Arrays.asList(list.split("\\s+")));
            }
          }
        }
      }
    }
    return cpu == null ? null : new Manifest.CpuRequirement(cpu, List.copyOf(features));
  }

  private static final java.util.regex.Pattern MCPU =
      java.util.regex.Pattern.compile("-mcpu=([A-Za-z0-9_.+-]+)");

  private static final String CPU_FEATURES = "// cpu features: ";

  /** Why a checkpoint path cannot be read as one, or empty for a regular file. */
  private static Optional<String> notARegularFile(Path p) {
    if (Files.isRegularFile(p)) {
      return Optional.empty();
    }
    if (!Files.exists(p)) {
      return Optional.of("checkpoint file does not exist");
    }
    if (Files.isDirectory(p)) {
      return Optional.of("is a directory, not a checkpoint file");
    }
    String kind = "a device, pipe or socket";
    try {
      int type = (Integer) Files.getAttribute(p, "unix:mode") & 0170000;
      kind =
          switch (type) {
            case 0020000, 0060000 -> "a device";
            case 0010000 -> "a named pipe";
            case 0140000 -> "a socket";
            default -> kind;
          };
    } catch (IOException | RuntimeException e) {
      // No unix attribute view: the generic description stands.
    }
    return Optional.of("is " + kind + ", not a checkpoint file");
  }

  private static Manifest.TensorSpec spec(String name, Type t) {
    Type.TensorType tt = (Type.TensorType) t;
    return new Manifest.TensorSpec(name, tt.dtype().numpyName(), tt.dims());
  }

  /**
   * The cache, or null when none was configured or its directory is refused (reported as a
   * warning).
   */
  private CompileCache openCache() {
    if (cacheDir.isEmpty()) {
      return null;
    }
    try {
      return CompileCache.open(cacheDir.get());
    } catch (CompileCache.Refused e) {
      warn(e.getMessage());
      return null;
    }
  }

  /** Reports the frontend's warnings (DN0117) of a model that lowered. */
  private void reportWarnings(Frontend.Result fr) {
    synchronized (sink) {
      fr.diagnostics().all().stream()
          .filter(d -> d.code().severity() == dev.dynnc.diag.Severity.WARNING)
          .forEach(d -> sink.report(d, fr.sources()));
    }
  }

  /**
   * Reports a warning to the sink as it happens. Warnings stay out of the result's diagnostics,
   * every one of which fails the compile. Subgraphs compiling in parallel warn one at a time.
   */
  /**
   * The host program stays in Java for {@code why}, something native code does not do: a warning
   * where {@code --native-host} asked for native code, a note to the progress listener where the
   * compile only prefers it ({@link HostProgram#AUTO}).
   */
  private void javaHost(String why) {
    if (hostProgram == HostProgram.NATIVE) {
      warn("--native-host: the host program stays in Java: " + why);
    } else {
      progress.note("the host program is in Java: " + why);
    }
  }

  private void warn(String message) {
    synchronized (sink) {
      sink.report(Diagnostic.of(Code.DN0408, Span.NONE, message), new SourceMap());
    }
  }

  /**
   * dynnc's version, part of the compile cache's key; "dev" when run from classes rather than a
   * released jar.
   */
  private static String dynncVersion() {
    String v = DynncCompiler.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * Compiles every subgraph into {@code bundle}'s lib/ and relay/ and returns their specs, in
   * subgraph order; on a failure, reports it and returns the specs before it.
   *
   * <p>Subgraphs compile in parallel on as many threads as the service runs compiles at once
   * ({@link CompileService#parallelism}). Results are taken in subgraph order, so the bundle and
   * the error reported are those of a serial compile: the first failing subgraph's, after which no
   * further compile starts (those already running finish, so nothing writes into the bundle
   * directory after this returns).
   */
  private List<Manifest.SubgraphSpec> compileSubgraphs(
      Partitioner.Result parts,
      Frontend.Result fr,
      Path bundle,
      Duration timeout,
      CompileCache cache,
      BoundaryLayouts.Plan layouts,
      Diagnostics diags)
      throws IOException {
    List<Manifest.SubgraphSpec> specs = new ArrayList<>();
    Files.createDirectories(bundle.resolve("lib"));
    Files.createDirectories(bundle.resolve("relay"));
    Map<ValueId, Type> types = parts.host().types();
    String identity = cache == null ? null : service.identity();
    List<SubgraphPlan> plans = parts.subgraphs();
    // Tuning measures kernels: one subgraph at a time, so that no other compile shares the CPU.
    int threads = tune != null ? 1 : Math.max(1, Math.min(service.parallelism(), plans.size()));
    Duration share = tune == null ? null : tune.dividedBy(Math.max(1, plans.size()));
    ExecutorService pool =
        threads == 1
            ? null
            : Executors.newFixedThreadPool(
                threads,
                r -> {
                  Thread t = new Thread(r, "dynnc-compile");
                  t.setDaemon(true);
                  return t;
                });
    List<FutureTask<Diagnostic>> tasks = new ArrayList<>();
    for (SubgraphPlan sg : plans) {
      FutureTask<Diagnostic> task =
          new FutureTask<>(
              () ->
                  compileSubgraph(
                      sg, fr, bundle, timeout, share, cache, identity, plans.size(), layouts));
      tasks.add(task);
    }
    if (pool != null) {
      // Largest first (by op count, a proxy for TVM's time), so that the last compile to finish
      // is not a large one started late: msdnet's 3 subgraphs on 2 workers. Results are still
      // taken in subgraph order below.
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < plans.size(); i++) {
        order.add(i);
      }
      order.sort(
          java.util.Comparator.comparingInt((Integer i) -> -plans.get(i).ops().size())
              .thenComparingInt(i -> i));
      order.forEach(i -> pool.execute(tasks.get(i)));
    }
    try {
      for (int i = 0; i < plans.size(); i++) {
        FutureTask<Diagnostic> task = tasks.get(i);
        if (pool == null) {
          task.run(); // serial: each subgraph after the one before it succeeded
        }
        Diagnostic failed = result(task);
        if (failed != null) {
          diags.add(failed);
          return specs;
        }
        specs.add(subgraphSpec(plans.get(i), types, layouts));
      }
      return specs;
    } finally {
      if (pool != null) {
        tasks.forEach(t -> t.cancel(false)); // compiles not yet started never start
        pool.shutdown();
        awaitQuietly(pool);
      }
    }
  }

  /**
   * A compile task's result (for a subgraph's compile, its diagnostic: null when it succeeded),
   * rethrowing what it threw.
   */
  private static <T> T result(java.util.concurrent.Future<T> task) throws IOException {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while TVM compiled", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static void awaitQuietly(ExecutorService pool) {
    try {
      while (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
        // A compile still running ends within its own time limit.
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Compiles one subgraph into {@code bundle} (or takes it from the cache); returns the diagnostic
   * of a failure, or null. Safe to run on several threads at once: each subgraph has its own work
   * directory and output files.
   */
  private Diagnostic compileSubgraph(
      SubgraphPlan sg,
      Frontend.Result fr,
      Path bundle,
      Duration timeout,
      Duration tuneShare,
      CompileCache cache,
      String identity,
      int count,
      BoundaryLayouts.Plan layouts)
      throws IOException {
    String name = "sg" + sg.index();
    synchronized (progress) {
      progress.stage(
          Stage.SUBGRAPH,
          name
              + " ("
              // Its place in the bundle, not in the order compiles start: with parallel compiles
              // sg1 may start first, and the plain lines, printed in subgraph order, must read
              // (1/3), (2/3), (3/3).
              + (sg.index() + 1)
              + "/"
              + count
              + ")"
              + (tuneShare == null
                  ? ""
                  // One decimal: --tune 4 over 3 subgraphs is 1.3 s each, not "0 s".
                  : String.format(
                      java.util.Locale.ROOT,
                      ", tuning up to %.1f s",
                      tuneShare.toMillis() / 1000.0)));
    }
    Path work = Files.createTempDirectory(bundle, "work-" + name);
    Path so = bundle.resolve("lib/" + name + ".so");
    Path relay = bundle.resolve("relay/" + name + ".relay");
    try {
      RelayExport.write(
          sg,
          fr.weights(),
          targetSpec.tvmString(),
          work,
          so,
          layouts.inputs().get(sg.index()),
          layouts.outputs().get(sg.index()),
          false);
      String key =
          cache == null
              ? null
              : CompileCache.key(work.resolve("request.json"), identity, dynncVersion());
      Tuning tuning = null;
      if (tuneShare != null) {
        tuning = Tuning.prepare(work, key, tuneShare, cache, this::warn);
        timeout = timeout.plus(tuneShare).plus(TUNE_MARGIN);
      }
      String libKey = tuning == null || key == null ? key : tuning.libraryKey();
      CompileCache.Lookup found =
          libKey == null ? CompileCache.Lookup.MISS : cache.fetch(libKey, so, relay);
      if (found == CompileCache.Lookup.CORRUPT) {
        warn(
            "compile cache entry "
                + libKey.substring(0, 12)
                + " for subgraph "
                + name
                + " does not match its hashes; it was removed and the subgraph is compiled again");
      }
      if (found == CompileCache.Lookup.HIT) {
        synchronized (progress) {
          progress.cacheHit(name);
        }
      } else {
        if (tuning != null) {
          tuning.addToRequest(work.resolve("request.json"));
        }
        service.compile(work.resolve("request.json"), work.resolve("error.txt"), timeout);
        Files.move(work.resolve("relay.txt"), relay);
        if (tuning != null) {
          libKey = tuning.finish(cache, key, this::warn);
        }
        if (libKey != null) {
          storeQuietly(cache, libKey, so, relay);
        }
      }
      if (tuning != null) {
        tuning.writeReport(bundle.resolve("relay/" + name + Tuning.REPORT_SUFFIX));
      }
      synchronized (progress) {
        progress.subgraphDone(name, found == CompileCache.Lookup.HIT);
      }
      return null;
    } catch (CompileService.Timeout e) {
      return Diagnostic.of(
          Code.DN0404,
          spanOf(sg),
          "TVM did not finish compiling subgraph " + name + " within " + timeout.toSeconds() + " s",
          "raise the limit with --compile-timeout SECONDS if the model is this large");
    } catch (CompileService.Unavailable e) {
      return Diagnostic.of(Code.DN0409, Span.NONE, e.getMessage());
    } catch (CompileService.CompileException e) {
      return Diagnostic.of(
          Code.DN0404,
          spanOf(sg),
          "TVM could not compile subgraph "
              + name
              + ": "
              + e.getMessage().lines().findFirst().orElse("")
              // DYNNC_DEBUG=1: TVM's whole report (traceback and log), for a bug report.
              + ("1".equals(System.getenv("DYNNC_DEBUG"))
                  ? "\n" + e.getMessage().lines().skip(1).collect(Collectors.joining("\n"))
                  : ""),
          "this is a dynnc bug if the model is supported; please report it with the model");
    } finally {
      deleteTree(work);
    }
  }

  /**
   * Builds the native host program (rule NATIVE-HOST) into {@code bundle/lib/native.so} and returns
   * its manifest entry and its constants; null, with a warning, where the host program must stay in
   * Java.
   */
  private NativeBuild buildNative(
      Partitioner.Result parts,
      Frontend.Result fr,
      Path bundle,
      Duration timeout,
      CompileCache cache,
      BoundaryLayouts.Plan layouts,
      Diagnostics diags)
      throws IOException {
    String stays = "--native-host: the host program stays in Java: ";
    if (target != Target.LLVM) {
      javaHost("native host programs are built for CPU targets only");
      return null;
    }
    if (tune != null) {
      // The native library builds every subgraph again, with TVM's own schedules.
      javaHost("--tune keeps the tuned subgraphs' libraries");
      return null;
    }
    Optional<String> why = NativeHost.unsupported(parts.host());
    if (why.isPresent()) {
      javaHost(why.get());
      return null;
    }
    progress.stage(Stage.SUBGRAPH, "native host program");
    Files.createDirectories(bundle.resolve("lib"));
    Files.createDirectories(bundle.resolve("relay"));
    Path work = Files.createTempDirectory(bundle, "work-native");
    boolean built = false;
    try {
      com.google.gson.JsonArray subs = new com.google.gson.JsonArray();
      for (SubgraphPlan sg : parts.subgraphs()) {
        Path dir = work.resolve("sg" + sg.index());
        Files.createDirectories(dir);
        RelayExport.write(
            sg,
            fr.weights(),
            targetSpec.tvmString(),
            dir,
            dir.resolve("unused.so"),
            layouts.inputs().get(sg.index()),
            layouts.outputs().get(sg.index()),
            false);
        subs.add(dir.resolve("request.json").toString());
      }
      com.google.gson.JsonObject plan = NativeHost.plan(parts.host());
      // Weights shared between subgraphs are inputs of the native function, bound by the runtime
      // from weights/shared.bin as for the Java host program's subgraphs: each key once, and per
      // subgraph, its graph input of each -> the key's index.
      Map<String, SubgraphPlan.SharedWeight> byKey = sharedWeights(parts);
      List<String> keys = List.copyOf(byKey.keySet());
      com.google.gson.JsonArray shared = new com.google.gson.JsonArray();
      for (SubgraphPlan.SharedWeight w : byKey.values()) {
        com.google.gson.JsonObject o = new com.google.gson.JsonObject();
        o.addProperty("dtype", w.type().dtype().numpyName());
        com.google.gson.JsonArray shape = new com.google.gson.JsonArray();
        for (long d : w.type().dims()) {
          shape.add(d);
        }
        o.add("shape", shape);
        shared.add(o);
      }
      com.google.gson.JsonArray weightInputs = new com.google.gson.JsonArray();
      for (SubgraphPlan sg : parts.subgraphs()) {
        com.google.gson.JsonObject m = new com.google.gson.JsonObject();
        sg.sharedWeights()
            .forEach(w -> m.addProperty(RelayExport.inputName(w), keys.indexOf(w.key())));
        weightInputs.add(m);
      }
      plan.add("shared", shared);
      plan.add("weight_inputs", weightInputs);
      com.google.gson.JsonObject req = new com.google.gson.JsonObject();
      req.addProperty("kind", "native");
      req.addProperty("target", targetSpec.tvmString());
      req.add("subgraphs", subs);
      req.add("plan", plan);
      req.addProperty("output", bundle.resolve("lib/native.so").toString());
      Path paramsBin = work.resolve("params.bin");
      Path paramsIndex = work.resolve("params.json");
      req.addProperty("params_file", paramsBin.toString());
      req.addProperty("params_index", paramsIndex.toString());
      req.addProperty("relay_file", work.resolve("relay.txt").toString());
      req.addProperty("error_file", work.resolve("error.txt").toString());
      Files.writeString(work.resolve("request.json"), req.toString());
      Path so = bundle.resolve("lib/native.so");
      Path relay = bundle.resolve("relay/native.relay");
      String key = null;
      if (cache != null) {
        String identity = service.identity();
        List<String> subKeys = new ArrayList<>();
        for (int i = 0; i < subs.size(); i++) {
          subKeys.add(
              CompileCache.key(Path.of(subs.get(i).getAsString()), identity, dynncVersion()));
        }
        key =
            CompileCache.nativeKey(
                plan.toString(), targetSpec.tvmString(), subKeys, dynncVersion());
        // the constants first: without them the library is no use
        CompileCache.Lookup found =
            cache.fetch(CompileCache.nativeParamsKey(key), paramsBin, paramsIndex, "rw-------");
        if (found == CompileCache.Lookup.HIT) {
          found = cache.fetch(key, so, relay);
          if (found == CompileCache.Lookup.HIT) {
            progress.cacheHit("native host program");
            progress.subgraphDone("native", true);
            NativeParams params = NativeParams.read(paramsBin, paramsIndex, byKey.keySet());
            built = true;
            return new NativeBuild(nativeSpec(parts, params), params);
          }
          Files.delete(paramsBin);
          Files.delete(paramsIndex);
        }
      }
      // every subgraph is built, with symbols of its own, then the native function
      timeout = timeout.multipliedBy(parts.subgraphs().size() + 1L);
      service.compile(work.resolve("request.json"), work.resolve("error.txt"), timeout);
      Files.move(work.resolve("relay.txt"), relay);
      NativeParams params = NativeParams.read(paramsBin, paramsIndex, byKey.keySet());
      if (key != null) {
        storeQuietly(cache, key, so, relay);
        storeQuietly(cache, CompileCache.nativeParamsKey(key), paramsBin, paramsIndex);
      }
      progress.subgraphDone("native", false);
      built = true;
      return new NativeBuild(nativeSpec(parts, params), params);
    } catch (CompileService.Timeout e) {
      // The subgraphs, built one by one, will show which one is slow.
      javaHost("TVM did not build it within " + timeout.toSeconds() + " s");
      return null;
    } catch (CompileService.Unavailable e) {
      diags.add(Diagnostic.of(Code.DN0409, Span.NONE, e.getMessage()));
      return null;
    } catch (CompileService.CompileException e) {
      // What native code cannot run is said as such; any other failure to build the native
      // program is a dynnc bug, but the Java host program that was built runs the model.
      String marker = "NativeUnsupported: ";
      Optional<String> unsupported =
          e.getMessage()
              .lines()
              .filter(l -> l.startsWith(marker))
              .findFirst()
              .map(l -> l.substring(marker.length()));
      if (unsupported.isPresent()) {
        javaHost(unsupported.get());
      } else {
        warn(
            (hostProgram == HostProgram.NATIVE ? stays : "the host program stays in Java: ")
                + "TVM could not build it ("
                + e.getMessage().lines().findFirst().orElse("")
                + "; a dynnc bug, please report it with the model)");
      }
      return null;
    } finally {
      deleteTree(work);
      if (!built) { // nothing of a failed native build stays in the bundle
        Files.deleteIfExists(bundle.resolve("lib/native.so"));
        Files.deleteIfExists(bundle.resolve("lib/native.so.partial.so"));
        Files.deleteIfExists(bundle.resolve("relay/native.relay"));
      }
    }
  }

  /** A native host program's manifest entry and the constants its library takes. */
  private record NativeBuild(Manifest.SubgraphSpec spec, NativeParams params) {}

  /** The manifest entry of the native host program's library. */
  private static Manifest.SubgraphSpec nativeSpec(Partitioner.Result parts, NativeParams params) {
    List<Manifest.TensorSpec> ins = new ArrayList<>();
    for (Param p : parts.host().inputs()) {
      ins.add(spec("in" + p.id().index(), p.type()));
    }
    List<Manifest.TensorSpec> outs = new ArrayList<>();
    List<Type.TensorType> outTypes = NativeHost.outputs(parts.host());
    for (int j = 0; j < outTypes.size(); j++) {
      outs.add(spec("out" + j, outTypes.get(j)));
    }
    List<Manifest.WeightInput> weights = new ArrayList<>();
    List<String> keys = List.copyOf(sharedWeights(parts).keySet());
    for (int j = 0; j < keys.size(); j++) {
      weights.add(new Manifest.WeightInput("sw" + j, keys.get(j)));
    }
    for (int j = 0; j < params.weights().size(); j++) {
      weights.add(new Manifest.WeightInput(NativeParams.input(j), params.weights().get(j).key()));
    }
    return new Manifest.SubgraphSpec("native", "lib/native.so", ins, outs, weights);
  }

  /** The weights that subgraphs share, each key once, in the order of first use. */
  private static Map<String, SubgraphPlan.SharedWeight> sharedWeights(Partitioner.Result parts) {
    Map<String, SubgraphPlan.SharedWeight> byKey = new LinkedHashMap<>();
    for (SubgraphPlan sg : parts.subgraphs()) {
      sg.sharedWeights().forEach(w -> byKey.putIfAbsent(w.key(), w));
    }
    return byKey;
  }

  /** The manifest entry of a compiled subgraph. */
  private static Manifest.SubgraphSpec subgraphSpec(
      SubgraphPlan sg, Map<ValueId, Type> types, BoundaryLayouts.Plan layouts) {
    String name = "sg" + sg.index();
    List<Manifest.TensorSpec> ins = new ArrayList<>();
    for (int i = 0; i < sg.inputs().size(); i++) {
      Param p = sg.inputs().get(i);
      ins.add(blocked(spec("in" + p.id().index(), p.type()), layouts.input(sg.index(), i)));
    }
    List<Manifest.TensorSpec> outs = new ArrayList<>();
    for (int j = 0; j < sg.outputs().size(); j++) {
      ValueId v = sg.outputs().get(j);
      outs.add(blocked(spec("out" + v.index(), types.get(v)), layouts.output(sg.index(), j)));
    }
    List<Manifest.WeightInput> weightInputs = new ArrayList<>();
    for (SubgraphPlan.SharedWeight w : sg.sharedWeights()) {
      weightInputs.add(new Manifest.WeightInput(RelayExport.inputName(w), w.key()));
    }
    return new Manifest.SubgraphSpec(name, "lib/" + name + ".so", ins, outs, weightInputs);
  }

  /** The spec of a subgraph input or output that travels in {@code layout} (null: as it is). */
  private static Manifest.TensorSpec blocked(Manifest.TensorSpec spec, String layout) {
    return layout == null
        ? spec
        : new Manifest.TensorSpec(
            spec.name(), spec.dtype(), BoundaryLayouts.shape(spec.shape(), layout));
  }

  /**
   * Chooses the layouts of the activations passed between subgraphs ({@link BoundaryLayouts}): asks
   * TVM, for each subgraph with such a boundary, which layout its layout pass wants there (a cheap
   * request: Relay passes only, no code generation; cached like libraries), then picks one layout
   * per activation. A query that fails leaves its subgraph's boundaries NCHW; the subgraph's
   * compile then reports what is wrong.
   */
  private BoundaryLayouts.Plan planLayouts(
      Partitioner.Result parts,
      Frontend.Result fr,
      Path bundle,
      Duration timeout,
      CompileCache cache)
      throws IOException {
    List<List<BoundaryLayouts.Port>> classes = BoundaryLayouts.candidateClasses(parts);
    if (classes.isEmpty()) {
      return BoundaryLayouts.Plan.NONE;
    }
    List<Integer> asked = new ArrayList<>(BoundaryLayouts.subgraphsToQuery(classes));
    String identity = cache == null ? null : service.identity();
    Map<Integer, BoundaryLayouts.Query> answers = new java.util.concurrent.ConcurrentHashMap<>();
    int threads = Math.max(1, Math.min(service.parallelism(), asked.size()));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "dynnc-layouts");
              t.setDaemon(true);
              return t;
            });
    try {
      List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
      for (int index : asked) {
        SubgraphPlan sg = parts.subgraphs().get(index);
        futures.add(
            pool.submit(
                () -> {
                  BoundaryLayouts.Query q = queryLayouts(sg, fr, bundle, timeout, cache, identity);
                  if (q != null) {
                    answers.put(sg.index(), q);
                  }
                  return null;
                }));
      }
      for (java.util.concurrent.Future<?> fu : futures) {
        result(fu);
      }
    } finally {
      pool.shutdownNow();
      awaitQuietly(pool);
    }
    return BoundaryLayouts.choose(parts, classes, answers);
  }

  /** One subgraph's layout query, from the cache or the TVM worker; null if TVM failed it. */
  private BoundaryLayouts.Query queryLayouts(
      SubgraphPlan sg,
      Frontend.Result fr,
      Path bundle,
      Duration timeout,
      CompileCache cache,
      String identity)
      throws IOException {
    Path work = Files.createTempDirectory(bundle, "work-layouts-sg" + sg.index());
    try {
      Path answer = work.resolve("layouts.json");
      Path relay = work.resolve("relay.txt");
      RelayExport.write(sg, fr.weights(), targetSpec.tvmString(), work, answer, null, null, true);
      String key =
          cache == null
              ? null
              : CompileCache.key(work.resolve("request.json"), identity, dynncVersion());
      CompileCache.Lookup found =
          key == null
              ? CompileCache.Lookup.MISS
              : cache.fetch(key, answer, work.resolve("cached.txt"), "rw-rw-rw-");
      if (found != CompileCache.Lookup.HIT) {
        try {
          service.compile(work.resolve("request.json"), work.resolve("error.txt"), timeout);
        } catch (CompileService.CompileException e) {
          return null;
        }
        if (key != null) {
          storeQuietly(cache, key, answer, relay);
        }
      }
      return BoundaryLayouts.parseQuery(Files.readString(answer));
    } finally {
      deleteTree(work);
    }
  }

  /**
   * Stores a compiled subgraph; a cache that cannot take it (a full disk) costs a warning, not the
   * compile.
   */
  private void storeQuietly(CompileCache cache, String key, Path so, Path relay) {
    try {
      cache.store(key, so, relay);
    } catch (IOException e) {
      warn("cannot store a compiled subgraph in the compile cache: " + e.getMessage());
    }
  }

  /** Where a subgraph's failure is reported: at its last op, the one whose value it computes. */
  private static Span spanOf(SubgraphPlan sg) {
    return sg.ops().isEmpty() ? Span.NONE : sg.ops().get(sg.ops().size() - 1).span();
  }

  /**
   * Writes the weights several subgraphs share, then a native host program's constants, each once,
   * 64-byte aligned; null when there are none.
   */
  private static Manifest.SharedWeights writeSharedWeights(
      Partitioner.Result parts, Frontend.Result fr, NativeParams constants, Path bundle)
      throws IOException {
    Map<String, SubgraphPlan.SharedWeight> byKey = sharedWeights(parts);
    if (byKey.isEmpty() && constants.weights().isEmpty()) {
      return null;
    }
    String file = "weights/shared.bin";
    Files.createDirectories(bundle.resolve("weights"));
    List<Manifest.WeightSpec> specs = new ArrayList<>();
    try (java.io.OutputStream out = Files.newOutputStream(bundle.resolve(file))) {
      long offset = 0;
      for (SubgraphPlan.SharedWeight w : byKey.values()) {
        long pad = (64 - offset % 64) % 64;
        out.write(new byte[(int) pad]);
        offset += pad;
        byte[] data = RelayExport.weightBytes(fr.weights().get(w.key()), w.type());
        out.write(data);
        specs.add(
            new Manifest.WeightSpec(
                w.key(), w.type().dtype().numpyName(), w.type().dims(), offset));
        offset += data.length;
      }
      for (int j = 0; j < constants.weights().size(); j++) {
        long pad = (64 - offset % 64) % 64;
        out.write(new byte[(int) pad]);
        offset += pad;
        Manifest.WeightSpec c = constants.weights().get(j);
        byte[] data = constants.bytes(j);
        out.write(data);
        specs.add(new Manifest.WeightSpec(c.key(), c.dtype(), c.shape(), offset));
        offset += data.length;
      }
    }
    return new Manifest.SharedWeights(file, specs);
  }

  /** Generates the host class, compiles it with javax.tools, returns its binary name. */
  private static String writeHost(dev.dynnc.rewrite.HostPlan plan, Path bundle, CompileCache cache)
      throws IOException {
    CompilationUnit cu = HostCodegen.generate(plan);
    String simple = HostCodegen.CLASS_NAME;
    String packagePath = HostCodegen.PACKAGE.replace('.', '/');
    Path src = bundle.resolve("host/src/" + packagePath + "/" + simple + ".java");
    Files.createDirectories(src.getParent());
    String source = cu.toString();
    Files.writeString(src, source);
    // The file names host arithmetic errors are reported in, as data beside the class
    // (HostCodegen.sourceFiles).
    Files.writeString(
        bundle.resolve(SOURCES_FILE),
        new com.google.gson.Gson().toJson(HostCodegen.sourceFiles(plan)));
    Path classes = bundle.resolve("host/classes");
    Files.createDirectories(classes);
    Files.createDirectories(bundle.resolve("ir"));
    Path classFile = classes.resolve(packagePath + "/" + simple + ".class");
    String key = cache == null ? null : CompileCache.hostKey(source, dynncVersion());
    if (key != null) {
      Files.createDirectories(classFile.getParent());
      Path cachedSource = bundle.resolve("host/.cached-source");
      CompileCache.Lookup found = cache.fetch(key, classFile, cachedSource, "rw-rw-rw-");
      Files.deleteIfExists(cachedSource);
      if (found == CompileCache.Lookup.HIT) {
        return HostCodegen.PACKAGE + "." + simple;
      }
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IOException("no Java compiler in this runtime; run dynnc on a JDK, not a JRE");
    }
    StringWriter log = new StringWriter();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, null)) {
      Iterable<? extends JavaFileObject> units = fm.getJavaFileObjects(src.toFile());
      List<String> opts =
          List.of(
              "--release",
              "17",
              "-classpath",
              HostClasspath.asString(),
              "-d",
              classes.toString(),
              "-proc:none");
      boolean ok = javac.getTask(log, fm, null, opts, null, units).call();
      if (!ok) {
        throw new IllegalStateException(
            "generated host code does not compile (dynnc bug):\n" + log + "\n" + cu);
      }
    }
    if (key != null && onlyFile(classes, classFile)) {
      cache.store(key, classFile, src);
    }
    return HostCodegen.PACKAGE + "." + simple;
  }

  /** Whether {@code file} is the only regular file under {@code dir} (javac wrote one class). */
  private static boolean onlyFile(Path dir, Path file) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList().equals(List.of(file));
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
