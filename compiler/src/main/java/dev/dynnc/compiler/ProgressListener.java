package dev.dynnc.compiler;

/** Told when each stage of a compile starts, so a front end can show where a long compile is. */
@FunctionalInterface
public interface ProgressListener {
  /** Ignores progress. */
  ProgressListener NONE = (stage, detail) -> {};

  /** The stages, in the order a successful compile runs them. */
  enum Stage {
    /** Parse, evaluate construction, lower {@code forward}, bind weights. */
    FRONTEND,
    /** Verify the IR and run the rewrite passes. */
    PASSES,
    /** Split into subgraphs and a host program. */
    PARTITION,
    /** Compile one subgraph with the compile service; the detail names it ({@code sg0 (1/3)}). */
    SUBGRAPH,
    /** Generate and compile the host class. */
    HOST,
    /** Write the manifest, sign and install the bundle. */
    BUNDLE
  }

  /** {@code stage} starts; {@code detail} is empty except for {@link Stage#SUBGRAPH}. */
  void stage(Stage stage, String detail);

  /**
   * The subgraph that {@link Stage#SUBGRAPH} just announced came from the compile cache, not TVM.
   */
  default void cacheHit(String subgraph) {}

  /**
   * A subgraph that {@link Stage#SUBGRAPH} announced is finished: taken from the compile cache or
   * compiled by TVM. Subgraphs compile in parallel, so this comes in any order, after other
   * subgraphs were announced.
   */
  default void subgraphDone(String subgraph, boolean fromCache) {}

  /**
   * Something worth knowing about the compile that is not a diagnostic: a choice dynnc made for the
   * user (say, why the host program is in Java rather than native code). Verbose front ends print
   * it.
   */
  default void note(String message) {}
}
