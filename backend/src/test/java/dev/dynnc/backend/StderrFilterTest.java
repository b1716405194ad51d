package dev.dynnc.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StderrFilterTest {
  static byte[] through(String... writes) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (PrintStream ps = new PrintStream(new StderrFilter(sink), true, StandardCharsets.UTF_8)) {
      for (String w : writes) {
        ps.print(w);
      }
    }
    return sink.toByteArray();
  }

  @Test
  void dropsOnlyJavaCppVersionWarnings() throws IOException {
    String warning =
        "Warning: Versions of org.bytedeco:javacpp:1.5.11 and org.bytedeco:opencl:1.5.8 do not match.\n";
    assertArrayEquals(
        "error[DN0300]: x\nWarning: other\n".getBytes(StandardCharsets.UTF_8),
        through(warning, "error[DN0300]: x\n", warning, "Warning: other\n"));
  }

  @Test
  void keepsNulBytesSplitWritesAndAnUnterminatedLastLine() throws IOException {
    assertArrayEquals(
        "a\0b\nWarn\0ing: Ver\nWarning: Vers".getBytes(StandardCharsets.UTF_8),
        through("a\0", "b\nWarn\0ing: Ver\n", "Warning: Ver", "s"));
    assertArrayEquals(
        "ok\n".getBytes(StandardCharsets.UTF_8),
        through("Warning: Versions of org.byte", "deco:javacpp:1 do not match.\nok\n"));
  }
}
