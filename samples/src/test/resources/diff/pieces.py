# entry: Pieces()
# input: x=float32[1,5,12]
# inputs: 1.0, -1.0, 0.2, 3.0
# Cutting tensors into pieces: an LSTM cell written by hand with gates.chunk(4, 1), self-attention
# with qkv.chunk(3, dim=-1), torch.split by size and by sections (a last smaller piece),
# unbind over the time steps, narrow with a negative start and select; a data-dependent exit on
# the result.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Pieces(nn.Module):
    def __init__(self, n_in=12, hidden=8):
        super().__init__()
        self.hidden = hidden
        self.ih = nn.Linear(n_in, 4 * hidden)
        self.hh = nn.Linear(hidden, 4 * hidden)
        self.qkv = nn.Linear(hidden, 3 * hidden)

    def forward(self, x):
        h = torch.zeros(1, self.hidden)
        c = torch.zeros(1, self.hidden)
        states = []
        for xt in x.unbind(1):
            gates = self.ih(xt) + self.hh(h)
            i, f, g, o = gates.chunk(4, 1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            states.append(h)
        seq = torch.stack(states, dim=1)
        q, k, v = self.qkv(seq).chunk(3, dim=-1)
        att = F.softmax(q @ k.transpose(1, 2) / 2.0, dim=-1)
        y = att @ v
        a, b, rest = torch.split(y, [2, 1, 2], dim=1)
        parts = y.split(3, dim=2)
        odd = torch.chunk(x, 5, dim=2)
        tail = y.narrow(1, -2, 2)
        first = x.select(1, 0)
        score = first.sum() * 10 + a.sum() - b.mean() + rest.abs().mean() + parts[-1].sum() + odd[-1].mean()
        if score > 0:
            return tail * 2.0, first, len(parts), len(odd)
        return tail.select(2, -1), first.narrow(1, 3, 4), parts[0], odd[3]
