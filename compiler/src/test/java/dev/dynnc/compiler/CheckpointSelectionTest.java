package dev.dynnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.compiler.DynncCompilerTest.FakeService;
import dev.dynnc.diag.Code;
import dev.dynnc.diag.Diagnostic;
import dev.dynnc.frontend.Frontend;
import dev.dynnc.weights.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles {@link DynncCompilerTest#MODEL} (with a fake compile service) from the same weights
 * saved by PyTorch in three layouts: a plain state dict, a training checkpoint that needs {@link
 * Checkpoints.Selection#weightsKey}, and nn.DataParallel's, which needs {@link
 * Checkpoints.Selection#stripPrefix}; the bundles must be identical.
 */
class CheckpointSelectionTest {
  @TempDir static Path dir;

  private static final String SAVE =
      """
      import sys
      import torch
      sys.path.insert(0, sys.argv[1])
      from m.net import Net
      torch.manual_seed(0)
      net = Net()
      sd = net.state_dict()
      out = sys.argv[2]
      torch.save(sd, out + '/plain.pt')
      opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
      torch.save({'epoch': 3, 'net': sd, 'optimizer': opt.state_dict(), 'note': 'best'},
                 out + '/wrapped.pt')
      torch.save(torch.nn.DataParallel(net).state_dict(), out + '/dp.pt')
      from m.tens import Tens
      tens = Tens()
      with torch.no_grad():
          tens.p.copy_(torch.tensor([0.5, -1.0, 2.0, 0.25]))
      torch.save(tens.state_dict(), out + '/tens.pt')
      print(','.join(tens.state_dict()))
      """;

  /**
   * A parameter attribute and a persistent buffer (in the state dict, with the module's own names
   * first), and a non-persistent buffer (not in it). torch.tensor itself is refused in construction
   * code (DN0201, values at construction are the evaluator's business), so the tensors are zeros.
   */
  private static final String TENS =
      """
      import torch
      import torch.nn as nn


      class Tens(nn.Module):
          def __init__(self):
              super().__init__()
              self.p = nn.Parameter(torch.zeros(4))
              self.register_buffer("nb", torch.ones(1), persistent=False)
              self.register_buffer("b", torch.zeros(2, 1))
              self.fc = nn.Linear(4, 2)

          def forward(self, x):
              return self.fc(x * self.p) * self.nb + self.b
      """;

  /** The state dict keys of Tens, as PyTorch wrote them. */
  private static String tensKeys;

  @BeforeAll
  static void saveWeights() throws Exception {
    Files.createDirectories(dir.resolve("src/m"));
    Files.writeString(dir.resolve("src/m/__init__.py"), "");
    Files.writeString(dir.resolve("src/m/net.py"), DynncCompilerTest.MODEL);
    Files.writeString(dir.resolve("src/m/tens.py"), TENS);
    Process p =
        new ProcessBuilder(
                "/usr/bin/python3", "-c", SAVE, dir.resolve("src").toString(), dir.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out");
    assertEquals(0, p.exitValue(), log);
    tensKeys = log.strip();
  }

  private record Run(CompileResult result, List<Diagnostic> reported, Path bundle) {}

  private static Run compile(String weights, Checkpoints.Selection selection, String out)
      throws IOException {
    List<Diagnostic> reported = new ArrayList<>();
    Path bundle = dir.resolve(out);
    CompileResult r =
        DynncCompiler.builder()
            .hostProgram(DynncCompiler.HostProgram.JAVA)
            .compileService(new FakeService(null))
            .diagnostics((d, s) -> reported.add(d))
            .build()
            .compile(
                DynncCompilerTest.request(
                    dir.resolve("src"), dir.resolve(weights), selection, bundle));
    return new Run(r, reported, bundle);
  }

  /** Every file of a bundle but the fake libraries, by relative path. */
  private static Map<String, String> contents(Path bundle) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(bundle)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        out.put(
            bundle.relativize(f).toString(),
            java.util.HexFormat.of().formatHex(Files.readAllBytes(f)));
      }
    }
    return out;
  }

  @Test
  void wrappedAndDataParallelCheckpointsGiveThePlainBundle() throws Exception {
    Run plain = compile("plain.pt", Checkpoints.Selection.NONE, "plain.bundle");
    assertTrue(plain.result().ok(), plain.result()::renderDiagnostics);
    Run wrapped = compile("wrapped.pt", new Checkpoints.Selection("net", null), "wrapped.bundle");
    assertTrue(wrapped.result().ok(), wrapped.result()::renderDiagnostics);
    Run dp = compile("dp.pt", new Checkpoints.Selection(null, "module."), "dp.bundle");
    assertTrue(dp.result().ok(), dp.result()::renderDiagnostics);
    Map<String, String> expected = contents(plain.bundle());
    assertTrue(expected.keySet().stream().anyMatch(k -> k.startsWith("weights/")), "no weights");
    assertEquals(expected, contents(wrapped.bundle()));
    assertEquals(expected, contents(dp.bundle()));
  }

  @Test
  void everyTensorMatchedIsThePlainCheckpointsOwn() {
    // The bundle holds only the shared weights (the fake service keeps each subgraph's own), so
    // compare what the frontend matched, tensor by tensor.
    Map<String, String> plain = matched("plain.pt", Checkpoints.Selection.NONE);
    assertEquals(4, plain.size(), plain.keySet()::toString);
    assertEquals(plain, matched("wrapped.pt", new Checkpoints.Selection("net", null)));
    assertEquals(plain, matched("dp.pt", new Checkpoints.Selection(null, "module.")));
  }

  @Test
  void parametersAndBuffersMatchTheStateDictPyTorchWrites() {
    assertEquals("p,b,fc.weight,fc.bias", tensKeys);
    Frontend.Result r =
        Frontend.lower(
            dir.resolve("src"),
            "m.tens:Tens()",
            "forward",
            InputSpecs.parse(List.of("x=float32[2,4]")),
            Optional.of(dir.resolve("tens.pt")));
    assertTrue(r.ok(), r.diagnostics().all()::toString);
    assertEquals(tensKeys, String.join(",", r.weights().keySet()));
    assertEquals(
        "[0.5, -1.0, 2.0, 0.25]", java.util.Arrays.toString(r.weights().get("p").toFloatArray()));
  }

  /**
   * The model's tensors as the frontend binds them from {@code weights}: name to dtype and bytes.
   */
  private static Map<String, String> matched(String weights, Checkpoints.Selection selection) {
    Frontend.Result r =
        Frontend.lower(
            dir.resolve("src"),
            "m.net:Net()",
            "forward",
            InputSpecs.parse(List.of("x=float32[1,4]")),
            Optional.of(dir.resolve(weights)),
            selection,
            Frontend.DEFAULT_MAX_ERRORS);
    assertTrue(r.ok(), r.diagnostics().all()::toString);
    Map<String, String> out = new TreeMap<>();
    r.weights()
        .forEach((k, t) -> out.put(k, t.dtype() + java.util.HexFormat.of().formatHex(t.data())));
    return out;
  }

  @Test
  void aDataParallelCheckpointWithoutStripPrefixIsOneErrorNamingThePrefix() throws Exception {
    Run r = compile("dp.pt", Checkpoints.Selection.NONE, "refused.bundle");
    assertFalse(r.result().ok());
    assertEquals(1, r.reported().size(), r.result()::renderDiagnostics);
    Diagnostic d = r.reported().get(0);
    assertEquals(Code.DN0304, d.code());
    assertEquals(
        "every key of the checkpoint starts with 'module.', which no parameter or buffer name of"
            + " the model has",
        d.message());
    assertEquals(
        Optional.of(
            "the weights were saved from a wrapped model (such as nn.DataParallel); pass"
                + " --strip-prefix module. (strip-prefix: in a model spec)"),
        d.hint());
    assertEquals(dir.resolve("dp.pt").toString(), d.span().file());
    assertFalse(Files.exists(r.bundle()));
  }

  @Test
  void aWrappedCheckpointWithoutAKeyNamesTheCandidates() throws Exception {
    Run r = compile("wrapped.pt", Checkpoints.Selection.NONE, "refused.bundle");
    assertEquals(1, r.reported().size(), r.result()::renderDiagnostics);
    assertEquals(Code.DN0300, r.reported().get(0).code());
    assertEquals(
        "the checkpoint's top-level dict holds no tensors; the dicts of tensors in it are 'net';"
            + " choose one with --weights-key KEY",
        r.reported().get(0).message());
  }
}
