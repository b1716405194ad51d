package dev.dynnc.runtime;

import java.security.PublicKey;
import java.util.List;

/**
 * Decides which bundles {@link Bundle#open(java.nio.file.Path, TrustPolicy)} accepts: with no keys,
 * every bundle whose files match the manifest's hashes (which catches corruption, not tampering);
 * with keys, only bundles whose {@code manifest.sig} verifies with one of them ({@link
 * BundleSignature}).
 */
public record TrustPolicy(List<PublicKey> trustedKeys) {
  /** Accepts any intact bundle, signed or not. */
  public static final TrustPolicy HASHES_ONLY = new TrustPolicy(List.of());

  public TrustPolicy {
    trustedKeys = List.copyOf(trustedKeys);
  }

  /** Accepts only bundles signed by one of {@code keys}; at least one key is required. */
  public static TrustPolicy signedBy(List<PublicKey> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("a signature policy needs at least one trusted key");
    }
    return new TrustPolicy(keys);
  }

  /** Whether a bundle must carry a signature by one of the trusted keys. */
  public boolean requiresSignature() {
    return !trustedKeys.isEmpty();
  }
}
