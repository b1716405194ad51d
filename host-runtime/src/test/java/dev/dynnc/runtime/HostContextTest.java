package dev.dynnc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The holder counts and memory accounting generated host code relies on to free arrays early. */
class HostContextTest {
  static HostTensor tensor() {
    return HostTensor.ofFloats(new long[] {1, 4}, new float[] {1, 2, 3, 4});
  }

  @Test
  void anArrayIsFreedWhenItsLastHolderReleasesIt() {
    HostContext ctx = new HostContext(List.of(), Device.CPU, List.of());
    long before = DeviceArray.liveCount();
    DeviceArray a = ctx.upload(tensor());
    ctx.retain(a);
    assertEquals(1, ctx.liveArrays());
    assertEquals(16, ctx.liveBytes());
    ctx.release(a);
    assertFalse(a.isClosed(), "one holder is left");
    ctx.release(a);
    assertTrue(a.isClosed());
    assertEquals(0, ctx.liveArrays());
    assertEquals(0, ctx.liveBytes());
    assertEquals(before, DeviceArray.liveCount(), "the process-wide count is back");
    ctx.release(a); // a released array is no longer the run's: nothing happens
    ctx.releaseAll();
  }

  @Test
  void arraysTheRunDoesNotOwnAreLeftAlone() {
    HostContext ctx = new HostContext(List.of(), Device.CPU, List.of());
    try (DeviceArray foreign = DeviceArray.upload(tensor(), Device.CPU)) {
      ctx.retain(foreign);
      ctx.release(foreign);
      assertFalse(foreign.isClosed(), "e.g. a shared weight bound at load time");
      assertEquals(0, ctx.liveArrays());
    }
  }

  @Test
  void anArrayOfOneRunCannotBeOwnedByAnother() {
    HostContext first = new HostContext(List.of(), Device.CPU, List.of());
    HostContext second = new HostContext(List.of(), Device.CPU, List.of());
    DeviceArray a = first.upload(tensor());
    IllegalStateException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class, () -> second.adopt(a));
    assertEquals("device array float32[1,4] belongs to another run", e.getMessage());
    second.release(a);
    assertFalse(a.isClosed(), "the other run does not free it");
    assertEquals(0, second.liveArrays());
    first.releaseAll();
    assertTrue(a.isClosed());
  }

  @Test
  void callResultsAreOwnedAndThePeakIsRecorded() {
    HostContext.Callee twice =
        in ->
            new DeviceArray[] {
              DeviceArray.upload(tensor(), Device.CPU), DeviceArray.upload(tensor(), Device.CPU)
            };
    HostContext ctx = new HostContext(List.of(twice), Device.CPU, List.of());
    DeviceArray x = ctx.upload(tensor());
    for (int i = 0; i < 5; i++) {
      DeviceArray[] r = ctx.call(0, x);
      ctx.release(r);
    }
    assertEquals(1, ctx.liveArrays(), "only the input is left");
    assertEquals(3, ctx.peakArrays(), "the input and one call's two results");
    assertEquals(48, ctx.peakBytes());
    ctx.releaseAll();
    assertTrue(x.isClosed());
    assertEquals(0, ctx.liveBytes());
  }

  @Test
  void packedScalarsAreReadByIndexAndDecodedByKind() {
    // A native host program's status array: the status, then scalars as 64 bits each.
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(32).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putLong(-3).putLong(Double.doubleToRawLongBits(-0.5)).putLong(1).putLong(Long.MIN_VALUE);
    HostContext ctx = new HostContext(List.of(), Device.CPU, List.of());
    DeviceArray a = ctx.upload(new HostTensor("int64", new long[] {4}, b.array()));
    assertEquals(-3, ctx.readLongAt(a, 0));
    assertEquals(-0.5, ctx.readDoubleAt(a, 1));
    assertTrue(ctx.readBoolAt(a, 2));
    assertEquals(Long.MIN_VALUE, ctx.readLongAt(a, 3));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.readLongAt(4));
    assertTrue(e.getMessage().contains("int64[4]"), e.getMessage());
    DeviceArray f = ctx.upload(tensor());
    assertThrows(IllegalStateException.class, () -> f.readLongAt(0));
    ctx.releaseAll();
  }
}
