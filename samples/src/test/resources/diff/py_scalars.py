# entry: Net()
# input: t=int64[8]
# inputs: 1.0, 1.0, 1.0, 1.0, 1.0, 1.0
# Python scalar semantics, on static values (folded at compile time) and on data-dependent ones
# (t's sum, read back with .item() and computed by the generated host at run time): exact
# comparisons of ints with ints and with floats near 2**53, // and % with negative operands,
# round on halves (round(x) -> int, round(x, n) -> float, round(int, -n) -> int), abs, min, max
# and **. Every value is exact or correctly rounded, so PyTorch/CPython and dynnc must agree bit
# for bit.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        big = 2 ** 53 + 1
        self.static = [
            big == 2.0 ** 53, big != 2.0 ** 53, big > 2.0 ** 53, 2.0 ** 53 < big, big == 2 ** 53, float(big) == big,
            -7 // 2, -7 % 2, 7 // -2, 7 % -2, -7 // -2, -7 % -2,
            -7.5 // 2, -7.5 % 2, 7.5 // -2, 7.5 % -2, -0.5 % 1.0,
            round(0.5), round(1.5), round(2.5), round(-0.5), round(-1.5), round(-2.5), round(big),
            abs(-(2 ** 62) * 2 + 1), abs(-2.5), min(3, 2, 5), max(-1, -4), min(2.0, -0.0), max(big, 2.0 ** 53),
            3 ** 39, 2 ** -2, (-2) ** 63 // 2, 2.0 ** 0.5, (-8) ** 3,
            round(2.675, 2), round(0.25, 1), round(-0.4, 0), round(1250, -2), round(-1350, -2), round(1e300, -299),
        ]

    def forward(self, t):
        n = int(t.sum().item())  # 0..32, known only at run time
        m = n - 16
        s = float(n) * 0.5 - 3.25  # a float with an exact value
        b = 2 ** 53 + m % 2  # 2**53 or 2**53 + 1
        c = 2 ** 53 + m
        d = -(n % 5) - 1  # a negative divisor, -1..-5
        e = n % 5 + 1  # a positive one
        h = float(n) * 0.5  # 0.0, 0.5, 1.0, ...: halves
        dynamic = [
            b == 2.0 ** 53, b != 2.0 ** 53, b > 2.0 ** 53, 2.0 ** 53 < b, b >= 2 ** 53 + 1, c <= 2.0 ** 53, c == 2 ** 53,
            float(b) == b,
            m // d, m % d, m // e, m % e, (-m) // 7, (-m) % 7, m // -7, m % -7,
            s // -2.0, s % -2.0, -s // 1.5, -s % 1.5,
            abs(m), abs(s), abs(-s), min(m, 3), max(m, -3), min(s, -0.25), max(s, 0.25), min(3, m, 1), max(m, d, e),
            m ** 2, e ** 3, 3 ** e, b * 512, c - 2 ** 53,
            round(h), round(-h), round(h + 0.5), round(s), round(s, 1), round(-s, 1), round(s / 3.0, 4),
            round(s * 1e-3, 5), round(h, -1), round(m, -1), round(m * 5, -1), round(c, -2), round(-m, 0), round(h, 0),
        ]
        return t.sum(), self.static, dynamic
