package dev.dynnc.backend;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Compiles subgraphs in TVM worker processes ({@link EmbeddedTvm}) with a time limit per request.
 *
 * <p>A small pool of workers serves the whole JVM ({@link #parallelism} of them, by default one per
 * core but one, at least one and at most {@value #MAX_DEFAULT_WORKERS}), so that unique subgraphs
 * compile in parallel; calls of {@link #compile} from several threads each take an idle worker. A
 * worker starts on first use (the first one early, by {@link #prestart}, so that TVM's start-up
 * overlaps the frontend; the others only when that many compiles overlap), imports TVM once and
 * then answers one request at a time over stdin/stdout as JSON lines. A request that runs past its
 * limit, or a worker that dies, ends that worker (with its g++ children); the next request starts a
 * fresh one. Workers also end when this JVM exits or dies, because they watch their parent.
 *
 * <p>The worker's classpath is that of the class loader that loaded this class, so the worker runs
 * the same dynnc and TVM jars inside a Maven plugin as in the CLI.
 */
public final class TvmWorker implements CompileService {
  /**
   * The most workers the default pool starts: each is a JVM with CPython and TVM (a few hundred
   * MB), and a model rarely has more unique subgraphs compiling at once.
   */
  static final int MAX_DEFAULT_WORKERS = 4;

  /** System property (or, upper-cased with '_', environment variable) setting the pool's size. */
  static final String WORKERS_PROPERTY = "dynnc.compile.workers";

  /** How long TVM's start-up (JVM, natives, {@code import tvm}) may take before a compile fails. */
  static final Duration STARTUP_LIMIT = Duration.ofSeconds(300);

  private static final String EOF = "\u0000eof";
  private static final Gson GSON = new Gson();

  /**
   * Where the worker writes what TVM and g++ print during one compile: in the request's work
   * directory.
   */
  static final String LOG = "tvm.log";

  /** How much of the log's end a report of a worker that died shows. */
  static final int LOG_TAIL_BYTES = 4000;

  /** The compile worker's main thread stack, MiB (see {@code ensureStarted}). */
  static final int WORKER_STACK_MIB = 256;

  private static TvmWorker shared;
  private static TvmWorker sharedGpu;

  /**
   * JavaCPP's platform extension that selects TVM's GPU build (its {@code linux-x86_64-gpu} jar)
   * over the CPU build.
   */
  public static final String GPU_EXTENSION = "-gpu";

  static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";

  /** The command line of a worker of a GPU or a CPU pool, with class path {@code classpath}. */
  static List<String> command(boolean gpu, String classpath) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The worker's Java side only hosts CPython: a small heap and a quick start matter, not peak
    // speed.
    // -Xss: TVM's C++ passes recurse once per op along a chain of ops, on this thread (CPython
    // runs on the JVM's main thread, whose stack -Xss sizes). At Java's default of 1 MiB, a chain
    // of about 2,400 ops crashed the worker with a stack overflow. The stack is reserved, not
    // committed: only what a compile touches costs memory.
    cmd.addAll(
        List.of(
            "-Xmx512m",
            "-Xss" + WORKER_STACK_MIB + "m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            // A native crash in TVM (or in a library it loads) must not write into the user's
            // working directory: the JVM's report goes to the temp directory, where the compile's
            // error names it, and no core file is written.
            "-XX:ErrorFile=" + crashReportPattern(),
            "-XX:-CreateCoredumpOnCrash"));
    System.getProperties().stringPropertyNames().stream()
        .filter(k -> k.startsWith("org.bytedeco.") && !k.equals(EXTENSION_PROPERTY))
        .sorted()
        .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
    // Always explicit, the CPU build's empty extension too: left unset, JavaCPP tries the GPU
    // build first whenever its jar is on the class path (a -Pgpu build, a plugin with the GPU
    // jar). Where CUDA's libraries are missing that load fails, and JavaCPP falls back to the
    // CPU build by replacing the GPU build's libtvm.so in its cache with a link to the CPU one:
    // a GPU worker starting at that moment crashed with SIGBUS, or loaded the CPU build and
    // refused every cuda compile.
    cmd.add("-D" + EXTENSION_PROPERTY + "=" + (gpu ? GPU_EXTENSION : ""));
    cmd.addAll(List.of("-cp", classpath, EmbeddedTvm.class.getName()));
    return cmd;
  }

  /** Where a worker's JVM writes its report when it crashes ({@code %p}: the worker's pid). */
  static String crashReportPattern() {
    return Path.of(System.getProperty("java.io.tmpdir"), "dynnc-worker-crash-%p.log").toString();
  }

  /** The crash report of worker {@code pid}, if its JVM wrote one. */
  static java.util.Optional<Path> crashReport(long pid) {
    Path p = Path.of(crashReportPattern().replace("%p", Long.toString(pid)));
    return Files.isRegularFile(p) ? java.util.Optional.of(p) : java.util.Optional.empty();
  }

  /** The exit status of a GPU worker whose TVM cannot compile for CUDA here. */
  static final int GPU_UNUSABLE = 3;

  /** The libraries outside its jars that TVM's GPU build links for compiling. */
  static final List<String> GPU_LIBRARIES =
      List.of(
          "libcuda.so.1",
          "libcudart.so.12",
          "libnvrtc.so.12",
          "libcudnn.so.9",
          "libcublas.so.12",
          "libcublasLt.so.12");

  static final String GPU_NEEDS =
      "compiling for cuda needs CUDA 12's libcudart.so.12, libnvrtc.so.12, libcublas.so.12 and"
          + " libcublasLt.so.12, cuDNN 9's libcudnn.so.9 and the driver's libcuda.so.1 (or a"
          + " stand-in: samples/gpu/cuda_stubs.sh --driver) on LD_LIBRARY_PATH, and nvcc";

  /** Whether this pool's workers load TVM's GPU build. */
  private final boolean gpu;

  private final List<Worker> workers = new ArrayList<>();

  /** Idle workers, started ones first: serial compiles keep using the first worker. */
  private final LinkedBlockingDeque<Worker> idle = new LinkedBlockingDeque<>();

  TvmWorker(int size) {
    this(size, false);
  }

  TvmWorker(int size, boolean gpu) {
    this.gpu = gpu;
    if (size < 1) {
      throw new IllegalArgumentException("a TVM worker pool needs at least one worker");
    }
    for (int i = 0; i < size; i++) {
      Worker w = new Worker(gpu);
      workers.add(w);
      idle.addLast(w);
    }
  }

  /** The JVM-wide worker pool; its processes start on first use. */
  public static synchronized TvmWorker shared() {
    if (shared == null) {
      shared = new TvmWorker(defaultSize());
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "dynnc-tvm-worker-stop"));
    }
    return shared;
  }

  /**
   * The JVM-wide pool of workers that load TVM's GPU build (for {@code --target cuda}), beside the
   * CPU build's: the GPU build loads the CUDA libraries, which a CPU-only machine lacks.
   */
  public static synchronized TvmWorker sharedGpu() {
    if (sharedGpu == null) {
      sharedGpu = new TvmWorker(defaultSize(), true);
      Runtime.getRuntime().addShutdownHook(new Thread(sharedGpu::stop, "dynnc-tvm-worker-stop"));
    }
    return sharedGpu;
  }

  /**
   * Whether TVM's GPU build is on the class path (the jar with classifier {@code linux-x86_64-gpu},
   * which {@code mvn -Pgpu} adds), without loading anything.
   */
  public static boolean gpuBuildPresent() {
    String platform = org.bytedeco.javacpp.Loader.getPlatform();
    return TvmWorker.class
            .getClassLoader()
            .getResource("org/bytedeco/tvm/" + platform + GPU_EXTENSION + "/libtvm_runtime.so")
        != null;
  }

  /**
   * The pool size: {@value #WORKERS_PROPERTY} (system property, or environment variable {@code
   * DYNNC_COMPILE_WORKERS}) when set to a positive number, else one per core, at most {@value
   * #MAX_DEFAULT_WORKERS}. Workers start on first use, so a compile with one cache miss starts one.
   * On this idle 2-core machine samples/msdnet (3 subgraphs) compiled cold in 46.4 s with two
   * workers and 67.0 s with one, into byte-identical bundles; an earlier measurement that favoured
   * one worker (early_exit_cnn, 49 s against 56 s) was taken at load average 11.
   */
  static int defaultSize() {
    String v = System.getProperty(WORKERS_PROPERTY, System.getenv("DYNNC_COMPILE_WORKERS"));
    if (v != null) {
      try {
        int n = Integer.parseInt(v.strip());
        if (n > 0) {
          return n;
        }
      } catch (NumberFormatException e) {
        // Not a number: the default below.
      }
    }
    int cores = Runtime.getRuntime().availableProcessors();
    return Math.max(1, Math.min(cores, MAX_DEFAULT_WORKERS));
  }

  /** Starts the first worker now if it is not running, without waiting for it to be ready. */
  public static void prestart() {
    Worker w = shared().workers.get(0);
    synchronized (w) {
      try {
        w.ensureStarted();
      } catch (CompileException e) {
        // Reported by the first compile, which tries again.
      }
    }
  }

  /** How many compiles this pool runs at once. */
  @Override
  public int parallelism() {
    return workers.size();
  }

  /**
   * TVM's version, the host CPU and the text of {@code relay_builder.py}: a target of plain {@code
   * llvm} is compiled for {@code -mcpu=}this machine's CPU, so a library built here may use
   * instructions another machine lacks.
   */
  @Override
  public String identity() {
    return "tvm " + tvmVersion() + "\n" + cpuDescription() + "relay_builder.py:\n" + relayBuilder();
  }

  /** The TVM presets' version from their jar's Maven metadata, without loading any TVM class. */
  private static String tvmVersion() {
    Properties p = new Properties();
    try (InputStream in =
        TvmWorker.class
            .getClassLoader()
            .getResourceAsStream("META-INF/maven/org.bytedeco/tvm/pom.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // An unknown version still gives a key; it only cannot tell two unknown versions apart.
    }
    return p.getProperty("version", "unknown");
  }

  /**
   * The first processor's model name and feature flags (what LLVM's host CPU detection sees), where
   * Linux tells.
   */
  private static String cpuDescription() {
    StringBuilder sb = new StringBuilder(System.getProperty("os.arch")).append('\n');
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      lines
          .takeWhile(l -> !l.isBlank())
          .filter(
              l ->
                  l.startsWith("model name")
                      || l.startsWith("flags")
                      || l.startsWith("Features")
                      || l.startsWith("CPU part"))
          .forEach(l -> sb.append(l).append('\n'));
    } catch (IOException | UncheckedIOException e) {
      // No /proc: the architecture alone.
    }
    return sb.toString();
  }

  private static String relayBuilder() {
    try (InputStream in = EmbeddedTvm.class.getResourceAsStream("relay_builder.py")) {
      return in == null ? "missing" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "unreadable";
    }
  }

  @Override
  public void warmUp() {
    prestart();
  }

  /** Compiles on an idle worker, waiting for one when all are busy; safe from any thread. */
  @Override
  public void compile(Path request, Path errorFile, Duration timeout) throws CompileException {
    Worker w;
    try {
      w = idle.takeFirst();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompileException("interrupted while waiting for a TVM compile worker");
    }
    try {
      w.compile(request, errorFile, timeout);
    } finally {
      if (w.running()) {
        idle.addFirst(w);
      } else {
        idle.addLast(w); // stopped (a timeout, a crash): started ones are preferred
      }
    }
  }

  /**
   * Ends every worker and the processes they started; idempotent. Not synchronized, so that Ctrl-C
   * during a compile ends the workers at once instead of after TVM finishes.
   */
  void stop() {
    workers.forEach(Worker::stop);
  }

  private static CompileException failure(String traceback) {
    String tb = traceback.strip();
    return new CompileException(tb.substring(tb.lastIndexOf('\n') + 1) + "\n" + tb);
  }

  /** One worker process and its request and answer streams. */
  private static final class Worker {
    /**
     * Volatile: the shutdown hook stops the worker without waiting for a compile to release the
     * lock.
     */
    private volatile Process process;

    /**
     * The worker's own temporary directory, for TVM's tuning processes, which outlive a request's
     * work directory (relay_builder.py's _MeasureProcesses); deleted when the worker stops.
     */
    private volatile Path tmp;

    private final boolean gpu;
    private Writer requests;
    private BlockingQueue<String> answers;
    private boolean ready;
    private long nextId;

    Worker(boolean gpu) {
      this.gpu = gpu;
    }

    boolean running() {
      Process p = process;
      return p != null && p.isAlive();
    }

    synchronized void compile(Path request, Path errorFile, Duration timeout)
        throws CompileException {
      ensureStarted();
      if (!ready) {
        String hello = await(STARTUP_LIMIT, null);
        if (hello == null) {
          stop();
          throw new CompileException(
              "TVM's compile worker did not start within " + STARTUP_LIMIT.toSeconds() + " s");
        }
        ready = true;
      }
      long id = nextId++;
      JsonObject msg = new JsonObject();
      msg.addProperty("id", id);
      msg.addProperty("request", request.toAbsolutePath().toString());
      Path log = request.toAbsolutePath().getParent().resolve(LOG);
      try {
        requests.write(GSON.toJson(msg) + "\n");
        requests.flush();
      } catch (IOException e) {
        throw died(log);
      }
      String line = await(timeout, log);
      if (line == null) {
        stop();
        throw new Timeout("TVM did not finish within " + timeout.toSeconds() + " s");
      }
      JsonObject answer;
      try {
        answer = GSON.fromJson(line, JsonObject.class);
      } catch (JsonParseException e) {
        // A JVM that crashes prints its banner ("# A fatal error ...") on stdout, the answers'
        // channel: a worker that ended says how instead.
        Process p = process;
        try {
          if (p != null && p.waitFor(5, TimeUnit.SECONDS)) {
            throw died(log);
          }
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
        stop();
        throw new CompileException("TVM's compile worker gave an unreadable answer: " + line);
      }
      if (answer == null || !answer.has("id") || answer.get("id").getAsLong() != id) {
        stop();
        throw new CompileException("TVM's compile worker answered out of turn: " + line);
      }
      if (answer.has("error") && !answer.get("error").isJsonNull()) {
        throw failure(answer.get("error").getAsString());
      }
      try {
        if (Files.exists(errorFile)) {
          throw failure(Files.readString(errorFile));
        }
      } catch (IOException e) {
        throw new CompileException("cannot read TVM's error report: " + e.getMessage());
      }
    }

    /**
     * The next answer line, null after {@code limit}, or a died-exception when the worker ended.
     */
    private String await(Duration limit, Path log) throws CompileException {
      String line;
      try {
        line = answers.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
        throw new CompileException("interrupted while TVM compiled");
      }
      if (EOF.equals(line)) {
        throw died(log);
      }
      return line;
    }

    /** The worker ended: how, and the end of what TVM printed while compiling ({@code log}). */
    private CompileException died(Path log) {
      Process p = process;
      String how = "";
      java.util.Optional<Path> report = java.util.Optional.empty();
      try {
        if (p != null && p.waitFor(5, TimeUnit.SECONDS)) {
          int rc = p.exitValue();
          how = rc > 128 ? " (killed by signal " + (rc - 128) + ")" : " (exit code " + rc + ")";
          report = crashReport(p.pid());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      stop();
      if (gpu && how.equals(" (exit code " + GPU_UNUSABLE + ")")) {
        return new Unavailable("TVM's GPU build cannot compile here: " + GPU_NEEDS);
      }
      String tail = logTail(log);
      return new CompileException(
          "TVM's compile worker stopped unexpectedly"
              + how
              + report.map(r -> ": its JVM crashed; report: " + r).orElse("")
              + (tail.isEmpty() ? "; see the messages above" : "; the end of its log:\n" + tail));
    }

    private static String logTail(Path log) {
      if (log == null) {
        return "";
      }
      try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(log)) {
        long size = ch.size();
        ch.position(Math.max(0, size - LOG_TAIL_BYTES));
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) Math.min(size, LOG_TAIL_BYTES));
        while (b.hasRemaining() && ch.read(b) > 0) {
          // read the tail
        }
        return new String(b.array(), 0, b.position(), java.nio.charset.StandardCharsets.UTF_8)
            .strip();
      } catch (IOException e) {
        return "";
      }
    }

    private void ensureStarted() throws CompileException {
      if (process != null && process.isAlive()) {
        return;
      }
      stop();
      List<String> cmd = command(gpu, classpath());
      Process p;
      try {
        tmp = Files.createTempDirectory("dynnc-worker-");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("DYNNC_WORKER_TMP", tmp.toString());
        p = pb.start();
      } catch (IOException e) {
        deleteTmp();
        throw new CompileException("cannot start TVM's compile worker: " + e.getMessage());
      }
      BlockingQueue<String> q = new LinkedBlockingQueue<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = r.readLine()) != null; ) {
                    q.add(line);
                  }
                } catch (IOException ignored) {
                  // The worker is gone; EOF below says so.
                }
                q.add(EOF);
              },
              "dynnc-tvm-worker-answers");
      reader.setDaemon(true);
      reader.start();
      process = p;
      requests = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
      answers = q;
      ready = false;
    }

    /**
     * Ends the worker and every process it started (g++ during export); idempotent. Not
     * synchronized, so that Ctrl-C during a compile ends the worker at once instead of after TVM
     * finishes.
     */
    void stop() {
      Process p = process;
      process = null;
      if (p != null) {
        // Children first: once the worker is gone they are no longer its descendants.
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      deleteTmp();
    }

    private void deleteTmp() {
      Path t = tmp;
      tmp = null;
      if (t == null) {
        return;
      }
      try (Stream<Path> s = Files.walk(t)) {
        for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      } catch (IOException | UncheckedIOException e) {
        // A leftover empty-ish directory in the system's temporary directory; nothing else.
      }
    }
  }

  /**
   * The classpath of the loader that defined this class: its URLs when it is a URLClassLoader (a
   * Maven plugin realm, for one), else the application class path, which is then exactly its path.
   */
  static String classpath() throws CompileException {
    ClassLoader loader = TvmWorker.class.getClassLoader();
    Set<String> entries = new LinkedHashSet<>();
    if (loader instanceof URLClassLoader u) {
      for (URL url : u.getURLs()) {
        try {
          entries.add(Path.of(url.toURI()).toString());
        } catch (URISyntaxException | IllegalArgumentException e) {
          throw new CompileException(
              "cannot use class path entry " + url + " for TVM's compile worker");
        }
      }
    } else if (loader == ClassLoader.getSystemClassLoader()) {
      entries.add(System.getProperty("java.class.path"));
    } else {
      throw new CompileException(
          "cannot tell the class path of " + loader + " to start TVM's compile worker");
    }
    return String.join(File.pathSeparator, entries);
  }
}
