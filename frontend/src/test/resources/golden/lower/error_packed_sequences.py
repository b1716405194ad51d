# entry: Net()
# input: x=float32[2,5,4]
# input: n=int64[2]
# Packed sequences: unpacking run-time lengths without total_length (the output's length would
# depend on the data), reading a PackedSequence's fields, lengths PyTorch refuses when they are
# known while compiling, and a packed batch given to a cell.
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 3, batch_first=True)
        self.cell = nn.GRUCell(4, 3)

    def forward(self, x, n):
        packed = pack_padded_sequence(x, n + 1, batch_first=True, enforce_sorted=False)
        out, h = self.gru(packed)
        seq, lens = pad_packed_sequence(out, batch_first=True)
        d = out.data
        a = pack_padded_sequence(x, [2, 3], batch_first=True)
        b = pack_padded_sequence(x, [3, 0], batch_first=True)
        c = pack_padded_sequence(x, [5], batch_first=True)
        e = pad_packed_sequence(pack_padded_sequence(x, [4, 3], batch_first=True), total_length=3)
        f = self.cell(packed)
        return seq, d, a, b, c, e, f
# ---- expected ----
# error[DN0201]: error_packed_sequences.py:21:21: pad_packed_sequence's output is as long as the longest sequence, which is known only at run time here, so its shape depends on the data
#    |
# 21 |         seq, lens = pad_packed_sequence(out, batch_first=True)
#    |                     ^
#    = hint: pass total_length= the padded length (5 here) to give it a fixed shape
# error[DN0201]: error_packed_sequences.py:22:17: a PackedSequence's data has a shape or order that depends on the lengths, which a compiled model cannot return
#    |
# 22 |         d = out.data
#    |                 ^
#    = hint: unpack it with pad_packed_sequence(...), which gives the padded tensor and the lengths
# error[DN0202]: error_packed_sequences.py:23:13: `lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.
#    |
# 23 |         a = pack_padded_sequence(x, [2, 3], batch_first=True)
#    |             ^
# error[DN0202]: error_packed_sequences.py:24:13: Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0
#    |
# 24 |         b = pack_padded_sequence(x, [3, 0], batch_first=True)
#    |             ^
# error[DN0202]: error_packed_sequences.py:25:13: Expected `len(lengths)` to be equal to batch_size, but got 1 (batch_size=2)
#    |
# 25 |         c = pack_padded_sequence(x, [5], batch_first=True)
#    |             ^
# error[DN0202]: error_packed_sequences.py:26:13: Expected total_length to be at least the length of the longest sequence in input, but got total_length=3 and max sequence length being 4
#    |
# 26 |         e = pad_packed_sequence(pack_padded_sequence(x, [4, 3], batch_first=True), total_length=3)
#    |             ^
# error[DN0102]: error_packed_sequences.py:27:18: GRUCell takes one step of a tensor, not a PackedSequence
#    |
# 27 |         f = self.cell(packed)
#    |                  ^
