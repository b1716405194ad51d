package dev.dynnc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CPU check of {@link Bundle#open}: a CPU bundle whose kernels use vector instructions this CPU
 * lacks is refused with the features named, instead of stopping the JVM with SIGILL on its first
 * run; a CPU that has them, or a feature that is not checked, never refuses.
 */
class CpuFeaturesTest {
  /** The flags of an AVX2 machine (no AVX-512), as Linux names them. */
  private static final Set<String> AVX2_MACHINE =
      Set.of("sse", "sse2", "pni", "ssse3", "sse4_1", "sse4_2", "avx", "avx2", "fma", "f16c");

  /** Part of what LLVM lists for -mcpu=znver4: LLVM's names. */
  private static final List<String> ZNVER4 =
      List.of("64bit", "avx", "avx2", "avx512bw", "avx512f", "bmi2", "fma", "lzcnt", "sse4.2");

  @Test
  void anAvx512BundleOnAnAvx2CpuIsRefusedNamingWhatIsMissing() {
    Manifest.CpuRequirement cpu = new Manifest.CpuRequirement("znver4", ZNVER4);
    DeviceUnavailableException e =
        assertThrows(
            DeviceUnavailableException.class,
            () -> Bundle.requireCpu(Path.of("m.bundle"), cpu, Optional.of(AVX2_MACHINE)));
    assertEquals(
        "m.bundle: its kernels were compiled for the CPU 'znver4' and use avx512bw, avx512f,"
            + " which this CPU lacks (they would stop the JVM with an illegal instruction);"
            + " compile the model on this machine, or for a CPU that both machines can run, e.g."
            + " --target 'llvm -mcpu=x86-64-v3' (AVX2) or 'llvm -mcpu=x86-64-v2'",
        e.getMessage());
  }

  @Test
  void aCpuWithTheFeaturesOrWithoutAFlagListOpensTheBundle() throws Exception {
    Set<String> flags = new java.util.HashSet<>(AVX2_MACHINE);
    flags.addAll(Set.of("avx512f", "avx512bw"));
    Bundle.requireCpu(
        Path.of("m"), new Manifest.CpuRequirement("znver4", ZNVER4), Optional.of(flags));
    // Not Linux: nothing to check against.
    Bundle.requireCpu(
        Path.of("m"), new Manifest.CpuRequirement("znver4", ZNVER4), Optional.empty());
  }

  @Test
  void scalarExtensionsThatHypervisorsHideAreNotChecked() {
    // This workstation's VM lists neither abm (LZCNT) nor sse4a, which its CPU (Zen 5) executes:
    // a bundle built for it must open there.
    assertEquals(
        List.of(),
        CpuFeatures.missing(
            List.of("lzcnt", "sse4a", "bmi", "bmi2", "popcnt", "movbe", "aes", "sha", "evex512"),
            Set.of("sse", "sse2")));
  }

  @Test
  void everyCheckedFeatureIsFoundUnderItsLinuxName() {
    List<String> all = new ArrayList<>(CpuFeatures.LINUX_FLAG.keySet());
    Collections.sort(all);
    assertEquals(all, CpuFeatures.missing(all, Set.of()));
    assertEquals(List.of(), CpuFeatures.missing(all, Set.copyOf(CpuFeatures.LINUX_FLAG.values())));
    assertEquals(List.of("sse3"), CpuFeatures.missing(List.of("sse3"), Set.of("sse3")));
    assertEquals(List.of(), CpuFeatures.missing(List.of("sse3"), Set.of("pni")));
  }

  @Test
  void flagsAreTheFirstProcessorsFlagsLine(@TempDir Path dir) throws Exception {
    Path info = dir.resolve("cpuinfo");
    Files.writeString(
        info,
        "processor\t: 0\nmodel name\t: X\nflags\t\t: fpu sse sse2 avx2\n\n"
            + "processor\t: 1\nflags\t\t: fpu sse sse2 avx2 avx512f\n");
    assertEquals(Optional.of(Set.of("fpu", "sse", "sse2", "avx2")), CpuFeatures.readFlags(info));
    assertEquals(Optional.empty(), CpuFeatures.readFlags(dir.resolve("missing")));
    Files.writeString(info, "processor\t: 0\n");
    assertEquals(Optional.empty(), CpuFeatures.readFlags(info));
  }

  @Test
  void aMalformedRequirementIsABadManifest() {
    assertTrue(CpuFeatures.malformed(new Manifest.CpuRequirement("znver4", ZNVER4)).isEmpty());
    assertTrue(CpuFeatures.malformed(new Manifest.CpuRequirement(null, ZNVER4)).isPresent());
    assertTrue(CpuFeatures.malformed(new Manifest.CpuRequirement("a b", ZNVER4)).isPresent());
    assertTrue(CpuFeatures.malformed(new Manifest.CpuRequirement("znver4", null)).isPresent());
    assertTrue(
        CpuFeatures.malformed(new Manifest.CpuRequirement("znver4", List.of("avx", "x\ny")))
            .isPresent());
    assertTrue(
        CpuFeatures.malformed(
                new Manifest.CpuRequirement("znver4", Collections.nCopies(2000, "avx")))
            .isPresent());
  }
}
