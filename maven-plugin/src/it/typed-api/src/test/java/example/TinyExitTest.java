package example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dynnc.runtime.HostTensor;
import dev.dynnc.runtime.Npy;
import dynnc.models.TinyExit;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Runs the model through its generated class, loaded from the class path, on an input per exit. */
class TinyExitTest {
  @Test
  void bothExitsMatchPyTorch() throws Exception {
    try (TinyExit model = TinyExit.load()) {
      for (int exit = 0; exit < 2; exit++) {
        HostTensor x = Npy.read(Path.of("src/test/resources/x" + exit + ".npy"));
        TinyExit.Result r = model.forward(x);
        assertEquals(exit, r.exit(), "exit taken");
        HostTensor want = Npy.read(Path.of("src/test/resources/logits" + exit + ".npy"));
        assertArrayEquals(want.shape(), r.logits().shape());
        float[] w = want.toFloats();
        float[] g = r.logits().toFloats();
        for (int i = 0; i < w.length; i++) {
          assertEquals(w[i], g[i], 1e-4, "logit " + i + " at exit " + exit);
        }
      }
    }
  }
}
