# entry: SharedHead()
# input: x=float32[1,3,8,8]
# inputs: 0.2, 1.0, 5.0, 0.05, 3.0, 10.0
# One classifier head used on both sides of a data-dependent branch (and so by two subgraphs):
# its weight (32 KiB, Partitioner.SHARE_MIN_BYTES) is shared between the subgraphs instead of
# compiled into each; its bias, smaller, is compiled into both.
import torch
import torch.nn as nn
import torch.nn.functional as F


class SharedHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.deep = nn.Conv2d(8, 8, 3, padding=1)
        self.head = nn.Linear(8, 1024)

    def forward(self, x):
        f = F.relu(self.conv(x))
        if f.mean() > 0.5:
            return self.head(f.mean(dim=(2, 3))), 0
        g = F.relu(self.deep(f))
        return self.head(g.mean(dim=(2, 3))), 1
