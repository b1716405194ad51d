# entry: Net()
# input: x=float32[1,4,6,6]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# Layer options off the default path: norms without affine parameters or over several
# dimensions, BatchNorm1d of a 3-d input, per-channel PReLU, transposed convolutions with
# output_padding, groups and dilation, bilinear upsampling with align_corners, Flatten and
# Unflatten with dimensions, Embedding with padding_idx and max index.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln = nn.LayerNorm([6, 6], elementwise_affine=False)
        self.ln2 = nn.LayerNorm([4, 6, 6], eps=1e-3)
        self.gn = nn.GroupNorm(2, 4, affine=False)
        self.inorm = nn.InstanceNorm2d(4, affine=True)
        self.bn1 = nn.BatchNorm1d(4)
        self.prelu = nn.PReLU(4, init=0.1)
        self.up = nn.ConvTranspose2d(4, 4, 3, stride=2, padding=1, output_padding=1, groups=2,
                                     dilation=2)
        self.bil = nn.Upsample(scale_factor=2, mode='bilinear', align_corners=True)
        self.flat = nn.Flatten(2)
        self.unflat = nn.Unflatten(2, (3, 12))
        self.emb = nn.Embedding(10, 3, padding_idx=0)

    def forward(self, x):
        outs = (self.ln(x), self.ln2(x), self.gn(x), self.inorm(x),
                self.bn1(self.flat(x)), self.prelu(x), self.up(x), self.bil(x),
                self.unflat(self.flat(x)),
                self.emb((x[0, 0].abs() * 3).long().clamp(max=9)))
        if x.sum() > 0:
            return outs
        return outs[0], outs[6]
