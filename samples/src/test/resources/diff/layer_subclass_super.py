# entry: Net()
# input: x=float32[1,3,9,9]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# Subclasses of library layers whose forward adds a step and then calls the layer itself with
# super().forward: 'same' padding computed from the input before a strided convolution, a scaled
# linear layer, a GRU cell whose state is reset by a gate, a Sequential that adds a shortcut; a
# data-dependent branch.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Conv2dSame(nn.Conv2d):
    def forward(self, x):
        ih, iw = x.shape[-2:]
        kh, kw = self.weight.shape[-2:]
        ph = max((ih - 1) // self.stride[0] * self.stride[0] + kh - ih, 0)
        pw = max((iw - 1) // self.stride[1] * self.stride[1] + kw - iw, 0)
        x = F.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2])
        return super().forward(x)


class ScaledLinear(nn.Linear):
    def __init__(self, n_in, n_out, scale=0.5):
        super(ScaledLinear, self).__init__(n_in, n_out)
        self.scale = scale

    def forward(self, input):
        return super(ScaledLinear, self).forward(input) * self.scale


class GatedGRUCell(nn.GRUCell):
    def forward(self, x, h=None):
        if h is not None:
            h = h * torch.sigmoid(x[:, :1])
        return super().forward(x, h)


class Shortcut(nn.Sequential):
    def forward(self, x):
        return x + super().forward(x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = Conv2dSame(3, 4, 3, stride=2)
        self.body = Shortcut(nn.Conv2d(4, 4, 3, padding=1), nn.ReLU())
        self.cell = GatedGRUCell(4, 6)
        self.head = ScaledLinear(6, 3)

    def forward(self, x):
        y = self.body(self.conv(x))
        v = y.mean((2, 3))
        h = self.cell(v)
        h = self.cell(v, h)
        z = self.head(h)
        if x.sum() > 0:
            return z, h
        return -z
