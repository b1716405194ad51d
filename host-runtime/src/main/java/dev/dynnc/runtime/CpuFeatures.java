package dev.dynnc.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Whether this CPU can execute a CPU bundle's kernels. They are machine code for the CPU they were
 * compiled for (LLVM's {@code -mcpu}, by default the compiling machine's): a bundle built on a
 * workstation with AVX-512 holds AVX-512 instructions, and on a CPU without them its first run
 * stops the JVM with an illegal instruction (SIGILL). {@link Bundle#open} refuses such a bundle
 * instead, naming the features this CPU lacks.
 *
 * <p>The features checked are the vector extensions, SSE3 to AVX-512 and AMX: the ones LLVM
 * vectorizes kernels with, and ones a CPU reports reliably, since the operating system must enable
 * their registers. Scalar extensions (LZCNT, BMI, POPCNT, MOVBE, SSE4a) are not checked:
 * hypervisors hide some of them from {@code /proc/cpuinfo} although the CPU executes them (on this
 * workstation's VM, a bundle built for its own CPU would have been refused for {@code lzcnt} and
 * {@code sse4a}), and a bundle must never be refused on a CPU that runs it. Nor are those a kernel
 * reaches only through intrinsics (AES, SHA, RDRAND). The CPU's own list is the first {@code flags}
 * line of {@code /proc/cpuinfo}; where there is none (not Linux), nothing is checked.
 */
final class CpuFeatures {
  private CpuFeatures() {}

  /** LLVM's name of each checked feature and the name Linux gives it in {@code /proc/cpuinfo}. */
  static final Map<String, String> LINUX_FLAG =
      Map.ofEntries(
          Map.entry("sse", "sse"),
          Map.entry("sse2", "sse2"),
          Map.entry("sse3", "pni"),
          Map.entry("ssse3", "ssse3"),
          Map.entry("sse4.1", "sse4_1"),
          Map.entry("sse4.2", "sse4_2"),
          Map.entry("f16c", "f16c"),
          Map.entry("fma", "fma"),
          Map.entry("fma4", "fma4"),
          Map.entry("xop", "xop"),
          Map.entry("avx", "avx"),
          Map.entry("avx2", "avx2"),
          Map.entry("avxvnni", "avx_vnni"),
          Map.entry("avx512f", "avx512f"),
          Map.entry("avx512cd", "avx512cd"),
          Map.entry("avx512bw", "avx512bw"),
          Map.entry("avx512dq", "avx512dq"),
          Map.entry("avx512vl", "avx512vl"),
          Map.entry("avx512ifma", "avx512ifma"),
          Map.entry("avx512vbmi", "avx512vbmi"),
          Map.entry("avx512vbmi2", "avx512_vbmi2"),
          Map.entry("avx512vnni", "avx512_vnni"),
          Map.entry("avx512bitalg", "avx512_bitalg"),
          Map.entry("avx512vpopcntdq", "avx512_vpopcntdq"),
          Map.entry("avx512bf16", "avx512_bf16"),
          Map.entry("avx512fp16", "avx512_fp16"),
          Map.entry("avx512vp2intersect", "avx512_vp2intersect"),
          Map.entry("amx-tile", "amx_tile"),
          Map.entry("amx-int8", "amx_int8"),
          Map.entry("amx-bf16", "amx_bf16"));

  /** LLVM's CPU and feature names, as a manifest may hold them. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.+-]{1,64}");

  /** At most this many features in a manifest. */
  static final int MAX_FEATURES = 1024;

  private static volatile Optional<Set<String>> hostFlags;

  /** Why {@code cpu} is not a well-formed requirement, or empty. */
  static Optional<String> malformed(Manifest.CpuRequirement cpu) {
    if (cpu.name() == null || !NAME.matcher(cpu.name()).matches()) {
      return Optional.of("cpu name is missing or not an LLVM CPU name");
    }
    if (cpu.features() == null || cpu.features().size() > MAX_FEATURES) {
      return Optional.of("cpu features are missing or more than " + MAX_FEATURES);
    }
    for (String f : cpu.features()) {
      if (f == null || !NAME.matcher(f).matches()) {
        return Optional.of("cpu features hold a name that is not an LLVM feature name");
      }
    }
    return Optional.empty();
  }

  /**
   * The features of {@code required} (LLVM's names) that the CPU with {@code flags} (Linux's names)
   * lacks, in the order given; features this class does not check are skipped.
   */
  static List<String> missing(List<String> required, Set<String> flags) {
    List<String> out = new ArrayList<>();
    for (String f : required) {
      String flag = LINUX_FLAG.get(f);
      if (flag != null && !flags.contains(flag) && !out.contains(f)) {
        out.add(f);
      }
    }
    return out;
  }

  /** This CPU's flags, from {@code /proc/cpuinfo}; empty where Linux does not tell. */
  static Optional<Set<String>> hostFlags() {
    Optional<Set<String>> f = hostFlags;
    if (f == null) {
      f = readFlags(Path.of("/proc/cpuinfo"));
      hostFlags = f;
    }
    return f;
  }

  static Optional<Set<String>> readFlags(Path cpuinfo) {
    try (Stream<String> lines = Files.lines(cpuinfo)) {
      return lines
          .filter(l -> l.startsWith("flags"))
          .findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).strip())
          .map(l -> Set.of(l.isEmpty() ? new String[0] : l.split("\\s+")));
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      return Optional.empty(); // IllegalArgumentException: a flag listed twice
    }
  }
}
