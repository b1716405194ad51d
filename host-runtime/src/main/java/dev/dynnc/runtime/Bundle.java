package dev.dynnc.runtime;

import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Opens a compiled model bundle (a directory or a {@code .zip}) after verifying it, and runs the
 * model.
 *
 * <p>Opening checks the signature when the {@link TrustPolicy} asks for one, then the manifest
 * format, confines every listed path to the bundle (also through symbolic links), verifies every
 * listed file's SHA-256, loads each subgraph library into a TVM graph executor and instantiates the
 * host class. A zip is extracted into a fresh temporary directory that {@link #close} deletes.
 *
 * <p><b>Threads.</b> A bundle is thread-safe: any number of threads may call {@link #run} at once,
 * and each gets the result a single-threaded run gives. A graph executor holds per-call state (its
 * input, output and activation buffers), so a run takes a set of executors (one per subgraph) that
 * no other run uses meanwhile; a thread that finds none idle creates a new set, so the bundle holds
 * as many sets as runs ever overlapped, and reuses them. Every set shares what is loaded once per
 * bundle: the subgraph libraries (with the constants compiled into them), the shared weights (bound
 * to every executor without copies) and the host class. Each executor has its own buffers,
 * including a copy of its library's constants, which TVM's graph executor keeps per executor. Each
 * calling thread also gets TVM's own worker threads ({@code TVM_NUM_THREADS} per caller), so
 * callers times TVM threads should not exceed the cores. TVM's default is a thread per core; for
 * small models at batch 1 set {@code TVM_NUM_THREADS=1} in the environment of the JVM (a gated
 * ResNet of CIFAR size ran 2.2-5.8x slower with two threads than with one on a 2-core machine).
 * {@link #close} waits for running calls to finish; a run after close throws {@link
 * IllegalStateException}.
 */
public final class Bundle implements AutoCloseable {
  private static final String TEMP_PREFIX = "dynnc-bundle-";
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern BINARY_NAME =
      Pattern.compile(
          "[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*"
              + "(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*");

  /**
   * The bundle file naming the source files of host ops, by the index generated code holds (a JSON
   * list).
   */
  public static final String SOURCES_FILE = "host/sources.json";

  private final Path source;
  private final Path root;
  private final Path tempDir;
  private final Manifest manifest;
  private final int[] leafCounts; // per root of manifest.outputs(), checked at open
  private final Device device;
  private final List<Subgraph> subgraphs;
  private final List<DeviceArray> sharedWeights;
  private final URLClassLoader loader;
  private final HostProgram program;

  /** Executor sets no run is using; the first is {@link #subgraphs}. */
  private final ConcurrentLinkedDeque<List<Subgraph>> idle = new ConcurrentLinkedDeque<>();

  /** Sets created for overlapping runs (besides {@link #subgraphs}), closed before it. */
  private final List<List<Subgraph>> extraSets = new CopyOnWriteArrayList<>();

  /** Runs hold the read lock, {@link #close} the write lock: close waits for running calls. */
  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();

  /**
   * What one run did: the subgraphs it called, the host program's block path, and the nanoseconds
   * its subgraph calls spent in compiled code (0 unless {@link #timeKernels} is on).
   */
  public record RunStats(List<Integer> trace, List<Integer> blockPath, long kernelNanos) {
    static final RunStats NONE = new RunStats(List.of(), List.of(), 0);
  }

  private final ThreadLocal<RunStats> lastRun = ThreadLocal.withInitial(() -> RunStats.NONE);
  private volatile boolean closed;
  private volatile boolean timeKernels;

  /** The native arrays of each input, kept between runs (at most this many per input). */
  private static final int MAX_KEPT_INPUTS = 16;

  private final ArrayPool[] inputPools;
  // 0-d arrays of host scalars the host program uploads (HostContext#scalar), kept between runs.
  private final HostContext.ScalarPools scalarPools;

  private Bundle(
      Path source,
      Path root,
      Path tempDir,
      Manifest manifest,
      Device device,
      List<Subgraph> subgraphs,
      List<DeviceArray> sharedWeights,
      URLClassLoader loader,
      HostProgram program) {
    this.sharedWeights = List.copyOf(sharedWeights);
    this.source = source;
    this.root = root;
    this.tempDir = tempDir;
    this.manifest = manifest;
    this.leafCounts = HostContext.leafCounts(manifest.outputs());
    this.device = device;
    this.scalarPools = new HostContext.ScalarPools(device);
    this.inputPools = new ArrayPool[manifest.inputs().size()];
    for (int i = 0; i < inputPools.length; i++) {
      Manifest.TensorSpec in = manifest.inputs().get(i);
      inputPools[i] = new ArrayPool(in.dtype(), in.shape(), device, MAX_KEPT_INPUTS);
    }
    this.subgraphs = List.copyOf(subgraphs);
    this.loader = loader;
    this.program = program;
    idle.add(this.subgraphs);
  }

  /**
   * Opens a bundle directory or {@code .zip} file whose files match its manifest, signed or not;
   * every problem is reported as a {@link BundleException}.
   */
  public static Bundle open(Path path) throws BundleException {
    return open(path, TrustPolicy.HASHES_ONLY);
  }

  /**
   * Opens a zipped bundle shipped as a class-path resource (how the Maven plugin packages a model
   * into an application's jar). {@code resource} is resolved as {@link Class#getResourceAsStream}
   * does, relative to {@code anchor}'s package unless it starts with '/'. The zip is copied into a
   * private temporary file, opened as {@link #open(Path, TrustPolicy)} opens any zip (its files are
   * checked against the manifest, and its signature when {@code trust} asks for one), and deleted.
   */
  public static Bundle openResource(Class<?> anchor, String resource, TrustPolicy trust)
      throws BundleException {
    Path tmpRoot = Path.of(System.getProperty("java.io.tmpdir"));
    Path dir = null;
    try (InputStream in = anchor.getResourceAsStream(resource)) {
      if (in == null) {
        throw new BundleException(
            "bundle resource '" + resource + "' is not on the class path of " + anchor.getName());
      }
      OwnedDirs.cleanStale(tmpRoot, TEMP_PREFIX);
      dir =
          OwnedDirs.create(
              tmpRoot,
              TEMP_PREFIX,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      OwnedDirs.deleteAtExit(dir);
      Path zip = dir.resolve("bundle.zip");
      try (OutputStream out = Files.newOutputStream(zip)) {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
          total += n;
          if (total > ZipBundles.MAX_TOTAL_BYTES) {
            throw new BundleException(
                "bundle resource '"
                    + resource
                    + "' is larger than "
                    + ZipBundles.MAX_TOTAL_BYTES
                    + " bytes");
          }
          out.write(buf, 0, n);
        }
      }
      return open(zip, trust);
    } catch (IOException e) {
      throw new BundleException(
          "cannot read bundle resource '" + resource + "': " + e.getMessage(), e);
    } finally {
      OwnedDirs.delete(dir);
    }
  }

  /**
   * Opens a bundle that {@code trust} accepts: its signature (if the policy asks for one) is
   * checked against the manifest's bytes before the manifest is parsed or any library or class is
   * loaded.
   */
  public static Bundle open(Path path, TrustPolicy trust) throws BundleException {
    Path tempDir = null;
    List<Subgraph> subgraphs = new ArrayList<>();
    List<DeviceArray> weights = new ArrayList<>();
    URLClassLoader loader = null;
    boolean ok = false;
    try {
      Path root;
      boolean directory = Files.isDirectory(path);
      if (directory && !trust.requiresSignature()) {
        root = path;
      } else if (directory || Files.isRegularFile(path)) {
        // Owner-only: the libraries are loaded from here. Named after this process so that a later
        // open can delete what a killed run left (rule OWNED-TEMP). A signed directory bundle is
        // copied too (rule PRIVATE-COPY): what is verified is then exactly what is loaded, and
        // nobody who can write to the bundle directory can swap a file between the two.
        Path tmpRoot = Path.of(System.getProperty("java.io.tmpdir"));
        OwnedDirs.cleanStale(tmpRoot, TEMP_PREFIX);
        tempDir =
            OwnedDirs.create(
                tmpRoot,
                TEMP_PREFIX,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        OwnedDirs.deleteAtExit(tempDir);
        root =
            directory
                ? ZipBundles.copyTree(
                    path, tempDir, ZipBundles.MAX_TOTAL_BYTES, ZipBundles.MAX_ENTRIES)
                : ZipBundles.extract(
                    path, tempDir, ZipBundles.MAX_TOTAL_BYTES, ZipBundles.MAX_ENTRIES);
      } else {
        throw bad(path, "no such bundle directory or zip file");
      }
      byte[] manifestBytes = readManifestBytes(path, root);
      BundleSignature.verify(path, root, manifestBytes, trust);
      Manifest m = parseManifest(path, manifestBytes);
      Device device = checkManifest(path, m);
      Map<String, Path> files = verifyFiles(path, root, m);
      try {
        TvmRuntime.requireDevice(device);
      } catch (DeviceUnavailableException e) {
        throw new DeviceUnavailableException(path + ": " + e.getMessage(), e);
      }
      if (device == Device.CPU && m.cpu() != null) {
        requireCpu(path, m.cpu(), CpuFeatures.hostFlags());
      }

      for (Manifest.SubgraphSpec sg : m.subgraphs()) {
        try {
          subgraphs.add(
              Subgraph.load(sg.name(), files.get(sg.library()), device, sg.inputs(), sg.outputs()));
        } catch (RuntimeException e) {
          throw bad(
              path, "subgraph '" + sg.name() + "' (" + sg.library() + "): " + e.getMessage(), e);
        }
      }
      bindSharedWeights(path, m, files, device, subgraphs, weights);
      loader = new HostClassLoader(root.resolve(Manifest.HOST_CLASSES), m.files().keySet());
      HostProgram program = instantiate(path, m.hostClass(), loader);
      Bundle b = new Bundle(path, root, tempDir, m, device, subgraphs, weights, loader, program);
      ok = true;
      return b;
    } catch (IOException e) {
      throw bad(path, "I/O error: " + e, e);
    } finally {
      if (!ok) {
        subgraphs.forEach(Subgraph::close);
        weights.forEach(DeviceArray::close);
        closeQuietly(loader);
        OwnedDirs.delete(tempDir);
      }
    }
  }

  /**
   * Uploads each shared weight once and binds it, without copies, to every subgraph that takes it
   * (rule: weights live once in memory, whatever the number of subgraphs using them).
   */
  private static void bindSharedWeights(
      Path source,
      Manifest m,
      Map<String, Path> files,
      Device device,
      List<Subgraph> subgraphs,
      List<DeviceArray> out)
      throws BundleException, IOException {
    Manifest.SharedWeights sw = m.sharedWeights();
    boolean anyInputs = m.subgraphs().stream().anyMatch(sg -> !sg.weightInputsOrEmpty().isEmpty());
    if (sw == null) {
      if (anyInputs) {
        throw bad(source, "subgraphs take shared weights but the manifest has no 'sharedWeights'");
      }
      return;
    }
    Path file = files.get(sw.file());
    if (file == null || sw.tensors() == null) {
      throw bad(
          source, "sharedWeights.file '" + sw.file() + "' is not a listed file of the bundle");
    }
    byte[] blob = Files.readAllBytes(file);
    Map<String, DeviceArray> byKey = new HashMap<>();
    for (Manifest.WeightSpec w : sw.tensors()) {
      checkSpec(
          source,
          "shared weight '" + w.key() + "'",
          new Manifest.TensorSpec(w.key(), w.dtype(), w.shape()));
      long bytes = HostTensor.numel(w.shape()) * HostTensor.itemSize(w.dtype());
      if (w.offset() < 0 || w.offset() + bytes > blob.length || byKey.containsKey(w.key())) {
        throw bad(
            source,
            "shared weight '" + w.key() + "' lies outside " + sw.file() + " or is listed twice");
      }
      byte[] data = Arrays.copyOfRange(blob, (int) w.offset(), (int) (w.offset() + bytes));
      DeviceArray a = DeviceArray.upload(new HostTensor(w.dtype(), w.shape(), data), device);
      out.add(a);
      byKey.put(w.key(), a);
    }
    for (int i = 0; i < subgraphs.size(); i++) {
      Manifest.SubgraphSpec spec = m.subgraphs().get(i);
      for (Manifest.WeightInput wi : spec.weightInputsOrEmpty()) {
        DeviceArray a = byKey.get(wi.key());
        if (a == null) {
          throw bad(
              source,
              "subgraph '"
                  + spec.name()
                  + "' takes shared weight '"
                  + wi.key()
                  + "', which sharedWeights does not list");
        }
        try {
          subgraphs.get(i).bindWeight(wi.input(), a);
        } catch (RuntimeException e) {
          throw bad(source, "subgraph '" + spec.name() + "': " + e.getMessage(), e);
        }
      }
    }
  }

  private static byte[] readManifestBytes(Path source, Path root)
      throws BundleException, IOException {
    try {
      return Files.readAllBytes(root.resolve(Manifest.FILE_NAME));
    } catch (NoSuchFileException e) {
      throw bad(source, "no " + Manifest.FILE_NAME + " found");
    }
  }

  /** Parses exactly the bytes that were verified, never a second read that could differ. */
  private static Manifest parseManifest(Path source, byte[] bytes) throws BundleException {
    try {
      return Manifest.parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (JsonParseException e) {
      throw bad(source, Manifest.FILE_NAME + " is not valid: " + e.getMessage(), e);
    }
  }

  /** Checks everything in the manifest that does not need the files; returns the device. */
  /**
   * Refuses a CPU bundle whose kernels use instructions this CPU lacks ({@link CpuFeatures}): its
   * first run would stop the JVM with an illegal instruction.
   */
  static void requireCpu(Path source, Manifest.CpuRequirement cpu, Optional<Set<String>> flags)
      throws DeviceUnavailableException {
    if (flags.isEmpty()) {
      return;
    }
    List<String> missing = CpuFeatures.missing(cpu.features(), flags.get());
    if (!missing.isEmpty()) {
      throw new DeviceUnavailableException(
          source
              + ": its kernels were compiled for the CPU '"
              + cpu.name()
              + "' and use "
              + String.join(", ", missing)
              + ", which this CPU lacks (they would stop the JVM with an illegal instruction);"
              + " compile the model on this machine, or for a CPU that both machines can run, e.g."
              + " --target 'llvm -mcpu=x86-64-v3' (AVX2) or 'llvm -mcpu=x86-64-v2'");
    }
  }

  private static Device checkManifest(Path source, Manifest m) throws BundleException {
    if (!Manifest.FORMAT.equals(m.format())) {
      throw bad(source, "format is '" + m.format() + "', expected '" + Manifest.FORMAT + "'");
    }
    if (m.formatVersion() != Manifest.FORMAT_VERSION) {
      throw bad(
          source,
          "formatVersion "
              + m.formatVersion()
              + " is not supported; this runtime reads "
              + "formatVersion "
              + Manifest.FORMAT_VERSION);
    }
    if (m.hostClass() == null || !BINARY_NAME.matcher(m.hostClass()).matches()) {
      throw bad(source, "hostClass '" + m.hostClass() + "' is not a Java class name");
    }
    if (m.inputs() == null || m.outputs() == null || m.subgraphs() == null || m.files() == null) {
      throw bad(
          source, Manifest.FILE_NAME + " lacks one of 'inputs', 'outputs', 'subgraphs', 'files'");
    }
    for (int i = 0; i < m.outputs().size(); i++) {
      try {
        if (m.outputs().get(i) == null) {
          throw new IllegalArgumentException("missing");
        }
        m.outputs().get(i).checkRoot();
      } catch (IllegalArgumentException e) {
        throw bad(source, "outputs[" + i + "]: " + e.getMessage());
      }
    }
    Set<String> names = new HashSet<>();
    for (Manifest.TensorSpec in : m.inputs()) {
      if (in == null) {
        throw bad(source, "inputs: an entry is null");
      }
      checkSpec(source, "input '" + in.name() + "'", in);
      if (in.name() == null || !names.add(in.name())) {
        throw bad(source, "input names must be present and unique, got '" + in.name() + "'");
      }
    }
    for (Manifest.SubgraphSpec sg : m.subgraphs()) {
      if (sg == null) {
        throw bad(source, "subgraphs: an entry is null");
      }
      String what = "subgraph '" + sg.name() + "'";
      if (sg.library() == null || sg.inputs() == null || sg.outputs() == null) {
        throw bad(source, what + " lacks one of 'library', 'inputs', 'outputs'");
      }
      for (Manifest.TensorSpec t : sg.inputs()) {
        checkSpec(source, what + " input", t);
      }
      for (Manifest.TensorSpec t : sg.outputs()) {
        checkSpec(source, what + " output", t);
      }
      if (!m.files().containsKey(sg.library())) {
        throw bad(
            source, what + " library '" + sg.library() + "' is not listed in the manifest's files");
      }
    }
    if (m.cpu() != null) {
      Optional<String> why = CpuFeatures.malformed(m.cpu());
      if (why.isPresent()) {
        throw bad(source, why.get());
      }
    }
    if (!m.files().containsKey(m.hostClassFile())) {
      throw bad(
          source,
          "host class file '" + m.hostClassFile() + "' is not listed in the manifest's files");
    }
    try {
      return Device.fromManifestName(m.device());
    } catch (IllegalArgumentException e) {
      throw bad(source, e.getMessage());
    }
  }

  private static void checkSpec(Path source, String what, Manifest.TensorSpec t)
      throws BundleException {
    if (t == null) {
      throw bad(source, what + ": null instead of a tensor spec");
    }
    try {
      HostTensor.itemSize(t.dtype());
      HostTensor.numel(t.shape());
    } catch (RuntimeException e) {
      throw bad(source, what + ": " + (t.shape() == null ? "no shape" : e.getMessage()));
    }
  }

  /** Confines each listed path to the bundle and checks its hash; returns the resolved paths. */
  private static Map<String, Path> verifyFiles(Path source, Path root, Manifest m)
      throws BundleException, IOException {
    Path base = root.toAbsolutePath().normalize();
    Path realBase = root.toRealPath();
    Map<String, Path> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : m.files().entrySet()) {
      String rel = e.getKey();
      String problem = ZipBundles.unsafeName(rel);
      Path p = base.resolve(rel).normalize();
      if (problem == null && (!p.startsWith(base) || p.equals(base))) {
        problem = "resolves outside the bundle";
      }
      if (problem == null && rel.equals(Manifest.FILE_NAME)) {
        problem = "is the manifest itself, which cannot list its own hash";
      }
      if (problem != null) {
        throw bad(source, "path '" + rel + "' in manifest " + problem);
      }
      if (!Files.isRegularFile(p)) {
        throw bad(source, "file " + rel + " is listed in the manifest but missing");
      }
      // Compare real paths so a symbolic link inside the bundle cannot point outside it.
      if (!p.toRealPath().startsWith(realBase)) {
        throw bad(
            source,
            "path '" + rel + "' in manifest resolves outside the bundle via a symbolic link");
      }
      String expected = e.getValue() == null ? "" : e.getValue().toLowerCase(Locale.ROOT);
      if (!HEX64.matcher(expected).matches()) {
        throw bad(source, "file " + rel + ": '" + e.getValue() + "' is not a SHA-256 hex digest");
      }
      String found = Manifest.sha256(p);
      if (!found.equals(expected)) {
        throw bad(
            source,
            "file "
                + rel
                + ": SHA-256 mismatch (expected "
                + expected.substring(0, 12)
                + "…, found "
                + found.substring(0, 12)
                + "…); the bundle was modified or corrupted");
      }
      out.put(rel, p);
    }
    return out;
  }

  private static HostProgram instantiate(Path source, String className, ClassLoader loader)
      throws BundleException {
    try {
      Class<?> cls = Class.forName(className, true, loader);
      if (cls.getClassLoader() != loader) {
        throw bad(source, "host class " + className + " resolves to a class outside the bundle");
      }
      if (!HostProgram.class.isAssignableFrom(cls)) {
        throw bad(
            source,
            "host class " + className + " does not implement " + HostProgram.class.getName());
      }
      return (HostProgram) cls.getConstructor().newInstance();
    } catch (InvocationTargetException e) {
      throw bad(
          source, "host class " + className + " constructor failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | LinkageError e) {
      throw bad(source, "host class " + className + " cannot be loaded: " + e, e);
    }
  }

  /**
   * Runs the model on host tensors keyed by input name; each must match the manifest's dtype and
   * shape exactly. Every device array of the run is freed before this returns.
   *
   * @throws BadInputException if an input is missing, unknown, or of the wrong type
   * @throws HostProgramException if the host program (or a subgraph it calls) fails
   */
  public OutputValue run(Map<String, HostTensor> inputs)
      throws BadInputException, HostProgramException {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("bundle " + source + " is closed");
      }
      checkInputs(inputs);
      List<Subgraph> executors = idle.pollFirst();
      if (executors == null) {
        executors = newExecutorSet();
      }
      try {
        return run(executors, inputs);
      } finally {
        idle.addFirst(executors); // most recently used first: its buffers are warm in cache
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Whether runs measure the time their subgraph calls spend in compiled code ({@link
   * RunStats#kernelNanos}): off by default, since the clock reads cost about 40 ns per subgraph
   * call. {@code dynnc bench} turns it on for the runs that measure the host's share, not for the
   * timed ones.
   */
  public void timeKernels(boolean on) {
    timeKernels = on;
    subgraphs.forEach(sg -> sg.timeKernels(on));
    extraSets.forEach(set -> set.forEach(sg -> sg.timeKernels(on)));
  }

  /** One executor per subgraph, for a run that overlaps others; kept for later runs. */
  private List<Subgraph> newExecutorSet() {
    List<Subgraph> set = new ArrayList<>(subgraphs.size());
    try {
      for (Subgraph sg : subgraphs) {
        Subgraph e = sg.newExecutor();
        e.timeKernels(timeKernels);
        set.add(e);
      }
    } catch (RuntimeException e) {
      set.forEach(Subgraph::close);
      throw e;
    }
    List<Subgraph> done = List.copyOf(set);
    extraSets.add(done);
    return done;
  }

  private OutputValue run(List<Subgraph> executors, Map<String, HostTensor> inputs)
      throws HostProgramException {
    HostContext ctx =
        new HostContext(executors, device, manifest.outputs(), leafCounts, true)
            .withScalarPools(scalarPools);
    try {
      DeviceArray[] args = new DeviceArray[manifest.inputs().size()];
      for (int i = 0; i < args.length; i++) {
        args[i] =
            ctx.adopt(
                DeviceArray.upload(
                    inputs.get(manifest.inputs().get(i).name()), inputPools[i].take()));
      }
      Object result;
      try {
        result = program.run(ctx, args);
      } catch (ArithmeticException e) {
        // Python would raise here too (overflow past 64 bits, division by zero, int(nan)): the
        // model's arithmetic failed on this input, which is the user's to know, not a dynnc bug.
        String why =
            "long overflow".equals(e.getMessage())
                ? "integer overflow beyond 64 bits"
                : e.getMessage();
        throw new HostProgramException(
            location(e)
                + (dev.dynnc.semantics.PyScalar.isModelFailure(why)
                    ? why
                    : "the model's host arithmetic failed on this input: " + why),
            e);
      } catch (Exception e) {
        throw new HostProgramException("host program " + manifest.hostClass() + " failed: " + e, e);
      }
      try {
        return ctx.toOutput(result);
      } catch (RuntimeException e) {
        throw new HostProgramException(
            "host program "
                + manifest.hostClass()
                + " returned an unusable result: "
                + e.getMessage(),
            e);
      }
    } finally {
      lastRun.set(new RunStats(ctx.trace(), ctx.blockPath(), ctx.kernelNanos()));
      ctx.releaseAll();
    }
  }

  /**
   * {@code "models/x.py:12:9: "} for a located host arithmetic error: the file name comes from the
   * bundle's {@link #SOURCES_FILE} (data, hashed with the rest of the bundle), the line and column
   * from the generated code. Without that file (a bundle of an older dynnc) the position is given
   * without a file name.
   */
  private String location(ArithmeticException e) {
    if (!(e instanceof HostArithmeticException h) || !h.located()) {
      return "";
    }
    String file = "line";
    try {
      java.util.List<?> names =
          new com.google.gson.Gson()
              .fromJson(Files.readString(root.resolve(SOURCES_FILE)), java.util.List.class);
      if (h.file() < names.size() && names.get(h.file()) instanceof String name) {
        file = printable(name);
      }
    } catch (IOException | RuntimeException ignored) {
      // The position alone still says where.
    }
    return file + ":" + h.line() + ":" + h.column() + ": ";
  }

  /** The text with control characters escaped, so a file name cannot drive the user's terminal. */
  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                sb.append(String.format("\\u%04x", c));
              } else {
                sb.appendCodePoint(c);
              }
            });
    return sb.toString();
  }

  private void checkInputs(Map<String, HostTensor> inputs) throws BadInputException {
    List<String> declared =
        manifest.inputs().stream().map(Manifest.TensorSpec::name).collect(Collectors.toList());
    for (String name : inputs.keySet()) {
      if (!declared.contains(name)) {
        throw new BadInputException(
            "unknown input '" + name + "'; the model's inputs are: " + String.join(", ", declared));
      }
    }
    for (Manifest.TensorSpec spec : manifest.inputs()) {
      HostTensor t = inputs.get(spec.name());
      if (t == null) {
        throw new BadInputException(
            "missing input '" + spec.name() + "' (expected " + spec.describe() + ")");
      }
      if (!t.dtype().equals(spec.dtype()) || !Arrays.equals(t.shape(), spec.shape())) {
        throw new BadInputException(
            "input '" + spec.name() + "': expected " + spec.describe() + ", got " + t.describe());
      }
    }
  }

  public Manifest manifest() {
    return manifest;
  }

  /** The directory holding the bundle's files (a temporary copy for zip bundles). */
  public Path root() {
    return root;
  }

  public Device device() {
    return device;
  }

  /** The subgraphs in manifest order. */
  public List<Subgraph> subgraphs() {
    return subgraphs;
  }

  /**
   * The subgraph indices the calling thread's last {@link #run} called, in order; empty before its
   * first run.
   */
  public List<Integer> lastTrace() {
    return lastRun.get().trace();
  }

  /** What the calling thread's last {@link #run} did; empty before its first run. */
  public RunStats lastRun() {
    return lastRun.get();
  }

  /** How many executor sets the bundle holds: one, plus one per run that overlapped others. */
  public int executorSets() {
    return 1 + extraSets.size();
  }

  /**
   * Frees the executors and libraries and deletes a zip bundle's temporary directory; idempotent.
   */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      lifecycle.writeLock().unlock();
    }
    idle.clear();
    extraSets.forEach(set -> set.forEach(Subgraph::close)); // before the library owners
    subgraphs.forEach(Subgraph::close);
    sharedWeights.forEach(DeviceArray::close); // after the executors that point into them
    for (ArrayPool p : inputPools) {
      p.close();
    }
    scalarPools.close();
    closeQuietly(loader);
    OwnedDirs.delete(tempDir);
  }

  private static void closeQuietly(URLClassLoader l) {
    if (l != null) {
      try {
        l.close();
      } catch (IOException ignored) {
        // Only releases jar handles; a directory loader holds none worth reporting.
      }
    }
  }

  private static BundleException bad(Path source, String problem) {
    return new BundleException("bad bundle " + source + ": " + problem);
  }

  private static BundleException bad(Path source, String problem, Throwable cause) {
    return new BundleException("bad bundle " + source + ": " + problem, cause);
  }

  /**
   * Loads host classes from {@code host/classes}, but only class files the manifest lists (and so
   * {@link #open} has hash-verified): an unlisted file dropped next to them is never executed.
   */
  private static final class HostClassLoader extends URLClassLoader {
    private final Set<String> listed;

    HostClassLoader(Path classesDir, Set<String> listed) throws IOException {
      super(new URL[] {classesDir.toUri().toURL()}, HostProgram.class.getClassLoader());
      this.listed = Set.copyOf(listed);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      if (!listed.contains(Manifest.HOST_CLASSES + name.replace('.', '/') + ".class")) {
        throw new ClassNotFoundException(name + " (not listed in the bundle manifest)");
      }
      return super.findClass(name);
    }
  }
}
