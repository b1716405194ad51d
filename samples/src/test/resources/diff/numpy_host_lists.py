# entry: Exits()
# input: x=float32[1,6]
# inputs: 0.3, 1.0, 2.5, 0.1, 4.0, 1.7, 0.6, 3.0
# special: x[0,0]=nan
# numpy on Python lists of run-time values, the way inference code picks an exit: np.argmax of
# per-exit confidences read with .item(), np.max/min/sum/mean/prod of such lists, and a list that
# mixes run-time values with numbers. NaN follows numpy (max is NaN, argmax the first NaN).
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Exits(nn.Module):
    def __init__(self):
        super().__init__()
        self.heads = nn.ModuleList([nn.Linear(6, 4) for _ in range(3)])

    def forward(self, x):
        confs = []
        for head in self.heads:
            confs.append(F.softmax(head(x), dim=1).max().item())
        best = np.argmax(confs)
        worst = np.argmin(confs)
        top = np.max(confs)
        low = np.min(confs)
        total = np.sum(confs)
        avg = np.mean(confs)
        ints = [int(x.sum().item() > 0), 2, int(x.max().item() > 1)]
        count = np.sum(ints)
        prod = np.prod(ints)
        picked = self.heads[0](x) if best == 0 else self.heads[1](x) * 2.0
        return best, worst, top, low, total, avg, count, prod, picked
