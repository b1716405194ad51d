package dev.dynnc.maven;

import dev.dynnc.compiler.AtomicFiles;
import dev.dynnc.compiler.CompileRequest;
import dev.dynnc.compiler.CompileResult;
import dev.dynnc.compiler.DynncCompiler;
import dev.dynnc.compiler.InputSpecs;
import dev.dynnc.compiler.ModelSpec;
import dev.dynnc.compiler.Target;
import dev.dynnc.compiler.TargetSpec;
import dev.dynnc.compiler.Tuning;
import dev.dynnc.diag.Diagnostic;
import dev.dynnc.diag.Diagnostics;
import dev.dynnc.diag.SourceMap;
import dev.dynnc.runtime.Manifest;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * {@code dynnc:compile}: compiles every model spec ({@code dynnc.yaml}) under {@link
 * #specDirectory} into a bundle, shipped as a class-path resource, and one typed Java class per
 * model in {@link #packageName}, so that {@code EarlyExitCnn.load().forward(x)} works in the
 * project's code.
 *
 * <p>Incremental: a model whose fingerprint ({@link BuildFingerprint}: dynnc version, settings,
 * spec, checkpoint, Python sources) matches the last successful build is not compiled again.
 * Diagnostics are logged with file, line and column ({@code file:[line,col]}), and any error fails
 * the build after every model has been tried, so one build reports every broken model.
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class CompileMojo extends AbstractMojo {
  /** The file name of a model spec; any file named so under the spec directory is compiled. */
  public static final String SPEC_FILE = "dynnc.yaml";

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  private MavenProject project;

  @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
  private PluginDescriptor plugin;

  /** Where the model specs are: every {@code dynnc.yaml} below it is one model. */
  @Parameter(property = "dynnc.specDirectory", defaultValue = "${project.basedir}/src/main/dynnc")
  private File specDirectory;

  /** Where the typed classes are written; added to the project's compile source roots. */
  @Parameter(
      property = "dynnc.generatedSourcesDirectory",
      defaultValue = "${project.build.directory}/generated-sources/dynnc")
  private File generatedSourcesDirectory;

  /** Where the bundles are written; added to the project's resources, so they ship in its jar. */
  @Parameter(
      property = "dynnc.generatedResourcesDirectory",
      defaultValue = "${project.build.directory}/generated-resources/dynnc")
  private File generatedResourcesDirectory;

  /** The Java package of the generated classes. */
  @Parameter(property = "dynnc.packageName", defaultValue = "dynnc.models")
  private String packageName;

  /**
   * Overrides every spec's target ({@code llvm}, {@code llvm -mcpu=x86-64-v3} for servers other
   * than the build machine, {@code cuda -arch=sm_90}).
   */
  @Parameter(property = "dynnc.target")
  private String target;

  /** Overrides every spec's time limit for one subgraph's TVM compile, in seconds. */
  @Parameter(property = "dynnc.compileTimeout")
  private Integer compileTimeout;

  /**
   * Tunes each model's kernels with TVM's auto-scheduler for this many seconds (per model), keeping
   * each subgraph's faster build; the records stay in the compile cache, so an unchanged model is
   * not tuned again. Overrides every spec's {@code tune:}; unset, a spec without one is not tuned.
   */
  @Parameter(property = "dynnc.tune")
  private Integer tune;

  /**
   * Passes every activation between subgraphs in NCHW instead of the blocked layout TVM's kernels
   * use on both sides (as {@code dynnc compile --nchw-boundaries}); slower, for comparison.
   */
  @Parameter(property = "dynnc.nchwBoundaries", defaultValue = "false")
  private boolean nchwBoundaries;

  /**
   * Which host program each bundle gets: {@code auto} (the default) compiles it to native code with
   * the subgraphs' kernels wherever it can, one library a run calls once, and keeps it in Java
   * where native code cannot run it (a GPU target, {@code tuneSeconds}, a host op native code does
   * not compute); {@code native} does the same but warns where it stays in Java (as {@code dynnc
   * compile --native-host}); {@code java} always keeps it in Java ({@code --java-host}).
   */
  @Parameter(property = "dynnc.hostProgram", defaultValue = "auto")
  private String hostProgram;

  /** Overrides every spec's limit on errors reported per model. */
  @Parameter(property = "dynnc.maxErrors")
  private Integer maxErrors;

  /** The compile cache of subgraph libraries (default: $XDG_CACHE_HOME/dynnc or ~/.cache/dynnc). */
  @Parameter(property = "dynnc.cacheDirectory")
  private File cacheDirectory;

  /** Compiles every subgraph with TVM, neither reading nor writing the compile cache. */
  @Parameter(property = "dynnc.noCache", defaultValue = "false")
  private boolean noCache;

  /**
   * Ships the inspection files (the lowered program, Relay and TIR text, the host program's Java
   * source) in the jar's bundle zip too. They stay in {@code target/dynnc/bundles} either way;
   * nothing that runs a bundle reads them.
   */
  @Parameter(property = "dynnc.includeInspection", defaultValue = "false")
  private boolean includeInspection;

  /** Compiles even models whose fingerprint is unchanged. */
  @Parameter(property = "dynnc.force", defaultValue = "false")
  private boolean force;

  /** Skips the goal. */
  @Parameter(property = "dynnc.skip", defaultValue = "false")
  private boolean skip;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("dynnc: skipped (dynnc.skip)");
      return;
    }
    if (!TypedApiWriter.isValidPackage(packageName)) {
      throw new MojoFailureException(
          "dynnc: packageName '"
              + packageName
              + "' is not a Java package name"
              + " (lower-case letters, digits and '_', separated by '.')");
    }
    if (hostProgramOf(hostProgram).isEmpty()) {
      throw new MojoFailureException(
          "dynnc: hostProgram '" + hostProgram + "' is not one of auto, native, java");
    }
    Path specs = specDirectory.toPath();
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(specs)) {
      try (Stream<Path> walk = Files.walk(specs)) {
        walk.filter(p -> p.getFileName().toString().equals(SPEC_FILE) && Files.isRegularFile(p))
            .sorted()
            .forEach(files::add);
      } catch (IOException e) {
        throw new MojoExecutionException("dynnc: cannot list " + specs + ": " + e.getMessage(), e);
      }
    }
    if (files.isEmpty()) {
      getLog().info("dynnc: no " + SPEC_FILE + " under " + specs + "; nothing to compile");
      return;
    }
    Path sources = generatedSourcesDirectory.toPath();
    Path resources = generatedResourcesDirectory.toPath();
    Path work = Path.of(project.getBuild().getDirectory(), "dynnc");
    List<String> failed = new ArrayList<>();
    Map<String, Path> classes = new HashMap<>();
    for (Path specFile : files) {
      try {
        ModelSpec spec = ModelSpec.read(specFile);
        String cls = TypedApiWriter.className(spec.name());
        Path other = classes.putIfAbsent(cls, specFile);
        if (other != null) {
          throw new ModelSpec.SpecException(
              specFile
                  + ": model '"
                  + spec.name()
                  + "' gives class "
                  + cls
                  + ", as "
                  + other
                  + " does; give one of them another 'name:'");
        }
        if (!compileModel(spec, cls, sources, resources, work)) {
          failed.add(spec.name());
        }
      } catch (ModelSpec.SpecException | IllegalArgumentException e) {
        getLog().error(e.getMessage());
        failed.add(specFile.toString());
      } catch (IOException e) {
        throw new MojoExecutionException("dynnc: " + specFile + ": " + e.getMessage(), e);
      }
    }
    project.addCompileSourceRoot(sources.toString());
    if (project.getResources().stream()
        .noneMatch(r -> resources.toString().equals(r.getDirectory()))) {
      Resource r = new Resource();
      r.setDirectory(resources.toString());
      project.addResource(r);
    }
    if (!failed.isEmpty()) {
      throw new MojoFailureException(
          "dynnc: "
              + failed.size()
              + " model(s) failed to compile: "
              + String.join(", ", failed)
              + " (see the errors above)");
    }
  }

  private static Integer box(java.util.OptionalInt i) {
    return i.isPresent() ? i.getAsInt() : null;
  }

  /** Compiles one model unless it is up to date; false when it has errors (already logged). */
  /** The {@code hostProgram} parameter's mode; empty where it names none. */
  static Optional<DynncCompiler.HostProgram> hostProgramOf(String name) {
    if (name == null) {
      return Optional.of(DynncCompiler.HostProgram.AUTO);
    }
    for (DynncCompiler.HostProgram h : DynncCompiler.HostProgram.values()) {
      if (h.name().equalsIgnoreCase(name.trim())) {
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }

  private boolean compileModel(ModelSpec spec, String cls, Path sources, Path resources, Path work)
      throws IOException, ModelSpec.SpecException {
    String targetName = target != null ? target : spec.target().orElse(Target.LLVM.tvmName());
    Optional<TargetSpec> t = TargetSpec.parse(targetName);
    if (t.isEmpty()) {
      logDiagnostic(DynncCompiler.unknownTarget(targetName), spec, new SourceMap());
      return false;
    }
    int timeout =
        compileTimeout != null
            ? compileTimeout
            : spec.compileTimeoutSeconds().orElse((int) CompileRequest.DEFAULT_COMPILE_TIMEOUT_S);
    int errors = maxErrors != null ? maxErrors : spec.maxErrors().orElse(20);
    Integer tuneSeconds = tune != null ? tune : box(spec.tuneSeconds());
    if (timeout < 1 || errors < 1 || (tuneSeconds != null && tuneSeconds < 1)) {
      throw new ModelSpec.SpecException(
          "dynnc.compileTimeout, dynnc.maxErrors and dynnc.tune must be at least 1");
    }
    String pkgPath = packageName.replace('.', File.separatorChar);
    Path javaFile = sources.resolve(pkgPath).resolve(cls + ".java");
    Path zipFile = resources.resolve(pkgPath).resolve(TypedApiWriter.bundleResource(cls));
    Path stateFile = work.resolve("state").resolve(cls + ".sha256");
    String settings =
        String.join(
            "\n",
            "target=" + t.get().tvmString(),
            "timeout=" + timeout,
            "maxErrors=" + errors,
            "package=" + packageName,
            "class=" + cls,
            "method=" + spec.method().orElse("forward"),
            "tune=" + (tuneSeconds == null ? "off" : tuneSeconds),
            "nchwBoundaries=" + nchwBoundaries,
            "hostProgram=" + hostProgram,
            "includeInspection=" + includeInspection);
    if (!Files.isRegularFile(spec.weights())) {
      throw new ModelSpec.SpecException(
          spec.file() + ": weights " + spec.weights() + " is not a regular file");
    }
    if (!Files.isDirectory(spec.sourceRoot())) {
      throw new ModelSpec.SpecException(
          spec.file() + ": source-root " + spec.sourceRoot() + " is not a directory");
    }
    String fingerprint =
        BuildFingerprint.of(
            dynncVersion(), settings, spec.file(), spec.weights(), spec.sourceRoot());
    if (!force
        && fingerprint != null
        && Files.isRegularFile(javaFile)
        && Files.isRegularFile(zipFile)
        && Files.isRegularFile(stateFile)
        && fingerprint.equals(Files.readString(stateFile, StandardCharsets.UTF_8).trim())) {
      getLog().info("dynnc: " + spec.name() + " is up to date");
      return true;
    }
    if (fingerprint == null) {
      getLog()
          .warn(
              "dynnc: "
                  + spec.sourceRoot()
                  + " holds more than "
                  + BuildFingerprint.MAX_SOURCE_FILES
                  + " Python files; "
                  + spec.name()
                  + " is compiled on every build");
    }
    Files.deleteIfExists(stateFile);
    getLog().info("dynnc: compiling " + spec.name() + " (" + spec.file() + ")");
    Path bundle = work.resolve("bundles").resolve(cls + ".bundle");
    Files.createDirectories(bundle.getParent());
    DynncCompiler.Builder builder =
        DynncCompiler.builder()
            .target(t.get())
            .maxErrors(errors)
            .diagnostics((d, src) -> logDiagnostic(d, spec, src))
            .boundaryLayouts(!nchwBoundaries)
            .hostProgram(hostProgramOf(hostProgram).orElseThrow());
    if (tuneSeconds != null) {
      builder.tune(Duration.ofSeconds(tuneSeconds));
    }
    if (!noCache) {
      builder.cacheDir(
          cacheDirectory != null
              ? cacheDirectory.toPath()
              : DynncCompiler.defaultCacheDir(System.getenv("XDG_CACHE_HOME")));
    }
    DynncCompiler compiler = builder.build();
    CompileResult r =
        compiler.compile(
            new CompileRequest(
                spec.sourceRoot(),
                spec.entry(),
                spec.method().orElse("forward"),
                InputSpecs.parse(spec.inputs()),
                spec.weights(),
                spec.selection(),
                bundle,
                Duration.ofSeconds(timeout),
                null));
    if (!r.ok()) {
      return false;
    }
    if (tuneSeconds != null) {
      for (String line : Tuning.summaries(bundle)) {
        getLog().info("dynnc: " + spec.name() + ": tuning " + line);
      }
    }
    Manifest m = Manifest.read(bundle);
    String java = TypedApiWriter.write(packageName, cls, m);
    Files.createDirectories(javaFile.getParent());
    AtomicFiles.write(javaFile, java.getBytes(StandardCharsets.UTF_8));
    BundleZip.write(bundle, zipFile, includeInspection);
    if (fingerprint != null) {
      Files.createDirectories(stateFile.getParent());
      Files.writeString(stateFile, fingerprint + "\n", StandardCharsets.UTF_8);
    }
    getLog()
        .info(
            "dynnc: "
                + spec.name()
                + ": "
                + r.subgraphs()
                + " subgraph(s); class "
                + packageName
                + "."
                + cls);
    if (t.get().kind() == Target.LLVM && t.get().cpu() == null && m.cpu() != null) {
      getLog().info("dynnc: " + spec.name() + ": " + buildMachineCpuNote(m.cpu()));
    }
    return true;
  }

  /**
   * What a bundle built for the build machine's own CPU means for the servers that will run it: its
   * widest vector extension, and the target that runs elsewhere.
   */
  static String buildMachineCpuNote(Manifest.CpuRequirement cpu) {
    String widest =
        cpu.features().contains("avx512f")
            ? "AVX-512"
            : cpu.features().contains("avx2")
                ? "AVX2"
                : cpu.features().contains("avx") ? "AVX" : null;
    return "compiled for this machine's CPU ("
        + cpu.name()
        + (widest == null ? "" : ", with " + widest)
        + "); a server whose CPU lacks "
        + (widest == null ? "its instructions" : widest)
        + " refuses the bundle. For other servers set target: 'llvm -mcpu=x86-64-v3' (AVX2) or"
        + " 'llvm -mcpu=x86-64-v4' (AVX-512) in dynnc.yaml, or -Ddynnc.target=...";
  }

  /**
   * Logs a diagnostic as {@code file:[line,col] error[CODE]: message}, the form IDEs and CI tools
   * pick up from Maven's output, followed by dynnc's rendering with the source line.
   */
  private void logDiagnostic(Diagnostic d, ModelSpec spec, SourceMap sources) {
    String where =
        d.span().isKnown()
            ? spec.sourceRoot().resolve(d.span().file())
                + ":["
                + d.span().line()
                + ","
                + d.span().column()
                + "] "
            : spec.file() + ": ";
    String first =
        where
            + d.code().severity().name().toLowerCase(java.util.Locale.ROOT)
            + "["
            + d.code().name()
            + "]: "
            + d.message();
    String rendered = Diagnostics.render(d, sources);
    if (d.code().severity() == dev.dynnc.diag.Severity.ERROR) {
      getLog().error(first);
      rendered.lines().skip(1).forEach(getLog()::error);
    } else {
      getLog().warn(first);
      rendered.lines().skip(1).forEach(getLog()::warn);
    }
  }

  /** The plugin's version; a snapshot adds its build time, so a rebuilt snapshot recompiles. */
  private String dynncVersion() {
    String v = plugin.getVersion();
    if (v.endsWith("-SNAPSHOT")) {
      File f = plugin.getPluginArtifact() == null ? null : plugin.getPluginArtifact().getFile();
      v += "@" + (f == null ? "" : f.lastModified());
      java.security.CodeSource cs = DynncCompiler.class.getProtectionDomain().getCodeSource();
      if (cs != null && cs.getLocation() != null && "file".equals(cs.getLocation().getProtocol())) {
        v += "@" + new File(cs.getLocation().getPath()).lastModified();
      }
    }
    return v;
  }
}
