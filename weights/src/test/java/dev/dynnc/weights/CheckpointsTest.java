package dev.dynnc.weights;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dynnc.semantics.DType;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end tests of {@link Checkpoints#read} on files written at test time by real PyTorch
 * (Debian's python3-torch 1.13 at {@code /usr/bin/python3}), plus hostile and corrupt files built
 * with Python's pickle, zipfile and struct modules.
 *
 * <p>For each good file the Python script also dumps every tensor's bytes ({@code
 * numpy().tobytes()}) and its values converted to float32 by torch, so that keys, order, dtypes,
 * shapes, raw bytes and {@code toFloatArray()} are all compared against what torch itself reports.
 * Each bad file must fail with an exact message.
 */
class CheckpointsTest {

  private static final String PYTHON = "/usr/bin/python3";

  @TempDir static Path dir;

  /**
   * Writes all fixtures into {@code sys.argv[1]}; see the comments in the script for what each one
   * is.
   */
  private static final String FIXTURES =
      """
            import io, json, os, pickle, struct, sys, zipfile
            import torch
            d = sys.argv[1]
            NL = chr(10)
            TAB = chr(9)

            # Writes <sub>/manifest.txt (key, dtype, shape per line) and, per tensor, its contiguous bytes (.bin)
            # and the same values converted by torch to float32 (.f32).
            def dump(sd, sub):
                os.makedirs(os.path.join(d, sub), exist_ok=True)
                lines = []
                for k, v in sd.items():
                    v = v.detach().contiguous()
                    if v.dtype == torch.bfloat16:
                        name, raw = 'bfloat16', v.view(torch.int16).numpy().tobytes()
                    else:
                        a = v.numpy()
                        name, raw = str(a.dtype), a.tobytes()
                    with open(os.path.join(d, sub, k + '.bin'), 'wb') as f:
                        f.write(raw)
                    with open(os.path.join(d, sub, k + '.f32'), 'wb') as f:
                        f.write(v.to(torch.float32).numpy().tobytes())
                    lines.append(TAB.join([k, name, ','.join(str(s) for s in v.shape)]))
                with open(os.path.join(d, sub, 'manifest.txt'), 'w') as f:
                    f.write(NL.join(lines) + NL)

            # Copies a zip entry by entry through edit(name, bytes) -> bytes, or None to drop the entry;
            # renames the prefix.
            def rezip(src, dst, prefix, edit):
                with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, 'w', zipfile.ZIP_STORED) as zout:
                    for info in zin.infolist():
                        data = edit(info.filename, zin.read(info.filename))
                        if data is not None:
                            zout.writestr(info.filename.replace(info.filename.split('/')[0], prefix, 1), data)

            # Writes a zip laid out as torch.save does, around an arbitrary data.pkl.
            def torch_layout(path, prefix, pkl):
                with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as z:
                    z.writestr(prefix + '/data.pkl', pkl)
                    z.writestr(prefix + '/version', '3' + NL)

            torch.manual_seed(0)

            # 1. A small model; one training-mode forward pass makes the BatchNorm statistics non-trivial.
            model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.Flatten(),
                                        torch.nn.Linear(4 * 2 * 2, 2))
            model(torch.randn(2, 3, 4, 4))
            sd = model.state_dict()
            torch.save(sd, os.path.join(d, 'seq.pt'))
            dump(sd, 'seq')

            # 2. Every dtype dynnc reads.
            dtypes = {
                'f64': torch.randn(3, 2, dtype=torch.float64),
                'f16': torch.randn(5).half(),
                'bf16': torch.randn(4).bfloat16(),
                'i64': torch.arange(-3, 5, dtype=torch.int64) * 1000000007,
                'i32': torch.tensor([-2147483648, 0, 2147483647], dtype=torch.int32),
                'i16': torch.tensor([-32768, 7, 32767], dtype=torch.int16),
                'i8': torch.tensor([-128, 0, 127], dtype=torch.int8),
                'u8': torch.tensor([0, 128, 255], dtype=torch.uint8),
                'bool': torch.tensor([True, False, True]),
            }
            torch.save(dtypes, os.path.join(d, 'dtypes.pt'))
            dump(dtypes, 'dtypes')

            # 3. Views: all but the last three share one storage of 24 floats.
            base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
            views = {
                'base': base,
                'transposed': base.t(),
                'row': base[1],
                'column': base[:, 2],
                'block': base[1:3, 2:5],
                'stepped': base[::2, ::3],
                'expanded': torch.tensor([1.5, 2.5, 3.5]).expand(2, 3),
                'scalar': torch.tensor(3.25),
                'empty': torch.zeros(0, 3),
            }
            torch.save(views, os.path.join(d, 'views.pt'))
            dump(views, 'views')
            with zipfile.ZipFile(os.path.join(d, 'views.pt')) as z:
                assert len([n for n in z.namelist() if '/data/' in n]) == 4, z.namelist()

            # 4. A training checkpoint nesting the state dict, next to an optimizer dict that also holds tensors.
            opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
            model(torch.randn(2, 3, 4, 4)).sum().backward()
            opt.step()
            torch.save({'epoch': 7, 'state_dict': model.state_dict(), 'optimizer': opt.state_dict()},
                       os.path.join(d, 'nested.pt'))
            dump(model.state_dict(), 'nested')
            torch.save({'model': {'a': torch.ones(1)}, 'state_dict': {'b': torch.ones(1)}, 'step': 3},
                       os.path.join(d, 'ambiguous.pt'))
            # 4b. Layouts that need --weights-key: an unusual key next to optimizer state and plain values,
            # a state dict two levels down, and a key that itself contains a dot.
            torch.save({'epoch': 7, 'net': model.state_dict(), 'optimizer': opt.state_dict(),
                         'meta': {'lr': 0.1, 'tags': ['a', 'b'], 'best': None}},
                       os.path.join(d, 'wrapped.pt'))
            torch.save({'ckpt': {'ema': model.state_dict(), 'step': 3}}, os.path.join(d, 'deep.pt'))
            torch.save({'net.v2': model.state_dict(), 'net': {'v2': {'x': torch.ones(1)}}},
                       os.path.join(d, 'dotted.pt'))
            # 4c. nn.DataParallel's state dict: every key gains 'module.'.
            torch.save(torch.nn.DataParallel(model).state_dict(), os.path.join(d, 'dp.pt'))
            assert all(k.startswith('module.') for k in torch.load(os.path.join(d, 'dp.pt')))
            torch.save({'module.a': torch.ones(1), 'a': torch.zeros(1)}, os.path.join(d, 'clash.pt'))

            # 5. A parameter saved directly and a tensor with Python attributes (reduced via _rebuild_from_type_v2).
            tagged = torch.ones(2)
            tagged.note = 'hello'
            torch.save({'param': torch.nn.Parameter(torch.full((2, 2), 0.5)), 'tagged': tagged},
                       os.path.join(d, 'param.pt'))

            # 6. Other pickle protocols torch.save can be asked for.
            for p in (1, 4, 5):
                torch.save({'w': torch.arange(6, dtype=torch.float32).reshape(2, 3), 'flag': torch.tensor(True)},
                           os.path.join(d, 'proto%d.pt' % p), pickle_protocol=p)

            # 7. safetensors, written by hand: header JSON padded to 8 bytes, then the data section.
            st = {
                'weight': torch.randn(2, 3),
                'half': torch.randn(3).half(),
                'index': torch.tensor([5, -6], dtype=torch.int64),
                'mask': torch.tensor([False, True]),
                'brain': torch.randn(2).bfloat16(),
                'scalar': torch.tensor(-1.5),
                'nothing': torch.zeros(0),
            }
            codes = {torch.float32: 'F32', torch.float16: 'F16', torch.int64: 'I64', torch.bool: 'BOOL',
                     torch.bfloat16: 'BF16'}
            header, blobs, offset = {'__metadata__': {'format': 'pt'}}, [], 0
            for k, v in st.items():
                raw = (v.view(torch.int16) if v.dtype == torch.bfloat16 else v).numpy().tobytes()
                header[k] = {'dtype': codes[v.dtype], 'shape': list(v.shape),
                             'data_offsets': [offset, offset + len(raw)]}
                blobs.append(raw)
                offset += len(raw)
            def write_safetensors(path, header, data):
                h = json.dumps(header).encode('utf-8')
                h += b' ' * (-len(h) % 8)
                with open(path, 'wb') as f:
                    f.write(struct.pack('<Q', len(h)) + h + data)
            write_safetensors(os.path.join(d, 'model.safetensors'), header, b''.join(blobs))
            dump(st, 'safetensors')
            bad = json.loads(json.dumps(header))
            bad['weight']['data_offsets'] = [0, 4096]
            write_safetensors(os.path.join(d, 'badoffsets.safetensors'), bad, b''.join(blobs))

            # 8. Hostile and corrupt inputs.
            marker = os.path.join(d, 'pwned')
            class Evil:
                def __reduce__(self):
                    return (os.system, ('touch ' + marker,))
            torch_layout(os.path.join(d, 'evil.pt'), 'evil', pickle.dumps({'w': Evil()}, protocol=2))
            torch_layout(os.path.join(d, 'evil4.pt'), 'evil4', pickle.dumps({'w': Evil()}, protocol=4))
            assert not os.path.exists(marker)

            seq = open(os.path.join(d, 'seq.pt'), 'rb').read()
            with open(os.path.join(d, 'truncated.pt'), 'wb') as f:
                f.write(seq[:len(seq) // 2])

            torch.save({'w': torch.arange(12, dtype=torch.float32)}, os.path.join(d, 'tmp.pt'))
            rezip(os.path.join(d, 'tmp.pt'), os.path.join(d, 'short.pt'), 'short',
                  lambda n, b: b[:16] if n.endswith('/data/0') else b)
            rezip(os.path.join(d, 'tmp.pt'), os.path.join(d, 'nostorage.pt'), 'nostorage',
                  lambda n, b: None if n.endswith('/data/0') else b)
            os.remove(os.path.join(d, 'tmp.pt'))

            # One bit of a stored tensor flipped, the zip's CRC-32 left as it was: torch.load reads it.
            flipped = os.path.join(d, 'flipped.pt')
            torch.save({'w': torch.arange(12, dtype=torch.float32)}, flipped)
            with zipfile.ZipFile(flipped) as z:
                info = [i for i in z.infolist() if i.filename.endswith('/data/0')][0]
            raw = bytearray(open(flipped, 'rb').read())
            n, e = struct.unpack('<HH', raw[info.header_offset + 26:info.header_offset + 30])
            raw[info.header_offset + 30 + n + e + 5] ^= 0x10
            with open(flipped, 'wb') as f:
                f.write(raw)
            assert torch.load(flipped)['w'][1].item() != 1.0

            # BINUNICODE claiming 4294967280 bytes with 3 bytes left.
            torch_layout(os.path.join(d, 'hugestr.pt'), 'hugestr',
                         bytes([0x80, 2]) + b'X' + struct.pack('<I', 0xFFFFFFF0) + b'abc')

            torch.save({'w': torch.ones(2)}, os.path.join(d, 'legacy.pt'), _use_new_zipfile_serialization=False)
            torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), os.path.join(d, 'scripted.pt'))
            with open(os.path.join(d, 'plain.pkl'), 'wb') as f:
                pickle.dump({'w': [1.0, 2.0]}, f, protocol=2)
            with open(os.path.join(d, 'notes.txt'), 'w') as f:
                f.write('just some text' + NL)
            """;

  @BeforeAll
  static void writeFixtures() throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(PYTHON, "-c", FIXTURES, dir.toString())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    String output = new String(p.getInputStream().readAllBytes(), UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("the fixture script did not finish within 300 s");
    }
    if (p.exitValue() != 0) {
      fail(
          "the fixture script failed (these tests need Debian's python3-torch at "
              + PYTHON
              + ": apt-get install python3-torch):\n"
              + output);
    }
  }

  // ------------------------------------------------------------------ torch.save files

  @Test
  void readsSequentialModelStateDict() throws Exception {
    Map<String, WeightTensor> sd = Checkpoints.read(dir.resolve("seq.pt"));
    assertEquals(
        List.of(
            "0.weight",
            "0.bias",
            "1.weight",
            "1.bias",
            "1.running_mean",
            "1.running_var",
            "1.num_batches_tracked",
            "3.weight",
            "3.bias"),
        List.copyOf(sd.keySet()));
    assertArrayEquals(new long[] {4, 3, 3, 3}, sd.get("0.weight").shape());
    assertArrayEquals(new long[] {2, 16}, sd.get("3.weight").shape());
    WeightTensor tracked = sd.get("1.num_batches_tracked");
    assertEquals(DType.I64, tracked.dtype());
    assertArrayEquals(new long[0], tracked.shape());
    assertArrayEquals(new float[] {1f}, tracked.toFloatArray());
    assertMatchesPython(sd, "seq");
  }

  @Test
  void readsEveryDtype() throws Exception {
    Map<String, WeightTensor> sd = Checkpoints.read(dir.resolve("dtypes.pt"));
    assertEquals(
        List.of(
            DType.F64,
            DType.F16,
            DType.BF16,
            DType.I64,
            DType.I32,
            DType.I16,
            DType.I8,
            DType.U8,
            DType.BOOL),
        sd.values().stream().map(WeightTensor::dtype).toList());
    assertArrayEquals(new float[] {1f, 0f, 1f}, sd.get("bool").toFloatArray());
    assertArrayEquals(new float[] {0f, 128f, 255f}, sd.get("u8").toFloatArray());
    assertMatchesPython(sd, "dtypes");
  }

  @Test
  void readsViewsSharedStoragesScalarsAndEmptyTensors() throws Exception {
    Map<String, WeightTensor> sd = Checkpoints.read(dir.resolve("views.pt"));
    // base is arange(24).reshape(4, 6); transposed is its (non-contiguous) transpose.
    assertArrayEquals(
        new float[] {
          0, 6, 12, 18, 1, 7, 13, 19, 2, 8, 14, 20, 3, 9, 15, 21, 4, 10, 16, 22, 5, 11, 17, 23
        },
        sd.get("transposed").toFloatArray());
    assertArrayEquals(new float[] {8, 9, 10, 14, 15, 16}, sd.get("block").toFloatArray());
    assertArrayEquals(new float[] {0, 3, 12, 15}, sd.get("stepped").toFloatArray());
    assertArrayEquals(
        new float[] {1.5f, 2.5f, 3.5f, 1.5f, 2.5f, 3.5f}, sd.get("expanded").toFloatArray());
    assertArrayEquals(new float[] {3.25f}, sd.get("scalar").toFloatArray());
    assertEquals(0, sd.get("empty").numel());
    assertArrayEquals(new long[] {0, 3}, sd.get("empty").shape());
    // Views sharing a storage must not share (or alias) the returned arrays.
    assertFalse(sd.get("base").data() == sd.get("row").data());
    assertMatchesPython(sd, "views");
  }

  @Test
  void readsStateDictNestedInATrainingCheckpoint() throws Exception {
    // {'epoch': 7, 'state_dict': ..., 'optimizer': ...}: only the model's tensors come back.
    Map<String, WeightTensor> sd = Checkpoints.read(dir.resolve("nested.pt"));
    assertMatchesPython(sd, "nested");
  }

  @Test
  void readsTheStateDictAWeightsKeyNames() throws Exception {
    // {'epoch', 'net', 'optimizer', 'meta'}: 'net' is no well-known name, so the key is needed.
    assertMatchesPython(read("wrapped.pt", new Checkpoints.Selection("net", null)), "nested");
    assertMatchesPython(read("deep.pt", new Checkpoints.Selection("ckpt.ema", null)), "nested");
    // An exact key wins over the same text read as a path.
    assertMatchesPython(read("dotted.pt", new Checkpoints.Selection("net.v2", null)), "nested");
    // The same nested dict is found by the default choice ('state_dict') and by naming it.
    assertMatchesPython(read("nested.pt", new Checkpoints.Selection("state_dict", null)), "nested");
  }

  @Test
  void stripsTheDataParallelPrefix() throws Exception {
    Map<String, WeightTensor> sd = read("dp.pt", new Checkpoints.Selection(null, "module."));
    assertMatchesPython(sd, "nested");
    // Both settings together: the prefix goes from the keys of the entry the key names; keys
    // without it keep their names, as consume_prefix_in_state_dict_if_present leaves them.
    assertEquals(
        List.of(
            "weight",
            "bias",
            "1.weight",
            "1.bias",
            "1.running_mean",
            "1.running_var",
            "1.num_batches_tracked",
            "3.weight",
            "3.bias"),
        List.copyOf(read("wrapped.pt", new Checkpoints.Selection("net", "0.")).keySet()));
  }

  @Test
  void explainsLayoutsThatNeedAWeightsKeyOrPrefix() {
    assertEquals(
        "wrapped.pt: the checkpoint's top-level dict holds no tensors; the dicts of tensors in it are"
            + " 'net'; choose one with --weights-key KEY",
        error("wrapped.pt"));
    assertEquals(
        "deep.pt: the checkpoint's top-level dict holds no tensors; the dicts of tensors in it are"
            + " 'ckpt.ema'; choose one with --weights-key KEY",
        error("deep.pt"));
    assertEquals(
        "wrapped.pt: --weights-key 'model' names no entry of the checkpoint's dict; the dicts of"
            + " tensors in it are 'net'",
        error("wrapped.pt", new Checkpoints.Selection("model", null)));
    assertEquals(
        "wrapped.pt: --weights-key 'epoch' names an int, not a dict of tensors",
        error("wrapped.pt", new Checkpoints.Selection("epoch", null)));
    assertEquals(
        "wrapped.pt: no tensors found; the entry 'meta' has the keys 'lr', 'tags', 'best'",
        error("wrapped.pt", new Checkpoints.Selection("meta", null)));
    assertEquals(
        "model.safetensors: --weights-key 'net' was given, but a .safetensors file is a flat map of"
            + " tensors with no entries to choose from; drop it",
        error("model.safetensors", new Checkpoints.Selection("net", null)));
    assertEquals(
        "seq.pt: --strip-prefix 'module.' starts none of the checkpoint's keys, such as '0.weight'",
        error("seq.pt", new Checkpoints.Selection(null, "module.")));
    assertEquals(
        "clash.pt: with --strip-prefix 'module.', keys 'module.a' and 'a' both become 'a'",
        error("clash.pt", new Checkpoints.Selection(null, "module.")));
  }

  @Test
  void readsParametersAndTensorsWithAttributes() throws Exception {
    Map<String, WeightTensor> sd = Checkpoints.read(dir.resolve("param.pt"));
    assertEquals(List.of("param", "tagged"), List.copyOf(sd.keySet()));
    assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, sd.get("param").toFloatArray());
    assertArrayEquals(new float[] {1f, 1f}, sd.get("tagged").toFloatArray());
  }

  @Test
  void readsOtherPickleProtocols() throws Exception {
    for (int protocol : new int[] {1, 4, 5}) {
      Map<String, WeightTensor> sd = Checkpoints.read(dir.resolve("proto" + protocol + ".pt"));
      assertEquals(List.of("w", "flag"), List.copyOf(sd.keySet()), "protocol " + protocol);
      assertArrayEquals(
          new float[] {0, 1, 2, 3, 4, 5}, sd.get("w").toFloatArray(), "protocol " + protocol);
      assertEquals(DType.BOOL, sd.get("flag").dtype(), "protocol " + protocol);
      assertArrayEquals(new byte[] {1}, sd.get("flag").data(), "protocol " + protocol);
    }
  }

  // ------------------------------------------------------------------ safetensors

  @Test
  void readsSafetensorsWrittenByHand() throws Exception {
    Map<String, WeightTensor> sd = Checkpoints.read(dir.resolve("model.safetensors"));
    assertEquals(
        List.of("weight", "half", "index", "mask", "brain", "scalar", "nothing"),
        List.copyOf(sd.keySet()));
    assertMatchesPython(sd, "safetensors");
  }

  @Test
  void rejectsSafetensorsOffsetsOutsideTheData() {
    assertEquals(
        "badoffsets.safetensors: safetensors tensor 'weight': data_offsets [0, 4096] lie outside the "
            + "56-byte data section",
        error("badoffsets.safetensors"));
  }

  // ------------------------------------------------------------------ hostile and corrupt files

  @Test
  void rejectsPickleThatCallsOsSystemWithoutRunningIt() {
    assertEquals(
        "evil.pt: evil/data.pkl offset 13: global 'posix.system' is not allowed in a weights file; "
            + "only tensors, dicts and basic values are loaded",
        error("evil.pt"));
    assertEquals(
        "evil4.pt: evil4/data.pkl offset 34: global 'posix.system' is not allowed in a weights file; "
            + "only tensors, dicts and basic values are loaded",
        error("evil4.pt"));
    assertFalse(Files.exists(dir.resolve("pwned")), "the payload ran");
  }

  @Test
  void rejectsTruncatedZip() {
    assertEquals(
        "truncated.pt: not a valid zip archive; the file is truncated or corrupt",
        error("truncated.pt"));
  }

  @Test
  void rejectsStorageShorterThanItsTensor() {
    assertEquals(
        "short.pt: zip entry 'short/data/0' holds 16 bytes, but storage '0' needs 48 (12 float32 "
            + "elements); the file is truncated or corrupt",
        error("short.pt"));
    assertEquals(
        "nostorage.pt: storage '0' is missing: the archive has no entry 'nostorage/data/0'",
        error("nostorage.pt"));
  }

  /** Stricter than torch.load, which reads the flipped bit as a wrong weight. */
  @Test
  void rejectsStorageThatFailsItsCrc() {
    String message = error("flipped.pt");
    assertTrue(
        message.matches(
            "flipped\\.pt: zip entry 'flipped/data/0' fails its CRC-32 check \\(the zip records"
                + " [0-9a-f]{8}, its bytes give [0-9a-f]{8}\\); the file is corrupt"),
        message);
  }

  @Test
  void rejectsForgedHugeStringLength() {
    assertEquals(
        "hugestr.pt: hugestr/data.pkl offset 2: BINUNICODE length 4294967280 exceeds the 3 bytes left "
            + "in the pickle",
        error("hugestr.pt"));
  }

  @Test
  void rejectsLegacyFormatWithAHint() {
    assertEquals(
        "legacy.pt: this is a legacy (pre-1.6, non-zip) torch.save file, which dynnc does not read; "
            + "load it in Python and re-save it with torch.save(obj, path) using the default zip format "
            + "(without _use_new_zipfile_serialization=False)",
        error("legacy.pt"));
  }

  @Test
  void rejectsOtherFilesWithAHint() {
    assertEquals(
        "scripted.pt: this is a TorchScript archive (torch.jit.save); dynnc reads weights saved with "
            + "torch.save(model.state_dict(), path)",
        error("scripted.pt"));
    assertEquals(
        "plain.pkl: this is a bare pickle file, not a torch.save archive; save the weights with "
            + "torch.save(model.state_dict(), path) or as .safetensors",
        error("plain.pkl"));
    assertEquals(
        "notes.txt: not a PyTorch checkpoint; expected a torch.save zip archive (.pt, .pth, .bin) or a "
            + ".safetensors file",
        error("notes.txt"));
    assertEquals(
        "ambiguous.pt: the checkpoint's top-level dict holds no tensors; the dicts of tensors in it"
            + " are 'model', 'state_dict'; choose one with --weights-key KEY",
        error("ambiguous.pt"));
  }

  // ------------------------------------------------------------------ helpers

  private static String error(String file) {
    return error(file, Checkpoints.Selection.NONE);
  }

  private static String error(String file, Checkpoints.Selection selection) {
    return assertThrows(CheckpointException.class, () -> read(file, selection)).getMessage();
  }

  /** Opens {@code file} with {@code selection} and loads every tensor it then declares. */
  private static LinkedHashMap<String, WeightTensor> read(
      String file, Checkpoints.Selection selection) throws CheckpointException, IOException {
    try (Checkpoint c = Checkpoints.open(dir.resolve(file), selection)) {
      return c.load(c.entries().keySet());
    }
  }

  /**
   * Compares keys, order, dtypes, shapes, bytes and float values with what the script dumped from
   * torch.
   */
  private static void assertMatchesPython(Map<String, WeightTensor> actual, String sub)
      throws IOException {
    Path expectedDir = dir.resolve(sub);
    List<String> keys = new ArrayList<>();
    for (String line : Files.readAllLines(expectedDir.resolve("manifest.txt"))) {
      String[] fields = line.split("\t", -1);
      String key = fields[0];
      keys.add(key);
      WeightTensor t = actual.get(key);
      assertTrue(t != null, "missing tensor " + key);
      assertEquals(fields[1], t.dtype().numpyName(), key);
      long[] shape =
          fields[2].isEmpty()
              ? new long[0]
              : Arrays.stream(fields[2].split(",")).mapToLong(Long::parseLong).toArray();
      assertArrayEquals(shape, t.shape(), key);
      assertArrayEquals(Files.readAllBytes(expectedDir.resolve(key + ".bin")), t.data(), key);
      float[] floats = new float[(int) t.numel()];
      ByteBuffer.wrap(Files.readAllBytes(expectedDir.resolve(key + ".f32")))
          .order(ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer()
          .get(floats);
      assertArrayEquals(floats, t.toFloatArray(), key);
    }
    assertEquals(keys, List.copyOf(actual.keySet()), "keys in file order");
    assertTrue(actual instanceof LinkedHashMap);
  }
}
