# entry: HostChain()
# input: x=float32[1,8]
# inputs: 3.0, -3.0, 0.1, 10.0, -10.0
# A value read back with .item() and updated in an unrolled Python loop of 3,000 steps: one block
# of 6,000 host ops, more than a Java method may hold, so the host class moves them into methods
# of their own. A data-dependent choice on the value ends it.
import torch
import torch.nn as nn


class HostChain(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        h = self.fc(x)
        v = h.sum().item()
        for i in range(3000):
            v = v * 0.999 + 0.001
        if v > 1.0:
            return h, v
        return -h, v - 1.0
