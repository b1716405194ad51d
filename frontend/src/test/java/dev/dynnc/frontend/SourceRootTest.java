package dev.dynnc.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostic;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.semantics.DType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@link Frontend#lower} reads model sources: encodings as Python reads them, and nothing from
 * outside the source root, whatever the entry string, a symbolic link or a relative import says.
 */
class SourceRootTest {
  static final String MODEL =
      "import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def forward(self, x):\n        return x + 1\n";

  @TempDir Path dir;

  Path root() throws IOException {
    return Files.createDirectories(dir.resolve("root"));
  }

  static Frontend.Result lower(Path root, String entry) {
    LinkedHashMap<String, TensorType> inputs = new LinkedHashMap<>();
    inputs.put("x", TensorType.of(DType.F32, 1, 4));
    return Frontend.lower(root, entry, "forward", inputs, Optional.empty());
  }

  static Diagnostic onlyError(Frontend.Result r) {
    assertEquals(1, r.diagnostics().all().size(), r.diagnostics().all().toString());
    return r.diagnostics().all().get(0);
  }

  @Test
  void aModuleStartingWithAByteOrderMarkLowers() throws IOException {
    Path root = root();
    byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
    Files.write(root.resolve("m.py"), bom);
    Files.writeString(root.resolve("m.py"), MODEL, java.nio.file.StandardOpenOption.APPEND);
    Frontend.Result r = lower(root, "m:Net()");
    assertTrue(r.ok(), r.diagnostics().render(r.sources()));
  }

  @Test
  void aModuleDeclaringLatin1Lowers() throws IOException {
    Path root = root();
    Files.write(
        root.resolve("m.py"),
        ("# -*- coding: latin-1 -*-\n# caf\u00e9\n" + MODEL).getBytes(StandardCharsets.ISO_8859_1));
    Frontend.Result r = lower(root, "m:Net()");
    assertTrue(r.ok(), r.diagnostics().render(r.sources()));
  }

  @Test
  void entryModulesThatAreNotDottedNamesAreRefused() throws IOException {
    Path root = root();
    Files.writeString(dir.resolve("outside.py"), MODEL);
    for (String module :
        new String[] {"..", dir.resolve("outside").toString(), "a..b", ".m", "m.", "../outside"}) {
      Diagnostic d = onlyError(lower(root, module + ":Net()"));
      assertEquals(Code.DN0106, d.code(), module);
      assertEquals("entry module '" + module + "' is not a dotted Python module name", d.message());
    }
  }

  @Test
  void aModuleLinkedFromOutsideTheRootIsRefused() throws IOException {
    Path root = root();
    Files.writeString(
        dir.resolve("outside.py"), "raise RuntimeError('read from outside the root')\n");
    Files.createSymbolicLink(root.resolve("m.py"), dir.resolve("outside.py"));
    Diagnostic d = onlyError(lower(root, "m:Net()"));
    assertEquals(Code.DN0104, d.code());
    assertEquals(
        "module 'm' resolves to "
            + dir.resolve("outside.py").toRealPath()
            + ", outside the source root "
            + root.toRealPath(),
        d.message());
  }

  @Test
  void aPackageDirectoryLinkedFromOutsideTheRootIsRefused() throws IOException {
    Path root = root();
    Path pkg = Files.createDirectories(dir.resolve("elsewhere/pkg"));
    Files.writeString(pkg.resolve("m.py"), MODEL);
    Files.createSymbolicLink(root.resolve("pkg"), pkg);
    Diagnostic d = onlyError(lower(root, "pkg.m:Net()"));
    assertEquals(Code.DN0104, d.code());
    assertTrue(d.message().contains("outside the source root"), d.message());
  }

  @Test
  void aRelativeImportAboveTheRootIsRefused() throws IOException {
    Path root = root();
    Files.createDirectories(root.resolve("pkg"));
    Files.writeString(root.resolve("pkg/__init__.py"), "");
    Files.writeString(root.resolve("pkg/m.py"), "from ... import secrets\n" + MODEL);
    Diagnostic d = onlyError(lower(root, "pkg.m:Net()"));
    assertEquals(Code.DN0104, d.code());
    assertEquals("relative import goes beyond the source root", d.message());
    assertEquals("pkg/m.py", d.span().file());
  }
}
