# entry: MathMore()
# input: x=float32[2,3,6]
# inputs: 1.0, 2.5, -0.7
# special: x[0,0,0]=nan x[0,1,1]=inf x[1,2,3]=-inf x[1,0,5]=0.5
# special: x[0,0,0]=-inf x[0,0,1]=-inf x[0,0,2]=-inf x[0,0,3]=-inf x[0,0,4]=-inf x[0,0,5]=-inf x[1,1,1]=2.5
# Elementwise math, masks, norms and small reductions research code calls in forward: rounding,
# trigonometry, powers, masked_fill with -inf (attention masks), amax/amin, prod, std, norm,
# logsumexp (a row of -inf gives -inf), NaN and infinity tests, logical functions, tensors made like
# another, repeat, swapaxes, and the SiLU/Hardswish/Hardsigmoid/ELU/LogSigmoid/Softmin
# activations as functions and as modules; a data-dependent branch on the result.
import torch
import torch.nn as nn
import torch.nn.functional as F


class MathMore(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(6, 6)
        self.acts = nn.Sequential(nn.SiLU(), nn.Hardswish(), nn.ELU(alpha=0.5), nn.Hardsigmoid())
        self.logsig = nn.LogSigmoid()
        self.softmin = nn.Softmin(dim=-1)

    def forward(self, x):
        y = self.proj(x)
        r = (torch.floor(y * 3) + y.ceil() + torch.trunc(y * 2) + y.sign()
             + torch.sin(y) * y.cos() + torch.rsqrt(y.abs() + 1) + y.reciprocal().clamp(-5, 5)
             + torch.square(y) + y.pow(2) + torch.pow(2.0, y.clamp(-3, 3)) + y.abs().pow(y.clamp(-1, 1)))
        logs = torch.log1p(y.abs()) + y.clamp(-4, 4).expm1() + torch.log2(y.abs() + 1) + y.abs().log10()
        mask = y > 0.3
        att = torch.softmax(y.masked_fill(mask, float('-inf')), dim=-1)
        filled = x.masked_fill(~mask, 0.25)
        red = (x.amax(dim=-1) + torch.amin(x, dim=(0, 2), keepdim=True).sum() + x.prod(dim=1)[:, :1]
               + x.std(dim=-1) + torch.norm(x, dim=-1) + x.norm(p=1, dim=1)[:, :3]
               + torch.norm(x, p=float('inf'), dim=2) + x.norm(p=3, dim=-1)
               + torch.logsumexp(x, dim=-1))
        total = torch.logsumexp(x, dim=(1, 2), keepdim=True)
        tests = (torch.isnan(x).float() + x.isinf().float() * 2 + torch.isfinite(x).float() * 4
                 + torch.logical_xor(mask, x > 0).float() + torch.logical_and(mask, ~mask).float()
                 + mask.logical_or(x < 0).float() + torch.logical_not(mask).float())
        made = x.new_zeros(2, 3) + x.new_ones((2, 3)) + x.new_full((2, 3), 1.5) + torch.full_like(x[:, :, 0], 2.0)
        tiled = x[:, :, :2].repeat(1, 2, 3) + x[0, 0, :2].repeat(2, 6, 1).sum()
        swapped = x.swapaxes(1, 2) + torch.swapdims(x, 1, 2)
        acts = (self.acts(y) + F.silu(y) + F.hardswish(y) + F.hardsigmoid(y) + F.elu(y)
                + self.logsig(y) + F.logsigmoid(y * 30) + self.softmin(y) + F.softmin(y, dim=1))
        if x[0, 0, 1] > 0:
            return r, logs, att, filled, red, total, tests, made, tiled, swapped, acts
        return acts, tiled, tests
