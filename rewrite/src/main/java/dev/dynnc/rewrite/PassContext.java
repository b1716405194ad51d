package dev.dynnc.rewrite;

/** Options shared by the passes of one pipeline run. */
public record PassContext(boolean verifyEach) {
  public static final PassContext DEFAULT = new PassContext(false);
  public static final PassContext CHECKED = new PassContext(true);
}
