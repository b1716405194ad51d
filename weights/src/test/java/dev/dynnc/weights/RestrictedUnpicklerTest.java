package dev.dynnc.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dynnc.semantics.DType;
import dev.dynnc.weights.RestrictedUnpickler.PyBytes;
import dev.dynnc.weights.RestrictedUnpickler.PyDict;
import dev.dynnc.weights.RestrictedUnpickler.PyList;
import dev.dynnc.weights.RestrictedUnpickler.PySet;
import dev.dynnc.weights.RestrictedUnpickler.TensorSpec;
import dev.dynnc.weights.RestrictedUnpickler.Tuple;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Unit tests of {@link RestrictedUnpickler} on pickles built byte by byte, covering opcodes,
 * torch's tensor reduction, and hostile input that Python's pickle module would not produce.
 */
class RestrictedUnpicklerTest {

  private static final String SOURCE = "t.pt: t/data.pkl";
  private static final String PREFIX = SOURCE + " offset ";
  private static final String NOT_ALLOWED =
      " is not allowed in a weights file; " + "only tensors, dicts and basic values are loaded";

  // ------------------------------------------------------------------ values

  @Test
  void loadsBasicValuesOfProtocol2To5() throws Exception {
    P p =
        new P()
            .proto(4)
            .op('}')
            .op('(')
            .str("none")
            .op('N')
            .str("true")
            .op(0x88)
            .str("false")
            .op(0x89)
            .str("neg")
            .op('J')
            .le32(-5)
            .str("u16")
            .op('M', 0x34, 0x12)
            .str("big")
            .op(0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1) // LONG1: 2^64
            .str("minus")
            .op(0x8a, 1, 0xff) // LONG1: -1
            .str("float")
            .op('G')
            .raw(ByteBuffer.allocate(8).putDouble(1.5).array())
            .str("short")
            .op(0x8c, 3)
            .raw("h\u00e9".getBytes(StandardCharsets.UTF_8))
            .str("bytes")
            .op('C', 2, 7, 8)
            .str("list")
            .op(']', '(', 'K', 1, 'K', 2, 'e')
            .str("tuple")
            .op('K', 1, 'N', 'K', 3, 0x87)
            .str("set")
            .op(0x8f, '(', 'K', 1, 0x90)
            .op('u', '.');
    PyDict d = (PyDict) load(p);
    assertEquals(
        List.of(
            "none", "true", "false", "neg", "u16", "big", "minus", "float", "short", "bytes",
            "list", "tuple", "set"),
        List.copyOf(d.map.keySet()));
    assertNull(d.map.get("none"));
    assertEquals(true, d.map.get("true"));
    assertEquals(false, d.map.get("false"));
    assertEquals(-5L, d.map.get("neg"));
    assertEquals(0x1234L, d.map.get("u16"));
    assertEquals(BigInteger.ONE.shiftLeft(64), d.map.get("big"));
    assertEquals(-1L, d.map.get("minus"));
    assertEquals(1.5, d.map.get("float"));
    assertEquals("h\u00e9", d.map.get("short"));
    assertArrayEquals(new byte[] {7, 8}, ((PyBytes) d.map.get("bytes")).bytes());
    assertEquals(List.of(1L, 2L), ((PyList) d.map.get("list")).items);
    assertEquals(Arrays.asList(1L, null, 3L), ((Tuple) d.map.get("tuple")).items);
    assertEquals(List.of(1L), ((PySet) d.map.get("set")).items);
  }

  @Test
  void loadsProtocol0TextOpcodesAsPythonWritesThem() throws Exception {
    // pickle.dumps({'a': 42, 'b': -1.5, 'c': 'h\xe9', 'd': [True, None, 12345678901234567890], 'e':
    // (1, 2)},
    //              protocol=0)
    byte[] pickle =
        ("(dp0\nVa\np1\nI42\nsVb\np2\nF-1.5\nsVc\np3\nVh\u00e9\np4\nsVd\np5\n(lp6\nI01\naNa"
                + "L12345678901234567890L\nasVe\np7\n(I1\nI2\ntp8\ns.")
            .getBytes(StandardCharsets.ISO_8859_1);
    PyDict d = (PyDict) new RestrictedUnpickler(pickle, SOURCE).load();
    assertEquals(42L, d.map.get("a"));
    assertEquals(-1.5, d.map.get("b"));
    assertEquals("h\u00e9", d.map.get("c"));
    assertEquals(
        Arrays.asList(true, null, new BigInteger("12345678901234567890")),
        ((PyList) d.map.get("d")).items);
    assertEquals(List.of(1L, 2L), ((Tuple) d.map.get("e")).items);
  }

  @Test
  void loadsOrderedDictAsPythonWritesIt() throws Exception {
    // pickle.dumps(collections.OrderedDict([('x', 1), ('y', 2)]), protocol=2)
    P p =
        new P()
            .proto(2)
            .global("collections", "OrderedDict")
            .op('q', 0, ')', 'R', 'q', 1, '(')
            .str("x")
            .op('q', 2, 'K', 1)
            .str("y")
            .op('q', 3, 'K', 2, 'u', '.');
    PyDict d = (PyDict) load(p);
    assertEquals(List.of("x", "y"), List.copyOf(d.map.keySet()));
    assertEquals(2L, d.map.get("y"));
  }

  @Test
  void memoSharesObjectsAndToleratesCycles() throws Exception {
    // A list memoized, then appended to itself, then referenced twice from a tuple.
    P p = new P().proto(4).op(']', 0x94, 'h', 0, 'a', 'j').le32(0).op(0x86, '.');
    Tuple t = (Tuple) load(p);
    PyList list = (PyList) t.get(0);
    assertSame(list, t.get(1));
    assertSame(list, list.items.get(0));
  }

  @Test
  void tuplesAreUsableAsDictKeys() throws Exception {
    P p =
        new P()
            .proto(2)
            .op('}', 'K', 1, 'K', 2, 0x86, 'X')
            .le32(1)
            .raw("a".getBytes())
            .op('s')
            .op('K', 1, 'K', 2, 0x86, 'X')
            .le32(1)
            .raw("b".getBytes())
            .op('s', '.');
    PyDict d = (PyDict) load(p);
    assertEquals(1, d.map.size(), "equal tuples are one key, as in Python");
  }

  // ------------------------------------------------------------------ tensors

  @Test
  void rebuildsTensorsSharingAStorage() throws Exception {
    P p =
        new P()
            .proto(2)
            .op('}', '(')
            .str("matrix")
            .tensor("0", "FloatStorage", 12, 0, new long[] {3, 4}, new long[] {4, 1})
            .str("row")
            .tensor("0", "FloatStorage", 12, 4, new long[] {4}, new long[] {1})
            .str("scalar")
            .tensor("1", "LongStorage", 1, 0, new long[0], new long[0])
            .op('u', '.');
    PyDict d = (PyDict) load(p);
    TensorSpec matrix = (TensorSpec) d.map.get("matrix");
    TensorSpec row = (TensorSpec) d.map.get("row");
    TensorSpec scalar = (TensorSpec) d.map.get("scalar");
    assertSame(matrix.storage(), row.storage());
    assertEquals(DType.F32, matrix.storage().dtype());
    assertEquals(12, matrix.storage().numel());
    assertArrayEquals(new long[] {3, 4}, matrix.size());
    assertEquals(4, row.offset());
    assertEquals(DType.I64, scalar.storage().dtype());
    assertEquals(1, scalar.numel());
  }

  @Test
  void unwrapsParametersAndRebuildFromTypeV2() throws Exception {
    P p =
        new P()
            .proto(2)
            .op('}', '(')
            .str("param")
            .global("torch._utils", "_rebuild_parameter")
            .op('(')
            .tensor("0", "HalfStorage", 2, 0, new long[] {2}, new long[] {1})
            .op(0x88)
            .global("collections", "OrderedDict")
            .op(')', 'R', 't', 'R')
            // torch 2.x: _rebuild_from_type_v2(_rebuild_tensor_v2, torch.Tensor, args, state)
            .str("typed")
            .global("torch._tensor", "_rebuild_from_type_v2")
            .op('(')
            .global("torch._utils", "_rebuild_tensor_v2")
            .global("torch", "Tensor")
            .tensorArgs("1", "FloatStorage", 3, 0, new long[] {3}, new long[] {1})
            .op('}', 't', 'R')
            .op('u', '.');
    PyDict d = (PyDict) load(p);
    assertEquals(DType.F16, ((TensorSpec) d.map.get("param")).storage().dtype());
    assertArrayEquals(new long[] {3}, ((TensorSpec) d.map.get("typed")).size());
  }

  @Test
  void emptyTensorMayPointAnywhere() throws Exception {
    P p =
        new P()
            .proto(2)
            .tensor("0", "FloatStorage", 0, 5, new long[] {0, 3}, new long[] {3, 1})
            .op('.');
    assertEquals(0, ((TensorSpec) load(p)).numel());
  }

  @Test
  void rejectsViewReachingPastItsStorage() {
    P p =
        new P()
            .proto(2)
            .tensor("0", "FloatStorage", 2, 0, new long[] {4, 3}, new long[] {3, 1})
            .op('.');
    assertEquals(
        PREFIX
            + p.lastReduce
            + ": tensor of shape [4, 3] with stride [3, 1] at storage offset 0 needs "
            + "12 elements, but storage '0' has only 2",
        error(p));
    // A transposed view with an offset: the last element is 1 + 3*1 + 2*4 = 12, one past the end.
    p =
        new P()
            .proto(2)
            .tensor("0", "FloatStorage", 12, 1, new long[] {4, 3}, new long[] {1, 4})
            .op('.');
    assertEquals(
        PREFIX
            + p.lastReduce
            + ": tensor of shape [4, 3] with stride [1, 4] at storage offset 1 needs "
            + "13 elements, but storage '0' has only 12",
        error(p));
  }

  @Test
  void rejectsNegativeOverflowingAndHugeShapes() {
    P p =
        new P().proto(2).tensor("0", "FloatStorage", 4, 0, new long[] {-1}, new long[] {1}).op('.');
    assertEquals(PREFIX + p.lastReduce + ": tensor size entry is negative (-1)", error(p));
    p =
        new P()
            .proto(2)
            .tensor("0", "FloatStorage", 4, 0, new long[] {1L << 32, 1L << 32}, new long[] {1, 1})
            .op('.');
    assertEquals(
        PREFIX
            + p.lastReduce
            + ": tensor of shape [4294967296, 4294967296] with stride [1, 1] "
            + "overflows a 64-bit index",
        error(p));
    p =
        new P()
            .proto(2)
            .tensor("0", "FloatStorage", 1L << 30, 0, new long[] {1L << 30}, new long[] {1})
            .op('.');
    assertEquals(
        PREFIX
            + p.lastReduce
            + ": tensor of shape [1073741824] is larger than 2 GiB, which dynnc "
            + "cannot load",
        error(p));
    p =
        new P()
            .proto(2)
            .tensor("0", "FloatStorage", 4, 0, new long[] {2, 2}, new long[] {1})
            .op('.');
    assertEquals(
        PREFIX + p.lastReduce + ": tensor size [2, 2] and stride [1] have different lengths",
        error(p));
  }

  @Test
  void rejectsStorageDeclaredWithTwoTypes() {
    P p =
        new P()
            .proto(2)
            .op('(')
            .tensor("0", "FloatStorage", 4, 0, new long[] {4}, new long[] {1})
            .tensor("0", "IntStorage", 4, 0, new long[] {4}, new long[] {1})
            .op('t', '.');
    assertEquals(
        PREFIX + p.lastPersid + ": storage '0' is declared twice with different types or sizes",
        error(p));
  }

  @Test
  void rejectsUnsupportedTensorKinds() {
    assertEquals(
        PREFIX
            + "2: tensor storage type 'torch.ComplexFloatStorage' is not supported; dynnc reads "
            + "float64, float32, float16, bfloat16, int64, int32, int16, int8, uint8 and bool tensors",
        error(new P().proto(2).global("torch", "ComplexFloatStorage")));
    assertEquals(
        PREFIX
            + "2: 'torch._utils._rebuild_qtensor' builds a sparse, quantized or otherwise special "
            + "tensor, which is not supported; only dense tensors are read",
        error(new P().proto(2).global("torch._utils", "_rebuild_qtensor")));
    // _rebuild_tensor(None, 0, (), ()): the REDUCE is at offset 39.
    assertEquals(
        PREFIX + "39: a tensor's storage must be a persistent id, got None",
        error(
            new P()
                .proto(2)
                .global("torch._utils", "_rebuild_tensor")
                .op('(', 'N', 'K', 0, ')', ')', 't', 'R', '.')));
  }

  // ------------------------------------------------------------------ the allow-list

  @Test
  void rejectsGlobalsOutsideTheAllowList() {
    assertEquals(
        PREFIX + "2: global 'builtins.eval'" + NOT_ALLOWED,
        error(new P().proto(2).global("builtins", "eval")));
    assertEquals(
        PREFIX + "2: global 'torch.load'" + NOT_ALLOWED,
        error(new P().proto(2).global("torch", "load")));
    // STACK_GLOBAL, as protocol 4 writes it: the offset is that of the STACK_GLOBAL opcode.
    P p = new P().proto(4).op(0x8c, 5).raw("posix".getBytes()).op(0x8c, 6).raw("system".getBytes());
    int at = p.size();
    assertEquals(PREFIX + at + ": global 'posix.system'" + NOT_ALLOWED, error(p.op(0x93)));
    // INST names its class inline; the name is checked before anything else.
    assertEquals(
        PREFIX + "3: global 'os.system'" + NOT_ALLOWED,
        error(new P().proto(2).op('(').raw("ios\nsystem\n".getBytes())));
    // Text from the file is escaped in messages.
    assertEquals(
        PREFIX + "2: global 'evil\\u001b[31m.x'" + NOT_ALLOWED,
        error(new P().proto(2).global("evil\u001b[31m", "x")));
  }

  @Test
  void rejectsCallsAndObjectCreationBeyondDataConstruction() {
    assertEquals(
        PREFIX + "9: REDUCE applied to a str, which is not callable here",
        error(new P().proto(2).str("a").op(')', 'R')));
    assertEquals(
        PREFIX
            + "17: creating an instance of 'torch.Tensor' with NEWOBJ is not allowed in a weights "
            + "file",
        error(new P().proto(2).global("torch", "Tensor").op(')', 0x81)));
    assertEquals(
        PREFIX + "23: global 'torch.FloatStorage' cannot be called",
        error(new P().proto(2).global("torch", "FloatStorage").op(')', 'R')));
    assertEquals(
        PREFIX + "30: 'collections.OrderedDict' expects 0 or 1 arguments, got 2",
        error(new P().proto(2).global("collections", "OrderedDict").op('N', 'N', 0x86, 'R')));
    assertEquals(
        PREFIX + "4: BUILD on a list is not allowed in a weights file",
        error(new P().proto(2).op(']', '}', 'b')));
    assertEquals(
        PREFIX + "4: APPEND on a dict; only lists can be appended to",
        error(new P().proto(2).op('}', 'N', 'a')));
    assertEquals(
        PREFIX + "5: a list cannot be a dict key", error(new P().proto(2).op('}', ']', 'N', 's')));
    assertEquals(
        PREFIX + "2: copyreg extension codes (EXT1/EXT2/EXT4) are not allowed in a weights file",
        error(new P().proto(2).op(0x82, 1)));
    assertEquals(
        PREFIX
            + "0: text persistent ids (PERSID, pickle protocol 0) are not supported; re-save the "
            + "checkpoint with torch.save's default protocol",
        error(new P().raw("P0\n".getBytes())));
    assertEquals(
        PREFIX
            + "4: unsupported persistent id str; expected ('storage', storage type, key, location, "
            + "size)",
        error(new P().proto(2).op(0x8c, 0).op('Q')));
    assertEquals(
        PREFIX + "2: out-of-band buffers (NEXT_BUFFER) are not supported",
        error(new P().proto(5).op(0x97)));
  }

  // ------------------------------------------------------------------ hostile input

  @Test
  void rejectsForgedLengthsBeforeAllocating() {
    assertEquals(
        PREFIX + "2: BINUNICODE length 4294967280 exceeds the 3 bytes left in the pickle",
        error(new P().proto(2).op('X').le32(0xFFFFFFF0L).raw("abc".getBytes())));
    assertEquals(
        PREFIX
            + "2: BINUNICODE8 length 18446744073709551615 exceeds the 0 bytes left in the pickle",
        error(new P().proto(4).op(0x8d).le64(-1)));
    assertEquals(
        PREFIX + "2: BINBYTES length 2147483648 exceeds the 0 bytes left in the pickle",
        error(new P().proto(3).op('B').le32(1L << 31)));
    assertEquals(
        PREFIX + "2: FRAME length 1000 exceeds the 1 bytes left in the pickle",
        error(new P().proto(4).op(0x95).le64(1000).op('.')));
    assertEquals(
        PREFIX + "2: LONG4 has a negative length (-1)", error(new P().proto(2).op(0x8b).le32(-1)));
    assertEquals(
        PREFIX + "2: BINSTRING has a negative length (-2)",
        error(new P().proto(2).op('T').le32(-2)));
    assertEquals(
        PREFIX + "2: BININT needs 4 bytes but only 1 are left in the pickle",
        error(new P().proto(2).op('J', 1)));
    assertEquals(
        PREFIX + "0: INT argument has more than 4300 digits",
        error(new P().raw(("I" + "9".repeat(5000) + "\n").getBytes())));
  }

  @Test
  void boundsNestingMarksAndMemo() {
    P tuples = new P().op('N');
    for (int i = 0; i < 101; i++) {
      tuples.op(0x85);
    }
    assertEquals(PREFIX + "101: tuples nested more than 100 deep", error(tuples.op('.')));
    P marks = new P();
    for (int i = 0; i < 1001; i++) {
      marks.op('(');
    }
    assertEquals(PREFIX + "1000: more than 1000 nested MARKs", error(marks));
    assertEquals(
        PREFIX + "0: memo entry 4000000000 is read before it is written",
        error(new P().op('j').le32(4_000_000_000L)));
    // (x, x) doubled 60 times: 120 bytes of pickle, 2^61 elements once unfolded; hashing it would
    // never end.
    P dag = new P().op('}', 'N');
    for (int i = 0; i < 60; i++) {
      dag.op('2', 0x86);
    }
    int setitem = dag.size() + 1;
    assertEquals(
        PREFIX
            + setitem
            + ": a tuple of more than 1000 elements, nested ones included, cannot be a "
            + "dict key",
        error(dag.op('N', 's')));
  }

  @Test
  void rejectsMalformedStreams() {
    assertEquals(
        PREFIX + "3: the pickle ends without a STOP opcode; the file is truncated or corrupt",
        error(new P().proto(2).op('}')));
    assertEquals(PREFIX + "0: APPEND on an empty stack", error(new P().op('a')));
    // Values below a MARK are out of reach, as in Python.
    assertEquals(PREFIX + "2: APPEND on an empty stack", error(new P().op(']', '(', 'a')));
    assertEquals(PREFIX + "0: TUPLE without a preceding MARK", error(new P().op('t')));
    assertEquals(
        PREFIX + "3: SETITEMS with an odd number of items (1)",
        error(new P().op('}', '(', 'N', 'u')));
    assertEquals(PREFIX + "0: unknown pickle opcode 0xff", error(new P().op(0xff)));
    assertEquals(
        PREFIX + "0: pickle protocol 6 is newer than the supported protocols 0-5",
        error(new P().op(0x80, 6)));
    assertEquals(PREFIX + "0: STOP with an empty stack", error(new P().op('.')));
    assertEquals(
        PREFIX + "2: BINUNICODE holds invalid UTF-8",
        error(new P().proto(2).op('X').le32(1).op(0xff, '.')));
  }

  // ------------------------------------------------------------------ helpers

  private static Object load(P p) throws CheckpointException {
    return new RestrictedUnpickler(p.bytes(), SOURCE).load();
  }

  private static String error(P p) {
    return assertThrows(CheckpointException.class, () -> load(p)).getMessage();
  }

  /** A pickle written opcode by opcode. */
  private static final class P {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Offset of the last REDUCE written by {@link #tensor}, for expected messages. */
    int lastReduce = -1;

    /** Offset of the last BINPERSID written by {@link #tensorArgs}. */
    int lastPersid = -1;

    P op(int... bytes) {
      for (int b : bytes) {
        out.write(b);
      }
      return this;
    }

    P raw(byte[] bytes) {
      out.writeBytes(bytes);
      return this;
    }

    P proto(int version) {
      return op(0x80, version);
    }

    P le32(long v) {
      return op((int) v, (int) (v >> 8), (int) (v >> 16), (int) (v >> 24));
    }

    P le64(long v) {
      return le32(v).le32(v >> 32);
    }

    P str(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      return op('X').le32(utf8.length).raw(utf8);
    }

    P global(String module, String name) {
      return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** An int as BININT when it fits, else as an 8-byte LONG1. */
    P num(long v) {
      if (v == (int) v) {
        return op('J').le32(v);
      }
      return op(0x8a, 8).le64(v);
    }

    P tuple(long[] values) {
      op('(');
      for (long v : values) {
        num(v);
      }
      return op('t');
    }

    /** The argument tuple of _rebuild_tensor_v2, as torch.save writes it. */
    P tensorArgs(
        String key, String storageType, long numel, long offset, long[] size, long[] stride) {
      op('(', '(')
          .str("storage")
          .global("torch", storageType)
          .str(key)
          .str("cpu")
          .num(numel)
          .op('t');
      lastPersid = size();
      op('Q').num(offset).tuple(size).tuple(stride).op(0x89);
      return global("collections", "OrderedDict").op(')', 'R', 't');
    }

    P tensor(String key, String storageType, long numel, long offset, long[] size, long[] stride) {
      global("torch._utils", "_rebuild_tensor_v2")
          .tensorArgs(key, storageType, numel, offset, size, stride);
      lastReduce = size();
      return op('R');
    }

    int size() {
      return out.size();
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
