# entry: Net()
# input: x=float32[2,8]
# inputs: 1.0, 0.05, -1.0, 30.0
# Run-time Python scalars used with tensors, as decoders and adaptive models use them: a loop
# counter of a data-dependent while loop indexing a positional table (self.pe[t]), scaling a
# tensor (t * 0.1) and choosing the row a step writes (outs[t] = h); an int read back from an
# argmax picking a column and added to it in the same block; a float read back dividing a tensor and
# a threshold compared with one; a bool multiplying a tensor; a counter counted from the end; and
# windows of static length at a run-time start (x[..., t:t + 2], self.pe[e - 1:e], t % 3 computed
# twice in x[..., t % 3:t % 3 + 2]); tensors of
# run-time scalars (torch.tensor([e, e - 1]), torch.tensor(s), the legacy torch.LongTensor([k, 3]), and
# torch.FloatTensor(2) filled before it is read: its values are undefined in PyTorch until then);
# and torch.full of an int, which is int64 as in PyTorch.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.pe = nn.Parameter(torch.randn(6, 8))
        self.lin = nn.Linear(8, 8)

    def forward(self, x):
        h = torch.tanh(self.lin(x))
        outs = torch.zeros(6, 2, 8)
        t = 0
        while h.abs().sum() < 12.0 and t < 6:
            h = h * 1.3 + self.pe[t] * 0.5 + t * 0.1
            outs[t] = h
            t += 1
        k = int(x[0].argmax().item())
        picked = x[:, k] * 2 + k
        s = x.abs().max().item()
        scaled = x / s
        above = (x > s * 0.5).float() * (t > 2)
        row = self.pe[k - 6]
        e = t // 2 + 1
        win = x[..., t:t + 2] + self.pe[e - 1:e, :2] + x[..., t % 3:t % 3 + 2]
        pos = self.pe[torch.tensor([e, e - 1])] * torch.tensor(s)
        legacy = torch.LongTensor([k, 3]) + torch.FloatTensor([2.5, -1.5]).long()
        legacy = legacy + torch.FloatTensor(2).fill_(4).long()
        return h, outs, t, picked, scaled, above, row, win, pos, legacy, torch.full((2,), 3) // 2
