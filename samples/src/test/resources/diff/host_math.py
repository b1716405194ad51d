# entry: HostMath()
# input: x=float32[2,4]
# inputs: 1.0, 2.5, -0.7
# special: x[1,1]=nan
# special: x[1,2]=inf
# special: x[0,3]=1000.0 x[0,0]=-1.0
# special: x[0,3]=1000.0 x[0,0]=2.0 x[0,2]=800.0
# special: x[0,3]=1000.0 x[0,0]=4.0 x[0,2]=1.0
# raises: math domain error | math range error
# Python's math module on values known only at run time (t.item(), an int of a count): the
# functions research code calls on a confidence or an entropy, each its own output, computed on the
# host with CPython's results; NaN and infinities pass through; a domain or range error raises at
# run time where CPython's would (sqrt of a negative, exp of a large number); numpy's functions of
# the same values give NaN or an infinity instead, as numpy does.
import math

import numpy as np
import torch
import torch.nn as nn


class HostMath(nn.Module):
    def forward(self, x):
        s = x[:, :3].sum().item()
        a = x[:, :3].abs().mean().item()
        k = int((x > 0).sum().item())
        vals = (math.exp(-a), math.log(a + 1e-3), math.sqrt(a), math.log2(a + 1),
                math.log10(a + 2), math.log1p(a), math.expm1(s / 10), math.sin(s), math.cos(s),
                math.tan(s / 10), math.atan(s), math.tanh(s), math.sinh(s / 4), math.cosh(s / 4),
                math.asin(math.tanh(s)), math.acos(math.tanh(s)), math.fabs(s), math.degrees(s),
                math.radians(s), math.log(a + 1, 2), math.log(k + 2), math.isnan(s),
                math.isinf(s), math.isfinite(s), math.isnan(k), math.exp(k), math.sqrt(k),
                math.floor(k), math.ceil(k / 3), math.trunc(-k / 3))
        # numpy's functions of the same values: NaN or an infinity where math raises
        npvals = (np.exp(-a), np.log(a - 10), np.sqrt(s), np.log2(a + 1), np.log10(a),
                  np.tanh(s), np.abs(k - 5), np.abs(-s), np.log(0.0), np.log2(8.0), np.exp(800.0),
                  np.sqrt(-1.0), np.abs(-3))
        if math.isfinite(s):
            ints = (math.floor(s), math.ceil(s), math.trunc(s), math.floor(-a), math.ceil(a))
        else:
            ints = (0, 0, 0, 0, 0)
        out = x * math.exp(-a)
        if x[0, 3] > 100:
            # the special inputs: sqrt of x[0, 0] raises for a negative one, exp of x[0, 2] for 800
            out = out + math.sqrt(x[0, 0].item()) + math.exp(x[0, 2].item())
        return out, vals, ints, npvals
