# entry: Decoder()
# input: x=float32[1,5,4]
# inputs: 1.0, 0.2, 3.0, 0.5, 2.0, 4.0, 0.7
# Recurrent layers: a 2-layer batch-first LSTM, a GRU over its output, LSTMCell/GRUCell steps with
# explicit states, Elman RNNs (a 2-layer relu RNN, a tanh RNNCell, a relu RNNCell without bias), ending
# in a data-dependent choice on the last input step.
import torch
import torch.nn as nn


class Decoder(nn.Module):
    def __init__(self, n_in=4, hidden=6):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, num_layers=2, batch_first=True)
        self.gru = nn.GRU(hidden, hidden)
        self.cell = nn.LSTMCell(hidden, hidden)
        self.gcell = nn.GRUCell(hidden, hidden, bias=False)
        self.out = nn.Linear(hidden, 2)
        self.rnn = nn.RNN(n_in, hidden, 2, nonlinearity='relu', batch_first=True)
        self.rcell = nn.RNNCell(hidden, hidden)
        self.rcell_relu = nn.RNNCell(hidden, hidden, False, 'relu')

    def forward(self, x):
        seq, (h, c) = self.lstm(x)
        g_seq, g_h = self.gru(seq.transpose(0, 1))
        hx, cx = self.cell(g_seq[-1], (h[1], c[1]))
        hx = self.gcell(hx, hx)
        r_seq, r_h = self.rnn(x, torch.ones(2, 1, 6) * 0.1)
        r = self.rcell_relu(self.rcell(r_seq[:, -1]), r_h[0])
        if x[0, -1].sum() > 0:
            return self.out(hx), g_h, r_seq, r_h, r
        return self.out(-hx), seq, r
