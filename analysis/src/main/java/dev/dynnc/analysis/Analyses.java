package dev.dynnc.analysis;

import com.google.common.collect.MapMaker;
import dev.dynnc.ir.Function;
import java.util.Map;

/**
 * A cache of analyses per function.
 *
 * <p>Functions are immutable values, so an analysis computed for one stays valid for it; a pass
 * that changes a function returns a new one, which naturally misses the cache. Keys are held weakly
 * by identity so finished compilations do not keep their analyses alive.
 */
public final class Analyses {
  private static final Map<Function, Cfg> CFGS = new MapMaker().weakKeys().makeMap();
  private static final Map<Function, ValueInfo> VALUES = new MapMaker().weakKeys().makeMap();

  private Analyses() {}

  public static Cfg cfg(Function f) {
    return CFGS.computeIfAbsent(f, Cfg::of);
  }

  public static ValueInfo values(Function f) {
    return VALUES.computeIfAbsent(f, ValueInfo::compute);
  }
}
