package dev.dynnc.backend;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Drops JavaCPP's "Versions of org.bytedeco:javacpp:... do not match" warning from {@code
 * System.err} and passes every other byte through unchanged.
 *
 * <p>The TVM preset depends on opencl/dnnl presets of an older JavaCPP release, the versions it was
 * built against, so the warning is noise to users. JavaCPP has no switch for it: its default logger
 * prints to whatever {@code System.err} is at the time, so the filter replaces that stream.
 * Filtering here rather than with {@code grep} in {@code bin/dynnc} keeps NUL bytes and
 * unterminated lines intact and works for every way of starting dynnc.
 */
public final class StderrFilter extends OutputStream {
  private static final byte[] NOISE =
      "Warning: Versions of org.bytedeco:".getBytes(StandardCharsets.UTF_8);

  private final OutputStream out;

  /** The start of the current line while it may still be the warning. */
  private final ByteArrayOutputStream held = new ByteArrayOutputStream();

  private boolean passing;
  private boolean dropping;

  StderrFilter(OutputStream out) {
    this.out = out;
  }

  /** Replaces {@code System.err} with a filtered stream writing to file descriptor 2. */
  public static void install() {
    System.setErr(
        new PrintStream(
            new StderrFilter(new BufferedOutputStream(new FileOutputStream(FileDescriptor.err))),
            true));
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    int end = off + len;
    int i = off;
    while (i < end) {
      if (passing || dropping) {
        int nl = i;
        while (nl < end && b[nl] != '\n') {
          nl++;
        }
        int stop = Math.min(nl + 1, end);
        if (passing) {
          out.write(b, i, stop - i);
        }
        if (nl < end) {
          passing = false;
          dropping = false;
        }
        i = stop;
        continue;
      }
      byte c = b[i++];
      held.write(c);
      int n = held.size();
      if (c == '\n' || NOISE[n - 1] != c) {
        held.writeTo(out);
        held.reset();
        passing = c != '\n';
      } else if (n == NOISE.length) {
        held.reset();
        dropping = true;
      }
    }
  }

  @Override
  public synchronized void flush() throws IOException {
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    held.writeTo(out);
    held.reset();
    out.close();
  }
}
