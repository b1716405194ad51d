package dev.dynnc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubgraphTest {
  private static final List<Manifest.TensorSpec> IN =
      List.of(new Manifest.TensorSpec(null, "float32", new long[] {1, 4}));

  static Subgraph model() throws Exception {
    return Subgraph.load(
        "sg0", TestSupport.modelLibrary(), Device.CPU, IN, TestSupport.MODEL_OUTPUTS);
  }

  /** A float32[1,4] array on the CPU. */
  static DeviceArray floats(float... v) {
    return DeviceArray.upload(HostTensor.ofFloats(new long[] {1, 4}, v), Device.CPU);
  }

  @Test
  void outputsAreOwnedCopiesThatLaterCallsDoNotOverwrite() throws Exception {
    try (Subgraph sg = model();
        DeviceArray a = floats(-1, 2, -3, 4);
        DeviceArray b = floats(0, 0, 0, 0)) {
      DeviceArray[] first = sg.call(a);
      DeviceArray[] second = sg.call(b);
      assertArrayEquals(new float[] {1, 3, 1, 5}, first[0].toHost().toFloats());
      assertEquals(5.0, first[1].readDouble());
      assertEquals(5L, first[1].readLong());
      assertTrue(first[2].readBool());
      assertEquals("bool[]", first[2].describe());
      assertArrayEquals(new float[] {1, 1, 1, 1}, second[0].toHost().toFloats());
      assertEquals(false, second[2].readBool());
      assertEquals(HostTensor.scalarBool(false), second[2].toHost());
      for (DeviceArray o : first) {
        o.close();
      }
      for (DeviceArray o : second) {
        o.close();
        o.close(); // idempotent
      }
      assertThrows(IllegalStateException.class, () -> second[0].toHost());
    }
  }

  /**
   * Closed outputs' native arrays are refilled by later calls: a reused buffer holds the new call's
   * values, an array held open is never handed out twice, and arrays closed after the subgraph (and
   * arrays of a second executor) are freed cleanly.
   */
  @Test
  void closedOutputsAreReusedWithoutSharingLiveArrays() throws Exception {
    DeviceArray[] late;
    long live = DeviceArray.liveCount();
    try (Subgraph sg = model();
        DeviceArray a = floats(-1, 2, -3, 4);
        DeviceArray b = floats(0, 0, 0, 0)) {
      for (int round = 0; round < 10; round++) {
        DeviceArray[] held = sg.call(a);
        DeviceArray[] first = sg.call(b);
        for (DeviceArray o : first) {
          o.close();
        }
        DeviceArray[] second = sg.call(round % 2 == 0 ? a : b);
        assertArrayEquals(new float[] {1, 3, 1, 5}, held[0].toHost().toFloats());
        assertArrayEquals(
            round % 2 == 0 ? new float[] {1, 3, 1, 5} : new float[] {1, 1, 1, 1},
            second[0].toHost().toFloats());
        assertEquals(round % 2 == 0, second[2].readBool());
        for (DeviceArray o : held) {
          o.close();
        }
        for (DeviceArray o : second) {
          o.close();
        }
      }
      try (Subgraph other = sg.newExecutor()) {
        DeviceArray[] o = other.call(b);
        assertArrayEquals(new float[] {1, 1, 1, 1}, o[0].toHost().toFloats());
        for (DeviceArray x : o) {
          x.close();
        }
      }
      late = sg.call(a);
    }
    assertEquals(5.0, late[1].readDouble()); // outputs outlive their subgraph
    for (DeviceArray o : late) {
      o.close(); // the subgraph is closed: freed, not kept
    }
    assertEquals(live, DeviceArray.liveCount());
  }

  /**
   * A run's own calls recycle their outputs through the pools' confined stacks: an array closed in
   * the run is handed to the next call in the run, refilled; one closed the ordinary way (from any
   * thread) is still reused; an array held open is never handed out twice; and closing the subgraph
   * frees what either stack keeps.
   */
  @Test
  void outputsClosedInARunAreReusedByItsNextCalls() throws Exception {
    long live = DeviceArray.liveCount();
    try (Subgraph sg = model();
        DeviceArray a = floats(-1, 2, -3, 4);
        DeviceArray b = floats(0, 0, 0, 0)) {
      DeviceArray[] first = sg.callInRun(a);
      long arrays = DeviceArray.liveCount();
      for (DeviceArray o : first) {
        o.closeInRun();
      }
      for (int round = 0; round < 10; round++) {
        DeviceArray[] held = sg.callInRun(round % 2 == 0 ? b : a);
        DeviceArray[] next = sg.callInRun(round % 2 == 0 ? a : b);
        // the closed outputs came back: the two calls allocated one set of arrays more, once
        assertEquals(
            arrays + (round == 0 ? TestSupport.MODEL_OUTPUTS.size() : 0), DeviceArray.liveCount());
        arrays = DeviceArray.liveCount();
        assertArrayEquals(
            round % 2 == 0 ? new float[] {1, 1, 1, 1} : new float[] {1, 3, 1, 5},
            held[0].toHost().toFloats());
        assertArrayEquals(
            round % 2 == 0 ? new float[] {1, 3, 1, 5} : new float[] {1, 1, 1, 1},
            next[0].toHost().toFloats());
        assertEquals(round % 2 == 0, next[2].readBool());
        for (DeviceArray o : held) {
          o.closeInRun();
        }
        Thread other = new Thread(() -> next[0].close()); // not the run's thread: shared stack
        other.start();
        other.join();
        for (int i = 1; i < next.length; i++) {
          next[i].closeInRun();
        }
        assertThrows(IllegalStateException.class, () -> held[0].toHost());
      }
      // An ordinary call takes from the shared stack only: output 0's array (closed on the other
      // thread) is there; the others are on the confined stacks, so it allocates two.
      DeviceArray[] plain = sg.call(a);
      assertEquals(arrays + 2, DeviceArray.liveCount());
      assertEquals(5.0, plain[1].readDouble());
      for (DeviceArray o : plain) {
        o.close();
      }
    }
    assertEquals(live, DeviceArray.liveCount());
  }

  /**
   * A run that holds many outputs of one call site at once (a decoder keeping every step's logits)
   * gets all of their arrays back in its next run: nothing is allocated or freed in steady state.
   */
  @Test
  void aRunsConfinedStackGrowsToWhatItHeldAtOnce() throws Exception {
    long live = DeviceArray.liveCount();
    int steps = 3 * ArrayPool.MAX_KEPT_OUTPUT;
    try (Subgraph sg = model();
        DeviceArray a = floats(-1, 2, -3, 4)) {
      long arrays = 0;
      for (int run = 0; run < 3; run++) {
        List<DeviceArray[]> held = new java.util.ArrayList<>();
        for (int i = 0; i < steps; i++) {
          held.add(sg.callInRun(a));
        }
        if (run == 0) {
          arrays = DeviceArray.liveCount();
        }
        assertEquals(arrays, DeviceArray.liveCount()); // later runs allocate nothing
        for (DeviceArray[] out : held) {
          assertArrayEquals(new float[] {1, 3, 1, 5}, out[0].toHost().toFloats());
          for (DeviceArray o : out) {
            o.closeInRun();
          }
        }
        assertEquals(arrays, DeviceArray.liveCount()); // and free nothing
      }
    }
    assertEquals(live, DeviceArray.liveCount());
  }

  /** Runs {@code body} with every tensor, however small, bound instead of copied. */
  static void bindingEverything(ThrowingRunnable body) throws Exception {
    long saved = Subgraph.zeroCopyMinBytes;
    Subgraph.zeroCopyMinBytes = 0;
    try {
      body.run();
    } finally {
      Subgraph.zeroCopyMinBytes = saved;
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  /**
   * Bound inputs and outputs give the results copies give: outputs are the caller's arrays, which
   * later calls neither overwrite nor share while they are open.
   */
  @Test
  void boundInputsAndOutputsBehaveLikeCopies() throws Exception {
    bindingEverything(
        () -> {
          try (Subgraph sg = model();
              DeviceArray a = floats(-1, 2, -3, 4);
              DeviceArray b = floats(0, 0, 0, 0)) {
            assertArrayEquals(new int[] {1, 3}, sg.boundCounts(), "x, and y, max(y), max(y) > 3");
            for (int round = 0; round < 3; round++) {
              DeviceArray[] first = sg.call(a);
              DeviceArray[] second = sg.call(b);
              assertArrayEquals(new float[] {1, 3, 1, 5}, first[0].toHost().toFloats());
              assertEquals(5.0, first[1].readDouble());
              assertTrue(first[2].readBool());
              assertArrayEquals(new float[] {1, 1, 1, 1}, second[0].toHost().toFloats());
              assertEquals(1.0, second[1].readDouble());
              assertEquals(false, second[2].readBool());
              for (DeviceArray o : first) {
                o.close();
              }
              for (DeviceArray o : second) {
                o.close();
              }
            }
          }
          Subgraph.zeroCopyMinBytes = 17;
          try (Subgraph sg = model()) {
            assertArrayEquals(new int[] {0, 0}, sg.boundCounts(), "nothing reaches 17 bytes");
          }
          Subgraph.zeroCopyMinBytes = 16;
          try (Subgraph sg = model()) {
            assertArrayEquals(new int[] {1, 1}, sg.boundCounts(), "the 16-byte x and y");
          }
          Subgraph.zeroCopyMinBytes = 2;
          try (Subgraph sg = model()) {
            assertArrayEquals(
                new int[] {1, 2}, sg.boundCounts(), "and the float max, not the bool");
          }
        });
  }

  /**
   * Outputs that alias through TVM's memory plan (a reshape of y, the input x returned as it is, y
   * returned twice) are copied, and still come out right; z and z * 2 are bound.
   */
  @Test
  void aliasedEntriesAreCopiedAndComeOutRight() throws Exception {
    List<Manifest.TensorSpec> in =
        List.of(
            new Manifest.TensorSpec("x", "float32", new long[] {1, 4}),
            new Manifest.TensorSpec("z", "float32", new long[] {1, 4}));
    bindingEverything(
        () -> {
          try (Subgraph sg =
                  Subgraph.load(
                      "alias",
                      TestSupport.aliasLibrary(),
                      Device.CPU,
                      in,
                      TestSupport.ALIAS_OUTPUTS);
              DeviceArray x1 = floats(-1, 2, -3, 4);
              DeviceArray z1 = floats(1, 2, 3, 4);
              DeviceArray x2 = floats(5, -6, 7, -8);
              DeviceArray z2 = floats(-1, -1, -1, -1)) {
            assertArrayEquals(new int[] {1, 1}, sg.boundCounts(), "z, and z * 2 only");
            DeviceArray[] first = sg.call(x1, z1);
            DeviceArray[] second = sg.call(x2, z2);
            float[] y1 = {1, 3, 1, 5};
            float[] y2 = {6, 1, 8, 1};
            assertArrayEquals(y1, first[0].toHost().toFloats());
            assertArrayEquals(y1, first[1].toHost().toFloats(), "the reshape of y");
            assertArrayEquals(new float[] {-1, 2, -3, 4}, first[2].toHost().toFloats());
            assertArrayEquals(y1, first[3].toHost().toFloats(), "y again");
            assertArrayEquals(new float[] {2, 4, 6, 8}, first[4].toHost().toFloats());
            assertArrayEquals(y2, second[1].toHost().toFloats());
            assertArrayEquals(new float[] {5, -6, 7, -8}, second[2].toHost().toFloats());
            assertArrayEquals(y2, second[3].toHost().toFloats());
            assertArrayEquals(new float[] {-2, -2, -2, -2}, second[4].toHost().toFloats());
            for (DeviceArray[] outs : new DeviceArray[][] {first, second}) {
              for (DeviceArray o : outs) {
                o.close();
              }
            }
          }
        });
  }

  @Test
  void rejectsMismatchedInputsAndManifests() throws Exception {
    try (Subgraph sg =
            Subgraph.load(
                "sg0", TestSupport.modelLibrary(), Device.CPU, IN, TestSupport.MODEL_OUTPUTS);
        DeviceArray wrong = DeviceArray.alloc("float32", new long[] {1, 3}, Device.CPU);
        DeviceArray x = floats(-1, 2, -3, 4)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> sg.call(wrong));
      assertEquals(
          "subgraph 'sg0' input 0: expected float32[1,4] on cpu, got float32[1,3] on cpu",
          e.getMessage());
      // Arrays of a pool that passed the check once are trusted; another pool's are checked.
      DeviceArray[] out = sg.callInRun(x);
      for (int round = 0; round < 2; round++) {
        DeviceArray[] again = sg.callInRun(out[0]); // y = max(0, x) + 1 of [1, 3, 1, 5]
        assertArrayEquals(new float[] {2, 4, 2, 6}, again[0].toHost().toFloats());
        e = assertThrows(IllegalArgumentException.class, () -> sg.callInRun(again[1]));
        assertEquals(
            "subgraph 'sg0' input 0: expected float32[1,4] on cpu, got float32[] on cpu",
            e.getMessage());
        for (DeviceArray o : again) {
          o.closeInRun();
        }
      }
      for (DeviceArray o : out) {
        o.close();
      }
    }
    List<Manifest.TensorSpec> badOut =
        List.of(
            TestSupport.MODEL_OUTPUTS.get(0),
            new Manifest.TensorSpec(null, "float32", new long[] {1}),
            TestSupport.MODEL_OUTPUTS.get(2));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Subgraph.load("sg0", TestSupport.modelLibrary(), Device.CPU, IN, badOut));
    assertEquals(
        "output 1 is float32[] in the library but float32[1] in the manifest", e.getMessage());
    List<Manifest.TensorSpec> badName =
        List.of(new Manifest.TensorSpec("y", "float32", new long[] {1, 4}));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Subgraph.load(
                    "sg0",
                    TestSupport.modelLibrary(),
                    Device.CPU,
                    badName,
                    TestSupport.MODEL_OUTPUTS));
    assertEquals("library has no input named 'y'", e.getMessage());
  }

  @Test
  void deviceArraysRoundTripEveryDtype() {
    for (HostTensor t :
        new HostTensor[] {
          HostTensor.scalarLong(-9),
          HostTensor.scalarDouble(0.125),
          HostTensor.scalarBool(true),
          new HostTensor("int32", new long[] {2}, new byte[] {1, 0, 0, 0, -1, -1, -1, -1}),
          new HostTensor("uint8", new long[] {1}, new byte[] {(byte) 200})
        }) {
      try (DeviceArray a = DeviceArray.upload(t, Device.CPU)) {
        assertEquals(t, a.toHost());
        if (a.numel() == 1) {
          assertEquals(t.getDouble(0), a.readDouble());
        }
      }
    }
  }
}
