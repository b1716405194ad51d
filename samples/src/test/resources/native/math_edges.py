# entry: Net()
# input: k=int64[1]
# input: f=float64[2]
# Python's math functions, numpy's, round() and ** on run-time floats, for NativeHostTest: function
# k of f[0] (** of f[0] and f[1]).
# The test runs each on edge values (zeros of both signs, NaN, infinities, the ends of each
# function's domain, values whose result overflows) in native code: each result must be CPython's,
# bit for bit, and each error the Java host program's.
import math

import numpy as np
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, k, f):
        op = int(k.item())
        x = float(f[0].item())
        y = float(f[1].item())
        if op == 0:
            return math.exp(x)
        if op == 1:
            return math.expm1(x)
        if op == 2:
            return math.log(x)
        if op == 3:
            return math.log2(x)
        if op == 4:
            return math.log10(x)
        if op == 5:
            return math.log1p(x)
        if op == 6:
            return math.sqrt(x)
        if op == 7:
            return math.sin(x)
        if op == 8:
            return math.cos(x)
        if op == 9:
            return math.tan(x)
        if op == 10:
            return math.asin(x)
        if op == 11:
            return math.acos(x)
        if op == 12:
            return math.atan(x)
        if op == 13:
            return math.sinh(x)
        if op == 14:
            return math.cosh(x)
        if op == 15:
            return math.tanh(x)
        if op == 16:
            return math.floor(x)
        if op == 17:
            return math.ceil(x)
        if op == 18:
            return np.exp(x)
        if op == 19:
            return np.log(x)
        if op == 20:
            return np.log2(x)
        if op == 21:
            return np.log10(x)
        if op == 22:
            return np.sqrt(x)
        if op == 23:
            return round(x)
        if op == 24:
            return x ** y
        return x
