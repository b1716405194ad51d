package dev.dynnc.rewrite.passes;

import dev.dynnc.ir.Block;
import dev.dynnc.ir.Function;
import dev.dynnc.ir.Op;
import dev.dynnc.ir.Type;
import dev.dynnc.ir.ValueId;
import dev.dynnc.rewrite.Partitioner;
import dev.dynnc.rewrite.Pass;
import dev.dynnc.rewrite.PassContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Cuts a block where a run-time scalar computed from the block's own device values goes back to the
 * device ({@code i = int(x.argmax().item()); y = table[i]} in one block): the host program runs a
 * block's subgraph first and its host ops after it, so the scalar exists only once that subgraph
 * has run, and the device ops that read it must be in a subgraph called later.
 *
 * <p>The block keeps its parameters and its ops up to the {@code to_tensor} of such a scalar, and
 * jumps to a new block without parameters, numbered right after it (later blocks are renumbered),
 * that holds the rest of its ops and its terminator; the rest is cut again where it needs to be.
 * The first piece dominates the second, so the second reads the first's values directly: the
 * partitioner makes device values that cross the cut outputs of the first subgraph and inputs of
 * the second. A scalar of an earlier block (a loop counter, a block parameter) needs no cut; its
 * upload runs before the block's call. Runs last, after every pass that merges or moves blocks.
 */
public final class SplitAtUploads implements Pass {
  @Override
  public String name() {
    return "split-at-uploads";
  }

  @Override
  public Function run(Function f, PassContext ctx) {
    List<List<List<Op>>> piecesOf = new ArrayList<>();
    for (Block b : f.blocks()) {
      piecesOf.add(cut(b.ops()));
    }
    return Rewrites.cutBlocks(f, piecesOf);
  }

  /**
   * The block's ops in pieces: a new piece starts at each upload of a scalar that the current
   * piece's device ops compute (through {@code item} and host arithmetic).
   */
  static List<List<Op>> cut(List<Op> ops) {
    List<List<Op>> pieces = new ArrayList<>();
    List<Op> piece = new ArrayList<>();
    // Values of the current piece that exist only once its subgraph has run: its device values
    // and host values computed from them.
    Set<ValueId> afterCall = new HashSet<>();
    for (Op op : ops) {
      boolean upload = op.name().equals(Partitioner.UPLOAD);
      if (upload && afterCall.contains(op.operands().get(0))) {
        pieces.add(piece);
        piece = new ArrayList<>();
        afterCall.clear();
      }
      piece.add(op);
      boolean device = op.type() instanceof Type.TensorType && !upload;
      if (device || op.operands().stream().anyMatch(afterCall::contains) && !upload) {
        afterCall.add(op.result());
      }
    }
    pieces.add(piece);
    return pieces;
  }
}
