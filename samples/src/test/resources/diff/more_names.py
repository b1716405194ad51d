# entry: Net()
# input: x=float32[2,3,4]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# special: x[0,0,0]=nan x[0,0,1]=inf x[0,0,2]=-inf x[1,0,0]=0
# Names a sweep of research-code expressions found missing: rsub, deg2rad/rad2deg, sgn,
# isposinf/isneginf/isreal, xlogy (0 where x is 0 unless y is NaN), float_power, diff (with n,
# prepend/append, on bools), msort, atleast_1d/2d/3d, column_stack, dstack, ger, addr, inner,
# tensordot (an int and dim lists), and std/var with correction=.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        v = x[0, 0]
        w = x[1, 1]
        m = x[0]
        elementwise = (torch.rsub(x, 1.5), torch.rsub(x, x * 2, alpha=0.5), torch.deg2rad(x),
                       x.rad2deg(), torch.sgn(x), torch.isposinf(x), x.isneginf(),
                       torch.isreal(x), torch.xlogy(x, x.abs()), torch.xlogy(x.abs(), 2.0),
                       torch.float_power(x.abs(), 2), torch.isposinf(x.long()))
        diffs = (torch.diff(x), torch.diff(x, n=2, dim=1), x.diff(dim=0),
                 torch.diff(m, prepend=m[:, :1], append=m[:, -1:]), torch.diff(x > 0, dim=2))
        shapes = (torch.msort(x), torch.atleast_1d(x[0, 0, 0]), torch.atleast_2d(v),
                  torch.atleast_3d(m), torch.atleast_3d(v, x[0, 0, 0]), torch.column_stack([v, m.t()]),
                  torch.dstack([m, m * 2]))
        products = (torch.ger(v, w), torch.addr(m, v[:3], w, beta=0.5, alpha=2),
                    torch.addr(m, v[:3], w, beta=0), torch.inner(m, m), torch.inner(v, w),
                    torch.tensordot(x, m.t(), dims=1), torch.tensordot(x, x, dims=([1, 2], [1, 2])),
                    torch.tensordot(m, m, dims=0))
        stats = (torch.std(x, dim=1, correction=0), x.var(dim=(0, 2), correction=2, keepdim=True))
        if x[1, 2].sum() > 0:
            return elementwise, diffs
        return shapes, products, stats
