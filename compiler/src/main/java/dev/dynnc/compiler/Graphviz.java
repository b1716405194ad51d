package dev.dynnc.compiler;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Lays out a DOT graph with Graphviz's {@code dot} program (Debian package {@code graphviz}) and
 * returns the picture. The graph goes in on stdin and the picture comes back on stdout: no file
 * names or model text reach the command line.
 */
public final class Graphviz {
  /** The formats {@code dot} is asked for. */
  public enum Format {
    SVG("svg"),
    PNG("png");

    private final String flag;

    Format(String flag) {
      this.flag = flag;
    }
  }

  /** Graphviz is missing, failed or took too long; the message says what to do. */
  public static final class GraphvizException extends Exception {
    GraphvizException(String message) {
      super(message);
    }
  }

  /** Layout of the largest dynnc graphs takes well under a second; this only stops a hang. */
  static final long TIMEOUT_S = 60;

  private Graphviz() {}

  public static byte[] render(String dot, Format format) throws GraphvizException {
    Process p;
    try {
      p = new ProcessBuilder(List.of("dot", "-T" + format.flag)).start();
    } catch (IOException e) {
      throw new GraphvizException(
          "cannot run Graphviz's 'dot' to draw the "
              + format.flag
              + " picture ("
              + e.getMessage()
              + "); install it (Debian: apt-get install graphviz) or ask for --format dot");
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread reader = daemon(() -> copy(p.getInputStream(), out));
      Thread errReader = daemon(() -> copy(p.getErrorStream(), err));
      try (OutputStream in = p.getOutputStream()) {
        in.write(dot.getBytes(StandardCharsets.UTF_8));
      }
      if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new GraphvizException("Graphviz's 'dot' did not finish within " + TIMEOUT_S + " s");
      }
      reader.join();
      errReader.join();
      if (p.exitValue() != 0) {
        throw new GraphvizException(
            "Graphviz's 'dot' failed (exit "
                + p.exitValue()
                + "): "
                + err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse(""));
      }
      return out.toByteArray();
    } catch (IOException e) {
      p.destroyForcibly();
      throw new GraphvizException("Graphviz's 'dot' failed: " + e.getMessage());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new GraphvizException("interrupted while Graphviz was drawing");
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "graphviz-io");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try (in) {
      in.transferTo(out);
    } catch (IOException e) {
      // The exit status reports the failure.
    }
  }
}
