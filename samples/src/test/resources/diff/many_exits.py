# entry: ManyExits()
# input: x=float32[1,8]
# inputs: 1.0, 0.3, 0.05, -2.0
# An unrolled loop of 500 steps with a data-dependent exit after each (a decoder's end-token check
# has this shape): about 1,000 blocks of host code, more than one Java method may hold, so the host
# class is generated split into methods of 16 blocks. The exit step grows as the input shrinks;
# the smallest input runs all 500 steps.
import torch
import torch.nn as nn


class ManyExits(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        h = x
        acc = torch.zeros(1, 1)
        for i in range(500):
            h = torch.tanh(self.fc(h))
            acc = acc + x.abs().mean()
            if acc.sum() > 50.0:
                return h * acc, i
        return h, -1
