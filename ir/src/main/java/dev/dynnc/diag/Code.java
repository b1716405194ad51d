package dev.dynnc.diag;

import java.text.MessageFormat;
import java.util.Locale;

/**
 * The diagnostics catalogue: every user-facing error dynnc reports, with its stable code, severity,
 * title and message template.
 *
 * <p>Codes never change meaning once released, and no code is used for unrelated errors: a new kind
 * of error gets a new code, appended to its group. A message is made with {@link #format}, which
 * fills the template's {@code {0}}, {@code {1}}, ... ({@link MessageFormat} syntax: a literal quote
 * is written twice); a template of only {@code {0}} takes a message written whole at the call site.
 */
public enum Code {
  // Frontend: reading Python.
  DN0001(Severity.ERROR, "syntax error", "{0}"),
  DN0002(Severity.ERROR, "inconsistent indentation", "{0}"),
  DN0003(Severity.ERROR, "unsupported syntax", "{0}"),
  DN0004(Severity.ERROR, "cannot read source file", "{0}"),
  // Frontend: evaluating model construction.
  DN0100(Severity.ERROR, "name is not defined", "name ''{0}'' is not defined"),
  DN0101(Severity.ERROR, "attribute error", "{0}"),
  DN0102(Severity.ERROR, "wrong arguments in a call", "{0}"),
  /**
   * A value Python itself would refuse (ValueError): int('x'), min([]), range step 0, unpacking
   * counts.
   */
  DN0103(Severity.ERROR, "invalid value in model code", "{0}"),
  DN0104(Severity.ERROR, "module not found", "{0}"),
  DN0105(Severity.ERROR, "unsupported library call", "{0}"),
  DN0106(Severity.ERROR, "bad entry expression", "{0}"),
  /**
   * Evaluation went past one of its limits (steps, work, created data, call depth, nesting,
   * memory).
   */
  DN0107(Severity.ERROR, "evaluation limit exceeded", "{0}"),
  /**
   * ZeroDivisionError and OverflowError: division or modulo by zero, ints beyond 64 bits, negative
   * shifts.
   */
  DN0108(Severity.ERROR, "arithmetic error in model code", "{0}"),
  /**
   * IndexError and KeyError: an index out of range, a missing key or module name, list.index of an
   * absent item.
   */
  DN0109(Severity.ERROR, "index or key not found", "{0}"),
  /** A str.format, f-string or % format that Python would refuse. */
  DN0110(Severity.ERROR, "bad format string", "{0}"),
  /** The model's code raised an exception or failed an assertion while it was evaluated. */
  DN0111(Severity.ERROR, "model code raised an exception", "{0}"),
  /**
   * Construction code used something that exists only when forward runs (a module call, a tensor's
   * value).
   */
  DN0112(Severity.ERROR, "run-time value used during model construction", "{0}"),
  /**
   * A torch, torch.nn.functional or torch.nn name, or a tensor method, that is neither supported
   * nor a known PyTorch name.
   */
  DN0113(Severity.ERROR, "unknown PyTorch name", "{0}"),
  /**
   * Forward reads an attribute of a module and then sets it: PyTorch carries the new value to the
   * next call, a compiled model does not. A warning: counters kept for statistics are common and
   * harmless when outputs do not read them.
   */
  DN0117(Severity.WARNING, "forward keeps state between calls", "{0}"),
  // Frontend: lowering forward.
  DN0200(Severity.ERROR, "unsupported construct in forward", "{0}"),
  DN0201(Severity.ERROR, "unsupported tensor operation", "{0}"),
  DN0202(Severity.ERROR, "tensor shape or type error", "{0}"),
  DN0203(Severity.ERROR, "data-dependent loop not supported yet", "{0}"),
  DN0204(Severity.ERROR, "break or continue under a data-dependent condition", "{0}"),
  DN0205(Severity.ERROR, "value differs between data-dependent branches", "{0}"),
  DN0206(
      Severity.ERROR,
      "forward does not return a tensor result",
      "forward returns a {0}, which a compiled model cannot return"),
  // i8-loops: a data-dependent loop whose carried values cannot be given one type.
  DN0207(Severity.ERROR, "loop-carried value changes between iterations", "{0}"),
  // Weights.
  DN0300(Severity.ERROR, "cannot read checkpoint", "{0}"),
  DN0301(
      Severity.ERROR,
      "checkpoint lacks a parameter of the model",
      "checkpoint {0} has no entry ''{1}'' for the {2} created here"),
  DN0302(
      Severity.ERROR,
      "checkpoint parameter has the wrong shape",
      "checkpoint {0} entry ''{1}'' has shape {2} but the model creates {3} here"),
  DN0303(
      Severity.ERROR,
      "checkpoint has a parameter the model does not",
      "checkpoint entry ''{0}'' matches no parameter or buffer of the model"),
  /**
   * Every checkpoint key starts with a prefix no name of the model has, as in a state dict saved
   * from nn.DataParallel ({@code module.}).
   */
  DN0304(
      Severity.ERROR,
      "checkpoint keys carry a prefix the model's names lack",
      "every key of the checkpoint starts with ''{0}'', which no parameter or buffer name of the"
          + " model has"),
  // Command line and bundles.
  DN0400(Severity.ERROR, "bad input specification", "{0}"),
  DN0401(Severity.ERROR, "bad input file", "{0}"),
  DN0402(Severity.ERROR, "input does not match the model's input", "{0}"),
  DN0403(Severity.ERROR, "bad bundle", "{0}"),
  DN0404(Severity.ERROR, "compilation by TVM failed", "{0}"),
  DN0405(Severity.ERROR, "the model failed at run time", "{0}"),
  DN0406(Severity.ERROR, "cannot write the output there", "{0}"),
  DN0407(Severity.ERROR, "bad key file", "{0}"),
  /**
   * The compile cache's directory was refused or an entry was unusable; the compile goes on without
   * it.
   */
  DN0408(Severity.WARNING, "compile cache not used", "{0}"),
  /**
   * The target's device or the runtime for it is missing here: a cuda bundle on a machine without
   * an NVIDIA GPU, or a dynnc built without TVM's GPU build.
   */
  DN0409(Severity.ERROR, "device not available", "{0}");

  private final Severity severity;
  private final String title;
  private final String template;

  Code(Severity severity, String title, String template) {
    this.severity = severity;
    this.title = title;
    this.template = template;
  }

  public Severity severity() {
    return severity;
  }

  /** What kind of error this is, in a few words (the README's table). */
  public String title() {
    return title;
  }

  /** The message template, {@link MessageFormat} syntax. */
  public String template() {
    return template;
  }

  /** How a one-line report of this code opens, as rustc prints it: {@code error[DN0400]: }. */
  public String prefix() {
    return severity.label() + "[" + name() + "]: ";
  }

  /** Fills the template: {@code DN0100.format("x")} is "name 'x' is not defined". */
  public String format(Object... args) {
    // Strings only: MessageFormat would print a number with grouping separators (1,000).
    return new MessageFormat(template, Locale.ROOT)
        .format(java.util.Arrays.stream(args).map(String::valueOf).toArray());
  }
}
