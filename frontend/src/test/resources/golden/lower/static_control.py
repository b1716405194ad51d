# entry: Net(use_bias_branch=False, depth=3)
# input: x=float32[1,4]
# Static conditions fold and static loops unroll: config flags, counters, shape tests, a static
# while and a static break; only the taken branch reaches the IR.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, use_bias_branch, depth):
        super().__init__()
        self.use_bias_branch = use_bias_branch
        self.depth = depth
        self.fc = nn.Linear(4, 4)
        self.extra = nn.Linear(4, 4) if use_bias_branch else None

    def forward(self, x):
        if self.use_bias_branch:
            x = self.extra(x)
        elif x.size(1) == 4 and self.extra is None:
            x = x + 1
        else:
            x = x - 1
        k = 0
        while k < self.depth:
            x = self.fc(x)
            if k % 2 == 1:
                x = torch.relu(x)
            k += 1
        for _ in range(2):
            if x.dim() != 2:
                break
            x = x * 2
        return x
