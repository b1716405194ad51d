package dev.dynnc.compiler;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A target as a user writes it: {@code llvm}, {@code cuda} or {@code cuda -arch=sm_90}. The GPU
 * architecture is part of the target, as in TVM's target strings, because the kernels are machine
 * code for it (an sm_90 bundle runs on H100 and H200 GPUs, not on an A100, sm_80).
 *
 * @param kind the target kind
 * @param arch the CUDA architecture ({@code sm_90}), or null when none was given
 */
public record TargetSpec(Target kind, String arch) {
  /** CUDA's architecture names: sm_75, sm_90, sm_90a, sm_100. */
  private static final Pattern ARCH = Pattern.compile("sm_[0-9]{2,3}a?");

  public TargetSpec {
    if (arch != null && (kind != Target.CUDA || !ARCH.matcher(arch).matches())) {
      throw new IllegalArgumentException("no architecture '" + arch + "' for target " + kind);
    }
  }

  public static TargetSpec of(Target kind) {
    return new TargetSpec(kind, null);
  }

  /**
   * The target {@code text} names, or empty for any other text: a kind, and for cuda optionally
   * {@code -arch=sm_NN}. Nothing else is accepted, so no text of a user's reaches TVM's target
   * parser.
   */
  public static Optional<TargetSpec> parse(String text) {
    String[] parts = text.strip().split("\\s+");
    Optional<Target> kind = Target.named(parts[0]);
    if (kind.isEmpty() || parts.length > 2) {
      return Optional.empty();
    }
    if (parts.length == 1) {
      return Optional.of(of(kind.get()));
    }
    String prefix = "-arch=";
    if (kind.get() != Target.CUDA || !parts[1].startsWith(prefix)) {
      return Optional.empty();
    }
    String arch = parts[1].substring(prefix.length());
    return ARCH.matcher(arch).matches()
        ? Optional.of(new TargetSpec(Target.CUDA, arch))
        : Optional.empty();
  }

  /** The target as TVM reads it, written in the compile requests and the bundle's manifest. */
  public String tvmString() {
    return arch == null ? kind.tvmName() : kind.tvmName() + " -arch=" + arch;
  }

  @Override
  public String toString() {
    return tvmString();
  }
}
