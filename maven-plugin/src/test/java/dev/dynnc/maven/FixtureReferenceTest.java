package dev.dynnc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The integration fixture compares the generated class's outputs with committed files; this test
 * proves that those files are what Debian's PyTorch computes from the fixture model, by running the
 * fixture's generator in check mode.
 */
class FixtureReferenceTest {
  @Test
  void committedReferencesAreExactlyPyTorchs() throws Exception {
    Path fixture = Path.of("src/it/typed-api");
    Process p =
        new ProcessBuilder("/usr/bin/python3", "make_fixture.py", "--check")
            .directory(fixture.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(120, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), out);
  }
}
