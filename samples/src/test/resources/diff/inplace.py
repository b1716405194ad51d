# entry: Net()
# input: x=float32[2,6]
# inputs: 1.0, -2.0, 0.5
# special: x[0,0]=-1.0 x[1,3]=0.0 x[0,1]=1.0
# special: x[0,1]=-1.0
# In-place tensor methods on local variables, as research code writes them: h.relu_(), chained
# y.mul_(2).add_(1), masked_fill_, clamp_, zero_/fill_/copy_, an int tensor updated with ints, a
# float one with an int tensor, unsqueeze_/squeeze_/t_, in-place updates inside a data-dependent
# branch and a loop, and augmented assignments (u += h, an int tensor += 2); each result is an
# output.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(6, 6)

    def forward(self, x):
        h = self.lin(x)
        h.relu_()
        y = h.clone()
        y.mul_(2).add_(1)
        m = x.clone()
        m.masked_fill_(m < 0, -0.5)
        c = x * 3
        c.clamp_(-1.0, 1.0).sub_(x * 0.5)
        z = x.clone()
        z.zero_()
        z.add_(torch.ones(6))
        f = x.clone()
        f.fill_(2.5)
        k = torch.zeros(2, 6)
        k.copy_(x[0])
        n = x.argmax(dim=1)
        n.add_(3).mul_(2)
        g = x.clone()
        g.add_(n.unsqueeze(1))
        s = x.clone()
        s.unsqueeze_(0)
        s.squeeze_(0)
        s.t_()
        u = x * 1
        u += h
        u *= 2
        cnt = x.argmax(dim=1)
        cnt += 2
        acc = torch.zeros(6)
        for i in range(2):
            acc.add_(x[i]).div_(2.0)
        if x[0, 1] > 0:
            y.tanh_()
        else:
            y.sigmoid_()
        return h, y, m, c, z, f, k, n, g, s, acc, u, cnt
