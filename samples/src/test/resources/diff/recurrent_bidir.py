# entry: Tagger()
# input: x=float32[1,5,4]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# Bidirectional recurrent layers as sequence taggers and encoders use them: a 2-layer bidirectional
# batch-first LSTM with a projection (proj_size) and given states, a bidirectional GRU over its
# output (time-major), a bidirectional relu RNN, an unbatched LSTM and GRUCell, and the layers'
# attributes read in Python (num_directions from .bidirectional), ending in a data-dependent choice.
import torch
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self, n_in=4, hidden=6):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, num_layers=2, batch_first=True, bidirectional=True,
                            proj_size=3)
        self.gru = nn.GRU(6, hidden, bidirectional=True)
        self.rnn = nn.RNN(n_in, 5, nonlinearity='relu', bidirectional=True, batch_first=True)
        self.plain = nn.LSTM(n_in, 3)
        self.cell = nn.GRUCell(n_in, 3)
        dirs = 2 if self.gru.bidirectional else 1
        self.out = nn.Linear(dirs * self.gru.hidden_size, 2)

    def forward(self, x):
        h0 = torch.ones(4, 1, 3) * 0.2
        c0 = torch.ones(4, 1, 6) * -0.1
        seq, (h, c) = self.lstm(x, (h0, c0))
        g_seq, g_h = self.gru(seq.transpose(0, 1))
        r_seq, r_h = self.rnn(x)
        u_seq, (u_h, u_c) = self.plain(x[0])
        u = self.cell(x[0, -1], u_h[0])
        # the last step of the forward direction and the first of the reverse one
        both = torch.cat([g_h[-2], g_h[-1]], dim=1)
        if x[0, -1].sum() > 0:
            return self.out(both), seq, c, r_h, u
        return self.out(-both), g_seq, h, r_seq, u_seq, u_c
