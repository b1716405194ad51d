package dev.dynnc.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostic;
import dev.dynnc.ir.Type.TensorType;
import dev.dynnc.semantics.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests the warning for state a forward keeps between calls (DN0117): an attribute forward reads
 * and then sets, which PyTorch carries to the next call and a compiled model does not.
 */
class StateWarningTest {
  @TempDir Path root;

  private List<Diagnostic> lower(String forwardBody) throws IOException {
    String model =
        """
        import torch
        import torch.nn as nn


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.calls = 0
                self.hidden = None
                self.counts = [0, 0]
                self.log = []
                self.lin = nn.Linear(4, 4)

            def forward(self, x):
        """
            + forwardBody.indent(8);
    Files.writeString(root.resolve("m.py"), model);
    LinkedHashMap<String, TensorType> inputs = new LinkedHashMap<>();
    inputs.put("x", TensorType.of(DType.F32, 1, 4));
    Frontend.Result r = Frontend.lower(root, "m:Net()", "forward", inputs, Optional.empty(), 20);
    assertTrue(r.ok(), () -> r.diagnostics().render(r.sources()));
    return r.diagnostics().all();
  }

  @Test
  void warnsAtTheWriteOfAnAttributeReadBefore() throws IOException {
    List<Diagnostic> d = lower("self.calls += 1\nreturn self.lin(x) * self.calls\n");
    assertEquals(1, d.size(), d::toString);
    assertEquals(Code.DN0117, d.get(0).code());
    assertEquals(15, d.get(0).span().line());
    assertTrue(d.get(0).message().contains("Net.calls, which it read before (line 15)"));
  }

  @Test
  void aRecurrentStateCarriedAcrossCallsIsState() throws IOException {
    List<Diagnostic> d =
        lower(
            "h = x if self.hidden is None else self.hidden\n"
                + "self.hidden = torch.tanh(self.lin(h))\n"
                + "return self.hidden\n");
    assertEquals(List.of(Code.DN0117), d.stream().map(Diagnostic::code).toList());
    assertEquals(16, d.get(0).span().line());
    assertTrue(d.get(0).message().contains("Net.hidden, which it read before (line 15)"));
  }

  @Test
  void aListAttributeChangedInPlaceIsState() throws IOException {
    List<Diagnostic> d = lower("y = self.lin(x)\nself.counts[0] += 1\nreturn y\n");
    assertEquals(List.of(Code.DN0117), d.stream().map(Diagnostic::code).toList());
    assertEquals(16, d.get(0).span().line());
    assertTrue(d.get(0).message().contains("changes Net.counts in place (read at line 16)"));
  }

  @Test
  void stateResetAtTheStartOfForwardIsNot() throws IOException {
    assertEquals(
        List.of(),
        lower(
            "self.hidden = torch.zeros(1, 4)\n"
                + "self.hidden = torch.tanh(self.lin(x) + self.hidden)\n"
                + "self.calls = 0\n"
                + "self.calls += 1\n"
                + "self.log = []\n"
                + "self.log.append(x)\n"
                + "return self.hidden * self.calls + self.log[0]\n"));
  }

  @Test
  void aListEmptiedBeforeItIsFilledIsNot() throws IOException {
    assertEquals(
        List.of(),
        lower(
            "self.log.clear()\n"
                + "self.log.append(self.lin(x))\n"
                + "self.log.append(x)\n"
                + "self.log = self.log[::-1]\n"
                + "return self.log[0] + self.log[1]\n"));
  }

  @Test
  void aListFilledBeforeItIsEmptiedIsState() throws IOException {
    List<Diagnostic> d =
        lower("self.log.append(x)\nself.log.clear()\nself.counts[0] += 1\nreturn self.lin(x)\n");
    assertEquals(List.of(Code.DN0117, Code.DN0117), d.stream().map(Diagnostic::code).toList());
    assertTrue(d.get(0).message().contains("changes Net.log in place (read at line 15)"));
    assertTrue(d.get(1).message().contains("changes Net.counts in place (read at line 17)"));
  }
}
