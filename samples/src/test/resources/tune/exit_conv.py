# entry: Net()
# input: x=float32[1,4,8,8]
# inputs: 0.1, 3.0, 1.0, 0.5
# The model TuneTest compiles with --tune: a convolution whose mean decides between an early exit
# and a second convolution, so that both subgraphs have kernels for the auto-scheduler.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(4, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)

    def forward(self, x):
        h = F.relu(self.conv1(x))
        if h.mean() > 0.5:
            return h.sum(dim=(2, 3))
        return F.relu(self.conv2(h)).mean(dim=(2, 3))
