# entry: SkipNet(depth=3)
# input: x=float32[1,4,6,6]
# inputs: 0.2, 1.0, 4.0, 0.5, 2.0, 8.0, 12.0, 16.0, 0.05, 24.0, 32.0, 3.0
# SkipNet-style gating: a small gate decides per block, from the data, whether the block runs.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Gate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.fc = nn.Linear(c, 1)

    def forward(self, x):
        return torch.sigmoid(self.fc(F.adaptive_avg_pool2d(x, 1).view(x.size(0), -1)))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)) + x)


class SkipNet(nn.Module):
    def __init__(self, depth=3, c=4):
        super().__init__()
        self.blocks = nn.ModuleList([Block(c) for _ in range(depth)])
        self.gates = nn.ModuleList([Gate(c) for _ in range(depth)])
        self.head = nn.Linear(c, 2)

    def forward(self, x):
        ran = 0
        for block, gate in zip(self.blocks, self.gates):
            if gate(x).item() > 0.5:
                x = block(x)
                ran = ran + 1
        return self.head(x.mean(dim=(2, 3))), ran
