package dev.dynnc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpyTest {
  @TempDir Path dir;

  /** A tensor of the given dtype and shape {2,3} holding 0..5 (bool: alternating). */
  private static HostTensor sample(String dtype) {
    int item = HostTensor.itemSize(dtype);
    ByteBuffer b = ByteBuffer.allocate(6 * item).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 6; i++) {
      switch (dtype) {
        case "float32":
          b.putFloat(i - 2.5f);
          break;
        case "float64":
          b.putDouble(i * 1e10 + 0.25);
          break;
        case "int64":
          b.putLong(i - 3L << 40);
          break;
        case "int32":
          b.putInt(i - 3);
          break;
        case "uint8":
          b.put((byte) (250 + i));
          break;
        default:
          b.put((byte) (i % 2));
      }
    }
    return new HostTensor(dtype, new long[] {2, 3}, b.array());
  }

  @ParameterizedTest
  @ValueSource(strings = {"float32", "float64", "int64", "int32", "bool", "uint8"})
  void roundTripsEachDtype(String dtype) throws Exception {
    HostTensor t = sample(dtype);
    Path f = dir.resolve(dtype + ".npy");
    Npy.write(f, t);
    assertEquals(t, Npy.read(f));
    assertEquals(
        0,
        (Files.size(f) - t.data().length) % 64,
        "data must start 64-byte aligned, as numpy does");
  }

  @Test
  void roundTripsScalarsAndEmptyArrays() throws Exception {
    for (HostTensor t :
        new HostTensor[] {
          HostTensor.scalarLong(-7),
          HostTensor.scalarDouble(2.5),
          HostTensor.scalarBool(true),
          new HostTensor("float32", new long[] {0, 3}, new byte[0]),
          HostTensor.ofFloats(new long[] {4}, new float[] {1, 2, 3, 4})
        }) {
      assertEquals(t, Npy.parse(Npy.toBytes(t), "mem"));
    }
  }

  @Test
  void readsFilesWrittenByNumpy() throws Exception {
    TestSupport.python(
        String.join(
            "\n",
            "import numpy as np, os",
            "d = '" + dir + "'",
            "np.save(os.path.join(d, 'f4.npy'), np.arange(6, dtype='<f4').reshape(2, 3) - 2.5)",
            "np.save(os.path.join(d, 'f8.npy'), np.array(3.25))",
            "np.save(os.path.join(d, 'i8.npy'), np.array([-(1 << 40), 5], dtype='<i8'))",
            "np.save(os.path.join(d, 'i4.npy'), np.arange(24, dtype='<i4').reshape(2, 3, 4))",
            "np.save(os.path.join(d, 'b1.npy'), np.array([[True, False, True]]))",
            "np.save(os.path.join(d, 'u1.npy'), np.array([0, 255], dtype='u1'))",
            "with open(os.path.join(d, 'v2.npy'), 'wb') as f:",
            "    np.lib.format.write_array(f, np.array([1.5, -2.0], dtype='<f4'), version=(2, 0))"));

    HostTensor f4 = Npy.read(dir.resolve("f4.npy"));
    assertEquals("float32[2,3]", f4.describe());
    assertArrayEquals(new float[] {-2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f}, f4.toFloats());
    HostTensor f8 = Npy.read(dir.resolve("f8.npy"));
    assertEquals("float64[]", f8.describe());
    assertEquals(3.25, f8.getDouble(0));
    HostTensor i8 = Npy.read(dir.resolve("i8.npy"));
    assertEquals(-(1L << 40), ByteBuffer.wrap(i8.data()).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
    assertEquals(5.0, i8.getDouble(1));
    HostTensor i4 = Npy.read(dir.resolve("i4.npy"));
    assertEquals("int32[2,3,4]", i4.describe());
    assertEquals(23.0, i4.getDouble(23));
    HostTensor b1 = Npy.read(dir.resolve("b1.npy"));
    assertEquals("bool[1,3]", b1.describe());
    assertArrayEquals(new byte[] {1, 0, 1}, b1.data());
    assertEquals(255.0, Npy.read(dir.resolve("u1.npy")).getDouble(1));
    assertArrayEquals(new float[] {1.5f, -2.0f}, Npy.read(dir.resolve("v2.npy")).toFloats());
  }

  @Test
  void numpyReadsFilesWeWrite() throws Exception {
    for (String dtype : new String[] {"float32", "float64", "int64", "int32", "bool", "uint8"}) {
      Npy.write(dir.resolve(dtype + ".npy"), sample(dtype));
    }
    Npy.write(dir.resolve("scalar.npy"), HostTensor.scalarDouble(-0.5));
    String out =
        TestSupport.python(
            String.join(
                "\n",
                "import numpy as np, os",
                "d = '" + dir + "'",
                "for n in ['float32', 'float64', 'int64', 'int32', 'bool', 'uint8', 'scalar']:",
                "    a = np.load(os.path.join(d, n + '.npy'))",
                "    print(n, a.dtype, a.shape, a.flags['C_CONTIGUOUS'], a.ravel().tolist())"));
    assertEquals(
        String.join(
            "\n",
            "float32 float32 (2, 3) True [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]",
            "float64 float64 (2, 3) True [0.25, 10000000000.25, 20000000000.25, 30000000000.25,"
                + " 40000000000.25, 50000000000.25]",
            "int64 int64 (2, 3) True [-3298534883328, -2199023255552, -1099511627776, 0, 1099511627776,"
                + " 2199023255552]",
            "int32 int32 (2, 3) True [-3, -2, -1, 0, 1, 2]",
            "bool bool (2, 3) True [False, True, False, True, False, True]",
            "uint8 uint8 (2, 3) True [250, 251, 252, 253, 254, 255]",
            "scalar float64 () True [-0.5]",
            ""),
        out);
  }

  @Test
  void rejectsTruncatedFortranAndUnsupportedFiles() throws Exception {
    TestSupport.python(
        String.join(
            "\n",
            "import numpy as np, os",
            "d = '" + dir + "'",
            "np.save(os.path.join(d, 'fortran.npy'), np.asfortranarray(np.zeros((2, 3), dtype='<f4')))",
            "np.save(os.path.join(d, 'complex.npy'), np.zeros(2, dtype='<c8'))",
            "np.save(os.path.join(d, 'big.npy'), np.zeros(2, dtype='>f4'))",
            "np.save(os.path.join(d, 'ok.npy'), np.zeros((2, 3), dtype='<f4'))"));
    Path ok = dir.resolve("ok.npy");
    byte[] full = Files.readAllBytes(ok);
    Path truncated = dir.resolve("truncated.npy");
    Files.write(truncated, Arrays.copyOf(full, full.length - 5));

    assertEquals(
        "bad .npy file "
            + truncated
            + ": truncated: header says float32[2,3] (24 data bytes) but only"
            + " 19 bytes follow",
        message(truncated));
    assertEquals(
        "bad .npy file "
            + dir.resolve("fortran.npy")
            + ": Fortran-order arrays are not supported; save np.ascontiguousarray(arr)",
        message(dir.resolve("fortran.npy")));
    assertEquals(
        "bad .npy file "
            + dir.resolve("complex.npy")
            + ": unsupported dtype '<c8' (supported: <f4 <f8 <i8 <i4 |b1 |u1)",
        message(dir.resolve("complex.npy")));
    assertEquals(
        "bad .npy file "
            + dir.resolve("big.npy")
            + ": big-endian dtype '>f4' is not supported; save with arr.astype('<f4')",
        message(dir.resolve("big.npy")));

    Path notNpy = dir.resolve("text.npy");
    Files.writeString(notNpy, "hello, world");
    assertEquals(
        "bad .npy file " + notNpy + ": not a .npy file (missing \\x93NUMPY magic)",
        message(notNpy));
    Path trailing = dir.resolve("trailing.npy");
    Files.write(trailing, Arrays.copyOf(full, full.length + 2));
    assertEquals(
        "bad .npy file "
            + trailing
            + ": 2 unexpected bytes after the 24 data bytes of float32[2,3]",
        message(trailing));
  }

  @Test
  void writeReplacesAtomicallyWithoutLeavingTempFiles() throws Exception {
    Path f = dir.resolve("out.npy");
    Npy.write(f, HostTensor.scalarLong(1));
    Npy.write(f, HostTensor.scalarLong(2));
    assertEquals(HostTensor.scalarLong(2), Npy.read(f));
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count());
    }
  }

  @Test
  void hostTensorValidatesDataLength() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new HostTensor("float32", new long[] {2, 2}, new byte[12]));
    assertEquals("float32[2,2] needs 16 bytes, got 12", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new HostTensor("float16", new long[] {1}, new byte[2]));
  }

  private static String message(Path f) {
    return assertThrows(BadInputException.class, () -> Npy.read(f)).getMessage();
  }
}
