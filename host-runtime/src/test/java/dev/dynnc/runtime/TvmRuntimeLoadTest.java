package dev.dynnc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which TVM build the runtime loads when a GPU build is on the class path but cannot load here (a
 * CPU machine with a {@code -Pgpu} build of dynnc, or a service that ships the GPU jar). Left to
 * itself, JavaCPP tried the GPU build first even for a CPU bundle: it unpacked the GPU build into
 * its cache and, when that failed to load, fell back to the CPU build by replacing the GPU build's
 * {@code libtvm.so} there with a link to the CPU one, under any other process that had it mapped (a
 * GPU compile worker crashed with SIGBUS). A decoy jar stands in for the GPU build: same resource
 * paths, contents that cannot load.
 */
class TvmRuntimeLoadTest {
  @TempDir Path dir;

  /**
   * Loads the runtime the way a CPU bundle does, or with argument {@code cuda} a cuda bundle where
   * a library TVM's GPU build links is missing, and prints the JNI library that loaded.
   */
  public static final class Child {
    public static void main(String[] args) {
      // JavaCPP in use before TVM loads, as in a service with other JavaCPP libraries: it has
      // read its platform properties already, without an extension.
      Loader.loadProperties();
      if (args.length > 0) {
        // A library no machine has, first: the check must stop before TVM's GPU build is tried.
        List<String> libs = new ArrayList<>(List.of("libdynnc-test-missing.so.1"));
        libs.addAll(TvmRuntime.GPU_RUNTIME_LIBRARIES);
        try {
          TvmRuntime.requireDevice(Device.CUDA, libs);
          System.out.println("no error");
        } catch (DeviceUnavailableException e) {
          System.out.println("unavailable: " + e.getMessage());
        }
      }
      TvmRuntime.init();
      System.out.println("loaded " + Loader.getLoadedLibraries().get("jnitvm_runtime"));
      System.out.println(
          "extension after "
              + System.getProperty("org.bytedeco.javacpp.platform.extension", "(unset)"));
    }
  }

  @Test
  void aCpuLoadNeverTouchesTheGpuBuild() throws Exception {
    String out = runChild();
    assertFalse(out.contains("-gpu/"), "the CPU load took the GPU build's library:\n" + out);
    assertDecoyUntouched();
  }

  @Test
  void aGpuLoadWithoutCudaLibrariesNeverTriesTheGpuBuild() throws Exception {
    String out = runChild("cuda");
    assertTrue(
        out.contains(
            "unavailable: TVM's runtime could not be loaded for cuda: libdynnc-test-missing.so.1:"
                + " cannot open shared object file"),
        out);
    assertTrue(out.contains("libcudart.so.12"), "the message names what is needed:\n" + out);
    // The CPU build loads afterwards, for CPU bundles, and the GPU build's files stay untouched.
    assertFalse(out.contains("-gpu/"), out);
    assertDecoyUntouched();
  }

  private String runChild(String... args) throws Exception {
    Path decoy = dir.resolve("tvm-gpu-decoy.jar");
    String gpuDir = "org/bytedeco/tvm/" + Loader.getPlatform() + "-gpu/";
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(decoy))) {
      for (String name :
          List.of("libjnitvm_runtime.so", "libtvm_runtime.so", "python/tvm/libtvm.so")) {
        jar.putNextEntry(new JarEntry(gpuDir + name));
        jar.write("not a library".getBytes(StandardCharsets.US_ASCII));
        jar.closeEntry();
      }
    }
    Path cache = dir.resolve("cache");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Dorg.bytedeco.javacpp.cachedir=" + cache);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path") + File.pathSeparator + decoy);
    cmd.add(Child.class.getName());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      // nothing to send
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("loaded "), out);
    assertTrue(
        out.contains("extension after (unset)"),
        "the platform extension is set for the load only:\n" + out);
    return out;
  }

  private void assertDecoyUntouched() throws Exception {
    try (Stream<Path> s = Files.list(dir.resolve("cache"))) {
      List<String> unpacked = s.map(x -> x.getFileName().toString()).toList();
      assertFalse(
          unpacked.contains("tvm-gpu-decoy.jar"),
          "JavaCPP unpacked the GPU build for a CPU load: " + unpacked);
      assertTrue(
          unpacked.stream().anyMatch(n -> n.startsWith("tvm-")),
          "the CPU build unpacked into the cache: " + unpacked);
    }
  }
}
