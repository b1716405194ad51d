# entry: Net()
# input: x=float32[1,1,6,6]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# Initialization code of older research repositories: parameters made with the legacy
# torch.Tensor(n_out, n_in) constructor and filled by reset_parameters() through .data, an init
# loop over self.modules(), a frozen layer (requires_grad = False), nn.init on a parameter, and
# register_parameter; none of it changes the checkpoint's values. isinstance(x, torch.Tensor)
# still tests tensors. A data-dependent branch.
import math
import torch
import torch.nn as nn
import torch.nn.functional as F


class MyLinear(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.Tensor(n_out, n_in))
        self.bias = nn.Parameter(torch.Tensor(n_out))
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1. / math.sqrt(self.weight.size(1))
        self.weight.data.uniform_(-stdv, stdv)
        self.bias.data.zero_()

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(1, 2, 3)
        self.bn = nn.BatchNorm2d(2)
        self.l = MyLinear(8, 4)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                m.weight.data.normal_(0, math.sqrt(2. / n))
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.data.fill_(1)
                m.bias.data.zero_()
        self.c.weight.requires_grad = False
        self.emb = nn.Parameter(torch.zeros(1, 4))
        nn.init.trunc_normal_(self.emb, std=.02)
        self.register_parameter('extra', nn.Parameter(torch.Tensor([1.0, 2.0, 3.0, 4.0])))

    def forward(self, x):
        y = F.relu(self.bn(self.c(x)))
        z = self.l(F.adaptive_avg_pool2d(y, 2).flatten(1)) + self.emb
        if isinstance(z, torch.Tensor) and x.sum() > 0:
            return z * self.extra
        return z
