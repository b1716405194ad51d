# entry: Interp()
# input: x=float32[1,3,6,5]
# inputs: 1.0, -1.0, 2.0
# F.interpolate and nn.Upsample as multi-scale networks use them: nearest, bilinear and bicubic
# (with and without align_corners), up and down, by size and by scale factor; a coarse branch upsampled and
# fused with the fine one, and a data-dependent exit. No NaN inputs: PyTorch's bilinear kernel
# spreads a NaN to outputs that give its pixel weight 0 (a whole row of the upsampled map), which
# TVM's does not; outputs that weigh it are NaN in both.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Interp(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Conv2d(3, 4, 3, stride=2, padding=1)
        self.fine = nn.Conv2d(3, 4, 3, padding=1)
        self.up = nn.Upsample(scale_factor=2, mode='nearest')
        self.up_bilinear = nn.Upsample(size=(6, 5), mode='bilinear', align_corners=False)

    def forward(self, x):
        coarse = self.down(x)  # [1, 4, 3, 3]
        fused = self.fine(x) + self.up_bilinear(coarse)
        outs = (F.interpolate(x, scale_factor=2), self.up(coarse),
                F.interpolate(x, size=(9, 7), mode='bilinear'),
                F.interpolate(x, size=(4, 3), mode='bilinear', align_corners=True),
                F.interpolate(x, size=[3, 10], mode='nearest'),
                F.interpolate(coarse, scale_factor=(1.5, 2.5), mode='bilinear', align_corners=False,
                              recompute_scale_factor=True),
                F.interpolate(x, size=2, mode='bilinear'),
                F.interpolate(x, size=(9, 7), mode='bicubic'),
                F.interpolate(x, scale_factor=2, mode='bicubic', align_corners=True),
                F.interpolate(coarse, size=(2, 5), mode='bicubic'))
        if fused.mean() > 0:
            return fused, outs
        return fused * 2, outs[0]
