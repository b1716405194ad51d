package dev.dynnc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dynnc.runtime.Manifest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A model compiled for the build machine's own CPU (target llvm without -mcpu) gets a build-log
 * line that says which vector extension the bundle needs, and the targets that run elsewhere:
 * servers without it refuse the bundle.
 */
class BuildMachineCpuNoteTest {
  @Test
  void namesTheWidestVectorExtensionAndThePortableTargets() {
    assertEquals(
        "compiled for this machine's CPU (znver5, with AVX-512); a server whose CPU lacks AVX-512"
            + " refuses the bundle. For other servers set target: 'llvm -mcpu=x86-64-v3' (AVX2)"
            + " or 'llvm -mcpu=x86-64-v4' (AVX-512) in dynnc.yaml, or -Ddynnc.target=...",
        CompileMojo.buildMachineCpuNote(
            new Manifest.CpuRequirement("znver5", List.of("avx", "avx2", "avx512f", "sse4.2"))));
    assertEquals(
        "compiled for this machine's CPU (haswell, with AVX2); a server whose CPU lacks AVX2"
            + " refuses the bundle. For other servers set target: 'llvm -mcpu=x86-64-v3' (AVX2)"
            + " or 'llvm -mcpu=x86-64-v4' (AVX-512) in dynnc.yaml, or -Ddynnc.target=...",
        CompileMojo.buildMachineCpuNote(
            new Manifest.CpuRequirement("haswell", List.of("avx", "avx2", "fma"))));
  }
}
