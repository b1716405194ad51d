package dev.dynnc.backend;

import static org.bytedeco.cpython.global.python.PyGILState_Ensure;
import static org.bytedeco.cpython.global.python.PyGILState_Release;
import static org.bytedeco.cpython.global.python.PyEval_SaveThread;
import static org.bytedeco.cpython.global.python.PyRun_SimpleString;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs TVM's Python compiler inside this JVM through the CPython embedded in the bytedeco preset.
 *
 * <p>Why embedded: Relay's op strategies are registered from Python, so relay.build needs it; the
 * preset ships CPython, numpy and the tvm package, so no system Python is involved. The
 * interpreter starts once per JVM (about 1 s after the first unpacking of the native cache); the
 * GIL is released after start-up and taken per compile, so calls from several threads serialize.
 */
public final class EmbeddedTvm implements CompileService {
  private static EmbeddedTvm instance;

  private EmbeddedTvm() {}

  public static synchronized EmbeddedTvm get() throws CompileException {
    if (instance == null) {
      try {
        java.io.File[] paths = org.bytedeco.tvm.presets.tvm.cachePackages();
        org.bytedeco.cpython.helper.python.Py_Initialize(paths);
      } catch (IOException e) {
        throw new CompileException("cannot unpack TVM's Python packages: " + e.getMessage());
      }
      String script;
      try (InputStream in = EmbeddedTvm.class.getResourceAsStream("relay_builder.py")) {
        script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new CompileException("cannot read relay_builder.py: " + e.getMessage());
      }
      if (PyRun_SimpleString(script) != 0) {
        throw new CompileException("TVM's Python package failed to import (see stderr)");
      }
      PyEval_SaveThread();
      instance = new EmbeddedTvm();
    }
    return instance;
  }

  @Override
  public synchronized void compile(Path request, Path errorFile) throws CompileException {
    int gil = PyGILState_Ensure();
    int rc;
    try {
      String path = request.toAbsolutePath().toString().replace("\\", "\\\\").replace("'", "\\'");
      rc = PyRun_SimpleString("dynnc_compile('" + path + "')");
    } finally {
      PyGILState_Release(gil);
    }
    try {
      if (Files.exists(errorFile)) {
        String tb = Files.readString(errorFile).strip();
        String last = tb.substring(tb.lastIndexOf('\n') + 1);
        throw new CompileException(last + "\n" + tb);
      }
    } catch (IOException e) {
      throw new CompileException("cannot read TVM's error report: " + e.getMessage());
    }
    if (rc != 0) {
      throw new CompileException("the TVM compile service failed (see stderr)");
    }
  }
}
