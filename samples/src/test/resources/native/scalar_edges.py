# entry: Net()
# input: k=int64[1]
# input: a=int64[2]
# input: f=float64[2]
# Host scalar arithmetic for NativeHostTest: op k on the ints a[0], a[1] and the floats f[0], f[1].
# The test runs every op on edge values (0, -0.0, NaN, infinities, 64-bit limits, 2**53 + 1) with
# the host program in Java and in native code: each result and each error must be the same.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, k, a, f):
        op = int(k.item())
        i = int(a[0].item())
        j = int(a[1].item())
        x = float(f[0].item())
        y = float(f[1].item())
        if op == 0:
            return i * j
        if op == 1:
            return i // j
        if op == 2:
            return i % j
        if op == 3:
            return i / j
        if op == 4:
            return -i, abs(i)
        if op == 5:
            return max(i, j), min(i, j)
        if op == 6:
            return i + j
        if op == 7:
            return i - j
        if op == 8:
            return x % y
        if op == 9:
            return x // y
        if op == 10:
            return max(x, y), min(x, y)
        if op == 11:
            return int(x)
        if op == 12:
            return -x, abs(x)
        if op == 13:
            return x / y
        if op == 14:
            return x * y - x + y
        if op == 15:
            return i < x, i <= x, i > x, i >= x, i == x, i != x
        if op == 16:
            return x < i, x <= i, x > i, x >= i, x == i, x != i
        if op == 17:
            return i - x, x + i, float(i)
        if op == 18:
            return bool(x), bool(i), x < y, x <= y, x == y, x != y
        if op == 19:
            return i if x > y else j
        if op == 20:
            return x != x, x == x, x < x, x >= x, x - x, x / x, i // i
        if op == 21:
            return i ** j
        return op
