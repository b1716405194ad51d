# entry: Net()
# input: x=float32[5,1,4]
# States of the wrong shape for bidirectional, projected and unbatched recurrent layers get a
# located error naming the shape PyTorch expects.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.bi = nn.LSTM(4, 6, num_layers=2, bidirectional=True)
        self.proj = nn.LSTM(4, 6, proj_size=2)
        self.gru = nn.GRU(4, 3, bidirectional=True)
        self.cell = nn.GRUCell(4, 3)

    def forward(self, x):
        a = self.bi(x, (torch.zeros(2, 1, 6), torch.zeros(4, 1, 6)))
        b = self.proj(x, (torch.zeros(1, 1, 6), torch.zeros(1, 1, 6)))
        c = self.gru(x[:, 0], torch.zeros(2, 1, 3))
        d = self.cell(x)
        e = self.cell(x[0, 0], torch.zeros(1, 3))
        return a, b, c, d, e
# ---- expected ----
# error[DN0202]: error_recurrent_states.py:18:18: LSTM h state has shape [2, 1, 6], expected [4, 1, 6]
#    |
# 18 |         a = self.bi(x, (torch.zeros(2, 1, 6), torch.zeros(4, 1, 6)))
#    |                  ^
#    = hint: this LSTM was created at error_recurrent_states.py:12:22; check its arguments against the shape of its input
# error[DN0202]: error_recurrent_states.py:19:18: LSTM h state has shape [1, 1, 6], expected [1, 1, 2]
#    |
# 19 |         b = self.proj(x, (torch.zeros(1, 1, 6), torch.zeros(1, 1, 6)))
#    |                  ^
#    = hint: this LSTM was created at error_recurrent_states.py:13:24; check its arguments against the shape of its input
# error[DN0202]: error_recurrent_states.py:20:18: GRU state has shape [2, 1, 3], expected [2, 3] (the input is unbatched)
#    |
# 20 |         c = self.gru(x[:, 0], torch.zeros(2, 1, 3))
#    |                  ^
#    = hint: this GRU was created at error_recurrent_states.py:14:23; check its arguments against the shape of its input
# error[DN0202]: error_recurrent_states.py:21:18: GRUCell expects a [batch, features] or [features] input, got f32[5,1,4]
#    |
# 21 |         d = self.cell(x)
#    |                  ^
#    = hint: this GRUCell was created at error_recurrent_states.py:15:24; check its arguments against the shape of its input
# error[DN0202]: error_recurrent_states.py:22:18: GRUCell state has shape [1, 3], expected [3] (the input is unbatched)
#    |
# 22 |         e = self.cell(x[0, 0], torch.zeros(1, 3))
#    |                  ^
#    = hint: this GRUCell was created at error_recurrent_states.py:15:24; check its arguments against the shape of its input
