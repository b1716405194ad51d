# entry: Net()
# input: x=float32[2,8]
# inputs: 1.0, 0.05, 30.0
# Tensors defined before a data-dependent while loop and updated in place inside it, with no
# assignment to their names, are carried from one iteration to the next as PyTorch's storage
# carries them: a running sum (acc.add_(h)), a counter row (stats[0] += 1), an update through an
# alias (a = prod; a.mul_(...)), and a submodule that updates its argument in place.
import torch
import torch.nn as nn


class Bump(nn.Module):
    def forward(self, v, h):
        v += h.mean(dim=0)
        return v


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(8, 8)
        self.bump = Bump()

    def forward(self, x):
        h = torch.tanh(self.lin(x))
        acc = torch.zeros(2, 8)
        stats = torch.zeros(2, 3)
        prod = torch.ones(8)
        bumped = torch.zeros(8)
        while h.abs().sum() < 12.0 and stats[0, 0] < 5:
            h = h * 1.3 + 0.1
            acc.add_(h)
            stats[0] += 1
            a = prod
            a.mul_(h[0].abs() + 0.5)
            self.bump(bumped, h)
        return h, acc, stats, prod, bumped
