package dev.dynnc.frontend.eval;

import com.google.common.collect.ImmutableList;
import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostic;
import dev.dynnc.diag.DiagnosticException;
import dev.dynnc.diag.SourceMap;
import dev.dynnc.frontend.ast.Expr;
import dev.dynnc.frontend.ast.Parameter;
import dev.dynnc.frontend.ast.Stmt;
import dev.dynnc.frontend.eval.Signals.BreakSignal;
import dev.dynnc.frontend.eval.Signals.ContinueSignal;
import dev.dynnc.frontend.eval.Signals.ReturnSignal;
import dev.dynnc.frontend.eval.Values.*;
import dev.dynnc.frontend.parser.PythonSource;
import dev.dynnc.ir.Span;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A partial evaluator for the Python of PyTorch models.
 *
 * <p>During construction every value is static and the evaluator is an ordinary interpreter. While
 * lowering {@code forward}, a {@link Staging} is attached: tensor operations on dynamic values emit
 * IR ops, static conditions and loops are decided here (folded and unrolled), and a condition on a
 * dynamic value forks the evaluation into both branches (rule DYN-IF in {@link Staging}). The
 * evaluator never recurses without bound on its own: Python recursion is capped in depth, and
 * steps, work and created data are bounded by an {@link EvalBudget}, each limit reported as a
 * diagnostic, so a hostile model cannot hang or crash the compiler; source nested deeper than the
 * Java stack allows is reported at the statement that overflowed it.
 */
public final class Interpreter {
  /**
   * Largest source file read; model code is kilobytes, and the whole file is held in memory to
   * parse it.
   */
  static final long MAX_SOURCE_BYTES = 16L << 20;

  private static final java.util.regex.Pattern MODULE_NAME =
      java.util.regex.Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_]*(\\.[\\p{L}_][\\p{L}\\p{N}_]*)*");

  final Path sourceRoot;
  final SourceMap sources;
  final Map<String, PyNamespace> moduleCache = new HashMap<>();
  final Map<String, Object> builtins;
  final TorchLib torch;
  Staging staging;

  /** How each condition and loop of the lowered method was judged (recorded while staging). */
  final DecisionLog decisions = new DecisionLog();

  /** The limits on steps, work and created data of this compilation. */
  final EvalBudget budget = new EvalBudget();

  private int depth;

  /** While forward is staged: the frames of the calls running now, innermost first. */
  final java.util.ArrayDeque<Frame> frames = new java.util.ArrayDeque<>();

  /**
   * The errors recorded so far, in order, each once (a statement in a loop fails on every pass).
   */
  private final java.util.LinkedHashSet<Diagnostic> errors = new java.util.LinkedHashSet<>();

  /** Evaluation stops once this many errors are recorded. */
  private final int maxErrors;

  /**
   * Set by an error after which going on is pointless (a limit was hit, or {@link #maxErrors}
   * reached).
   */
  private boolean stopped;

  /**
   * How many construction-time {@code try} bodies are being run: inside one, a failed statement's
   * error is an exception that a handler may catch, so it propagates to the {@code try} instead of
   * being recorded where it happened.
   */
  private int tryDepth;

  /**
   * Library functions that take values from unmodelled libraries as they are (print, logging,
   * isinstance).
   */
  final java.util.Set<Builtin> opaqueTolerant =
      java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

  /** One activation: locals, globals, closure chain, and (in forward) pending returns. */
  static final class Frame {
    final Map<String, Object> locals;
    final Map<String, Object> globals;
    final Scope closure;
    final String moduleName;
    final PyFunction function;
    final boolean classBody;

    /**
     * For a comprehension's own scope: the frame of the function around it, where an assignment
     * expression in the comprehension binds its name (as in Python); null elsewhere.
     */
    Frame enclosing;

    final List<Staging.Pending> pending = new ArrayList<>();

    /** While forward is staged: the loops running now, innermost first (their pending exits). */
    final java.util.ArrayDeque<Staging.Loop> loops = new java.util.ArrayDeque<>();

    /**
     * While an inlined call is staged: the journal of its path since it began (rule FORK-STATE).
     */
    Journal journal;

    /**
     * Names declared {@code global} or {@code nonlocal} in this function: assignments go to their
     * outer binding.
     */
    java.util.Set<String> outerNames;

    /**
     * While forward is staged: the tensors the caller passed in, and the values in-place updates
     * made of them, each to the caller's own tensor (see {@link InPlace#update}).
     */
    final Map<SymTensor, SymTensor> callerTensors = new java.util.IdentityHashMap<>();

    /**
     * In-place updates of the caller's tensors on every path of this call: the caller's tensor to
     * its new value, applied to the caller's frame when the call returns.
     */
    final Map<SymTensor, SymTensor> exports = new java.util.IdentityHashMap<>();

    /**
     * The caller's tensors this call updated in place on some of its paths only, with what did it:
     * the caller's names for them become {@link Stale} when the call returns.
     */
    final Map<SymTensor, String> staleExports = new java.util.IdentityHashMap<>();

    /** The staged entry point (forward): its caller is the model's user. */
    boolean entry;

    /** The journal current when the call began. */
    Journal startJournal;

    Frame(
        Map<String, Object> locals,
        Map<String, Object> globals,
        Scope closure,
        String moduleName,
        PyFunction function,
        boolean classBody) {
      this.locals = locals;
      this.globals = globals;
      this.closure = closure;
      this.moduleName = moduleName;
      this.function = function;
      this.classBody = classBody;
    }
  }

  public Interpreter(Path sourceRoot, SourceMap sources, int maxErrors) {
    if (maxErrors < 1) {
      throw new IllegalArgumentException("maxErrors must be at least 1, got " + maxErrors);
    }
    this.sourceRoot = sourceRoot;
    this.sources = sources;
    this.maxErrors = maxErrors;
    this.torch = new TorchLib(this);
    this.builtins = Builtins.create(this);
    this.library = new PyLibrary(this);
  }

  /**
   * Python's standard library as construction code uses it (copy, functools, itertools, logging,
   * ...).
   */
  final PyLibrary library;

  // ------------------------------------------------------------------------------------------
  // Errors

  static DiagnosticException error(Code code, Span at, String message) {
    return new DiagnosticException(Diagnostic.of(code, at, message));
  }

  static DiagnosticException error(Code code, Span at, String message, String hint) {
    return new DiagnosticException(Diagnostic.of(code, at, message, hint));
  }

  void step(Span at) {
    budget.step(at);
  }

  /**
   * Records the diagnostics of a failed statement so evaluation can go on and find more; rethrows
   * when it must stop instead: an evaluation limit was hit, or {@link #maxErrors} errors are
   * recorded.
   */
  private void record(DiagnosticException e) {
    if (staging != null && staging.inTrial()) {
      return; // a trial run of a loop body: the final run reports the same error
    }
    errors.addAll(e.diagnostics());
    if (stopped || budget.exhausted() || errors.size() >= maxErrors) {
      stopped = true;
      throw e;
    }
  }

  /** Whether an error was recorded. */
  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  /**
   * All errors of this evaluation: those recorded, then those of {@code last} (the error that ended
   * it, or null), each once and at most {@link #maxErrors}.
   */
  public List<Diagnostic> errors(DiagnosticException last) {
    java.util.LinkedHashSet<Diagnostic> all = new java.util.LinkedHashSet<>(errors);
    if (last != null) {
      all.addAll(last.diagnostics());
    }
    return all.stream().limit(maxErrors).toList();
  }

  // ------------------------------------------------------------------------------------------
  // Modules and imports

  /** Imports a dotted module from the source root (package __init__ files first). */
  public PyNamespace importModule(String dotted, Span at) {
    PyNamespace cached = moduleCache.get(dotted);
    if (cached != null) {
      return cached;
    }
    PyNamespace lib = library.module(dotted);
    if (lib == null) {
      lib = torch.libraryModule(dotted);
    }
    int dot = dotted.lastIndexOf('.');
    if (lib == null
        && dot > 0
        && (library.module(dotted.substring(0, dot)) != null
            || torch.libraryModule(dotted.substring(0, dot)) != null)) {
      // A submodule a library namespace holds as an attribute: torch.autograd, torch.jit,
      // collections.abc.
      PyNamespace parent = importModule(dotted.substring(0, dot), at);
      if (parent.attrs.get(dotted.substring(dot + 1)) instanceof PyNamespace sub) {
        lib = sub;
      }
    }
    if (lib != null) {
      moduleCache.put(dotted, lib);
      return lib;
    }
    if (!isModuleName(dotted)) {
      throw error(
          Code.DN0104,
          at,
          "'" + dotted + "' is not a module name",
          "a module is a dotted path of Python identifiers relative to the source root, e.g. models.sdn");
    }
    String[] parts = dotted.split("\\.");
    Path dir = sourceRoot;
    for (int i = 0; i < parts.length - 1; i++) {
      dir = dir.resolve(parts[i]);
    }
    String last = parts[parts.length - 1];
    Path file = dir.resolve(last + ".py");
    Path pkg = dir.resolve(last).resolve("__init__.py");
    boolean isPackage = false;
    if (!Files.isRegularFile(file)) {
      if (Files.isRegularFile(pkg)) {
        file = pkg;
        isPackage = true;
      } else if (Files.isDirectory(dir.resolve(last))) {
        isPackage = true;
        file = null;
      } else {
        // A library we do not model: importing it is fine, using it is a diagnostic.
        PyNamespace opaque = new PyNamespace(dotted, new HashMap<>(), true);
        moduleCache.put(dotted, opaque);
        return opaque;
      }
    }
    requireInsideSourceRoot(dotted, file != null ? file : dir.resolve(last), at);
    if (parts.length > 1) {
      importModule(String.join(".", java.util.Arrays.copyOf(parts, parts.length - 1)), at);
    }
    Map<String, Object> globals = new LinkedHashMap<>();
    globals.put("__name__", dotted);
    globals.put(
        "__package__",
        isPackage
            ? dotted
            : dotted.contains(".") ? dotted.substring(0, dotted.lastIndexOf('.')) : "");
    PyNamespace ns = new PyNamespace(dotted, globals, false);
    moduleCache.put(dotted, ns);
    if (parts.length > 1) {
      PyNamespace parent =
          moduleCache.get(String.join(".", java.util.Arrays.copyOf(parts, parts.length - 1)));
      if (parent != null && !parent.opaque) {
        parent.attrs.put(last, ns);
      }
    }
    if (file != null) {
      byte[] bytes;
      try {
        if (Files.size(file) > MAX_SOURCE_BYTES) {
          throw error(
              Code.DN0004,
              at,
              "module '"
                  + dotted
                  + "' is "
                  + Files.size(file)
                  + " bytes, more than the "
                  + (MAX_SOURCE_BYTES >> 20)
                  + " MiB dynnc reads from one source file");
        }
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw error(Code.DN0004, at, "cannot read " + file + ": " + e.getMessage());
      }
      String display = sourceRoot.relativize(file).toString();
      String text = PythonSource.decode(display, bytes, sources);
      sources.add(display, text);
      List<Stmt> body = PythonSource.parseFile(display, text);
      Frame f = new Frame(globals, globals, null, (String) globals.get("__package__"), null, false);
      execBlock(body, f);
    }
    return ns;
  }

  /** Whether {@code dotted} is one or more Python identifiers joined by dots. */
  public static boolean isModuleName(String dotted) {
    return MODULE_NAME.matcher(dotted).matches();
  }

  /**
   * Refuses a module whose file or package directory lies outside the source root once symbolic
   * links are resolved: model code is read from the source root and nowhere else.
   */
  private void requireInsideSourceRoot(String dotted, Path path, Span at) {
    Path real;
    Path root;
    try {
      real = path.toRealPath();
      root = sourceRoot.toRealPath();
    } catch (IOException e) {
      throw error(Code.DN0004, at, "cannot read " + path + ": " + e.getMessage());
    }
    if (!real.startsWith(root)) {
      throw error(
          Code.DN0104,
          at,
          "module '" + dotted + "' resolves to " + real + ", outside the source root " + root,
          "dynnc only reads model code under --source-root; copy the module there instead of linking to it");
    }
  }

  private void execImport(Stmt.Import s, Frame f) {
    for (Stmt.Alias a : s.names()) {
      PyNamespace m = importModule(a.name(), s.span());
      if (a.asName().isPresent()) {
        f.locals.put(a.asName().get(), bindable(m, s.span()));
      } else {
        String top = a.name().split("\\.")[0];
        f.locals.put(top, bindable(importModule(top, s.span()), s.span()));
      }
    }
  }

  /**
   * What an import binds: the module, or for a library dynnc does not model (wholly or in part), an
   * {@link Opaque} that remembers the import statement, so a later use can say where the name came
   * from.
   */
  private static Object bindable(PyNamespace m, Span at) {
    return m.opaque
        ? new Opaque(m.name, at, true, opaqueDetail(m.name), m.attrs.isEmpty() ? null : m)
        : m;
  }

  /**
   * Why a name from module {@code dotted} is opaque: torch's training and data parts, or another
   * library.
   */
  static String opaqueDetail(String dotted) {
    String top = dotted.split("\\.")[0];
    return top.equals("torch")
        ? "outside the part of PyTorch that dynnc models"
        : "from '" + top + "', a library dynnc does not model";
  }

  private void execImportFrom(Stmt.ImportFrom s, Frame f) {
    String module = s.module();
    if (s.level() > 0) {
      String pkg = f.moduleName == null ? "" : f.moduleName;
      String[] parts = pkg.isEmpty() ? new String[0] : pkg.split("\\.");
      int keep = parts.length - (s.level() - 1);
      if (keep < 0) {
        throw error(
            Code.DN0104,
            s.span(),
            "relative import goes beyond the source root",
            "dynnc reads model code only under --source-root; pass the directory holding the top-level package");
      }
      String base = String.join(".", java.util.Arrays.copyOf(parts, keep));
      module = base.isEmpty() ? module : module.isEmpty() ? base : base + "." + module;
    }
    if (module.isEmpty()) {
      throw error(
          Code.DN0104, s.span(), "cannot resolve relative import from the top of the source root");
    }
    PyNamespace m = importModule(module, s.span());
    if (m.opaque && m.attrs.isEmpty() && s.level() > 0) {
      // A relative import always names the model's own code, never a library we do not model.
      throw error(
          Code.DN0104,
          s.span(),
          "module '"
              + module
              + "' (from '"
              + ".".repeat(s.level())
              + s.module()
              + "') was not found under the source root",
          "relative imports need the model's package layout: pass its top directory as the source root");
    }
    if (s.names().isEmpty()) {
      for (Map.Entry<String, Object> e : m.attrs.entrySet()) {
        if (!e.getKey().startsWith("_")) {
          f.locals.put(e.getKey(), e.getValue());
        }
      }
      return;
    }
    for (Stmt.Alias a : s.names()) {
      Object v;
      if (m.attrs.containsKey(a.name())) {
        v = m.attrs.get(a.name());
        if (v instanceof PyNamespace sub && sub.opaque) {
          v = bindable(sub, s.span());
        }
      } else if (m.opaque) {
        v = new Opaque(module + "." + a.name(), s.span(), true, opaqueDetail(module), null);
      } else if (torch.isLibrary(m) && moduleCache.get(module + "." + a.name()) == null) {
        v =
            new Opaque(
                module + "." + a.name(), s.span(), true, Attributes.unsupported(m, a.name()), null);
      } else {
        v = importModule(module + "." + a.name(), s.span());
        if (v instanceof PyNamespace ns && ns.opaque) {
          throw error(
              Code.DN0104, s.span(), "cannot import name '" + a.name() + "' from '" + module + "'");
        }
      }
      f.locals.put(a.asName().orElse(a.name()), v);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Statements

  void execBlock(List<Stmt> body, Frame f) {
    for (Stmt s : body) {
      exec(s, f);
    }
  }

  void exec(Stmt s, Frame f) {
    step(s.span());
    try {
      execStmt(s, f);
    } catch (DiagnosticException e) {
      if (tryDepth > 0 && !budget.exhausted() && !stopped) {
        throw e; // an exception the enclosing try may handle
      }
      if (s instanceof Stmt.Raise || s instanceof Stmt.Assert) {
        stopped =
            true; // as in Python, nothing after a raise runs: going on would report what the raise
        // prevents
      }
      record(e);
      recover(s, f);
    } catch (Signals.FailedUse e) {
      recover(s, f);
    } catch (StackOverflowError e) {
      // The innermost statement that can still build a diagnostic reports it; DiagnosticException
      // carries no stack trace, so this needs little stack. Nothing more is evaluated after it.
      stopped = true;
      throw error(
          Code.DN0107,
          s.span(),
          "this statement nests too deeply to evaluate",
          "split deeply nested expressions or calls into several statements");
    }
  }

  /**
   * Goes on after statement {@code s} failed: every name it would have bound (in any of its
   * branches or loop bodies) and every {@code self.attr} it would have set is bound to {@link
   * Values#FAILED}, and a failed {@code return} returns FAILED, so later uses are silent instead of
   * reporting undefined names.
   */
  private void recover(Stmt s, Frame f) {
    if (s instanceof Stmt.Return r) {
      throw new ReturnSignal(Values.FAILED, r.span());
    }
    for (Expr t : boundTargets(List.of(s))) {
      if (t instanceof Expr.Name n) {
        f.locals.put(n.id(), Values.FAILED);
      } else if (t instanceof Expr.Attribute a && a.value() instanceof Expr.Name owner) {
        try {
          Attributes.set(
              this, lookup(owner.id(), f, owner.span()), a.attr(), Values.FAILED, a.span());
        } catch (DiagnosticException | Signals.FailedUse e) {
          // the owner itself is unusable: uses of the attribute fail at the owner, already reported
          // or reported there
        }
      }
    }
  }

  /** The plain names that {@code body} (and the statements nested in it) may bind. */
  static void boundNames(List<Stmt> body, java.util.Set<String> out) {
    for (Expr t : boundTargets(body)) {
      if (t instanceof Expr.Name n) {
        out.add(n.id());
      }
    }
  }

  /**
   * The first statement-level {@code yield} of a function body (nested functions and classes are
   * their own scopes), or null: such a body is a generator's.
   */
  private static Span firstYield(List<Stmt> body) {
    for (Stmt s : body) {
      Span y = null;
      if (s instanceof Stmt.ExprStmt e && e.value() instanceof Expr.Yield yi) {
        y = yi.span();
      } else if (s instanceof Stmt.Assign a && a.value() instanceof Expr.Yield yi) {
        y = yi.span();
      } else if (s instanceof Stmt.If i) {
        y = first(firstYield(i.body()), firstYield(i.orelse()));
      } else if (s instanceof Stmt.For fo) {
        y = first(firstYield(fo.body()), firstYield(fo.orelse()));
      } else if (s instanceof Stmt.While w) {
        y = first(firstYield(w.body()), firstYield(w.orelse()));
      } else if (s instanceof Stmt.With w) {
        y = firstYield(w.body());
      } else if (s instanceof Stmt.Try t) {
        y = first(firstYield(t.body()), firstYield(t.orelse()), firstYield(t.finalbody()));
        for (Stmt.Handler h : t.handlers()) {
          y = first(y, firstYield(h.body()));
        }
      }
      if (y != null) {
        return y;
      }
    }
    return null;
  }

  private static Span first(Span... spans) {
    for (Span s : spans) {
      if (s != null) {
        return s;
      }
    }
    return null;
  }

  /**
   * The targets {@code body} may assign, unpacking targets ({@code a, *b = ...}) replaced by their
   * elements.
   */
  private static List<Expr> boundTargets(List<Stmt> body) {
    List<Expr> targets = new ArrayList<>();
    body.forEach(s -> boundTargets(s, targets));
    List<Expr> out = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) { // a worklist: unpacking targets add their elements
      Expr t = targets.get(i);
      if (t instanceof Expr.TupleExpr tu) {
        targets.addAll(tu.elts());
      } else if (t instanceof Expr.ListExpr l) {
        targets.addAll(l.elts());
      } else if (t instanceof Expr.Starred st) {
        targets.add(st.value());
      } else {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * Collects the assignment targets of {@code s} and of the statements nested in it (functions and
   * classes by name).
   */
  private static void boundTargets(Stmt s, List<Expr> out) {
    if (s instanceof Stmt.Assign a) {
      out.addAll(a.targets());
    } else if (s instanceof Stmt.AugAssign a) {
      out.add(a.target());
    } else if (s instanceof Stmt.AnnAssign a) {
      out.add(a.target());
    } else if (s instanceof Stmt.For fo) {
      out.add(fo.target());
      fo.body().forEach(x -> boundTargets(x, out));
      fo.orelse().forEach(x -> boundTargets(x, out));
    } else if (s instanceof Stmt.If i) {
      i.body().forEach(x -> boundTargets(x, out));
      i.orelse().forEach(x -> boundTargets(x, out));
    } else if (s instanceof Stmt.While w) {
      w.body().forEach(x -> boundTargets(x, out));
      w.orelse().forEach(x -> boundTargets(x, out));
    } else if (s instanceof Stmt.With w) {
      w.items().forEach(item -> item.target().ifPresent(out::add));
      w.body().forEach(x -> boundTargets(x, out));
    } else if (s instanceof Stmt.Try t) {
      t.body().forEach(x -> boundTargets(x, out));
      for (Stmt.Handler h : t.handlers()) {
        h.name().ifPresent(name -> out.add(new Expr.Name(name, h.span())));
        h.body().forEach(x -> boundTargets(x, out));
      }
      t.orelse().forEach(x -> boundTargets(x, out));
      t.finalbody().forEach(x -> boundTargets(x, out));
    } else if (s instanceof Stmt.FunctionDef d) {
      out.add(new Expr.Name(d.name(), d.span()));
    } else if (s instanceof Stmt.ClassDef c) {
      out.add(new Expr.Name(c.name(), c.span()));
    } else if (s instanceof Stmt.Import im) {
      im.names()
          .forEach(
              a -> out.add(new Expr.Name(a.asName().orElse(a.name().split("\\.")[0]), im.span())));
    } else if (s instanceof Stmt.ImportFrom im) {
      im.names().forEach(a -> out.add(new Expr.Name(a.asName().orElse(a.name()), im.span())));
    }
  }

  private void execStmt(Stmt s, Frame f) {
    if (s instanceof Stmt.ExprStmt e) {
      eval(e.value(), f);
    } else if (s instanceof Stmt.Assign a) {
      Object v = eval(a.value(), f);
      for (Expr t : a.targets()) {
        assign(t, v, f);
      }
    } else if (s instanceof Stmt.AugAssign a) {
      Object cur = eval(a.target(), f);
      Object rhs = eval(a.value(), f);
      Object v;
      if (a.op().equals("+") && cur instanceof PyList l) {
        l.items.addAll(iterate(rhs, a.span()));
        v = l;
      } else {
        if (staging != null && a.target() instanceof Expr.Name n && cur instanceof SymTensor t) {
          // In place: checked before, and its value computed without views of its own.
          InPlace.checkAugmented(this, f, n.id(), t, a.span());
          Object out = staging.quietly(() -> Operators.binary(this, a.op(), t, rhs, a.span()));
          v = InPlace.augmented(this, f, t, out, a.span());
        } else {
          v = Operators.binary(this, a.op(), cur, rhs, a.span());
        }
      }
      assign(a.target(), v, f);
    } else if (s instanceof Stmt.AnnAssign a) {
      if (a.value().isPresent()) {
        assign(a.target(), eval(a.value().get(), f), f);
      }
    } else if (s instanceof Stmt.Return r) {
      Object v = r.value().isPresent() ? eval(r.value().get(), f) : Values.NONE;
      cut();
      throw new ReturnSignal(v, r.span());
    } else if (s instanceof Stmt.If i) {
      Object test = foldCondition(evalTest(i.test(), f));
      if (isDynamic(test)) {
        record("if", i.span(), test, true, false);
        requireStaging(i.span()).dynamicIf(this, f, test, i.body(), i.orelse(), i.span());
      } else {
        boolean taken = record("if", i.span(), test, false, truthy(test, i.span()));
        cut();
        execBlock(taken ? i.body() : i.orelse(), f);
        cut();
      }
    } else if (s instanceof Stmt.While w) {
      execWhile(w, f);
    } else if (s instanceof Stmt.For fo) {
      execFor(fo, f);
    } else if (s instanceof Stmt.Break b) {
      throw new BreakSignal(b.span());
    } else if (s instanceof Stmt.Continue c) {
      throw new ContinueSignal(c.span());
    } else if (s instanceof Stmt.Pass) {
      // nothing
    } else if (s instanceof Stmt.FunctionDef d) {
      PyFunction fn = makeFunction(d.name(), d.params(), d.body(), null, f, d.span());
      Object v = fn;
      for (int k = d.decorators().size() - 1; k >= 0; k--) {
        v = decorate(d.decorators().get(k), v, fn, f);
      }
      f.locals.put(d.name(), v);
    } else if (s instanceof Stmt.ClassDef c) {
      Object cls = makeClass(c, f);
      for (int k = c.decorators().size() - 1; k >= 0 && cls instanceof PyClass; k--) {
        Object deco = eval(c.decorators().get(k), f);
        // A registry of an unmodelled library (@MODELS.register_module()) returns the class.
        if (!(deco instanceof Opaque)) {
          cls = call(deco, List.of(cls), Map.of(), c.decorators().get(k).span());
        }
      }
      f.locals.put(c.name(), cls);
    } else if (s instanceof Stmt.Import im) {
      execImport(im, f);
    } else if (s instanceof Stmt.ImportFrom im) {
      execImportFrom(im, f);
    } else if (s instanceof Stmt.With w) {
      execWith(w, 0, f);
    } else if (s instanceof Stmt.Raise r) {
      if (staging != null && r.exc().isPresent()) {
        staging.raiseToHandler(this, f, r); // returns only when no staged try takes it
      }
      String what = r.exc().isPresent() ? describeRaise(r.exc().get(), f) : "re-raise";
      if (staging != null && ownException(r, f)) {
        throw error(
            Code.DN0200,
            r.span(),
            "forward raises " + what + ", which no try statement around it in forward handles",
            "catch it in forward (try: ... except "
                + what
                + " as e: ...), or return instead of raising");
      }
      if (staging != null) {
        throw error(
            Code.DN0200,
            r.span(),
            "forward raises " + what,
            "compiled code cannot raise: the input shapes reach this 'raise', or a data-dependent check does;"
                + " check inputs before calling the model instead");
      }
      DiagnosticException raised =
          error(
              Code.DN0111,
              r.span(),
              "model code raised " + what,
              "the model's construction arguments reach a 'raise' statement");
      String type = raisedType(r, f);
      raisedTypes.put(
          raised,
          new String[] {
            type,
            what.startsWith(type + ": ")
                ? what.substring(type.length() + 2)
                : what.equals(type) ? "" : what
          });
      PyObject own = ownExceptionObject(r, f);
      if (own != null) {
        raisedObjects.put(raised, own);
      }
      throw raised;
    } else if (s instanceof Stmt.Assert a) {
      Object t = foldCondition(eval(a.test(), f));
      if (isDynamic(t)) {
        requireStaging(a.span()).check(this, t, a.span());
        return;
      }
      if (!truthy(t, a.span())) {
        String msg = a.msg().isPresent() ? Builtins.str(this, eval(a.msg().get(), f)) : "";
        throw error(Code.DN0111, a.span(), "assertion failed" + (msg.isEmpty() ? "" : ": " + msg));
      }
    } else if (s instanceof Stmt.Global g) {
      if (f.locals == f.globals) {
        return; // 'global' at module level changes nothing
      }
      if (f.outerNames == null) {
        f.outerNames = new java.util.HashSet<>();
      }
      f.outerNames.addAll(g.names());
    } else if (s instanceof Stmt.Del d) {
      for (Expr t : d.targets()) {
        delete(t, f);
      }
    } else if (s instanceof Stmt.Try t) {
      if (staging != null) {
        staging.stagedTry(this, f, t);
        return;
      }
      execTry(t, f);
    } else {
      throw error(Code.DN0003, s.span(), "unsupported statement");
    }
  }

  /**
   * The Python exception class and message of each error a raise statement raised, for the handlers
   * of construction-time try blocks (other errors stand for the class {@link PyLibrary#exceptionOf}
   * names).
   */
  private final Map<DiagnosticException, String[]> raisedTypes = new java.util.IdentityHashMap<>();

  /**
   * The class name of the exception a {@code raise} statement raises ("Exception" when it cannot be
   * told).
   */
  private String raisedType(Stmt.Raise r, Frame f) {
    if (r.exc().isEmpty()) {
      return "Exception";
    }
    Expr e = r.exc().get() instanceof Expr.Call c ? c.func() : r.exc().get();
    String name =
        e instanceof Expr.Name n ? n.id() : e instanceof Expr.Attribute a ? a.attr() : "Exception";
    return PyLibrary.EXCEPTIONS.containsKey(name) ? name : "Exception";
  }

  /**
   * A construction-time try statement with CPython's semantics: an error raised in the body (a
   * raise statement, or a failed operation, which raises the exception CPython would: KeyError,
   * IndexError, TypeError, ...) runs the first handler whose class matches; an error no handler
   * takes goes on as the model's error. Running out of an evaluation limit is never caught. A
   * handler's {@code as} name is bound to the exception's message (str(e)): the raised one, or for
   * an error dynnc found, its diagnostic's text.
   */
  private void execTry(Stmt.Try t, Frame f) {
    DiagnosticException caught = null;
    tryDepth++;
    try {
      execBlock(t.body(), f);
    } catch (DiagnosticException e) {
      if (budget.exhausted() || stopped) {
        throw e;
      }
      caught = e;
    } finally {
      tryDepth--;
    }
    try {
      if (caught == null) {
        execBlock(t.orelse(), f);
        return;
      }
      String[] raised = raisedTypes.get(caught);
      String type = raised != null ? raised[0] : PyLibrary.exceptionOf(caught.diagnostics().get(0));
      PyObject own = raisedObjects.get(caught);
      for (Stmt.Handler h : t.handlers()) {
        if (h.type().isEmpty()
            || (own != null
                ? ExceptionClasses.handles(eval(h.type().get(), f), own.cls)
                : PyLibrary.handles(eval(h.type().get(), f), type))) {
          if (h.name().isPresent()) {
            f.locals.put(
                h.name().get(),
                own != null
                    ? own
                    : raised != null ? raised[1] : caught.diagnostics().get(0).message());
          }
          execBlock(h.body(), f);
          return;
        }
      }
      throw caught;
    } finally {
      execBlock(t.finalbody(), f);
    }
  }

  /**
   * A with statement: the value's {@code __enter__} (for a class of the model's own) gives the
   * {@code as} target, and its {@code __exit__} runs when the body is left; library context
   * managers (torch.no_grad) have no effect.
   */
  private void execWith(Stmt.With w, int k, Frame f) {
    if (k == w.items().size()) {
      execBlock(w.body(), f);
      return;
    }
    Stmt.WithItem item = w.items().get(k);
    Object ctx = eval(item.context(), f);
    if (ctx instanceof Opaque o && staging != null) {
      throw o.useError(item.context().span());
    }
    Object enter = ctx instanceof PyObject o ? o.cls.lookup("__enter__") : null;
    Object exit = ctx instanceof PyObject o ? o.cls.lookup("__exit__") : null;
    Object v =
        enter != null
            ? call(new BoundMethod(ctx, enter), List.of(), Map.of(), item.context().span())
            : ctx;
    if (item.target().isPresent()) {
      assign(item.target().get(), v, f);
    }
    boolean normal = false;
    try {
      execWith(w, k + 1, f);
      normal = true;
    } catch (Signals.Signal sig) {
      normal = true; // return, break or continue: __exit__ still runs
      throw sig;
    } finally {
      if (exit != null && normal) {
        call(
            new BoundMethod(ctx, exit),
            List.of(Values.NONE, Values.NONE, Values.NONE),
            Map.of(),
            item.context().span());
      }
    }
  }

  /**
   * {@code del target}: a name, a list item or slice, a dict key, an attribute or a module's child.
   */
  private void delete(Expr t, Frame f) {
    if (t instanceof Expr.Name n) {
      if (f.locals.remove(n.id()) == null && !f.globals.containsKey(n.id())) {
        throw error(Code.DN0100, n.span(), Code.DN0100.format(n.id()));
      }
      if (f.outerNames != null && f.outerNames.contains(n.id())) {
        f.globals.remove(n.id());
      }
    } else if (t instanceof Expr.TupleExpr tu) {
      tu.elts().forEach(x -> delete(x, f));
    } else if (t instanceof Expr.Attribute a) {
      Attributes.delete(this, eval(a.value(), f), a.attr(), a.span());
    } else if (t instanceof Expr.Subscript sub) {
      Object container = eval(sub.value(), f);
      Object index = evalIndex(sub.index(), f);
      if (container instanceof PyDict dict) {
        Object key = Operators.key(index, sub.span());
        if (!dict.map.containsKey(key)) {
          throw error(
              Code.DN0109, sub.span(), "key " + Builtins.repr(this, index) + " is not in the dict");
        }
        dict.map.remove(key);
      } else if (container instanceof PyList l && index instanceof Operators.SliceValue sl) {
        long[] r = Operators.resolveSlice(sl, l.items.size(), sub.span());
        java.util.TreeSet<Integer> drop =
            new java.util.TreeSet<>(java.util.Comparator.reverseOrder());
        for (long i = r[0]; r[2] > 0 ? i < r[1] : i > r[1]; i += r[2]) {
          drop.add((int) i);
        }
        budget.work(l.items.size(), sub.span());
        drop.forEach(i -> l.items.remove((int) i));
      } else if (container instanceof PyList l) {
        budget.work(l.items.size(), sub.span());
        l.items.remove(Operators.index(index, l.items.size(), sub.span()));
      } else if (container instanceof PyObject o && o.module != null) {
        ModuleSemantics.delItem(this, o, index, sub.span());
      } else {
        throw error(
            Code.DN0102,
            sub.span(),
            "'" + Builtins.typeName(container) + "' object does not support item deletion");
      }
    } else {
      throw error(Code.DN0003, t.span(), "cannot delete this expression");
    }
  }

  /**
   * The exception object a construction-time {@code raise} of a class of the model's own raised,
   * for its handler's {@code as} name; null for other raises.
   */
  private PyObject ownExceptionObject(Stmt.Raise r, Frame f) {
    if (!ownException(r, f)) {
      return null;
    }
    try {
      Object v = eval(r.exc().get(), f);
      if (v instanceof PyClass c) {
        v = call(c, List.of(), Map.of(), r.span());
      }
      return v instanceof PyObject o ? o : null;
    } catch (DiagnosticException ex) {
      return null;
    }
  }

  /** The exception objects of construction-time raises of the model's own classes. */
  private final Map<DiagnosticException, PyObject> raisedObjects =
      new java.util.IdentityHashMap<>();

  /** Whether {@code r} raises an exception class of the model's own (rule TRY in Staging). */
  private boolean ownException(Stmt.Raise r, Frame f) {
    if (r.exc().isEmpty()) {
      return false;
    }
    Expr e = r.exc().get() instanceof Expr.Call c ? c.func() : r.exc().get();
    try {
      return eval(e, f) instanceof PyClass c
          && ExceptionClasses.derives(c)
          && !PyLibrary.EXCEPTIONS.containsKey(c.qualifiedName);
    } catch (DiagnosticException ex) {
      return false;
    }
  }

  private String describeRaise(Expr e, Frame f) {
    try {
      Object v = eval(e, f);
      if (v instanceof Builtin b) {
        return b.name(); // raise ValueError
      }
      if (v instanceof PyClass c && ExceptionClasses.derives(c)) {
        return c.name; // raise Stop
      }
      if (v instanceof PyObject o
          && ExceptionClasses.derives(o.cls)
          && o.cls.lookup("__str__") == null) {
        return o.cls.name; // raise Stop(x)
      }
      return Builtins.str(this, v);
    } catch (DiagnosticException ex) {
      return "an exception";
    }
  }

  private void execWhile(Stmt.While w, Frame f) {
    if (staging != null) {
      // Rule DYN-LOOP (Staging): iterations whose condition is known are unrolled with their
      // data-dependent exits; from the first data-dependent test on, the rest is a staged loop.
      boolean[] staged = {false};
      staging.unrolledLoop(
          this,
          f,
          w.span(),
          () -> {
            Object t = foldCondition(evalTest(w.test(), f));
            if (isDynamic(t)) {
              record("while", w.span(), t, true, false);
              staged[0] = true;
              staging.stagedWhile(this, f, w, t);
              return false;
            }
            if (!record("while", w.span(), t, false, truthy(t, w.span()))) {
              return false;
            }
            step(w.span());
            return true;
          },
          w.body(),
          () -> {
            if (!staged[0]) {
              execBlock(w.orelse(), f);
            }
          });
      return;
    }
    while (true) {
      Object t = foldCondition(evalTest(w.test(), f));
      if (isDynamic(t)) {
        requireStaging(w.span()); // a run-time value outside forward: reported there
      }
      if (!truthy(t, w.span())) {
        execBlock(w.orelse(), f);
        return;
      }
      step(w.span());
      try {
        execBlock(w.body(), f);
      } catch (BreakSignal b) {
        return;
      } catch (ContinueSignal c) {
        // next iteration
      }
    }
  }

  private void execFor(Stmt.For fo, Frame f) {
    Object it = eval(fo.iter(), f);
    if (it instanceof RunTimeRange r) {
      runTimeRangeLoop(fo, r, f);
      return;
    }
    if (it instanceof HostScalar h) {
      throw error(
          Code.DN0102,
          fo.span(),
          "'" + (h.type().dtype().isFloat() ? "float" : "int") + "' object is not iterable");
    }
    int[] n = {0};
    List<Object> items = iterate(it, fo.span());
    if (staging != null) {
      // Unrolled with an exit wherever a data-dependent break or continue leaves an iteration.
      java.util.Iterator<Object> next = items.iterator();
      try {
        staging.unrolledLoop(
            this,
            f,
            fo.span(),
            () -> {
              if (!next.hasNext()) {
                return false;
              }
              step(fo.span());
              n[0]++;
              assign(fo.target(), next.next(), f);
              return true;
            },
            fo.body(),
            () -> execBlock(fo.orelse(), f));
      } finally {
        if (!staging.inTrial()) {
          decisions.loop(fo.span(), n[0], Builtins.typeName(it));
        }
      }
      return;
    }
    for (Object v : items) {
      step(fo.span());
      assign(fo.target(), v, f);
      try {
        execBlock(fo.body(), f);
      } catch (BreakSignal b) {
        return;
      } catch (ContinueSignal c) {
        // next iteration
      }
    }
    execBlock(fo.orelse(), f);
  }

  /**
   * Records how a condition was judged while {@code forward} is lowered (for inspect --explain) and
   * returns its static truth.
   */
  private boolean record(String kind, Span at, Object value, boolean dynamic, boolean truth) {
    if (staging != null && !staging.inTrial()) {
      decisions.condition(kind, at, value, dynamic, truth);
    }
    return truth;
  }

  /**
   * Marks the place a static {@code if} or a {@code return} reached in the op stream of the method
   * being lowered, where a compiler cutting at every {@code if} and {@code return} would cut (see
   * {@link Staging#cut()}).
   */
  private void cut() {
    if (staging != null && !staging.inTrial()) {
      staging.cut();
    }
  }

  Staging requireStaging(Span at) {
    if (staging == null) {
      throw error(Code.DN0112, at, "a run-time tensor value reached construction code");
    }
    return staging;
  }

  void assign(Expr target, Object v, Frame f) {
    if (target instanceof Expr.Name n) {
      if (f.outerNames != null && f.outerNames.contains(n.id())) {
        assignOuter(n.id(), v, f);
        return;
      }
      f.locals.put(n.id(), v);
    } else if (target instanceof Expr.TupleExpr t) {
      unpack(t.elts(), v, f, t.span());
    } else if (target instanceof Expr.ListExpr l) {
      unpack(l.elts(), v, f, l.span());
    } else if (target instanceof Expr.Attribute a) {
      Attributes.set(this, eval(a.value(), f), a.attr(), v, a.span());
    } else if (target instanceof Expr.Subscript s) {
      Object container = eval(s.value(), f);
      Object index = evalIndex(s.index(), f);
      if (container instanceof PyList l && index instanceof HostScalar h) {
        writeAtRunTimeIndex(l, h, v, s.span());
      } else if (container instanceof PyList l) {
        l.items.set(Operators.index(index, l.items.size(), s.span()), v);
      } else if (container instanceof PyDict d) {
        d.map.put(Operators.key(index, s.span()), v);
      } else if (container instanceof PyObject o && o.module != null) {
        torch.moduleSetItem(o, index, v, s.span());
      } else if (staging != null && Operators.isTensorLike(container)) {
        TensorWrites.assign(this, f, s, container, index, v);
      } else if (staging == null && container instanceof TensorSlot slot) {
        // Construction code writing into a tensor (a PixelCNN mask zeroed past its centre, a
        // causal mask built row by row): once the tensor is a parameter or a persistent buffer,
        // its values are the checkpoint's, which load_state_dict writes over these. Anything
        // else now holds values dynnc does not know, and using it is DN0201.
        Signals.use(index, s.span());
        Signals.use(v, s.span());
        slot.fill = null;
      } else {
        throw error(
            Code.DN0200,
            s.span(),
            "item assignment on " + Builtins.typeName(container) + " is not supported",
            "build a new tensor with torch.cat / torch.where instead of writing into one");
      }
    } else if (target instanceof Expr.Starred st) {
      throw error(Code.DN0003, st.span(), "starred assignment target outside a tuple");
    } else {
      throw error(Code.DN0003, target.span(), "cannot assign to this expression");
    }
  }

  /**
   * Assigns a name declared nonlocal (bound in an enclosing function) or global (anywhere else).
   */
  private static void assignOuter(String name, Object v, Frame f) {
    for (Scope s = f.closure; s != null; s = s.parent) {
      if (s.vars.containsKey(name) && s.vars != f.globals) {
        s.vars.put(name, v);
        return;
      }
    }
    f.globals.put(name, v);
  }

  private void unpack(List<Expr> targets, Object v, Frame f, Span at) {
    List<Object> items = iterate(v, at);
    int star = -1;
    for (int i = 0; i < targets.size(); i++) {
      if (targets.get(i) instanceof Expr.Starred) {
        star = i;
      }
    }
    if (star < 0) {
      if (items.size() != targets.size()) {
        throw error(
            Code.DN0103,
            at,
            "cannot unpack " + items.size() + " values into " + targets.size() + " targets");
      }
      for (int i = 0; i < targets.size(); i++) {
        assign(targets.get(i), items.get(i), f);
      }
      return;
    }
    int after = targets.size() - star - 1;
    if (items.size() < targets.size() - 1) {
      throw error(Code.DN0103, at, "not enough values to unpack");
    }
    for (int i = 0; i < star; i++) {
      assign(targets.get(i), items.get(i), f);
    }
    assign(
        ((Expr.Starred) targets.get(star)).value(),
        new PyList(items.subList(star, items.size() - after)),
        f);
    for (int i = 0; i < after; i++) {
      assign(targets.get(star + 1 + i), items.get(items.size() - after + i), f);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Functions and classes

  PyFunction makeFunction(
      String name,
      ImmutableList<Parameter> params,
      List<Stmt> body,
      Expr lambdaBody,
      Frame f,
      Span at) {
    Map<String, Object> defaults = new HashMap<>();
    for (Parameter p : params) {
      if (p.defaultValue().isPresent()) {
        defaults.put(p.name(), eval(p.defaultValue().get(), f));
      }
    }
    // Methods do not see the class body's names (Python scoping); nested functions see locals.
    Scope closure =
        f.classBody ? f.closure : f.locals == f.globals ? null : new Scope(f.locals, f.closure);
    PyFunction fn = new PyFunction(name, params, body, lambdaBody, defaults, closure, at);
    fn.globalsRef = f.globals;
    fn.moduleName = f.moduleName;
    return fn;
  }

  private Object decorate(Expr deco, Object v, PyFunction fn, Frame f) {
    String name =
        deco instanceof Expr.Name n ? n.id() : deco instanceof Expr.Attribute a ? a.attr() : "";
    switch (name) {
      case "staticmethod", "classmethod", "property" -> {
        fn.decoration = name;
        return v;
      }
      default -> {
        return call(eval(deco, f), List.of(v), Map.of(), deco.span());
      }
    }
  }

  private Object makeClass(Stmt.ClassDef c, Frame f) {
    List<PyClass> bases = new ArrayList<>();
    boolean namedTuple = false;
    for (Expr.Arg a : c.bases()) {
      if (a.kind() != Expr.ArgKind.POSITIONAL) {
        continue; // metaclass= and friends: ignored
      }
      Object b = eval(a.value(), f);
      if (b instanceof Opaque o) {
        // A dataset, loss or trainer class: it costs nothing until something uses it.
        return new Opaque(
            c.name(),
            o.origin(),
            o.imported(),
            "a class derived from '" + o.name() + "', which is " + o.detail(),
            null);
      }
      if (b == DataModels.NAMED_TUPLE) {
        namedTuple = true;
      } else if (b instanceof PyClass pc) {
        bases.add(pc);
      } else if (b instanceof Builtin bi && bi.name().equals("dict")) {
        bases.add(DictSubclass.BASE);
      } else if (b instanceof Builtin bi && PyLibrary.EXCEPTIONS.containsKey(bi.name())) {
        bases.add(ExceptionClasses.base(bi.name()));
      } else if (!(b instanceof Builtin bi && bi.name().equals("object"))) {
        throw error(
            Code.DN0105,
            a.value().span(),
            "cannot derive a class from " + Builtins.typeName(b),
            "model classes derive from nn.Module or from other model classes");
      }
    }
    String qual =
        f.moduleName == null || f.moduleName.isEmpty()
            ? c.name()
            : f.globals.get("__name__") + "." + c.name();
    PyClass cls = new PyClass(c.name(), qual, bases, null);
    Frame body =
        new Frame(
            cls.dict,
            f.globals,
            f.locals == f.globals ? f.closure : new Scope(f.locals, f.closure),
            f.moduleName,
            null,
            true);
    execBlock(c.body(), body);
    for (Stmt st : c.body()) {
      if (st instanceof Stmt.AnnAssign an && an.target() instanceof Expr.Name n) {
        cls.annotations.remove(n.id());
        cls.annotations.add(n.id());
      }
    }
    for (Object v : cls.dict.values()) {
      if (v instanceof PyFunction fn) {
        fn.owner = cls;
      }
    }
    return namedTuple ? DataModels.namedTuple(cls, c.span()) : cls;
  }

  /** Calls any callable value. */
  public Object call(Object fn, List<Object> args, Map<String, Object> kwargs, Span at) {
    step(at);
    if (fn instanceof Opaque o && staging == null) {
      return o
          .called(); // construction code may call into an unmodelled library: only using the result
      // matters
    }
    Signals.use(fn, at);
    if (fn instanceof Builtin b
        && b.name().equals("len")
        && args.size() == 1
        && kwargs.isEmpty()
        && torch.masked.of(args.get(0)) != null) {
      return torch.masked.len(torch.masked.of(args.get(0)), at); // len(x[mask]): the rows taken
    }
    if (fn instanceof Builtin b && opaqueTolerant.contains(b)) {
      Signals.useAll(
          args.stream().filter(x -> !(x instanceof Opaque)).map(Signals::failedOnly).toList(), at);
    } else if (!(fn instanceof PyFunction
        || fn instanceof BoundMethod bm && bm.function() instanceof PyFunction)) {
      // Library code cannot take a failed value; the model's own functions can, and are evaluated
      // for their errors.
      Signals.useAll(args, at);
      Signals.useAll(kwargs.values(), at);
    }
    if (fn instanceof PyFunction pf) {
      if (pf.decoration.equals("property")) {
        throw error(Code.DN0102, at, "'" + pf.name + "' is a property, not a method");
      }
      return callFunction(pf, args, kwargs, at);
    } else if (fn instanceof BoundMethod bm) {
      List<Object> all = new ArrayList<>(args.size() + 1);
      all.add(bm.self());
      all.addAll(args);
      return call(bm.function(), all, kwargs, at);
    } else if (fn instanceof Builtin b) {
      return callBuiltin(b, args, kwargs, at);
    } else if (fn instanceof NamedTupleType nt) {
      return PyLibrary.makeNamedTuple(this, nt, args, kwargs, at);
    } else if (fn instanceof ModuleDispatch.Choice c) {
      return ModuleDispatch.call(this, c, args, kwargs, at);
    } else if (fn instanceof PyClass cls) {
      return instantiate(cls, args, kwargs, at);
    } else if (fn instanceof PyObject o) {
      Object callMethod = o.cls.lookup("__call__");
      if (callMethod != null) {
        return call(new BoundMethod(o, callMethod), args, kwargs, at);
      }
      if (o.module != null
          && !o.dict.containsKey("forward")
          && o.cls.lookup("forward") instanceof Opaque op) {
        throw op.useError(at); // forward wrapped by a decorator from a library dynnc does not model
      }
      if (o.module != null) {
        return torch.callModule(o, args, kwargs, at);
      }
    } else if (fn instanceof PyNamespace ns && ns.opaque) {
      throw error(
          Code.DN0105,
          at,
          "'" + ns.name + "' is not supported by dynnc",
          "only torch, torch.nn, torch.nn.functional, math and the model's own modules can be called");
    }
    throw error(Code.DN0102, at, "'" + Builtins.typeName(fn) + "' object is not callable");
  }

  /**
   * Calls a library function. Library functions read their positional arguments by index from a
   * list that checks the arity ({@link Args#positional}: too few arguments is the caller's located
   * error) and check each argument's type as they convert it (rule LIB-ARGS). No Java exception is
   * turned into a diagnostic here: one escaping from a library function is a bug in dynnc, reported
   * as an internal error.
   */
  private Object callBuiltin(Builtin b, List<Object> args, Map<String, Object> kwargs, Span at) {
    return b.impl().call(this, Args.positional(b.name(), args, at), kwargs, at);
  }

  Object instantiate(PyClass cls, List<Object> args, Map<String, Object> kwargs, Span at) {
    if (DictSubclass.derives(cls)) {
      return DictSubclass.instantiate(this, cls, args, kwargs, at);
    }
    PyObject obj = new PyObject(cls);
    Object init = cls.lookup("__init__");
    if (init != null) {
      call(new BoundMethod(obj, init), args, kwargs, at);
    }
    if (obj.module != null && obj.module.createdAtUnset()) {
      obj.module.setCreatedAt(at);
    }
    return obj;
  }

  Object callFunction(PyFunction fn, List<Object> args, Map<String, Object> kwargs, Span at) {
    if (++depth > EvalBudget.MAX_DEPTH) {
      depth--;
      stopped = true; // recursion would go on failing at this depth
      throw error(
          Code.DN0107,
          at,
          "calls nest deeper than " + EvalBudget.MAX_DEPTH + " levels",
          "unbounded recursion in model code?");
    }
    try {
      if (fn.body != null) {
        Span yield = firstYield(fn.body);
        if (yield != null) {
          // A generator function: refused where it is called, so the call's value is unusable
          // without a second error at its use (iterating the None its body would return).
          throw error(
              Code.DN0003,
              yield,
              "'yield' is not supported: " + fn.name + "() is a generator",
              "dynnc compiles plain methods; build and return a list (or tuple) of the items instead");
        }
      }
      Map<String, Object> locals = new HashMap<>();
      bindArguments(fn, args, kwargs, locals, at);
      Frame f = new Frame(locals, fn.globalsRef, fn.closure, fn.moduleName, fn, false);
      if (staging != null) {
        return staged(fn, f, at);
      }
      if (fn.lambdaBody != null) {
        return eval(fn.lambdaBody, f);
      }
      try {
        execBlock(fn.body, f);
      } catch (ReturnSignal r) {
        return r.value;
      } catch (BreakSignal | ContinueSignal b) {
        throw error(Code.DN0003, b.span, "'break' or 'continue' outside a loop");
      }
      return Values.NONE;
    } finally {
      depth--;
    }
  }

  /**
   * Runs a call while forward is staged; in-place updates of the caller's tensors made on every
   * path of the call then update the caller's too, as PyTorch's shared storage does.
   */
  private Object staged(PyFunction fn, Frame f, Span at) {
    for (Object v : f.locals.values()) {
      if (v instanceof SymTensor t) {
        f.callerTensors.put(t, t);
      }
    }
    f.startJournal = Journal.current();
    Object result;
    frames.push(f);
    try {
      result =
          fn.lambdaBody != null
              ? eval(fn.lambdaBody, f)
              : staging.runFunction(this, f, fn.body, at);
    } finally {
      frames.pop();
    }
    InPlace.returned(this, f, at);
    return result;
  }

  private void bindArguments(
      PyFunction fn,
      List<Object> args,
      Map<String, Object> kwargs,
      Map<String, Object> locals,
      Span at) {
    int ai = 0;
    Map<String, Object> extraKw = new LinkedHashMap<>(kwargs);
    String varKw = null;
    String name = qualifiedName(fn);
    for (Parameter p : fn.params) {
      switch (p.kind()) {
        case POSITIONAL -> {
          if (ai < args.size()) {
            if (extraKw.containsKey(p.name())) {
              throw arityError(
                  fn, at, name + "() got multiple values for argument '" + p.name() + "'");
            }
            locals.put(p.name(), args.get(ai++));
          } else if (extraKw.containsKey(p.name())) {
            locals.put(p.name(), extraKw.remove(p.name()));
          } else if (fn.defaults.containsKey(p.name())) {
            locals.put(p.name(), fn.defaults.get(p.name()));
          } else {
            throw arityError(fn, at, name + "() missing required argument '" + p.name() + "'");
          }
        }
        case VAR_POSITIONAL -> {
          locals.put(
              p.name(),
              new PyTuple(
                  ImmutableList.copyOf(args.subList(Math.min(ai, args.size()), args.size()))));
          ai = args.size();
        }
        case KEYWORD_ONLY -> {
          if (extraKw.containsKey(p.name())) {
            locals.put(p.name(), extraKw.remove(p.name()));
          } else if (fn.defaults.containsKey(p.name())) {
            locals.put(p.name(), fn.defaults.get(p.name()));
          } else {
            throw arityError(
                fn, at, name + "() missing required keyword argument '" + p.name() + "'");
          }
        }
        case VAR_KEYWORD -> varKw = p.name();
      }
    }
    if (ai < args.size()) {
      throw arityError(
          fn,
          at,
          name
              + "() takes "
              + ai
              + " positional argument"
              + (ai == 1 ? "" : "s")
              + " but "
              + args.size()
              + (args.size() == 1 ? " was" : " were")
              + " given");
    }
    if (varKw != null) {
      PyDict d = new PyDict();
      d.map.putAll(extraKw);
      locals.put(varKw, d);
    } else if (!extraKw.isEmpty()) {
      throw arityError(
          fn,
          at,
          name
              + "() got an unexpected keyword argument '"
              + extraKw.keySet().iterator().next()
              + "'");
    }
  }

  /** {@code Class.method} for methods, the plain name otherwise (as CPython's messages). */
  static String qualifiedName(PyFunction fn) {
    return fn.owner != null ? fn.owner.name + "." + fn.name : fn.name;
  }

  private DiagnosticException arityError(PyFunction fn, Span at, String message) {
    StringBuilder sig = new StringBuilder();
    boolean starDone = false;
    for (Parameter p : fn.params) {
      if (sig.length() > 0) {
        sig.append(", ");
      }
      switch (p.kind()) {
        case VAR_POSITIONAL -> {
          sig.append('*').append(p.name());
          starDone = true;
        }
        case VAR_KEYWORD -> sig.append("**").append(p.name());
        default -> {
          if (p.kind() == Parameter.Kind.KEYWORD_ONLY && !starDone) {
            sig.append("*, ");
            starDone = true;
          }
          sig.append(p.name());
          if (fn.defaults.containsKey(p.name())) {
            sig.append('=').append(Builtins.repr(this, fn.defaults.get(p.name())));
          }
        }
      }
    }
    return error(
        Code.DN0102,
        at,
        message,
        "the signature is " + qualifiedName(fn) + "(" + sig + "), defined at " + fn.span);
  }

  // ------------------------------------------------------------------------------------------
  // Expressions

  Object lookup(String name, Frame f, Span at) {
    Object v = f.locals.get(name);
    if (v == null && !f.locals.containsKey(name)) {
      v = null;
      for (Scope s = f.closure; s != null; s = s.parent) {
        if (s.vars.containsKey(name)) {
          v = s.vars.get(name);
          break;
        }
      }
      if (v == null) {
        v = f.globals.get(name);
      }
      if (v == null) {
        v = builtins.get(name);
      }
      if (v == null) {
        if (name.equals("__class__") && f.function != null && f.function.owner != null) {
          return f.function.owner;
        }
        throw error(Code.DN0100, at, Code.DN0100.format(name), Suggest.hint(name, visibleNames(f)));
      }
    }
    if (v instanceof Stale st) {
      throw error(
          Code.DN0200,
          at,
          "'" + name + "' " + st.detail(),
          "return the updated tensor and assign it in the caller ("
              + name
              + " = f("
              + name
              + ")), or pass "
              + name
              + ".clone()");
    }
    return checkPoison(v, "'" + name + "'", at);
  }

  /** A value that differs in kind between data-dependent paths cannot be used (DN0205). */
  static Object checkPoison(Object v, String what, Span at) {
    if (v instanceof Poison p) {
      throw error(
          Code.DN0205,
          at,
          what + " " + p.detail() + " after the data-dependent branch at " + p.branch(),
          "make every path assign " + what + " a tensor of the same shape, or the same constant");
    }
    return v;
  }

  /** Every name a lookup in {@code f} could find, innermost scope first. */
  private List<String> visibleNames(Frame f) {
    List<String> out = new ArrayList<>(new java.util.TreeSet<>(f.locals.keySet()));
    for (Scope s = f.closure; s != null; s = s.parent) {
      out.addAll(new java.util.TreeSet<>(s.vars.keySet()));
    }
    out.addAll(new java.util.TreeSet<>(f.globals.keySet()));
    out.addAll(new java.util.TreeSet<>(builtins.keySet()));
    return out;
  }

  public Object eval(Expr e, Frame f) {
    if (e instanceof Expr.Name n) {
      return lookup(n.id(), f, n.span());
    } else if (e instanceof Expr.Num n) {
      if (n.value() instanceof java.math.BigInteger) {
        throw error(Code.DN0108, n.span(), "integer literal does not fit in 64 bits");
      }
      return n.value();
    } else if (e instanceof Expr.Str s) {
      return s.value();
    } else if (e instanceof Expr.FStr fs) {
      return Builtins.fString(this, fs, f);
    } else if (e instanceof Expr.Const c) {
      return c.value() == Expr.Const.NONE ? Values.NONE : c.value();
    } else if (e instanceof Expr.TupleExpr t) {
      return new PyTuple(ImmutableList.copyOf(evalElements(t.elts(), f)));
    } else if (e instanceof Expr.ListExpr l) {
      return new PyList(evalElements(l.elts(), f));
    } else if (e instanceof Expr.SetExpr s) {
      List<Object> items = new ArrayList<>();
      for (Object o : evalElements(s.elts(), f)) {
        if (!items.contains(o)) {
          items.add(o);
        }
      }
      return new PyList(items);
    } else if (e instanceof Expr.DictExpr d) {
      PyDict out = new PyDict();
      for (int i = 0; i < d.keys().size(); i++) {
        Object v = eval(d.values().get(i), f);
        if (d.keys().get(i).isPresent()) {
          out.map.put(Operators.key(eval(d.keys().get(i).get(), f), d.span()), v);
        } else if (v instanceof PyDict other) {
          out.map.putAll(other.map);
        }
      }
      return out;
    } else if (e instanceof Expr.Attribute a) {
      return Attributes.get(this, eval(a.value(), f), a.attr(), a.span());
    } else if (e instanceof Expr.Subscript s) {
      return Operators.subscript(this, eval(s.value(), f), evalIndex(s.index(), f), s.span());
    } else if (e instanceof Expr.Slice sl) {
      return evalIndex(sl, f);
    } else if (e instanceof Expr.Call c) {
      return evalCall(c, f);
    } else if (e instanceof Expr.BinOp b) {
      return Operators.binary(this, b.op(), eval(b.left(), f), eval(b.right(), f), b.span());
    } else if (e instanceof Expr.UnaryOp u) {
      Object v = eval(u.operand(), f);
      if (u.op().equals("not")) {
        v = foldCondition(v);
        if (isDynamic(v)) {
          return requireStaging(u.span()).not(this, v, u.span());
        }
        return !truthy(v, u.span());
      }
      return Operators.unary(this, u.op(), v, u.span());
    } else if (e instanceof Expr.BoolOp b) {
      return evalBoolOp(b, f);
    } else if (e instanceof Expr.Compare c) {
      Object left = eval(c.left(), f);
      Object result = Boolean.TRUE;
      for (int i = 0; i < c.ops().size(); i++) {
        Object right = eval(c.comparators().get(i), f);
        Object r = Operators.compare(this, c.ops().get(i), left, right, c.span());
        result = i == 0 ? r : Operators.and(this, result, r, c.span());
        Object folded = foldCondition(result);
        if (torch.masked.of(folded) == null && !isDynamic(folded) && !truthy(folded, c.span())) {
          return false;
        }
        left = right;
      }
      return result;
    } else if (e instanceof Expr.NamedExpr n) {
      Object v = eval(n.value(), f);
      assign(new Expr.Name(n.target(), n.span()), v, f.enclosing != null ? f.enclosing : f);
      return v;
    } else if (e instanceof Expr.IfExp i) {
      Object t = foldCondition(evalTest(i.test(), f));
      if (isDynamic(t)) {
        record("if-expression", i.span(), t, true, false);
        return requireStaging(i.span())
            .branchValue(
                this, f, t, () -> eval(i.body(), f), () -> eval(i.orelse(), f), false, i.span());
      }
      boolean taken = record("if-expression", i.span(), t, false, truthy(t, i.span()));
      cut();
      Object v = taken ? eval(i.body(), f) : eval(i.orelse(), f);
      cut();
      return v;
    } else if (e instanceof Expr.Lambda l) {
      return makeFunction("<lambda>", l.params(), null, l.body(), f, l.span());
    } else if (e instanceof Expr.Comprehension c) {
      return Comprehensions.eval(this, c, f);
    } else if (e instanceof Expr.Starred s) {
      throw error(
          Code.DN0003, s.span(), "starred expression is only allowed in calls, lists and tuples");
    } else if (e instanceof Expr.Yield y) {
      throw error(
          Code.DN0003,
          y.span(),
          "'yield' is not supported",
          "dynnc compiles plain methods; generators are not supported");
    }
    throw error(Code.DN0003, e.span(), "unsupported expression");
  }

  private Object evalIndex(Expr index, Frame f) {
    if (index instanceof Expr.Slice sl) {
      return new Operators.SliceValue(
          sl.lower().map(x -> eval(x, f)).orElse(Values.NONE),
          sl.upper().map(x -> eval(x, f)).orElse(Values.NONE),
          sl.step().map(x -> eval(x, f)).orElse(Values.NONE));
    }
    if (index instanceof Expr.TupleExpr t) {
      List<Object> items = new ArrayList<>();
      for (Expr x : t.elts()) {
        items.add(evalIndex(x, f));
      }
      return new PyTuple(ImmutableList.copyOf(items));
    }
    if (index instanceof Expr.Const c && c.value() == Expr.Const.ELLIPSIS) {
      return Operators.ELLIPSIS;
    }
    return eval(index, f);
  }

  List<Object> evalElements(List<Expr> elts, Frame f) {
    List<Object> out = new ArrayList<>();
    for (Expr x : elts) {
      if (x instanceof Expr.Starred s) {
        out.addAll(iterate(eval(s.value(), f), s.span()));
      } else {
        out.add(eval(x, f));
      }
    }
    return out;
  }

  private Object evalBoolOp(Expr.BoolOp b, Frame f) {
    return evalBoolOp(b, 0, null, f, false);
  }

  /**
   * The test of an if, a while or a conditional expression, of which only the truth counts: an
   * and/or there may drop a run-time operand that a constant decides ({@code stop.item() > 0.5 or n
   * >= limit} is true once n reaches the limit), which bounds a {@code while True} loop.
   */
  private Object evalTest(Expr e, Frame f) {
    return e instanceof Expr.BoolOp b ? evalBoolOp(b, 0, null, f, true) : eval(e, f);
  }

  /**
   * {@code acc and values[k] and ...} (or {@code or}). A data-dependent operand followed by one
   * that may fail or have effects (a call, a subscript, a division) branches, so the rest runs only
   * on the path where Python evaluates it (rule DYN-EXPR in {@link Staging}); before a plain
   * operand (names, attributes, constants, comparisons of them) both are combined on the host.
   */
  private Object evalBoolOp(Expr.BoolOp b, int k, Object acc, Frame f, boolean truthOnly) {
    boolean isAnd = b.op().equals("and");
    for (int i = k; i < b.values().size(); i++) {
      Expr x = b.values().get(i);
      if (acc != null && isDynamic(foldCondition(acc)) && !plain(x)) {
        Object left = acc;
        int next = i;
        record("and/or", b.span(), left, true, false);
        return requireStaging(b.span())
            .branchValue(
                this,
                f,
                foldCondition(left),
                isAnd ? () -> evalBoolOp(b, next, null, f, truthOnly) : () -> left,
                isAnd ? () -> left : () -> evalBoolOp(b, next, null, f, truthOnly),
                true,
                b.span());
      }
      Object v =
          truthOnly && x instanceof Expr.BoolOp inner
              ? evalBoolOp(inner, 0, null, f, true)
              : eval(x, f);
      if (acc == null || !isDynamic(foldCondition(acc))) {
        acc = v; // a compile-time operand that did not decide leaves the value to this one
      } else if (boolLike(acc)
          && foldCondition(v) instanceof Boolean bv
          && (truthOnly || foldCondition(acc) instanceof HostScalar)) {
        // A run-time truth with a constant one: `t or True` is true and `t and False` false, and
        // with the other constant the run-time truth decides. For a run-time Python bool that is
        // also the value; for a one-element tensor Python's value would be the tensor or the
        // constant, so only where the truth alone counts.
        acc = isAnd != bv ? (Object) bv : acc;
      } else if (boolLike(acc) && boolLike(v)) {
        // two truth values (comparisons, flags): combined on the host, no branch
        acc = isAnd ? Operators.and(this, acc, v, b.span()) : Operators.or(this, acc, v, b.span());
      } else {
        // `k or 5` is k or 5, not a bool: choose the value on the run-time truth of acc
        Object left = acc;
        Object right = v;
        record("and/or", b.span(), left, true, false);
        acc =
            requireStaging(b.span())
                .branchValue(
                    this,
                    f,
                    foldCondition(left),
                    isAnd ? () -> right : () -> left,
                    isAnd ? () -> left : () -> right,
                    true,
                    b.span());
      }
      Object folded = foldCondition(acc);
      if (!isDynamic(folded)) {
        boolean t = truthy(folded, b.span());
        if (isAnd != t) {
          return acc; // short-circuit: and → falsy value, or → truthy value
        }
      }
    }
    return acc;
  }

  /** Whether {@code v} is a truth value: a bool, a run-time bool or a one-element bool tensor. */
  private boolean boolLike(Object v) {
    v = foldCondition(v);
    return v instanceof Boolean
        || v instanceof HostScalar h && h.type().dtype() == dev.dynnc.semantics.DType.BOOL
        || v instanceof SymTensor t
            && t.type().dtype() == dev.dynnc.semantics.DType.BOOL
            && t.type().numel() == 1;
  }

  private static final java.util.Set<String> PLAIN_METHODS =
      java.util.Set.of("item", "all", "any", "sum", "max", "min", "mean", "abs", "norm");

  /** Whether evaluating {@code e} can neither fail at run time nor have an effect. */
  private static boolean plain(Expr e) {
    if (e instanceof Expr.Name
        || e instanceof Expr.Num
        || e instanceof Expr.Str
        || e instanceof Expr.Const
        || e instanceof Expr.Attribute) {
      return !(e instanceof Expr.Attribute a) || plain(a.value());
    } else if (e instanceof Expr.Compare c) {
      return plain(c.left()) && c.comparators().stream().allMatch(Interpreter::plain);
    } else if (e instanceof Expr.UnaryOp u) {
      return plain(u.operand());
    } else if (e instanceof Expr.BoolOp o) {
      return o.values().stream().allMatch(Interpreter::plain);
    } else if (e instanceof Expr.Call c
        && c.func() instanceof Expr.Name fn
        && fn.id().equals("len")
        && c.args().size() == 1) {
      // len of a list or tuple, say the tokens decoded so far
      return plain(c.args().get(0).value());
    } else if (e instanceof Expr.Call c
        && c.func() instanceof Expr.Attribute m
        && PLAIN_METHODS.contains(m.attr())) {
      // a tensor's reductions and item(): tensor code cannot fail at run time
      return plain(m.value()) && c.args().stream().allMatch(a -> plain(a.value()));
    } else if (e instanceof Expr.BinOp o) {
      return List.of("+", "-", "*", "&", "|").contains(o.op())
          && plain(o.left())
          && plain(o.right());
    }
    return false;
  }

  private Object evalCall(Expr.Call c, Frame f) {
    // An in-place tensor method (h.relu_(), out.mul_(2).add_(x), torch.zeros(n, k).scatter_(...))
    // updates the tensor (InPlace); the receiver is evaluated first, as Python does.
    if (staging != null && c.func() instanceof Expr.Attribute m && InPlace.handles(m.attr())) {
      Object recv = eval(m.value(), f);
      List<Object> args = new ArrayList<>();
      Map<String, Object> kwargs = new LinkedHashMap<>();
      if (!(recv instanceof SymTensor target)) {
        Object fn = Attributes.get(this, recv, m.attr(), m.span());
        evalArgs(c, f, args, kwargs);
        return call(fn, args, kwargs, c.span());
      }
      evalArgs(c, f, args, kwargs);
      String name = m.value() instanceof Expr.Name n ? n.id() : null;
      return InPlace.call(this, f, name, target, m.attr(), args, kwargs, c.span());
    }
    List<Object> args = new ArrayList<>();
    Map<String, Object> kwargs = new LinkedHashMap<>();
    evalArgs(c, f, args, kwargs);
    // Zero-argument super() needs the enclosing class and first argument.
    if (c.func() instanceof Expr.Name n
        && n.id().equals("super")
        && args.isEmpty()
        && !f.locals.containsKey("super")) {
      if (f.function == null || f.function.owner == null || f.function.params.isEmpty()) {
        throw error(Code.DN0102, c.span(), "super() without arguments outside a method");
      }
      return new Super(f.function.owner, f.locals.get(f.function.params.get(0).name()));
    }
    Object fn = eval(c.func(), f);
    return call(fn, args, kwargs, c.span());
  }

  private void evalArgs(Expr.Call c, Frame f, List<Object> args, Map<String, Object> kwargs) {
    for (Expr.Arg a : c.args()) {
      switch (a.kind()) {
        case POSITIONAL -> args.add(eval(a.value(), f));
        case KEYWORD -> kwargs.put(a.name().get(), eval(a.value(), f));
        case STAR -> args.addAll(iterate(eval(a.value(), f), a.value().span()));
        case DOUBLE_STAR -> {
          Object d = eval(a.value(), f);
          if (!(d instanceof PyDict dict)) {
            throw error(Code.DN0102, a.value().span(), "argument after ** must be a dict");
          }
          for (Map.Entry<Object, Object> en : dict.map.entrySet()) {
            kwargs.put(String.valueOf(en.getKey()), en.getValue());
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Helpers

  /**
   * A value as a condition sees it: a one-element tensor whose value is known at compile time (rule
   * STATIC-TENSOR in {@link Constants}) becomes that Python value, so the condition folds.
   */
  Object foldCondition(Object v) {
    if (staging != null && v instanceof SymTensor t && t.type().numel() == 1) {
      return staging.knownValue(t).orElse(v);
    }
    return v;
  }

  /**
   * {@code l[k] = v} with k known only at run time ({@code slots[k] = y}, {@code counts[k] += 1}):
   * one branch per item on k, arm i setting item i, and the list joined after them as after an
   * if/elif chain (rule FORK-STATE); an index out of range raises at run time.
   */
  private void writeAtRunTimeIndex(PyList l, HostScalar k, Object v, Span at) {
    if (k.type().dtype().isFloat()) {
      throw error(Code.DN0102, at, "list indices must be integers or slices, not a run-time float");
    }
    int n = l.items.size();
    if (n == 0) {
      throw error(Code.DN0109, at, "list assignment index out of range");
    }
    if (n > Operators.MAX_RUN_TIME_ITEMS) {
      throw error(
          Code.DN0201,
          at,
          "a list of "
              + n
              + " items written at a run-time index (one branch per item; at most "
              + Operators.MAX_RUN_TIME_ITEMS
              + ")",
          "keep the values in a tensor and write that: t[k] = v");
    }
    decisions.condition("list index", at, k, true, false);
    requireStaging(at)
        .dynamicChoice(
            this,
            k,
            n,
            i -> {
              l.items.set(i, v);
              return Values.NONE;
            },
            at);
  }

  /** Forward's reads and writes of module attributes: state kept between calls (DN0117). */
  final StateUse stateUse = new StateUse();

  public static boolean isDynamic(Object v) {
    return v instanceof SymTensor || v instanceof HostScalar;
  }

  /**
   * The truth of a value known at compile time. A run-time value (a tensor, {@code t.item()}) has
   * none here: callers that can branch at run time test {@link #isDynamic} first, and the others
   * (any(), all(), filter(), sorted(), operator.truth, ...) refuse it rather than take it as true.
   */
  boolean truthy(Object v, Span at) {
    Signals.use(v, at);
    if (isDynamic(v)) {
      Object folded = foldCondition(v);
      if (isDynamic(folded)) {
        throw error(
            Code.DN0201,
            at,
            "the truth value of a run-time "
                + (v instanceof SymTensor ? "tensor" : "scalar")
                + " is needed here, where dynnc cannot branch on it",
            "test it in an if or while statement, a conditional expression, `and`, `or`, `not` or"
                + " bool(), or compute with it as a tensor (torch.where, .any(), .all())");
      }
      v = folded;
    }
    if (v instanceof Boolean b) {
      return b;
    } else if (v instanceof Long l) {
      return l != 0;
    } else if (v instanceof Double d) {
      return d != 0.0;
    } else if (v == Values.NONE) {
      return false;
    } else if (v instanceof String s) {
      return !s.isEmpty();
    } else if (v instanceof PyList l) {
      return !l.items.isEmpty();
    } else if (v instanceof PyTuple t) {
      return !t.items().isEmpty();
    } else if (v instanceof PyDict d) {
      return !d.map.isEmpty();
    } else if (v instanceof PyObject o
        && o.module != null
        && o.cls.nearestLayer() instanceof NnLayers.Container) {
      return NnLayers.Container.size(o) > 0; // containers have a length
    } else if (v instanceof PyObject o) {
      Object bool = o.cls.lookup("__bool__");
      if (bool != null) {
        return truthy(call(new BoundMethod(o, bool), List.of(), Map.of(), at), at);
      }
      Object len = o.cls.lookup("__len__");
      if (len != null) {
        return truthy(call(new BoundMethod(o, len), List.of(), Map.of(), at), at);
      }
      return true;
    } else if (v instanceof TensorSlot) {
      throw error(
          Code.DN0112,
          at,
          "the truth value of a tensor made at construction time is not known at compile time",
          "compare a Python attribute instead, or move the test into forward");
    }
    return true;
  }

  /**
   * Returns the elements of an iterable value as a list, charging the copy to the budget before
   * making it.
   */
  /**
   * {@code for i in range(n)} with n known only at run time: the staged while loop {@code next =
   * start; while next < stop: i = next; next = next + step; body} (> for a negative step), so that
   * {@code continue} still steps, {@code else} runs when no break left the loop, and i keeps its
   * last value. The range's bounds are evaluated once, before the loop, as Python does.
   */
  private void runTimeRangeLoop(Stmt.For fo, RunTimeRange r, Frame f) {
    Span sp = fo.span();
    String where = " of the for loop at " + sp.line() + ":" + sp.column() + ">";
    String next = "<next value" + where;
    String stop = "<stop" + where;
    f.locals.put(next, r.start());
    f.locals.put(stop, r.stop());
    Expr test =
        new Expr.Compare(
            new Expr.Name(next, sp),
            ImmutableList.of(r.step() > 0 ? "<" : ">"),
            ImmutableList.of(new Expr.Name(stop, sp)),
            sp);
    ImmutableList<Stmt> body =
        ImmutableList.<Stmt>builder()
            .add(new Stmt.Assign(ImmutableList.of(fo.target()), new Expr.Name(next, sp), sp))
            .add(
                new Stmt.Assign(
                    ImmutableList.of(new Expr.Name(next, sp)),
                    new Expr.BinOp("+", new Expr.Name(next, sp), new Expr.Num(r.step(), sp), sp),
                    sp))
            .addAll(fo.body())
            .build();
    try {
      execStmt(new Stmt.While(test, body, fo.orelse(), sp), f);
    } finally {
      f.locals.remove(next);
      f.locals.remove(stop);
    }
  }

  List<Object> iterate(Object v, Span at) {
    Signals.use(v, at);
    if (v instanceof RunTimeRange) {
      throw error(
          Code.DN0203,
          at,
          "a range with a bound known only at run time can only drive a for loop",
          "write `for i in range(n):`; a list, comprehension or len() of it needs its length");
    }
    if (v instanceof PyList l) {
      budget.slots(l.items.size(), at);
      return new ArrayList<>(l.items);
    } else if (v instanceof PyTuple t) {
      return t.items();
    } else if (v instanceof PyRange r) {
      if (r.length() > EvalBudget.MAX_STEPS) {
        throw error(
            Code.DN0107,
            at,
            "range of " + r.length() + " elements is too long to evaluate at compile time",
            "dynnc evaluates model construction at compile time; a loop or list can have at most "
                + EvalBudget.MAX_STEPS
                + " elements");
      }
      budget.boxes(r.length(), at);
      List<Object> out = new ArrayList<>();
      for (long i = 0, x = r.start(); i < r.length(); i++, x += r.step()) {
        out.add(x);
      }
      return out;
    } else if (v instanceof PyDict d) {
      budget.slots(d.map.size(), at);
      return new ArrayList<>(d.map.keySet());
    } else if (v instanceof String s) {
      budget.boxes(s.length(), at);
      List<Object> out = new ArrayList<>();
      s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
      return out;
    } else if (v instanceof PyObject o && o.module != null) {
      return torch.iterateModule(o, at);
    } else if (v instanceof SymTensor t) {
      return torch.unbind(t, at);
    }
    throw error(Code.DN0102, at, "'" + Builtins.typeName(v) + "' object is not iterable");
  }

  Optional<Object> builtin(String name) {
    return Optional.ofNullable(builtins.get(name));
  }
}
