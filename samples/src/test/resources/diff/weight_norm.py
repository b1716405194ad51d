# entry: Net()
# input: x=float32[1,3,16]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# nn.utils.weight_norm as temporal convolutional networks and WaveNet-style models use it: the
# checkpoint holds weight_g and weight_v, and the weight is v * (g / ||v||) over every dim but
# dim (0 by default; None normalizes the whole tensor), also for an optional term such as
# LayerNorm's bias. Imported both ways; a data-dependent branch.
import torch
import torch.nn as nn
from torch.nn.utils import weight_norm


class TemporalBlock(nn.Module):
    def __init__(self, n_in, n_out, dilation):
        super().__init__()
        self.conv = weight_norm(nn.Conv1d(n_in, n_out, 3, padding=dilation, dilation=dilation))
        self.down = nn.Conv1d(n_in, n_out, 1) if n_in != n_out else None

    def forward(self, x):
        y = torch.relu(self.conv(x))
        return torch.relu(y + (x if self.down is None else self.down(x)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.Sequential(TemporalBlock(3, 4, 1), TemporalBlock(4, 4, 2))
        self.head = nn.utils.weight_norm(nn.Linear(4, 2), dim=None)
        self.gate = nn.utils.weight_norm(nn.Linear(4, 1), name='weight', dim=1)
        self.norm = nn.utils.weight_norm(nn.LayerNorm(4), name='bias', dim=None)

    def forward(self, x):
        h = self.norm(self.blocks(x)[:, :, -1])
        g = self.gate(h)
        if x.sum() > 0:
            return self.head(h) * g
        return -self.head(h), self.head.weight
