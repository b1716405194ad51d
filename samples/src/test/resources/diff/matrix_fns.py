# entry: Net()
# input: x=float32[3,4]
# inputs: 1.0, -2.0
# special: x[0,0]=nan x[1,2]=inf
# Diagonals, grids, scans and small helpers research code calls: diag of a vector (on, above and
# below the main diagonal) and of a matrix (with offsets), diagonal of a batch (dim1/dim2, offset),
# trace, cumprod (float and int), meshgrid ('ij' and 'xy', list or varargs), take_along_dim (with
# and without dim, broadcasting), count_nonzero (all, and over dims) and true_divide. NaN and inf
# in the input must stay where PyTorch puts them. Each result is an output.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)

    def forward(self, x):
        h = self.lin(x)
        v = h[0]
        d0 = torch.diag(v)
        d1 = torch.diag(v, 1)
        d2 = v.diag(-2)
        m0 = torch.diag(x)
        m1 = x.diag(1)
        m2 = torch.diag(x, -1)
        b = h.unsqueeze(0).repeat(2, 1, 1)
        g1 = torch.diagonal(b, 0, 1, 2)
        g2 = b.diagonal(offset=1, dim1=-1, dim2=-2)
        tr = torch.trace(x) + h.trace()
        cp = torch.cumprod(x, dim=1)
        cpi = (x > 0).long().add(1).cumprod(0)
        gi, gj = torch.meshgrid(torch.arange(3), torch.arange(4), indexing='ij')
        gx, gy = torch.meshgrid([v, x[:, 0]], indexing='xy')
        idx = h.argsort(dim=1)
        tk = torch.take_along_dim(x, idx, dim=1)
        tk2 = x.take_along_dim(idx[:1], 1)
        tf = torch.take_along_dim(x, torch.tensor([0, 5, 11]))
        nz = torch.count_nonzero(x > 0) + torch.count_nonzero(torch.relu(h), dim=1).sum()
        nz2 = (x > 0.5).count_nonzero(dim=(0, 1))
        q = torch.true_divide(x, 4) + h.true_divide(h.abs() + 1)
        return d0, d1, d2, m0, m1, m2, g1, g2, tr, cp, cpi, gi, gj, gx, gy, tk, tk2, tf, nz, nz2, q
