package dev.dynnc.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.ir.Function;
import dev.dynnc.ir.Parser;
import dev.dynnc.ir.ValueId;
import org.junit.jupiter.api.Test;

class AnalysisTest {
  static final String DIAMOND =
      """
      func @f(%0 "x": f32[1]) {
      ^bb0:
        %1 = item(%0) : f32
        %2 = const() {value = 0.5} : f64
        %3 = const() {value = 2} : i64
        %4 = mul(%3, %3) : i64
        %5 = gt(%1, %2) : bool
        br %5, ^bb1(), ^bb2()
      ^bb1:
        %6 = relu(%0) : f32[1]
        jump ^bb3(%6)
      ^bb2:
        ret %0
      ^bb3(%7: f32[1]):
        ret (%7, %4)
      }
      """;

  @Test
  void cfgDominatorsAndPostDominators() throws Exception {
    Function f = Parser.parse(DIAMOND);
    Cfg cfg = Analyses.cfg(f);
    assertSame(cfg, Analyses.cfg(f), "analyses are cached per function");
    assertEquals(1, cfg.idom(3));
    assertEquals(0, cfg.idom(2));
    assertTrue(cfg.dominates(1, 3));
    assertTrue(cfg.postDominates(3, 1));
    assertFalse(cfg.postDominates(3, 0), "^bb2 returns without reaching ^bb3");
    assertEquals(-1, cfg.ipostdom(0));
    assertEquals(1, cfg.predecessors(3).length);
  }

  @Test
  void valuesAreClassifiedStaticHostDevice() throws Exception {
    ValueInfo v = Analyses.values(Parser.parse(DIAMOND));
    assertEquals(Placement.DEVICE, v.placement(new ValueId(0)));
    assertEquals(Placement.HOST, v.placement(new ValueId(1)), "read back from the device");
    assertEquals(Placement.STATIC, v.placement(new ValueId(4)), "arithmetic on constants");
    assertEquals(Placement.HOST, v.placement(new ValueId(5)), "depends on a device value");
    assertEquals(Placement.DEVICE, v.placement(new ValueId(7)));
    assertEquals(2, v.uses(new ValueId(3)).size());
  }
}
