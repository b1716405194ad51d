package dev.dynnc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.dynnc.runtime.Bundle;
import dev.dynnc.runtime.HostTensor;
import dev.dynnc.runtime.Manifest;
import dev.dynnc.runtime.Npy;
import dev.dynnc.runtime.OutputValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile dict keys end to end: a model whose results are keyed by quotes, backslashes, comment
 * ends, newlines, NUL, non-ASCII and Java and Python code is compiled with real TVM and run through
 * the CLI and the runtime API; structure and keys must equal what PyTorch returns, the injected
 * code must not run, and the generated host source must contain none of the keys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InjectionTest {
  static final Path MODEL = HostileCorpusTest.CORPUS.resolve("files/inject_model");
  static final Path WEIGHTS = HostileCorpusTest.CORPUS.resolve("files/inject_model.pt");

  /** The file the model's keys try to create, from Java and from Python. */
  static final Path MARKER = Path.of("/tmp/dynnc-pwned-inject");

  static final List<String> CASES = List.of("pos", "neg");

  /**
   * Writes each case's input and PyTorch's result (structure as in outputs.json, leaves as .npy);
   * paths are argv.
   */
  static final String REFERENCE =
      String.join(
          "\n",
          "import json, os, sys",
          "sys.dont_write_bytecode = True",
          "model_dir, weights, out = sys.argv[1:4]",
          "sys.path.insert(0, model_dir)",
          "import numpy as np, torch, inject_model",
          "m = inject_model.InjectModel()",
          "m.load_state_dict(torch.load(weights))",
          "m.eval()",
          "def describe(v, leaves):",
          "    if isinstance(v, torch.Tensor):",
          "        leaves.append(v.detach().numpy())",
          "        return {'type': 'tensor', 'index': len(leaves) - 1, 'dtype': str(v.dtype)[6:], 'shape': list(v.shape)}",
          "    if v is None:",
          "        return {'type': 'none'}",
          "    if isinstance(v, dict):",
          "        return {'type': 'dict', 'keys': list(v), 'items': [describe(x, leaves) for x in v.values()]}",
          "    return {'type': 'tuple' if isinstance(v, tuple) else 'list', 'items': [describe(x, leaves) for x in v]}",
          "for name, sign in (('pos', 1.0), ('neg', -1.0)):",
          "    d = os.path.join(out, name)",
          "    os.makedirs(d)",
          "    x = torch.ones(1, 4) * sign",
          "    np.save(os.path.join(d, 'x.npy'), x.numpy())",
          "    leaves = []",
          "    with torch.no_grad():",
          "        s = describe(m(x), leaves)",
          "    with open(os.path.join(d, 'structure.json'), 'w', encoding='utf-8') as f:",
          "        json.dump(s, f)",
          "    for i, leaf in enumerate(leaves):",
          "        np.save(os.path.join(d, 'output_%d.npy' % i), leaf)");

  Path work;
  Path bundle;
  Path reference;

  @BeforeAll
  void compileAndReference(@TempDir Path dir) throws Exception {
    work = dir;
    Files.deleteIfExists(MARKER);
    bundle = work.resolve("bundle");
    EarlyExitCnnTest.Cli c =
        EarlyExitCnnTest.cli(
            "compile",
            "--source-root",
            MODEL.toString(),
            "--entry",
            "inject_model:InjectModel()",
            "--input",
            "x=float32[1,4]",
            "--weights",
            WEIGHTS.toString(),
            "-o",
            bundle.toString());
    assertEquals(0, c.code(), c.err());
    reference = work.resolve("reference");
    EarlyExitCnnTest.python(
        work, "-c", REFERENCE, MODEL.toString(), WEIGHTS.toString(), reference.toString());
  }

  JsonElement expected(String name) throws Exception {
    return JsonParser.parseString(
        Files.readString(
            reference.resolve(name).resolve("structure.json"), StandardCharsets.UTF_8));
  }

  /** Every dict key in a structure, depth-first. */
  static void keys(JsonElement e, List<String> out) {
    if (e.isJsonObject()) {
      if (e.getAsJsonObject().has("keys")) {
        e.getAsJsonObject().getAsJsonArray("keys").forEach(k -> out.add(k.getAsString()));
      }
      if (e.getAsJsonObject().has("items")) {
        e.getAsJsonObject().getAsJsonArray("items").forEach(i -> keys(i, out));
      }
    }
  }

  @Test
  void cliOutputsMatchPyTorchKeyForKey() throws Exception {
    for (String name : CASES) {
      Path out = work.resolve("out-" + name);
      EarlyExitCnnTest.Cli c =
          EarlyExitCnnTest.cli(
              "run",
              bundle.toString(),
              "--input",
              "x=" + reference.resolve(name).resolve("x.npy"),
              "--output-dir",
              out.toString());
      assertEquals(0, c.code(), c.err());
      JsonElement want = expected(name);
      assertEquals(
          want,
          JsonParser.parseString(
              Files.readString(out.resolve("outputs.json"), StandardCharsets.UTF_8)),
          name);
      List<String> wantKeys = new java.util.ArrayList<>();
      keys(want, wantKeys);
      assertTrue(wantKeys.size() >= 2, name + ": the reference has dict keys");
      long leaves;
      try (Stream<Path> s = Files.list(reference.resolve(name))) {
        leaves = s.filter(p -> p.getFileName().toString().startsWith("output_")).count();
      }
      for (int k = 0; k < leaves; k++) {
        DifferentialTest.compare(
            Npy.read(reference.resolve(name).resolve("output_" + k + ".npy")),
            Npy.read(out.resolve("output_" + k + ".npy")),
            name + " output_" + k);
      }
    }
  }

  @Test
  void runtimeApiGivesTheSameKeys() throws Exception {
    try (Bundle b = Bundle.open(bundle)) {
      for (String name : CASES) {
        OutputValue v = b.run(Map.of("x", Npy.read(reference.resolve(name).resolve("x.npy"))));
        assertEquals(expected(name), JsonParser.parseString(v.structureJson()), name);
      }
      OutputValue neg =
          b.run(Map.of("x", HostTensor.ofFloats(new long[] {1, 4}, new float[] {-1, -1, -1, -1})));
      List<String> keys = List.copyOf(((OutputValue.Dict) neg).entries().keySet());
      assertEquals("say \"hi\"", keys.get(0));
      assertEquals("C:\\temp\\new", keys.get(1));
      assertEquals("C:\temp\new", keys.get(2));
      assertEquals("line1\nline2\r\n", keys.get(5));
      assertEquals("nul\0byte", keys.get(6));
      assertEquals("emoji \uD83D\uDD11 \u2603", keys.get(8));
      assertEquals("lone \uD800 surrogate", keys.get(11));
      assertEquals(
          "\" + String.valueOf(Runtime.getRuntime().exec(\"touch /tmp/dynnc-pwned-inject\")) + \"",
          keys.get(12));
    }
  }

  @Test
  void noInjectedCodeRanAndNoKeyIsInTheGeneratedSource() throws Exception {
    assertFalse(Files.exists(MARKER), "code from a dict key ran");
    String host =
        Files.readString(
            bundle.resolve("host/src/dynnc/generated/Host.java"), StandardCharsets.UTF_8);
    List<String> all = new java.util.ArrayList<>();
    for (Manifest.OutputNode root : Manifest.read(bundle).outputs()) {
      keys(JsonParser.parseString(new com.google.gson.Gson().toJson(root)), all);
    }
    assertEquals(17, all.size());
    for (String k : all) {
      assertFalse(
          !k.isEmpty() && host.contains(k), "key '" + k + "' in the generated source:\n" + host);
    }
    assertFalse(
        host.contains("inject_model"), "the model's file name reached the generated source");
  }
}
