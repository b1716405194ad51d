# entry: Net()
# input: x=float32[1,3,5]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# F.interpolate and nn.Upsample of 3-d (N, C, L) inputs, as audio and time-series models resample
# feature sequences: nearest by size and by scale factor, linear with and without align_corners,
# upsampling and downsampling, ending in a data-dependent branch.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.Upsample(scale_factor=2, mode='linear')
        self.near = nn.Upsample(size=8)
        self.conv = nn.Conv1d(3, 3, 3, padding=1)

    def forward(self, x):
        a = F.interpolate(x, size=7, mode='nearest')
        b = F.interpolate(x, scale_factor=3)
        c = F.interpolate(x, size=9, mode='linear', align_corners=True)
        d = F.interpolate(x, size=3, mode='linear', align_corners=False)
        e = F.interpolate(x, scale_factor=2.0, mode='linear', recompute_scale_factor=True)
        f = self.up(self.conv(x))
        g = self.near(x)
        h = F.interpolate(x, size=(4,), mode='linear')
        if x.sum() > 0:
            return a, b, c, d, e
        return f, g, h
