package dev.dynnc.runtime;

/**
 * Implemented by the generated host class of a bundle: the model's control flow around its subgraph
 * calls.
 *
 * <p>Implementations need a public no-arg constructor and must be stateless, because {@link Bundle}
 * creates one instance and uses it for every run, from several threads at once (the generated host
 * classes keep everything in locals and the {@link HostContext} of the run).
 */
public interface HostProgram {
  /**
   * Runs the model once.
   *
   * @param ctx calls subgraphs and reads scalars; every array it hands out is freed when the run
   *     ends
   * @param inputs the model inputs in manifest order, already on the bundle's device
   * @return the result: a {@link DeviceArray}, {@link Long}, {@link Double}, {@link Boolean},
   *     {@code null} (None), or a structure built with {@link HostContext#tuple}, {@link
   *     HostContext#list}, {@link HostContext#dict} (a {@link java.util.List} counts as a list)
   *     holding such values
   */
  Object run(HostContext ctx, DeviceArray[] inputs) throws Exception;
}
