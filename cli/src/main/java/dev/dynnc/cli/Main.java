package dev.dynnc.cli;

import dev.dynnc.backend.BundleOutput;
import dev.dynnc.backend.StderrFilter;
import dev.dynnc.compiler.CompileRequest;
import dev.dynnc.compiler.CompileResult;
import dev.dynnc.compiler.DynncCompiler;
import dev.dynnc.compiler.ProgressListener;
import dev.dynnc.compiler.Target;
import dev.dynnc.compiler.TargetSpec;
import dev.dynnc.compiler.Tuning;
import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostics;
import dev.dynnc.diag.SourceMap;
import dev.dynnc.rewrite.PathSpecializer;
import dev.dynnc.runtime.BadInputException;
import dev.dynnc.runtime.Bundle;
import dev.dynnc.runtime.BundleException;
import dev.dynnc.runtime.BundleSignature;
import dev.dynnc.runtime.HostProgramException;
import dev.dynnc.runtime.HostTensor;
import dev.dynnc.runtime.Npy;
import dev.dynnc.runtime.OutputValue;
import dev.dynnc.runtime.OwnedDirs;
import dev.dynnc.runtime.TrustPolicy;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code dynnc} command line: {@code compile} a model to a bundle, {@code run} a bundle.
 *
 * <p>Exit codes: 0 success, 1 diagnostics (bad model or input), 2 bad usage, 3 internal error. An
 * internal error (a dynnc bug) prints one line asking for a report; the stack trace follows only
 * when the environment variable {@code DYNNC_DEBUG} is {@code 1}, so users never see one by default
 * and maintainers can get one without rebuilding.
 */
@Command(
    name = "dynnc",
    mixinStandardHelpOptions = true,
    version = "dynnc 0.1.0",
    scope = CommandLine.ScopeType.INHERIT,
    description = "Compile dynamic PyTorch models to TVM subgraphs plus a Java host module.",
    subcommands = {
      Main.Compile.class,
      ModelCommands.Check.class,
      ModelCommands.Inspect.class,
      Main.Run.class,
      Main.Bench.class,
      Main.Keygen.class,
      ManPages.class,
      picocli.AutoComplete.GenerateCompletion.class
    })
public final class Main implements Callable<Integer> {
  static final int OK = 0;
  static final int DIAGNOSTICS = 1;
  static final int USAGE = 2;
  static final int INTERNAL = 3;

  /** A day: longer is a typo, not a plan. */
  static final long MAX_TIMEOUT_S = 86_400;

  @Override
  public Integer call() {
    CommandLine.usage(this, System.err);
    return USAGE;
  }

  public static void main(String[] args) {
    StderrFilter.install();
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI with the given streams; returns the exit code (used by tests). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> internalError(e, err));
    cl.setParameterExceptionHandler(
        (e, a) -> {
          err.println("error: " + e.getMessage());
          e.getCommandLine().usage(err);
          return USAGE;
        });
    try {
      return cl.execute(args);
    } catch (Throwable t) { // Errors (out of memory, stack overflow) pass picocli's handler
      return internalError(t, err);
    } finally {
      // Diagnostics are printed with print(), which an auto-flushing writer does not flush: a
      // warning of a command that succeeds would be lost at exit.
      out.flush();
      err.flush();
    }
  }

  /** Reports a dynnc bug in one line; the stack trace only with {@code DYNNC_DEBUG=1}. */
  static int internalError(Throwable t, PrintWriter err) {
    return internalError(t, err, "1".equals(System.getenv("DYNNC_DEBUG")));
  }

  static int internalError(Throwable t, PrintWriter err, boolean debug) {
    String what =
        t.getMessage() == null
            ? t.getClass().getSimpleName()
            : t.getClass().getSimpleName() + ": " + t.getMessage();
    err.println(
        "internal error: "
            + what.lines().findFirst().orElse("")
            + " (a dynnc bug; please report it with the command "
            + "line and model; DYNNC_DEBUG=1 prints the stack trace)");
    if (debug) {
      t.printStackTrace(err);
    }
    err.flush();
    return INTERNAL;
  }

  @Command(
      name = "compile",
      mixinStandardHelpOptions = true,
      description = "Compile a model into a bundle.")
  static final class Compile implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin ModelCommands.ModelOptions model;

    @Option(
        names = "--target",
        description =
            "Compilation target: llvm (this machine's CPU), 'llvm -mcpu=NAME' (the CPU LLVM"
                + " names, for bundles that run on other machines: x86-64-v3 for any CPU with"
                + " AVX2 and FMA, x86-64-v2, x86-64-v4, znver4, ...) or 'cuda -arch=sm_NN'"
                + " (NVIDIA GPUs of that architecture, sm_90 for H100 and H200; needs dynnc"
                + " built with -Pgpu) (default: llvm).")
    String target;

    @Option(
        names = {"-o", "--output"},
        required = true,
        description =
            "Bundle directory to write; only a missing path, an empty directory or an earlier bundle is replaced.")
    Path output;

    @Option(
        names = "--sign",
        description = "Ed25519 private key (PEM, from 'dynnc keygen') to sign the bundle with.")
    Path sign;

    @Option(
        names = "--compile-timeout",
        paramLabel = "SECONDS",
        description =
            "Time limit for TVM's compile of each subgraph (default: "
                + CompileRequest.DEFAULT_COMPILE_TIMEOUT_S
                + ").")
    Long compileTimeout;

    @Option(
        names = "--cache-dir",
        paramLabel = "DIR",
        description =
            "Compile cache of subgraph libraries (default: $XDG_CACHE_HOME/dynnc or ~/.cache/dynnc).")
    Path cacheDir;

    @Option(
        names = "--no-cache",
        description = "Compile every subgraph with TVM; neither read nor write the cache.")
    boolean noCache;

    @Option(
        names = {"-v", "--verbose"},
        description = "Print each stage's time and every compile-cache hit.")
    boolean verbose;

    @Option(
        names = {"-q", "--quiet"},
        description = "Print nothing but errors: no progress, no summary line.")
    boolean quiet;

    @Option(
        names = "--specialize-path",
        paramLabel = "BLOCKS",
        description =
            "Compile only one path of the method, the blocks BLOCKS (e.g. 0,2,5, as the blocks column of"
                + " `dynnc bench` prints it for a bundle compiled with --java-host), as one static graph: the oracle that `dynnc bench` of the"
                + " whole model is measured against.")
    String specializePath;

    @Option(
        names = "--keep-decisions",
        description =
            "With --specialize-path: compute the conditions of the branches the path takes too, and"
                + " return them after the result. The decision oracle: the path's work and its decisions as"
                + " one static graph, to tell what deciding costs from what the boundaries cost.")
    boolean keepDecisions;

    @Option(
        names = "--native-host",
        description =
            "Require the native host program, and warn where it cannot be built. By default dynnc"
                + " compiles the host program to native code together with the subgraphs' kernels"
                + " wherever it can: one library that a run calls once, with no return to the JVM"
                + " between subgraphs (a data-dependent loop runs natively). CPU only; where the host"
                + " program needs what native code does not do, it stays in Java (-v says why).")
    boolean nativeHost;

    @Option(
        names = "--java-host",
        description =
            "Keep the host program in Java: one library per subgraph, called from a generated Java"
                + " class. Slower on small models; `dynnc bench` then profiles each subgraph call.")
    boolean javaHost;

    @Option(
        names = "--nchw-boundaries",
        description =
            "Pass every activation between subgraphs in NCHW, as the model has it, instead of in the"
                + " blocked layout (NCHW8c, NCHW16c) that TVM's convolution kernels use on both sides."
                + " Slower; for comparing, or to rule boundary layouts out when a bundle misbehaves.")
    boolean nchwBoundaries;

    @Option(
        names = "--tune",
        paramLabel = "SECONDS",
        description =
            "Tune every subgraph's kernels with TVM's auto-scheduler for SECONDS in all, measured on"
                + " this machine, and keep each subgraph's faster build, tuned or not. The records"
                + " stay in the compile cache: an unchanged subgraph is not tuned again, and a larger"
                + " budget continues its search.")
    Long tune;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      PrintWriter out = spec.commandLine().getOut();
      if (noCache && cacheDir != null) {
        err.println(
            Code.DN0400.prefix() + "--cache-dir and --no-cache contradict each other; give one");
        return USAGE;
      }
      ModelCommands.Model m;
      try {
        m = model.resolve(true);
      } catch (CliError e) {
        err.println(e.code.prefix() + e.getMessage());
        return e.exit;
      }
      long timeout =
          compileTimeout != null
              ? compileTimeout
              : m.compileTimeoutSeconds().orElse((int) CompileRequest.DEFAULT_COMPILE_TIMEOUT_S);
      if (timeout < 1 || timeout > MAX_TIMEOUT_S) {
        err.println(
            Code.DN0400.prefix()
                + "--compile-timeout "
                + timeout
                + " must be between 1 and "
                + MAX_TIMEOUT_S
                + " seconds");
        return USAGE;
      }
      Long tuneSeconds =
          tune != null
              ? tune
              : m.tuneSeconds().isPresent() ? Long.valueOf(m.tuneSeconds().getAsInt()) : null;
      if (tuneSeconds != null && (tuneSeconds < 1 || tuneSeconds > MAX_TIMEOUT_S)) {
        err.println(
            Code.DN0400.prefix()
                + "--tune "
                + tuneSeconds
                + " must be between 1 and "
                + MAX_TIMEOUT_S
                + " seconds");
        return USAGE;
      }
      java.security.PrivateKey key = null;
      if (sign != null) {
        try {
          key = BundleSignature.readPrivateKey(sign);
        } catch (BundleSignature.KeyFileException e) {
          err.println(Code.DN0407.prefix() + e.getMessage());
          return DIAGNOSTICS;
        }
      }
      Path weights = m.weights().orElseThrow();
      // Rule OUTPUT-GUARD, checked here too so that a refused -o is a usage error (exit 2).
      Optional<String> refused = BundleOutput.refusal(output, m.sourceRoot(), weights);
      if (refused.isPresent()) {
        err.println(Code.DN0406.prefix() + refused.get());
        return USAGE;
      }
      String targetName = target != null ? target : m.target().orElse(Target.LLVM.tvmName());
      Optional<TargetSpec> t = TargetSpec.parse(targetName);
      if (t.isEmpty()) {
        return failed(
            err, Diagnostics.render(DynncCompiler.unknownTarget(targetName), new SourceMap()));
      }
      long t0 = System.nanoTime();
      if (nativeHost && javaHost) {
        err.println(
            Code.DN0400.prefix() + "--native-host and --java-host contradict each other; give one");
        return USAGE;
      }
      if (quiet && verbose) {
        err.println(Code.DN0400.prefix() + "--quiet and --verbose contradict each other; give one");
        return USAGE;
      }
      ProgressListener progress = ProgressDisplay.forCommand(err, quiet, verbose);
      DynncCompiler.Builder builder =
          DynncCompiler.builder()
              .target(t.get())
              .maxErrors(m.maxErrors())
              .diagnostics((d, sources) -> err.append(Diagnostics.render(d, sources)).flush())
              .progress(progress)
              .boundaryLayouts(!nchwBoundaries)
              .hostProgram(
                  nativeHost
                      ? DynncCompiler.HostProgram.NATIVE
                      : javaHost ? DynncCompiler.HostProgram.JAVA : DynncCompiler.HostProgram.AUTO);
      if (specializePath != null) {
        try {
          builder.specializePath(PathSpecializer.parsePath(specializePath));
          builder.keepDecisions(keepDecisions);
        } catch (IllegalArgumentException e) {
          err.println(Code.DN0400.prefix() + "--specialize-path: " + e.getMessage());
          return USAGE;
        }
      }
      if (keepDecisions && specializePath == null) {
        err.println(Code.DN0400.prefix() + "--keep-decisions needs --specialize-path");
        return USAGE;
      }
      if (tuneSeconds != null) {
        builder.tune(Duration.ofSeconds(tuneSeconds));
      }
      if (!noCache) {
        builder.cacheDir(
            cacheDir != null
                ? cacheDir
                : DynncCompiler.defaultCacheDir(System.getenv("XDG_CACHE_HOME")));
      }
      DynncCompiler compiler = builder.build();
      CompileResult r = null;
      try {
        r =
            compiler.compile(
                new CompileRequest(
                    m.sourceRoot(),
                    m.entry(),
                    m.method(),
                    m.inputs(),
                    weights,
                    m.selection(),
                    output,
                    Duration.ofSeconds(timeout),
                    key));
      } finally {
        if (progress instanceof ProgressDisplay p) {
          p.done(r != null && r.ok());
        }
      }
      if (!r.ok()) {
        return failed(err, "");
      }
      if (quiet) {
        return OK;
      }
      if (tuneSeconds != null) {
        Tuning.summaries(output).forEach(line -> out.println("tuning " + line));
      }
      out.printf(
          "compiled %s: %d subgraph(s), %d call site(s), %d block(s) -> %s (%.1f s)%n",
          m.entry(),
          r.subgraphs(),
          r.callSites(),
          r.function().get().blocks().size(),
          output,
          (System.nanoTime() - t0) / 1e9);
      return OK;
    }

    /**
     * Ends a failed compile: {@code diagnostics} (already rendered) and the line saying nothing was
     * written.
     */
    private static int failed(PrintWriter err, String diagnostics) {
      err.print(diagnostics);
      err.println("compilation failed; no bundle was written");
      return DIAGNOSTICS;
    }
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description =
          "Run a bundle on .npy inputs. A name given again starts the next input set, e.g. --input"
              + " x=a.npy --input x=b.npy runs the bundle twice, in one process; the outputs of the"
              + " k-th set (from 0) then go to OUTPUT_DIR/k/.")
  static final class Run implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "Bundle directory or .zip.")
    Path bundle;

    @Option(
        names = "--input",
        required = true,
        description = "NAME=FILE.npy, one per model input; repeat a name for another input set.")
    List<String> inputs;

    @Option(
        names = "--output-dir",
        required = true,
        description =
            "Where output_<i>.npy and outputs.json go (in a folder per input set when there are"
                + " several).")
    Path outputDir;

    @Option(names = "--trust", description = TRUST_HELP)
    List<Path> trust;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      PrintWriter out = spec.commandLine().getOut();
      return reportingErrors(
          err,
          () -> {
            checkOutputDir(outputDir);
            return runBundle(Bench.inputSets(inputs), out);
          });
    }

    private int runBundle(List<Bench.InputSet> sets, PrintWriter out) throws Exception {
      try (Bundle b = Bundle.open(bundle, trustPolicy(trust))) {
        // Every set runs before anything is written, and the files move into --output-dir only
        // when all are written: a failing set leaves no outputs of the others behind.
        List<OutputValue> results = new java.util.ArrayList<>();
        for (Bench.InputSet set : sets) {
          results.add(b.run(set.tensors()));
        }
        boolean several = sets.size() > 1;
        Path tmp = createOutputTemp(outputDir);
        List<Path> written = new java.util.ArrayList<>();
        try {
          for (int k = 0; k < results.size(); k++) {
            Path dir = several ? tmp.resolve(Integer.toString(k)) : tmp;
            Files.createDirectories(dir);
            List<HostTensor> leaves = results.get(k).flattenLeaves();
            for (int i = 0; i < leaves.size(); i++) {
              Npy.write(dir.resolve("output_" + i + ".npy"), leaves.get(i));
              written.add(tmp.relativize(dir.resolve("output_" + i + ".npy")));
            }
            Files.writeString(
                dir.resolve("outputs.json"),
                results.get(k).structureJson() + "\n",
                StandardCharsets.UTF_8);
            written.add(tmp.relativize(dir.resolve("outputs.json")));
          }
          Files.createDirectories(outputDir);
          for (Path rel : written) {
            Path target = outputDir.resolve(rel);
            Files.createDirectories(target.getParent());
            Files.move(tmp.resolve(rel), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
        } catch (java.io.IOException e) {
          throw new CliError(
              Code.DN0406,
              DIAGNOSTICS,
              "cannot write the outputs to " + outputDir + ": " + BundleOutput.reason(e));
        } finally {
          OwnedDirs.delete(tmp);
        }
        for (int k = 0; k < results.size(); k++) {
          String prefix = several ? "[" + k + "] " + sets.get(k).label() + " " : "";
          List<HostTensor> leaves = results.get(k).flattenLeaves();
          for (int i = 0; i < leaves.size(); i++) {
            out.println(prefix + "output_" + i + ": " + preview(leaves.get(i)));
          }
          out.println(prefix + "structure: " + results.get(k).structureJson());
        }
        int files = results.get(0).flattenLeaves().size();
        out.println(
            several
                ? "wrote the outputs of "
                    + results.size()
                    + " input sets to "
                    + outputDir
                    + "/0 .. /"
                    + (results.size() - 1)
                : "wrote " + files + " output(s) to " + outputDir);
        return OK;
      }
    }
  }

  @Command(
      name = "bench",
      mixinStandardHelpOptions = true,
      description =
          "Time a bundle on .npy inputs and print a table, one row per input set. Inputs are given as for"
              + " run; a name given again starts the next input set, e.g. --input x=a.npy --input x=b.npy is two rows."
              + " Columns: latency of a whole run (inputs in, outputs out); host_%%, the share of it spent outside"
              + " the compiled kernels (host program, copies at subgraph boundaries, runtime), measured on up to"
              + " 500 further runs that read the clock around every kernel call, which the timed runs do not; the host program's"
              + " block path (for compile --specialize-path) and the subgraphs it called, for a bundle compiled with"
              + " --java-host (a native host program's run is one call, shown as such). With --against, other"
              + " bundles of the same model (say its static-path oracles) are timed interleaved with the first, in"
              + " blocks of runs in one process, and each row adds their latency and the ratio of the medians: a"
              + " comparison that load changing on the machine does not skew.")
  static final class Bench implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "Bundle directory or .zip.")
    Path bundle;

    @Option(
        names = "--input",
        description = "NAME=FILE.npy, one per model input; repeat a name for another input set.")
    List<String> inputs;

    @Option(
        names = "--warmup",
        defaultValue = "500",
        description =
            "Untimed runs per input set (default: ${DEFAULT-VALUE}), after 2 s of running all input sets in"
                + " turn to warm up the JIT (skipped with 0).")
    int warmup;

    @Option(
        names = "--iterations",
        defaultValue = "500",
        description = "Timed runs per input set (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(
        names = "--against",
        description =
            "Another bundle taking the same inputs (repeat for more), timed interleaved with BUNDLE: blocks"
                + " of "
                + AB_BLOCK
                + " runs of each in turn, the order rotating every round. Adds columns againstK_*_us and"
                + " ratioK (BUNDLE's median over the K-th's).")
    List<Path> against;

    @Option(names = "--trust", description = TRUST_HELP)
    List<Path> trust;

    /** Runs per block when two bundles are timed interleaved. */
    static final int AB_BLOCK = 10;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      return reportingErrors(err, () -> bench(out));
    }

    /** Time spent running all input sets in turn before the per-set warm-up (unless --warmup 0). */
    static final long JIT_WARMUP_NS = 2_000_000_000L;

    private int bench(PrintWriter out) throws Exception {
      if (inputs == null || inputs.isEmpty()) {
        throw new CliError(Code.DN0400, USAGE, "bench needs at least one --input NAME=FILE.npy");
      }
      if (iterations < 1 || warmup < 0 || iterations > MAX_ITERATIONS) {
        throw new CliError(
            Code.DN0400,
            USAGE,
            "--iterations must be 1 to "
                + MAX_ITERATIONS
                + " and --warmup at least 0 (got "
                + iterations
                + " and "
                + warmup
                + ")");
      }
      List<InputSet> sets = inputSets(inputs);
      TrustPolicy policy = trustPolicy(trust);
      List<Path> others = against == null ? List.of() : against;
      List<Bundle> all = new java.util.ArrayList<>();
      try {
        all.add(Bundle.open(bundle, policy));
        for (Path p : others) {
          all.add(Bundle.open(p, policy));
        }
        Bundle b = all.get(0);
        StringBuilder header =
            new StringBuilder(
                String.format(
                    java.util.Locale.ROOT,
                    "%-24s %10s %10s %10s %7s",
                    "inputs",
                    "median_us",
                    "p10_us",
                    "p90_us",
                    "host_%"));
        for (int k = 1; k < all.size(); k++) {
          header.append(
              String.format(
                  java.util.Locale.ROOT,
                  " %19s %16s %16s %7s",
                  "against" + k + "_median_us",
                  "against" + k + "_p10_us",
                  "against" + k + "_p90_us",
                  "ratio" + k));
        }
        out.printf(java.util.Locale.ROOT, "%s  %-16s %s%n", header, "blocks", "subgraph calls");
        // Warm up the JIT on every path before timing any: the JVM compiles the host program and
        // the runtime in background threads, which share the cores with the model (rows measured
        // while they ran were up to 3x slower with 2 cores).
        long warmUntil = System.nanoTime() + JIT_WARMUP_NS;
        while (warmup > 0 && System.nanoTime() < warmUntil) {
          for (InputSet set : sets) {
            for (Bundle x : all) {
              x.run(set.tensors());
            }
          }
        }
        for (InputSet set : sets) {
          for (int i = 0; i < warmup; i++) {
            for (Bundle x : all) {
              x.run(set.tensors());
            }
          }
          Timing[] t = new Timing[all.size()];
          for (int k = 0; k < t.length; k++) {
            t[k] = new Timing(iterations);
          }
          if (t.length == 1) {
            while (!t[0].done()) {
              t[0].time(b, set);
            }
          } else {
            // Blocks of runs in turn, the order rotating every round, so that no bundle always
            // runs right after the same other one.
            for (int round = 0; !t[0].done(); round++) {
              for (int j = 0; j < t.length; j++) {
                int k = (round + j) % t.length;
                for (int i = 0; i < AB_BLOCK && !t[k].done(); i++) {
                  t[k].time(all.get(k), set);
                }
              }
            }
          }
          double hostPercent = hostPercent(b, set, Math.min(iterations, HOST_RUNS));
          Bundle.RunStats last = b.lastRun();
          StringBuilder row =
              new StringBuilder(
                  String.format(
                      java.util.Locale.ROOT,
                      "%-24s %10.1f %10.1f %10.1f %7.1f",
                      set.label(),
                      t[0].median(),
                      t[0].p10(),
                      t[0].p90(),
                      hostPercent));
          for (int k = 1; k < t.length; k++) {
            row.append(
                String.format(
                    java.util.Locale.ROOT,
                    " %19.1f %16.1f %16.1f %7.3f",
                    t[k].median(),
                    t[k].p10(),
                    t[k].p90(),
                    t[0].median() / t[k].median()));
          }
          // A native host program's run is one call: its blocks are not the model's, and only a
          // bundle compiled with --java-host shows the path (for --specialize-path) and calls.
          boolean nativeHost =
              b.manifest().subgraphs().stream()
                  .map(dev.dynnc.runtime.Manifest.SubgraphSpec::name)
                  .toList()
                  .equals(java.util.List.of("native"));
          out.printf(
              java.util.Locale.ROOT,
              "%s  %-16s %s%n",
              row,
              nativeHost
                  ? "native"
                  : last.blockPath().stream()
                      .map(String::valueOf)
                      .collect(java.util.stream.Collectors.joining(",")),
              nativeHost ? "(one native call; --java-host shows the blocks)" : last.trace());
        }
        return OK;
      } finally {
        for (Bundle x : all) {
          x.close();
        }
      }
    }

    /** The {@code permille}-th per mille of {@code sorted} (nearest rank below). */
    static long percentile(long[] sorted, int permille) {
      return sorted[(int) ((long) sorted.length * permille / 1000)];
    }

    /** The most timed runs per input set: each keeps its time (8 bytes) until the row prints. */
    static final int MAX_ITERATIONS = 50_000_000;

    /** Runs that measure the host's share, after the timed ones. */
    static final int HOST_RUNS = 500;

    /**
     * The share of {@code runs} runs of {@code b} on {@code set} spent outside compiled code, in
     * percent. Measured on runs of their own: timing the kernels costs two clock reads per subgraph
     * call, which the timed runs do not pay.
     */
    private static double hostPercent(Bundle b, InputSet set, int runs) throws Exception {
      long total = 0;
      long kernel = 0;
      b.timeKernels(true);
      try {
        for (int i = 0; i < runs; i++) {
          long t0 = System.nanoTime();
          b.run(set.tensors());
          total += System.nanoTime() - t0;
          kernel += b.lastRun().kernelNanos();
        }
      } finally {
        b.timeKernels(false);
      }
      return total == 0 ? 0 : 100.0 * (total - kernel) / total;
    }

    /** The timed runs of one bundle on one input set. */
    private static final class Timing {
      private final long[] ns;
      private int n;

      Timing(int iterations) {
        ns = new long[iterations];
      }

      boolean done() {
        return n == ns.length;
      }

      void time(Bundle b, InputSet set) throws Exception {
        long t0 = System.nanoTime();
        b.run(set.tensors());
        long dt = System.nanoTime() - t0;
        ns[n++] = dt;
      }

      private long at(int permille) {
        long[] sorted = ns.clone();
        java.util.Arrays.sort(sorted);
        return percentile(sorted, permille);
      }

      double median() {
        return at(500) / 1e3;
      }

      double p10() {
        return at(100) / 1e3;
      }

      double p90() {
        return at(900) / 1e3;
      }
    }

    /** One row of the table: the tensors of one run and the file names that label it. */
    record InputSet(Map<String, HostTensor> tensors, String label) {}

    /**
     * Groups {@code --input} values into input sets in order: a name already in the current set
     * starts the next one. Every set must name the same inputs as the first.
     */
    static List<InputSet> inputSets(List<String> specs) throws CliError {
      List<Map<String, HostTensor>> sets = new java.util.ArrayList<>();
      List<List<String>> labels = new java.util.ArrayList<>();
      for (String s : specs) {
        Map.Entry<String, HostTensor> e = readInput(s);
        if (sets.isEmpty() || sets.get(sets.size() - 1).containsKey(e.getKey())) {
          sets.add(new LinkedHashMap<>());
          labels.add(new java.util.ArrayList<>());
        }
        sets.get(sets.size() - 1).put(e.getKey(), e.getValue());
        labels
            .get(labels.size() - 1)
            .add(Path.of(s.substring(s.indexOf('=') + 1)).getFileName().toString());
      }
      List<InputSet> out = new java.util.ArrayList<>();
      for (int i = 0; i < sets.size(); i++) {
        if (!sets.get(i).keySet().equals(sets.get(0).keySet())) {
          throw new CliError(
              Code.DN0400,
              USAGE,
              "input set "
                  + (i + 1)
                  + " gives "
                  + sets.get(i).keySet()
                  + " but the first gives "
                  + sets.get(0).keySet()
                  + "; every set gives every input once");
        }
        out.add(new InputSet(sets.get(i), String.join(",", labels.get(i))));
      }
      return out;
    }
  }

  static final String TRUST_HELP =
      "Ed25519 public key (PEM) whose signature the bundle must carry; repeat to trust"
          + " several. Without it any intact bundle runs: a bundle is code, so trust where it came from.";

  /** Only bundles signed by one of {@code keys}, or (no keys) any intact bundle. */
  static TrustPolicy trustPolicy(List<Path> keys) throws CliError {
    if (keys == null || keys.isEmpty()) {
      return TrustPolicy.HASHES_ONLY;
    }
    List<java.security.PublicKey> trusted = new java.util.ArrayList<>();
    for (Path k : keys) {
      try {
        trusted.add(BundleSignature.readPublicKey(k));
      } catch (BundleSignature.KeyFileException e) {
        throw new CliError(Code.DN0407, DIAGNOSTICS, e.getMessage());
      }
    }
    return TrustPolicy.signedBy(trusted);
  }

  @Command(
      name = "keygen",
      mixinStandardHelpOptions = true,
      description =
          "Create an Ed25519 key pair for signing bundles (compile --sign) and checking them (run --trust).")
  static final class Keygen implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--out-private",
        required = true,
        description = "Private key file to create (PEM, mode 0600); keep it secret.")
    Path privateKey;

    @Option(
        names = "--out-public",
        required = true,
        description = "Public key file to create (PEM); give it to whoever runs your bundles.")
    Path publicKey;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      if (privateKey.toAbsolutePath().normalize().equals(publicKey.toAbsolutePath().normalize())) {
        err.println(Code.DN0407.prefix() + "--out-private and --out-public name the same file");
        return USAGE;
      }
      try {
        BundleSignature.writeKeyPair(BundleSignature.generateKeyPair(), privateKey, publicKey);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        err.println(
            Code.DN0407.prefix()
                + e.getFile()
                + " already exists; dynnc never overwrites a key file");
        return USAGE;
      } catch (java.io.IOException e) {
        String why =
            e instanceof java.nio.file.NoSuchFileException
                ? "its directory does not exist"
                : e instanceof java.nio.file.AccessDeniedException
                    ? "permission denied"
                    : String.valueOf(e.getMessage());
        err.println(Code.DN0407.prefix() + "cannot write the key pair: " + why);
        return DIAGNOSTICS;
      }
      spec.commandLine()
          .getOut()
          .println(
              "wrote private key " + privateKey + " (keep it secret) and public key " + publicKey);
      return OK;
    }
  }

  /** A user error found by the CLI itself, with its catalogue code and exit code. */
  static final class CliError extends Exception {
    final Code code;
    final int exit;

    CliError(Code code, int exit, String message) {
      super(message);
      this.code = code;
      this.exit = exit;
    }
  }

  /** Refuses an {@code --output-dir} that is, or lies under, something other than a directory. */
  static void checkOutputDir(Path dir) throws CliError {
    Path existing = BundleOutput.nearestExisting(dir);
    if (!Files.isDirectory(existing)) {
      throw new CliError(
          Code.DN0406,
          USAGE,
          "--output-dir "
              + dir
              + ": "
              + (existing.equals(dir.toAbsolutePath().normalize())
                  ? "is a file, not a directory"
                  : existing + " is not a directory"));
    }
  }

  /**
   * Creates the directory outputs are written in before they are moved into {@code --output-dir}:
   * beside it, named after this process, so a killed run's leftovers are removed by the next (rule
   * OWNED-TEMP).
   */
  private static Path createOutputTemp(Path outputDir) throws CliError {
    Path parent = outputDir.toAbsolutePath().normalize().getParent();
    try {
      Files.createDirectories(parent);
      OwnedDirs.cleanStale(parent, OUT_TEMP);
      Path tmp = OwnedDirs.create(parent, OUT_TEMP);
      OwnedDirs.deleteAtExit(tmp);
      return tmp;
    } catch (java.io.IOException e) {
      throw new CliError(
          Code.DN0406,
          DIAGNOSTICS,
          "cannot write the outputs to " + outputDir + ": " + BundleOutput.reason(e));
    }
  }

  private static final String OUT_TEMP = ".dynnc-out-";

  /** Reads {@code NAME=FILE.npy}. */
  static Map.Entry<String, HostTensor> readInput(String spec) throws CliError {
    int eq = spec.indexOf('=');
    if (eq <= 0) {
      throw new CliError(Code.DN0400, USAGE, "--input '" + spec + "' must look like NAME=FILE.npy");
    }
    Path file = Path.of(spec.substring(eq + 1));
    try {
      return Map.entry(spec.substring(0, eq), Npy.read(file));
    } catch (BadInputException e) {
      throw new CliError(Code.DN0401, DIAGNOSTICS, e.getMessage());
    } catch (java.io.IOException e) {
      throw new CliError(Code.DN0401, DIAGNOSTICS, file + ": cannot read: " + e.getMessage());
    }
  }

  /**
   * Runs a bundle command, turning user errors into catalogue messages and exit code 1 (2 for
   * usage).
   */
  static int reportingErrors(PrintWriter err, Callable<Integer> body) throws Exception {
    try {
      return body.call();
    } catch (CliError e) {
      err.println(e.code.prefix() + e.getMessage());
      return e.exit;
    } catch (BadInputException e) {
      err.println(Code.DN0402.prefix() + e.getMessage());
      return DIAGNOSTICS;
    } catch (dev.dynnc.runtime.DeviceUnavailableException e) {
      err.println(Code.DN0409.prefix() + e.getMessage());
      return DIAGNOSTICS;
    } catch (BundleException e) {
      err.println(Code.DN0403.prefix() + e.getMessage());
      return DIAGNOSTICS;
    } catch (HostProgramException e) {
      err.println(Code.DN0405.prefix() + e.getMessage());
      return DIAGNOSTICS;
    }
  }

  /** A tensor's type and, for up to 16 elements, its values. */
  static String preview(HostTensor t) {
    StringBuilder sb = new StringBuilder(HostTensor.describe(t.dtype(), t.shape()));
    if (t.numel() <= 16) {
      sb.append(" = ");
      if (t.shape().length > 0) {
        sb.append('[');
      }
      for (long i = 0; i < t.numel(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        double v = t.getDouble(i);
        sb.append(
            t.dtype().startsWith("float")
                ? String.format("%.5g", v)
                : t.dtype().equals("bool") ? String.valueOf(v != 0) : String.valueOf((long) v));
      }
      if (t.shape().length > 0) {
        sb.append(']');
      }
    }
    return sb.toString();
  }
}
