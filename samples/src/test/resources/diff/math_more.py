# entry: MathMore()
# input: x=float32[2,3,6]
# inputs: 1.0, 2.5, -0.7
# special: x[0,0,0]=nan x[0,1,1]=inf x[1,2,3]=-inf x[1,0,5]=0.5 x[1,1,1]=-3.0 x[0,2,2]=0.0
# special: x[0,0,0]=-inf x[0,0,1]=-inf x[0,0,2]=-inf x[0,0,3]=-inf x[0,0,4]=-inf x[0,0,5]=-inf x[1,1,1]=2.5
# Elementwise math, masks, norms and small reductions research code calls in forward, each its own
# output so that NaN, infinities and zeros are checked op by op: rounding, trigonometry, powers,
# masked_fill with -inf (attention masks), amax/amin, prod, std, norm, logsumexp (a row of -inf
# gives -inf), NaN and infinity tests, logical functions, tensors made like another, repeat,
# swapaxes, and the SiLU/Hardswish/Hardsigmoid/ELU/LogSigmoid/Softmin activations as functions and
# as modules; a data-dependent branch on the input.
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
        mask = y > 0.3
        unary = (torch.floor(x * 3), x.ceil(), torch.trunc(x * 2), x.sign(), torch.sin(x), x.cos(),
                 torch.rsqrt(x), x.reciprocal(), torch.square(x), x.pow(2), torch.pow(2.0, x),
                 x.abs().pow(y.clamp(-1, 1)), torch.log1p(x), x.expm1(), torch.log2(x), x.log10(),
                 x.clamp_min(0.1), torch.clamp_max(x, 0.2))
        masked = (torch.softmax(y.masked_fill(mask, float('-inf')), dim=-1),
                  x.masked_fill(~mask, 0.25), torch.masked_fill(x, mask, torch.tensor(-1.5)))
        red = (x.amax(dim=-1), torch.amin(x, dim=(0, 2), keepdim=True), x.amax(),
               x.prod(dim=1), torch.prod(x), x.std(dim=-1), torch.std(x, dim=(1, 2), unbiased=False),
               torch.norm(x, dim=-1), x.norm(), x.norm(p=1, dim=1),
               torch.norm(x, p=float('inf'), dim=2), x.norm(p=3, dim=-1),
               torch.logsumexp(x, dim=-1), torch.logsumexp(x, dim=(1, 2), keepdim=True))
        tests = (torch.isnan(x), x.isinf(), torch.isfinite(x), torch.logical_xor(mask, x > 0),
                 torch.logical_and(mask, x), mask.logical_or(x < 0), torch.logical_not(x))
        made = (x.new_zeros(2, 3), x.new_ones((2, 3)), x.new_full((2, 3), 1.5),
                torch.full_like(x[:, :, 0], 2.0), x.new_zeros(4, dtype=torch.long))
        shaped = (x[:, :, :2].repeat(1, 2, 3), x[0, 0, :2].repeat(2, 6, 1), x.swapaxes(1, 2),
                  torch.swapdims(x, 0, 2))
        acts = (self.acts(x), F.silu(x), F.hardswish(x), F.hardsigmoid(x), F.elu(x),
                self.logsig(x), F.logsigmoid(x * 30), self.softmin(x), F.softmin(y, dim=1))
        if x[0, 0, 1] > 0:
            return unary, masked, red, tests, made, shaped, acts
        return acts, shaped, made
