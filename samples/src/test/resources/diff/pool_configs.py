# entry: Net()
# input: x=float32[1,2,9,7]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# Pooling configurations whose output sizes and windows are easy to get wrong: ceil_mode with
# padding and strides that leave a last partial window, count_include_pad=False,
# rectangular kernels, 1-d pooling, and adaptive pooling to sizes that do not divide the input.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)
        self.b = nn.MaxPool2d((2, 3), stride=(2, 1), padding=(1, 1))
        self.c = nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
        self.d = nn.AvgPool2d((3, 2), stride=2, padding=(1, 0), count_include_pad=True)
        self.e = nn.AdaptiveAvgPool2d((4, 3))
        self.f = nn.AdaptiveMaxPool2d((5, 2))
        self.g = nn.MaxPool1d(3, stride=2, ceil_mode=True)
        self.h = nn.AvgPool1d(4, stride=3, padding=2, ceil_mode=True, count_include_pad=False)

    def forward(self, x):
        row = x[:, :, 0]
        outs = (self.a(x), self.b(x), self.c(x), self.d(x), self.e(x), self.f(x), self.g(row),
                self.h(row), F.max_pool2d(x, 2, ceil_mode=True), F.avg_pool2d(x, 4, 3, 1, True),
                F.adaptive_avg_pool1d(row, 3))
        if x.sum() > 0:
            return outs
        return outs[0], outs[2]
