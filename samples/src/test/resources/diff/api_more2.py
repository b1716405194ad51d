# entry: ApiMore2()
# input: x=float32[3,5]
# inputs: 1.0, 2.5, -0.7
# special: x[0,0]=nan x[0,1]=inf x[1,1]=-inf x[2,2]=0.0 x[2,3]=-0.0 x[1,0]=1e30
# special: x[0,0]=nan x[0,1]=nan x[0,2]=nan x[0,3]=nan x[0,4]=nan x[1,1]=inf
# More names of research code, each against PyTorch on NaN, infinities and zeros: torch.equal and
# x == x.clone() (TVM folds a comparison of a value with itself to true, wrong at a NaN),
# allclose (run-time bools that an if tests), isclose, var_mean/std_mean, logaddexp, frac,
# fmax/fmin, heaviside, addmv (also beta=0), nansum/nanmean (a row of NaN), hypot (no overflow),
# and the in-place functional activations (F.relu_ and friends), whose update the caller's name
# sees.
import torch
import torch.nn as nn
import torch.nn.functional as F


class ApiMore2(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(5, 5)
        self.mat = nn.Linear(5, 4)

    def forward(self, x):
        y = self.proj(x)
        same = torch.equal(x, x.clone())
        close = torch.allclose(y, y + 1e-9) and not torch.allclose(x, y)
        diff_shape = torch.equal(x, x[0])
        near = (torch.isclose(x, x * 1.000001), x.isclose(y, rtol=0.5, atol=0.1),
                torch.isclose(x, x, equal_nan=True), torch.isclose(x.long(), (x + 0.2).long()),
                x == x.clone(), x <= x, x >= x, x < x, (x + 1) == (x + 1))
        stats = (torch.var_mean(y, dim=1), torch.std_mean(y, dim=1, unbiased=False, keepdim=True),
                 torch.var_mean(y))
        fns = (torch.logaddexp(x, y), x.logaddexp(x), torch.frac(x), x.frac(), torch.fmax(x, y),
               torch.fmin(x, x.flip(0)), torch.heaviside(x, torch.tensor(0.5)),
               torch.addmv(y[0, :4], self.mat.weight, x[1]),
               torch.addmv(x[0, :4], self.mat.weight, y[2], beta=0, alpha=2.0),
               torch.nansum(x), x.nansum(dim=1), torch.nanmean(x, dim=1), torch.nanmean(x),
               torch.hypot(x, y), torch.hypot(x * 1e20, x * 1e20))
        a = y.clone()
        F.relu_(a)
        b = y.clone()
        F.leaky_relu_(b, 0.2)
        c = F.hardtanh_(y.clone(), -0.5, 0.5)
        d = y.clone()
        F.elu_(d)
        if same and close:
            return near, stats, fns, a, b, c, d, diff_shape
        return a, b, same, close, x == x.clone(), x >= x
