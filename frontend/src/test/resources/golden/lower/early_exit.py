# entry: build(threshold=0.8)
# input: x=float32[1,8]
# The SDN pattern: a data-dependent `if` with an early return inside a static loop over a
# ModuleList; the fall-through path returns after the loop. Returns (tensor, int) tuples.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Exit(nn.Module):
    def __init__(self, width, classes):
        super().__init__()
        self.fc = nn.Linear(width, classes)

    def forward(self, x):
        return self.fc(x)


class EarlyExit(nn.Module):
    def __init__(self, width=8, classes=3, depth=3, threshold=0.9):
        super().__init__()
        self.threshold = threshold
        self.blocks = nn.ModuleList([nn.Linear(width, width) for _ in range(depth)])
        self.exits = nn.ModuleList([Exit(width, classes) for _ in range(depth - 1)])
        self.final = nn.Linear(width, classes)

    def forward(self, x):
        for i, block in enumerate(self.blocks):
            x = F.relu(block(x))
            if i < len(self.exits):
                logits = self.exits[i](x)
                confidence, _ = torch.max(F.softmax(logits, dim=1), dim=1)
                if confidence.item() >= self.threshold:
                    return logits, i
        return self.final(x), len(self.exits)


def build(**kw):
    return EarlyExit(**kw)
