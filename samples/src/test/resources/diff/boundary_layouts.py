# entry: Net()
# input: x=float32[1,3,12,12]
# inputs: 0.05, 0.2, 0.5, 1.0, 2.0, 4.0, 8.0, 0.1, 3.0, 6.0
# Activations that travel between subgraphs in TVM's blocked layouts (BoundaryLayouts): a block that
# runs or is skipped (the join takes either subgraph's result), a data-dependent loop whose body
# takes and returns the same activation, a feature map that two later subgraphs read, a width (12)
# that blocks as neither 8 nor 16, and an activation the model also returns, which stays NCHW. After
# the loop, one subgraph reads the feature map with a convolution and with two poolings (a gate's
# idiom), all from the blocked input as it arrives, none through a transform.
# tanh keeps every activation within [-2, 2], so that float32 error stays far below tolerance.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1)
        self.block = nn.Conv2d(16, 16, 3, padding=1)
        self.loop = nn.Conv2d(16, 16, 3, padding=1)
        self.narrow = nn.Conv2d(16, 12, 3, padding=1)
        self.wide = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.head = nn.Conv2d(12, 12, 1)
        self.fc_narrow = nn.Linear(12, 4)
        self.fc_wide = nn.Linear(32, 4)

    def forward(self, x):
        h = torch.tanh(self.stem(x))
        if h.abs().mean() < 0.7:
            h = torch.tanh(self.block(h)) + h
        steps = 0
        while h.abs().mean() > 0.9 and steps < 3:
            h = torch.tanh(self.loop(h)) * 0.9
            steps += 1
        n = torch.tanh(self.narrow(h))
        if n.mean() > 0.0:
            n = torch.tanh(self.head(n)) + n
            return self.fc_narrow(n.mean(dim=(2, 3))), n
        pooled = F.adaptive_avg_pool2d(h, 2).mean() + F.avg_pool2d(h, 3, stride=2, padding=1).max()
        w = torch.tanh(self.wide(h)) * (1.0 + 0.1 * pooled)
        return self.fc_wide(w.mean(dim=(2, 3))), n
