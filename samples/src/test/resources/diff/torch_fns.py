# entry: Net()
# input: x=float32[2,5,6]
# input: i=int64[2,3,6]
# input: j=int64[4]
# input: img=float32[2,4,7,7]
# inputs: 1.0, 10.0
# special: x[0,1,2]=nan x[1,3,0]=inf x[1,4,5]=-inf img[0,1,2,3]=nan
# special: x[0,0,0]=nan x[0,3,4]=nan x[1,2,1]=-inf x[1,2,3]=inf img[1,0,0,0]=inf
# The torch functions bound through the checked argument helpers: cumsum, gather, index_select,
# topk (NaN ranks above every number, as in PyTorch), F.pad (constant), F.normalize, F.conv2d with
# a weight tensor, and F.batch_norm on running statistics. i and j hold ints in [0, 5). No row
# holds two NaNs: the order topk gives equal elements is unspecified in PyTorch.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(6, 2, 3, 3))
        self.b = nn.Parameter(torch.zeros(6))
        self.w2 = nn.Parameter(torch.zeros(3, 4, 2, 2))
        self.gamma = nn.Parameter(torch.ones(4))
        self.register_buffer("bn_running_mean", torch.zeros(4))
        self.register_buffer("bn_running_var", torch.ones(4))

    def forward(self, x, i, j, img):
        c = torch.cumsum(x, dim=1)
        ci = i.cumsum(-1)
        g = torch.gather(x, 1, i)
        s = torch.index_select(x, 2, j)
        s2 = x.index_select(dim=1, index=j)
        v, k = torch.topk(x, 3)
        vs, ks = x.topk(2, dim=1, largest=False)
        back = x.gather(2, k)
        p = F.pad(x, (1, 2))
        p2 = F.pad(img, (1, 1, 2, 0), value=-1.5)
        n = F.normalize(x, dim=2)
        n1 = F.normalize(x, p=1, dim=-1)
        y = F.conv2d(img, self.w, self.b, stride=2, padding=1, groups=2)
        y2 = F.conv2d(img, self.w2, dilation=(2, 1), padding=(0, 1))
        bn = F.batch_norm(img, self.bn_running_mean, self.bn_running_var, self.gamma, None, False, 0.1, 1e-3)
        bn2 = F.batch_norm(img, self.bn_running_mean, self.bn_running_var)
        return c, ci, g, s, s2, v, k, vs, ks, back, p, p2, n, n1, y, y2, bn, bn2
