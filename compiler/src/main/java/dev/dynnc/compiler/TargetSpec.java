package dev.dynnc.compiler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A target as a user writes it: {@code llvm}, {@code llvm -mcpu=x86-64-v3}, {@code cuda} or {@code
 * cuda -arch=sm_90}. The GPU architecture and the CPU are part of the target, as in TVM's target
 * strings, because the kernels are machine code for them (an sm_90 bundle runs on H100 and H200
 * GPUs, not on an A100, sm_80; a bundle for this machine's CPU may use instructions an older CPU
 * lacks). Without {@code -mcpu}, llvm compiles for the compiling machine's CPU.
 *
 * @param kind the target kind
 * @param arch the CUDA architecture ({@code sm_90}), or null when none was given
 * @param cpu the CPU of an llvm target, one of LLVM's names ({@code x86-64-v3}, {@code znver4}), or
 *     null for the compiling machine's
 */
public record TargetSpec(Target kind, String arch, String cpu) {
  /** CUDA's architecture names: sm_75, sm_90, sm_90a, sm_100. */
  private static final Pattern ARCH = Pattern.compile("sm_[0-9]{2,3}a?");

  /** The CPU names LLVM 19 knows for x86-64, from a resource (data, not a pattern). */
  private static final Set<String> CPUS = loadCpus();

  public TargetSpec {
    if (arch != null && (kind != Target.CUDA || !ARCH.matcher(arch).matches())) {
      throw new IllegalArgumentException("no architecture '" + arch + "' for target " + kind);
    }
    if (cpu != null && (kind != Target.LLVM || !CPUS.contains(cpu))) {
      throw new IllegalArgumentException("no CPU '" + cpu + "' for target " + kind);
    }
  }

  public TargetSpec(Target kind, String arch) {
    this(kind, arch, null);
  }

  public static TargetSpec of(Target kind) {
    return new TargetSpec(kind, null, null);
  }

  /** Whether LLVM (as TVM's build has it) knows {@code name} as an x86-64 CPU. */
  public static boolean knownCpu(String name) {
    return CPUS.contains(name);
  }

  private static Set<String> loadCpus() {
    try (InputStream in = TargetSpec.class.getResourceAsStream("llvm-x86-cpus.txt")) {
      if (in == null) {
        throw new IllegalStateException("llvm-x86-cpus.txt is missing from dynnc's jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .collect(Collectors.toUnmodifiableSet());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The target {@code text} names, or empty for any other text: a kind, for cuda optionally {@code
   * -arch=sm_NN}, for llvm optionally {@code -mcpu=} one of LLVM's x86-64 CPU names. Nothing else
   * is accepted, so no text of a user's reaches TVM's target parser.
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
    if (kind.get() == Target.LLVM && parts[1].startsWith("-mcpu=")) {
      String cpu = parts[1].substring("-mcpu=".length());
      return CPUS.contains(cpu)
          ? Optional.of(new TargetSpec(Target.LLVM, null, cpu))
          : Optional.empty();
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
    if (cpu != null) {
      return kind.tvmName() + " -mcpu=" + cpu;
    }
    return arch == null ? kind.tvmName() : kind.tvmName() + " -arch=" + arch;
  }

  @Override
  public String toString() {
    return tvmString();
  }
}
