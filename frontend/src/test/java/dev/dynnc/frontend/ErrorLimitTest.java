package dev.dynnc.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
 * Tests how many errors one run of {@link Frontend#lower} reports: all independent ones, up to
 * maxErrors.
 */
class ErrorLimitTest {
  /** Five independent mistakes on lines 7 to 11, one a line; a loop repeats the fourth. */
  private static final String MODEL =
      """
      import torch
      import torch.nn as nn


      class Net(nn.Module):
          def forward(self, x):
              a = x.bad_method_one()
              b = self.no_such_attribute
              c = torch.no_such_function(x)
              for i in range(3):
                  d = undefined_name + i
              e = x.bad_method_two()
              return x
      """;

  @TempDir Path root;

  private Frontend.Result lower(int maxErrors) throws IOException {
    Files.writeString(root.resolve("five.py"), MODEL);
    LinkedHashMap<String, TensorType> inputs = new LinkedHashMap<>();
    inputs.put("x", TensorType.of(DType.F32, 1, 4));
    return Frontend.lower(root, "five:Net()", "forward", inputs, Optional.empty(), maxErrors);
  }

  private static List<Integer> lines(Frontend.Result r) {
    return r.diagnostics().all().stream().map(Diagnostic::span).map(s -> s.line()).toList();
  }

  @Test
  void reportsEveryIndependentErrorOnceInSourceOrder() throws IOException {
    Frontend.Result r = lower(Frontend.DEFAULT_MAX_ERRORS);
    assertFalse(r.ok());
    assertEquals(Optional.empty(), r.function());
    // The loop body fails three times with the same error: it is reported once.
    assertEquals(List.of(7, 8, 9, 11, 12), lines(r));
  }

  @Test
  void stopsAtMaxErrors() throws IOException {
    assertEquals(List.of(7, 8), lines(lower(2)));
    assertEquals(List.of(7), lines(lower(1)));
  }

  @Test
  void refusesANonPositiveLimit() {
    assertThrows(IllegalArgumentException.class, () -> lower(0));
  }
}
