# entry: Net()
# input: x=float32[2,1,5]
# inputs: 1.0, 0.3, 2.0
# expand / expand_as, torch.arange in forward (int and float), and a position-weighted reduction.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        y = x.expand(2, 3, 5)
        z = x.expand(-1, 4, -1)
        pos = torch.arange(5)
        w = torch.arange(0.5, 3.0, 0.5)
        weighted = (y * w).sum(dim=2)
        if (weighted.mean() > 0).item():
            return weighted, z.expand_as(torch.zeros(2, 4, 5)), pos
        return -weighted, z, pos * 2
