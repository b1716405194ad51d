package dev.dynnc.frontend.eval;

import dev.dynnc.diag.Code;
import dev.dynnc.frontend.eval.Values.Builtin;
import dev.dynnc.frontend.eval.Values.PyList;
import dev.dynnc.frontend.eval.Values.PyNamespace;
import dev.dynnc.frontend.eval.Values.PyTuple;
import dev.dynnc.frontend.eval.Values.SymTensor;
import dev.dynnc.ir.Attr;
import dev.dynnc.ir.Span;
import dev.dynnc.semantics.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.nn.utils.rnn}: {@code pack_padded_sequence}, {@code pad_packed_sequence}, {@code
 * pad_sequence} and {@code pack_sequence}, as sequence models run a padded batch through a
 * recurrent layer (the lengths often a model input, known only at run time).
 *
 * <p>PyTorch's PackedSequence drops the padding and so has a shape that depends on the lengths;
 * here a packed sequence is the padded tensor, time-major, and the lengths. A recurrent layer given
 * one runs every step and keeps a sample's state where the step lies past its length (the reverse
 * direction starts from the initial state until it reaches the sample's last step), which is what
 * PyTorch computes on the packed data; its output is zero past the lengths. Unpacking fills the
 * padding with {@code padding_value}. Lengths PyTorch refuses (not positive, out of decreasing
 * order with {@code enforce_sorted}, longer than a {@code total_length}) raise at the call, when
 * compiling if they are known then, else at run time (op {@code check_lengths}, DN0405). A length
 * beyond the padded sequence, which PyTorch 1.13 accepts and then reads past the tensor, raises
 * too.
 */
final class PackedSequences {
  private PackedSequences() {}

  /**
   * A packed batch: {@code data} padded and time-major ({@code [T, B, *]}), {@code lengths} the
   * int64 {@code [B]} lengths, and {@code known} their values where known when compiling (else
   * null). Named as PyTorch's class is, which error messages show.
   */
  record PackedSequence(SymTensor data, SymTensor lengths, long[] known) {}

  private static final Schema PACK =
      Schema.parse(
          "pack_padded_sequence(Tensor input, Any lengths, bool batch_first=False,"
              + " bool enforce_sorted=True) -> Any");
  private static final Schema PAD_PACKED =
      Schema.parse(
          "pad_packed_sequence(Any sequence, bool batch_first=False, float padding_value=0.0,"
              + " int? total_length=None) -> Any");
  private static final Schema PAD =
      Schema.parse(
          "pad_sequence(Tensor[] sequences, bool batch_first=False, float padding_value=0.0)"
              + " -> Tensor");
  private static final Schema PACK_LIST =
      Schema.parse("pack_sequence(Tensor[] sequences, bool enforce_sorted=True) -> Any");

  /** The {@code torch.nn.utils.rnn} module. */
  static PyNamespace module() {
    Map<String, Object> attrs = new HashMap<>();
    attrs.put("pack_padded_sequence", new Builtin("pack_padded_sequence", PackedSequences::pack));
    attrs.put("pad_packed_sequence", new Builtin("pad_packed_sequence", PackedSequences::unpack));
    attrs.put("pad_sequence", new Builtin("pad_sequence", PackedSequences::padSequence));
    attrs.put("pack_sequence", new Builtin("pack_sequence", PackedSequences::packSequence));
    return new PyNamespace("torch.nn.utils.rnn", attrs, false);
  }

  /** The message for reading a packed sequence's fields, whose shapes depend on the lengths. */
  static Object attribute(PackedSequence p, String name, Span at) {
    if (List.of("data", "batch_sizes", "sorted_indices", "unsorted_indices").contains(name)) {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "a PackedSequence's "
              + name
              + " has a shape or order that depends on the lengths, which a compiled model cannot"
              + " return",
          "unpack it with pad_packed_sequence(...), which gives the padded tensor and the lengths");
    }
    throw Interpreter.error(
        Code.DN0101, at, "'PackedSequence' object has no attribute '" + name + "'");
  }

  private static Object pack(Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    BoundArgs p = BoundArgs.bind(PACK, in, a, kw, at);
    TorchLib t = in.torch;
    SymTensor x = p.tensor("input");
    if (x.type().rank() < 2) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "pack_padded_sequence needs a padded batch of at least 2 dimensions, got " + x.type());
    }
    boolean batchFirst = p.bool("batch_first");
    SymTensor data = batchFirst ? swap01(t, x, at) : x;
    return pack(in, data, p.raw("lengths"), p.bool("enforce_sorted"), at);
  }

  /** Packs time-major {@code data} with {@code lengths} (a list of ints or a tensor). */
  private static PackedSequence pack(
      Interpreter in, SymTensor data, Object lengthsArg, boolean enforceSorted, Span at) {
    TorchLib t = in.torch;
    long steps = data.type().dims()[0];
    long batch = data.type().dims()[1];
    long[] known = null;
    SymTensor lengths;
    if (lengthsArg instanceof PyList || lengthsArg instanceof PyTuple) {
      List<Object> items = in.iterate(lengthsArg, at);
      known = new long[items.size()];
      for (int i = 0; i < known.length; i++) {
        Object v = items.get(i);
        if (!(v instanceof Long) && !(v instanceof Double)) {
          known = null;
          break;
        }
        known[i] = v instanceof Long l ? l : (long) (double) (Double) v;
      }
      lengths =
          t.cast(t.tensor(t.call("tensor", List.of(lengthsArg), Map.of(), at), at), DType.I64, at);
    } else {
      lengths = t.tensor(lengthsArg, at);
      if (lengths.type().rank() != 1) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "'lengths' argument should be a 1D CPU int64 tensor, but got "
                + lengths.type().rank()
                + "D tensor");
      }
      lengths = t.cast(lengths, DType.I64, at);
      if (lengths.type().numel() == 1
          && in.staging != null
          && in.staging.knownValue(lengths).orElse(null) instanceof Long v) {
        known = new long[] {v};
      }
    }
    long given = lengths.type().rank() == 1 ? lengths.type().dims()[0] : -1;
    if (given != batch) {
      throw Interpreter.error(
          Code.DN0202,
          at,
          "Expected `len(lengths)` to be equal to batch_size, but got "
              + given
              + " (batch_size="
              + batch
              + ")");
    }
    if (known != null) {
      for (int i = 0; i < known.length; i++) {
        if (known[i] <= 0) {
          throw Interpreter.error(
              Code.DN0202,
              at,
              "Length of all samples has to be greater than 0, but found an element in 'lengths'"
                  + " that is <= 0");
        }
        if (known[i] > steps) {
          throw Interpreter.error(
              Code.DN0202,
              at,
              "length " + known[i] + " is longer than the padded sequence (" + steps + " steps)");
        }
        if (enforceSorted && i > 0 && known[i] > known[i - 1]) {
          throw Interpreter.error(Code.DN0202, at, unsortedMessage());
        }
      }
    } else {
      SymTensor ok =
          and(t, compare(t, ">", lengths, 0L, at), compare(t, "<=", lengths, steps, at), at);
      if (enforceSorted && batch > 1) {
        SymTensor head = Recurrent.slice(t, lengths, 0, 0, batch - 1, at);
        SymTensor tail = Recurrent.slice(t, lengths, 0, 1, batch, at);
        SymTensor sorted = compare(t, ">=", head, tail, at);
        ok = and(t, all(t, ok, at), all(t, sorted, at), at);
      }
      in.staging.check(in, all(t, ok, at), "check_lengths", at);
    }
    return new PackedSequence(data, lengths, known);
  }

  private static String unsortedMessage() {
    return "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You"
        + " can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to"
        + " sidestep this requirement if you do not need ONNX exportability.";
  }

  private static Object unpack(Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    BoundArgs p = BoundArgs.bind(PAD_PACKED, in, a, kw, at);
    TorchLib t = in.torch;
    if (!(p.raw("sequence") instanceof PackedSequence s)) {
      throw Interpreter.error(
          Code.DN0102,
          at,
          "pad_packed_sequence() needs a PackedSequence, got "
              + Builtins.typeName(p.raw("sequence")));
    }
    long steps = s.data().type().dims()[0];
    long out;
    if (!p.isNone("total_length")) {
      out = p.integer("total_length");
      if (s.known() != null) {
        long longest = java.util.Arrays.stream(s.known()).max().orElse(0);
        if (out < longest) {
          throw Interpreter.error(Code.DN0202, at, totalLengthMessage(out, longest));
        }
      } else if (out < steps) {
        SymTensor ok = compare(t, "<=", s.lengths(), out, at);
        in.staging.check(in, all(t, ok, at), "check_lengths", at);
      }
    } else if (s.known() != null) {
      out = java.util.Arrays.stream(s.known()).max().orElse(0);
    } else {
      throw Interpreter.error(
          Code.DN0201,
          at,
          "pad_packed_sequence's output is as long as the longest sequence, which is known only at"
              + " run time here, so its shape depends on the data",
          "pass total_length= the padded length (" + steps + " here) to give it a fixed shape");
    }
    SymTensor data = s.data();
    if (out < steps) {
      data = Recurrent.slice(t, data, 0, 0, out, at);
    } else if (out > steps) {
      long[] dims = data.type().dims();
      dims[0] = out - steps;
      SymTensor pad = t.full(0, data.type().dtype(), dims, at);
      data = t.op("concat", List.of(data, pad), Map.of("axis", Attr.of(0L)), at);
    }
    SymTensor mask = stepMask(t, s.lengths(), out, data.type().rank(), at);
    SymTensor filled =
        t.tensor(t.call("where", List.of(mask, data, p.real("padding_value")), Map.of(), at), at);
    if (p.bool("batch_first")) {
      filled = swap01(t, filled, at);
    }
    return PyTuple.of(filled, s.lengths());
  }

  private static String totalLengthMessage(long total, long longest) {
    return "Expected total_length to be at least the length of the longest sequence in input, but"
        + " got total_length="
        + total
        + " and max sequence length being "
        + longest;
  }

  /** {@code [steps, B, 1, ...]}: whether step t lies within sample b's length. */
  private static SymTensor stepMask(TorchLib t, SymTensor lengths, long steps, int rank, Span at) {
    long batch = lengths.type().dims()[0];
    SymTensor time =
        t.reshape(
            t.tensor(t.call("arange", List.of(steps), Map.of(), at), at),
            new long[] {steps, 1},
            at);
    SymTensor m = compare(t, "<", time, t.reshape(lengths, new long[] {1, batch}, at), at);
    long[] dims = new long[rank];
    java.util.Arrays.fill(dims, 1);
    dims[0] = steps;
    dims[1] = batch;
    return t.reshape(m, dims, at);
  }

  /** {@code [B, 1]}: whether step {@code s} lies within each sample's length. */
  static SymTensor liveAt(TorchLib t, PackedSequence p, long s, Span at) {
    long batch = p.lengths().type().dims()[0];
    return t.reshape(compare(t, ">", p.lengths(), s, at), new long[] {batch, 1}, at);
  }

  private static Object padSequence(
      Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    BoundArgs p = BoundArgs.bind(PAD, in, a, kw, at);
    SymTensor padded = pad(in.torch, p.tensors("sequences"), p.real("padding_value"), at);
    return p.bool("batch_first") ? swap01(in.torch, padded, at) : padded;
  }

  private static Object packSequence(
      Interpreter in, List<Object> a, Map<String, Object> kw, Span at) {
    BoundArgs p = BoundArgs.bind(PACK_LIST, in, a, kw, at);
    List<SymTensor> seqs = p.tensors("sequences");
    SymTensor padded = pad(in.torch, seqs, 0.0, at);
    PyList lengths = new PyList(new ArrayList<>());
    for (SymTensor s : seqs) {
      lengths.items.add(s.type().dims()[0]);
    }
    return pack(in, padded, lengths, p.bool("enforce_sorted"), at);
  }

  /** Sequences {@code [L_i, *]} padded to the longest and stacked time-major: {@code [L, B, *]}. */
  private static SymTensor pad(TorchLib t, List<SymTensor> seqs, double value, Span at) {
    if (seqs.isEmpty()) {
      throw Interpreter.error(Code.DN0202, at, "received an empty list of sequences");
    }
    long longest = 0;
    for (SymTensor s : seqs) {
      if (s.type().rank() < 1) {
        throw Interpreter.error(
            Code.DN0202, at, "each sequence needs at least one dimension, got " + s.type());
      }
      longest = Math.max(longest, s.type().dims()[0]);
    }
    List<Long> trailing = seqs.get(0).type().shape().subList(1, seqs.get(0).type().rank());
    DType dt = seqs.get(0).type().dtype();
    List<SymTensor> parts = new ArrayList<>();
    for (SymTensor s : seqs) {
      List<Long> rest = s.type().shape().subList(1, s.type().rank());
      if (!rest.equals(trailing)) {
        throw Interpreter.error(
            Code.DN0202,
            at,
            "the sequences' trailing dimensions differ: "
                + seqs.get(0).type()
                + " and "
                + s.type());
      }
      SymTensor x = s.type().dtype() == dt ? s : t.cast(s, dt, at);
      long len = s.type().dims()[0];
      if (len < longest) {
        long[] dims = s.type().dims();
        dims[0] = longest - len;
        SymTensor fill = t.full(value, dt, dims, at);
        x = t.op("concat", List.of(x, fill), Map.of("axis", Attr.of(0L)), at);
      }
      long[] dims = x.type().dims();
      long[] one = new long[dims.length + 1];
      one[0] = dims[0];
      one[1] = 1;
      System.arraycopy(dims, 1, one, 2, dims.length - 1);
      parts.add(t.reshape(x, one, at));
    }
    return parts.size() == 1
        ? parts.get(0)
        : t.op("concat", parts, Map.of("axis", Attr.of(1L)), at);
  }

  private static SymTensor swap01(TorchLib t, SymTensor x, Span at) {
    return t.tensor(t.call("transpose", List.of(x, 0L, 1L), Map.of(), at), at);
  }

  private static SymTensor compare(TorchLib t, String op, Object a, Object b, Span at) {
    return t.tensor(t.compare(op, a, b, at), at);
  }

  private static SymTensor and(TorchLib t, SymTensor a, SymTensor b, Span at) {
    return t.op("logical_and", List.of(a, b), Map.of(), at);
  }

  private static SymTensor all(TorchLib t, SymTensor x, Span at) {
    return x.type().rank() == 0 ? x : t.tensor(t.call("all", List.of(x), Map.of(), at), at);
  }
}
