package dev.dynnc.diag;

import java.util.Locale;

/** How serious a diagnostic is; an error stops the compilation, a warning or a note does not. */
public enum Severity {
  ERROR,
  WARNING,
  NOTE;

  /**
   * The word that opens a rendered diagnostic, as rustc and javac print it: {@code error}, {@code
   * warning}.
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
