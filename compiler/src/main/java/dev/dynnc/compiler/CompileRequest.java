package dev.dynnc.compiler;

import dev.dynnc.ir.Type;
import dev.dynnc.weights.Checkpoints;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.LinkedHashMap;

/**
 * One model to compile into one bundle; with a {@code signingKey} the bundle is signed ({@link
 * dev.dynnc.runtime.BundleSignature}) before it is installed at {@code output}.
 *
 * @param inputs the input specs in order, as {@link InputSpecs#parse} returns them
 * @param selection where the checkpoint holds the model's tensors and what prefix their names lose
 * @param compileTimeout the limit for TVM's compile of each subgraph
 * @param signingKey the Ed25519 key to sign with, or null for an unsigned bundle
 */
public record CompileRequest(
    Path sourceRoot,
    String entry,
    String method,
    LinkedHashMap<String, Type.TensorType> inputs,
    Path weights,
    Checkpoints.Selection selection,
    Path output,
    Duration compileTimeout,
    PrivateKey signingKey) {
  /** Default limit for one subgraph's TVM compile, in seconds. */
  public static final long DEFAULT_COMPILE_TIMEOUT_S = 600;
}
