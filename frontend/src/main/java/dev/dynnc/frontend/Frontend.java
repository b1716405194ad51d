package dev.dynnc.frontend;

import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostic;
import dev.dynnc.diag.DiagnosticException;
import dev.dynnc.diag.Diagnostics;
import dev.dynnc.diag.SourceMap;
import dev.dynnc.frontend.eval.ModelLowering;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.OpPosition;
import dev.dynnc.ir.Span;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.ir.Verifier;
import dev.dynnc.weights.Checkpoint;
import dev.dynnc.weights.CheckpointException;
import dev.dynnc.weights.Checkpoints;
import dev.dynnc.weights.WeightTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The frontend's public API: Python model source + entry + inputs (+ checkpoint) to verified IR.
 *
 * <p>Errors come back as diagnostics in the {@link Result}, never as exceptions.
 */
public final class Frontend {
  private Frontend() {}

  /**
   * What the frontend produced: IR and matched weights, or diagnostics (with sources to render
   * them). {@code cuts} are the places in the IR where a static {@code if} or a {@code return} was
   * evaluated (for {@code analysis.CutEverywhere}).
   */
  public record Result(
      Optional<Function> function,
      List<ModelLowering.StateEntry> state,
      Map<String, WeightTensor> weights,
      Diagnostics diagnostics,
      SourceMap sources,
      List<Decision> decisions,
      List<OpPosition> cuts) {
    public boolean ok() {
      return !diagnostics.hasErrors();
    }
  }

  /**
   * How many errors one run reports at most, unless the caller says otherwise (as javac's
   * -Xmaxerrs).
   */
  public static final int DEFAULT_MAX_ERRORS = 20;

  public static Result lower(
      Path sourceRoot,
      String entry,
      String method,
      LinkedHashMap<String, TensorType> inputs,
      Optional<Path> checkpoint) {
    return lower(sourceRoot, entry, method, inputs, checkpoint, DEFAULT_MAX_ERRORS);
  }

  /**
   * Lowers {@code method} of the model {@code entry} builds, reporting up to {@code maxErrors} (at
   * least 1) independent errors of the model code in one run.
   */
  public static Result lower(
      Path sourceRoot,
      String entry,
      String method,
      LinkedHashMap<String, TensorType> inputs,
      Optional<Path> checkpoint,
      int maxErrors) {
    return lower(
        sourceRoot, entry, method, inputs, checkpoint, Checkpoints.Selection.NONE, maxErrors);
  }

  /**
   * Lowers {@code method} as {@link #lower(Path, String, String, LinkedHashMap, Optional, int)}
   * does, taking the checkpoint's tensors where {@code selection} says.
   */
  public static Result lower(
      Path sourceRoot,
      String entry,
      String method,
      LinkedHashMap<String, TensorType> inputs,
      Optional<Path> checkpoint,
      Checkpoints.Selection selection,
      int maxErrors) {
    SourceMap sources = new SourceMap();
    Diagnostics diags = new Diagnostics();
    try {
      ModelLowering.Lowered l =
          ModelLowering.lower(sourceRoot, entry, method, inputs, sources, maxErrors);
      Verifier.verifyOrThrow(l.function());
      diags.addAll(l.warnings());
      Map<String, WeightTensor> weights = Map.of();
      if (checkpoint.isPresent()) {
        weights = bindWeights(l.state(), checkpoint.get(), selection, diags);
      }
      return new Result(
          Optional.of(l.function()), l.state(), weights, diags, sources, l.decisions(), l.cuts());
    } catch (DiagnosticException e) {
      diags.addAll(e.diagnostics());
      return new Result(
          Optional.empty(), List.of(), Map.of(), diags, sources, List.of(), List.of());
    } catch (StackOverflowError e) {
      diags.add(Diagnostic.of(Code.DN0107, Span.NONE, "model code nests too deeply to evaluate"));
      return new Result(
          Optional.empty(), List.of(), Map.of(), diags, sources, List.of(), List.of());
    } catch (OutOfMemoryError e) {
      // A last resort: the evaluation budget charges what model code creates before it is built, so
      // only a heap
      // smaller than the budget (or a model whose own tensors do not fit) gets here.
      diags.add(
          Diagnostic.of(
              Code.DN0107,
              Span.NONE,
              "the compiler ran out of memory while evaluating the model",
              "give the JVM more heap (-Xmx), or make the model's construction code build smaller values"));
      return new Result(
          Optional.empty(), List.of(), Map.of(), diags, sources, List.of(), List.of());
    }
  }

  /**
   * Matches the checkpoint against the model's parameters and buffers, as
   * load_state_dict(strict=True): every model key present with the same shape, no extra keys.
   *
   * <p>Names and shapes are compared with what the file declares before any tensor data is read,
   * and only then are the model's tensors loaded, within a budget set by their sizes: a checkpoint
   * cannot make dynnc allocate more than the model needs (see {@link Checkpoint#load}).
   */
  static Map<String, WeightTensor> bindWeights(
      List<ModelLowering.StateEntry> state,
      Path file,
      Checkpoints.Selection selection,
      Diagnostics diags) {
    Span at = new Span(file.toString(), 0, 0);
    try (Checkpoint ckpt = Checkpoints.open(file, selection)) {
      Map<String, Checkpoint.Entry> declared = ckpt.entries();
      java.util.Set<String> modelKeys = new java.util.HashSet<>();
      state.forEach(s -> modelKeys.add(s.key()));
      Optional<String> prefix = extraPrefix(declared.keySet(), modelKeys);
      if (prefix.isPresent()) {
        // One error instead of one per key missing and one per key extra.
        diags.add(
            Diagnostic.of(
                Code.DN0304,
                at,
                Code.DN0304.format(prefix.get()),
                "the weights were saved from a wrapped model (such as nn.DataParallel); pass"
                    + " --strip-prefix "
                    + prefix.get()
                    + " (strip-prefix: in a model spec)"));
        return Map.of();
      }
      List<String> keys = new java.util.ArrayList<>();
      for (ModelLowering.StateEntry s : state) {
        Checkpoint.Entry w = declared.get(s.key());
        if (w == null) {
          diags.add(
              Diagnostic.of(
                  Code.DN0301,
                  s.createdAt(),
                  Code.DN0301.format(file, s.key(), s.type()),
                  "save the weights with torch.save(model.state_dict(), path) from this model"));
          continue;
        }
        long[] dims = s.type().dims();
        if (!java.util.Arrays.equals(dims, w.shape())) {
          diags.add(
              Diagnostic.of(
                  Code.DN0302,
                  s.createdAt(),
                  Code.DN0302.format(
                      file,
                      s.key(),
                      java.util.Arrays.toString(w.shape()),
                      java.util.Arrays.toString(dims)),
                  "the checkpoint was saved from a model built with other arguments"));
          continue;
        }
        keys.add(s.key());
      }
      for (String k : declared.keySet()) {
        if (!modelKeys.contains(k)) {
          diags.add(
              Diagnostic.of(
                  Code.DN0303,
                  at,
                  Code.DN0303.format(k),
                  "check the entry expression's arguments; the checkpoint may belong to another model"));
        }
      }
      if (diags.hasErrors()) {
        return Map.of(); // nothing is read from a checkpoint that does not fit the model
      }
      return ckpt.load(keys);
    } catch (CheckpointException e) {
      // The span already shows the path; the reader's message repeats the file name for callers
      // without one.
      String message = e.getMessage();
      String name = file.getFileName() + ": ";
      diags.add(
          Diagnostic.of(
              Code.DN0300,
              at,
              message.startsWith(name) ? message.substring(name.length()) : message));
    } catch (IOException e) {
      diags.add(Diagnostic.of(Code.DN0300, at, "cannot read checkpoint: " + e.getMessage()));
    }
    return Map.of();
  }

  /**
   * Returns the shortest prefix, ending at a dot, that every checkpoint key has and no model name
   * has, provided that removing it makes at least one key a model name; empty otherwise (the names
   * then differ in some other way, which the per-key errors show).
   */
  static Optional<String> extraPrefix(
      java.util.Collection<String> fileKeys, java.util.Set<String> modelKeys) {
    if (fileKeys.isEmpty() || modelKeys.isEmpty()) {
      return Optional.empty();
    }
    String common = fileKeys.iterator().next();
    for (String k : fileKeys) {
      int n = 0;
      while (n < common.length() && n < k.length() && common.charAt(n) == k.charAt(n)) {
        n++;
      }
      common = common.substring(0, n);
    }
    // A few levels of wrapping at most (module.model.); a hostile key's thousand dots cost nothing.
    int tries = 0;
    for (int dot = common.indexOf('.'); dot >= 0 && tries < 4; dot = common.indexOf('.', dot + 1)) {
      tries++;
      String p = common.substring(0, dot + 1);
      if (modelKeys.stream().noneMatch(k -> k.startsWith(p))
          && fileKeys.stream().anyMatch(k -> modelKeys.contains(k.substring(p.length())))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
