# entry: Combine()
# input: x=float32[4,6]
# inputs: 1.0, -0.8, 2.0
# special: x[0,0]=3.0
# special: x[0,0]=-3.0
# Writes at computed positions as mixture-of-experts code combines expert outputs: scatter with a
# source, a value and reduce='add'/'multiply', scatter_add, index_add (alpha, in place on a fresh
# zeros tensor), index_copy, index_fill, the in-place scatter_ on a clone, one-hot rows built with
# scatter; indices come from argmax and topk of the data, so they repeat and move; a
# data-dependent branch picks the combination.
import torch
import torch.nn as nn


class Combine(nn.Module):
    def __init__(self):
        super().__init__()
        self.gate = nn.Linear(6, 3)
        self.experts = nn.ModuleList([nn.Linear(6, 6) for _ in range(3)])

    def forward(self, x):
        logits = self.gate(x)
        top = logits.argmax(dim=1)
        onehot = torch.zeros(4, 3).scatter(1, top.unsqueeze(1), 1.0)
        idx2 = logits.topk(2, dim=1).indices
        s1 = x.scatter(1, idx2, logits[:, :2])
        s2 = torch.scatter(x, 0, idx2.t().contiguous()[:, :1].repeat(1, 6) % 4, x[:2] * 2, reduce='add')
        s3 = x.scatter(1, idx2, 0.5, reduce='multiply')
        s4 = torch.zeros(3, 6).scatter_add(0, top.unsqueeze(1).repeat(1, 6), x)
        out = torch.zeros(3, 6)
        out.index_add_(0, top, x, alpha=0.5)
        rows = x.index_copy(0, torch.tensor([2, 0]), x[:2] * 10)
        filled = x.index_fill(1, top, -1.0)
        c = x.clone()
        c.scatter_(1, idx2, 7.0)
        mixed = torch.stack([e(x) for e in self.experts], dim=1)
        picked = (mixed * onehot.unsqueeze(2)).sum(dim=1)
        if x[0, 0] > 0:
            return picked, onehot, s1, s2, s3, s4, out, rows, filled, c
        return s4 + out, filled, c
