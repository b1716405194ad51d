# entry: Net()
# input: x=float32[1,8]
# inputs: 0.1, 0.4, 1.0, 2.0, 5.0, 10.0
# special: x[0,0]=8.0
# special: x[0,3]=-8.0
# Python's max/min with a key known only at run time: the most confident of several heads
# (tensors), the weakest by another score, and the index of the best (a run-time int); the first
# strictly better item wins, as in CPython.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.heads = nn.ModuleList([nn.Linear(8, 4) for _ in range(3)])

    def forward(self, x):
        outs = [head(x) for head in self.heads]
        best = max(outs, key=lambda o: o.softmax(dim=1).max().item())
        worst = min(outs, key=lambda o: float(o.sum()))
        idx = max(range(len(outs)), key=lambda i: outs[i].mean().item())
        return best, worst, idx, outs[idx] * 2.0
