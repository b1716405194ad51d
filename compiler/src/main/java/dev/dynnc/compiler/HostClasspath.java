package dev.dynnc.compiler;

import dev.dynnc.runtime.HostProgram;
import dev.dynnc.semantics.PyFloat;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The classpath the generated host class is compiled against: where the runtime's own classes were
 * loaded from, not {@code java.class.path}, which inside a Maven plugin is Maven's launcher.
 *
 * <p>The host class uses host-runtime ({@link HostProgram} and its context and arrays) and {@code
 * semantics}' {@link PyFloat} and PyScalar for Python's scalar semantics; nothing else, so these
 * two code sources (jars, or class directories in a reactor build) are the whole path.
 */
public final class HostClasspath {
  private HostClasspath() {}

  /** One class from each module the generated host code refers to. */
  private static final List<Class<?>> ANCHORS = List.of(HostProgram.class, PyFloat.class);

  /** The code source of each module the host code needs, in order, without repeats. */
  public static List<Path> entries() {
    Set<Path> out = new LinkedHashSet<>();
    for (Class<?> c : ANCHORS) {
      out.add(codeSource(c));
    }
    return List.copyOf(out);
  }

  /** {@link #entries()} joined for javac's {@code -classpath}. */
  public static String asString() {
    return String.join(File.pathSeparator, entries().stream().map(Path::toString).toList());
  }

  private static Path codeSource(Class<?> c) {
    CodeSource cs = c.getProtectionDomain().getCodeSource();
    if (cs == null || cs.getLocation() == null) {
      throw new IllegalStateException(
          "cannot tell where " + c.getName() + " was loaded from to compile the host class");
    }
    try {
      return Path.of(cs.getLocation().toURI());
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "cannot compile the host class against " + cs.getLocation() + ": not a file", e);
    }
  }
}
