package dev.dynnc.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynnc.ir.OpDef;
import dev.dynnc.ir.Ops;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * relay_builder.py and the op table agree: its {@code _SPECIAL} table holds exactly the special
 * lowerings the table names, and nothing in it dispatches on op names, so a plain op needs one
 * table entry and nothing in Python.
 */
class RelayLoweringTableTest {
  @Test
  void specialLoweringsMatchTheTable() throws Exception {
    String py;
    try (InputStream in = RelayExport.class.getResourceAsStream("relay_builder.py")) {
      py = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher block = Pattern.compile("(?ms)^_SPECIAL = \\{\\n(.*?)^\\}").matcher(py);
    assertTrue(block.find(), "relay_builder.py has no _SPECIAL table");
    Set<String> python = new TreeSet<>();
    Matcher key = Pattern.compile("(?m)^    \"([a-z_0-9]+)\":").matcher(block.group(1));
    while (key.find()) {
      assertTrue(python.add(key.group(1)), "lowering " + key.group(1) + " appears twice");
    }
    Set<String> table = new TreeSet<>();
    for (OpDef op : Ops.all()) {
      if (op.lowering() instanceof OpDef.Lowering.Special s) {
        table.add(s.name());
      }
    }
    assertEquals(
        table, python, "special lowerings in the op table vs. relay_builder.py's _SPECIAL");
    assertTrue(python.size() > 15, python.toString());
    // No second dispatch on op names: the builder reads lowerings, not names.
    assertFalse(
        Pattern.compile("(name|op\\[\"op\"\\]) (==|in) ").matcher(py).find(),
        "relay_builder.py dispatches on op names");
  }
}
