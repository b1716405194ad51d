# entry: Net()
# input: x=float32[2,6]
# inputs: 1.0, -1.0
# special: x[0,0]=20.0
# special: x[0,0]=-20.0
# special: x[0,0]=40.0 x[1,0]=-20.0
# special: x[0,0]=20.0 x[1,0]=20.0
# In-place updates seen through every name for the tensor, as PyTorch's shared storage makes them:
# another local name, nn.ReLU(inplace=True) inside nn.Sequential changing the caller's tensor,
# F.relu(..., inplace=True), a submodule that updates its input in place (+=, relu_, mul_ in an
# unrolled loop, a masked assignment) changing the caller's tensor, a masked assignment seen through
# another name, in-place methods on temporaries (the one-hot idiom torch.zeros(..).scatter_(..),
# torch.empty(..).zero_(), new_empty(..).fill_(..), a mixture-of-experts index_add_),
# an update on one side of a data-dependent branch,
# one inside a submodule's data-dependent branch whose tensor the caller does not read again (the
# submodule's other path and the caller's other branch read it untouched), and
# the model's own input updated in forward; each result is an output.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(6, 6)

    def forward(self, x):
        x += self.lin(x)
        x.relu_()
        return x * 2


class Scale(nn.Module):
    def forward(self, x, k: float):
        for _ in range(2):
            x.mul_(k)
        return x.sum(dim=1)


class Gate(nn.Module):
    def forward(self, x, c):
        if c.sum() > 0:
            x.relu_()
        return x + 1


class Maybe(nn.Module):
    def forward(self, h, c):
        if c[1].sum() > 0:
            h.relu_()
            return h * 2
        return h + 1


class Clip(nn.Module):
    def forward(self, x):
        x[x > 1] = 1.0
        return x.sum(dim=0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(6, 6)
        self.res = Residual()
        self.scale = Scale()
        self.gate = Gate()
        self.clip = Clip()
        self.maybe = Maybe()
        self.feat = nn.Sequential(nn.ReLU(inplace=True), nn.Linear(6, 6))
        self.act = nn.ReLU(inplace=True)
        self.lrelu = nn.LeakyReLU(0.2, inplace=True)

    def forward(self, x):
        a = self.lin(x)
        b = a
        a.relu_()
        c = self.lin(x) - 0.1
        d = self.feat(c)
        e = self.lin(x) - 0.3
        f = self.res(e)
        g = self.lin(x)
        s = self.scale(g, 0.5)
        h = self.lin(x)
        h2 = h
        y = F.relu(h, inplace=True) + h2
        k = self.lin(x)
        if x.sum() > 0:
            z = self.act(k)
        else:
            z = self.lrelu(k)
        m = k + z
        p = self.gate(self.lin(x) * 0.5, x)
        w = F.elu(self.lin(x) - 0.2, inplace=True)
        mm = self.lin(x)
        alias = mm
        mm[mm < 0] = 0.0
        cl = self.lin(x) * 3
        cs = self.clip(cl)
        oh = torch.zeros(2, 6).scatter_(1, x.argmax(dim=1, keepdim=True), 1.0)
        tmp = self.lin(x).relu_().mul_(2) + x.clone().tanh_()
        filled = x.new_empty(2, 6).fill_(0.5) + torch.empty(2, 6).zero_() + torch.empty_like(x).copy_(x)
        agg = torch.zeros(6, 6).index_add_(0, x.argmax(dim=1), x)
        kk = self.lin(x)
        if x.mean() > 0:
            q = self.maybe(kk, x)
        else:
            q = kk - 1
        x.mul_(2)
        return a, b, c, d, e, f, g, s, y, m, p, w, alias, cl, cs, oh, tmp, filled, agg, q, x * 1
