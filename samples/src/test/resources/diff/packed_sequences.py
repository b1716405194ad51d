# entry: Encoder()
# input: x=float32[3,6,4]
# input: n=int64[3]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# raises: a sequence length given to pack_padded_sequence is not one PyTorch accepts
# special: n[1]=-1
# special: n[2]=5
# Padded batches of sequences of different lengths through recurrent layers, as NLP encoders run
# them: lengths given at run time (n + 1, 1 to 5 of 6 steps) packed unsorted into a 2-layer
# bidirectional LSTM, the final states of both directions joined, the outputs unpacked to a fixed
# total_length; older code's sort by length, pack sorted, unsort afterwards (a GRU, padding -1);
# pad_sequence and pack_sequence of static pieces. A zero length (n = -1) raises in PyTorch, and so
# does a length of 6 against total_length=5 (n = 5); dynnc must raise on exactly those inputs.
import torch
import torch.nn as nn
import torch.nn.utils.rnn as rnn_utils
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 5, num_layers=2, bidirectional=True, batch_first=True)
        self.gru = nn.GRU(4, 3, batch_first=True)
        self.rnn = nn.RNN(4, 3)
        self.head = nn.Linear(10, 2)

    def forward(self, x, n):
        lengths = n + 1
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, (h, c) = self.lstm(packed)
        seq, lens = pad_packed_sequence(out, batch_first=True, total_length=6)
        feat = torch.cat([h[-2], h[-1]], dim=1)
        sl, order = torch.sort(lengths, descending=True)
        unorder = order.argsort()
        g_out, g_h = self.gru(rnn_utils.pack_padded_sequence(x[order], sl, batch_first=True))
        g_seq, g_lens = rnn_utils.pad_packed_sequence(
            g_out, batch_first=True, padding_value=-1.0, total_length=5)
        padded = rnn_utils.pad_sequence([x[0, :3], x[1], x[2, :5]], batch_first=True,
                                        padding_value=0.5)
        r_out, r_h = self.rnn(nn.utils.rnn.pack_sequence([x[1], x[2, :4], x[0, :2]]))
        r_seq, r_lens = pad_packed_sequence(r_out)
        logits = self.head(feat)
        if lengths.sum() > 7:
            return logits, seq, lens, c, g_seq[unorder], g_h[:, unorder], padded
        return -logits, r_seq, r_lens, r_h, g_lens
