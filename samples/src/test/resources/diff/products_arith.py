# entry: ProductsArith()
# input: x=float32[2,3,4]
# input: n=int64[3,4]
# inputs: 1.0, 2.5, -0.7
# special: x[0,0,0]=nan x[0,1,1]=inf x[1,2,3]=-inf x[1,0,2]=-0.0
# outer, dot, mv, addmm and baddbmm (beta and alpha; addmm with beta=0 ignoring a NaN input), addcmul and
# addcdiv, lerp (scalar weights on both sides of 0.5, a tensor weight), remainder, fmod and
# floor_divide with positive and negative divisors (floats and int64), torch.round (halves to
# even, decimals), tan, exp2, nan_to_num, eye and linspace, each its own output; a data-dependent
# branch on the input. Only addmm checks beta=0: PyTorch 1.13's CPU baddbmm with beta=0 sometimes
# returns NaN read from memory it never wrote (about one call in seven in a loop), which made this
# test flaky.
import torch
import torch.nn as nn


class ProductsArith(nn.Module):
    def __init__(self):
        super().__init__()
        self.bias = nn.Parameter(torch.randn(4))
        self.w4 = nn.Parameter(torch.randn(4, 4))
        self.register_buffer('ident', torch.eye(3))

    def forward(self, x, n):
        a = x[0]
        y = torch.flip(x, [2])
        pos = x.abs() + 0.5
        m = n - 2
        nan_in = x[0, :, :3].mT.clone()
        products = (torch.outer(a[0], a[1]), a[0].outer(n[0]), torch.dot(a[0], a[1]), n[0].dot(n[1]),
                    torch.mv(a, x[1, 0]), a.mv(self.bias), torch.addmm(self.bias, a.t(), x[1]),
                    torch.addmm(a, a, self.w4, beta=0.5, alpha=2),
                    nan_in.addmm(a, x[1].t(), beta=0),
                    torch.baddbmm(x[:, :, :1], x, x.transpose(1, 2)),
                    x[:, :1, :1].baddbmm(x, x.transpose(1, 2), beta=0.5, alpha=-1.5),
                    torch.addcmul(x, x, y, value=0.5), x.addcmul(y, pos), torch.addcdiv(x, x, pos, value=-2),
                    n.addcmul(n, m, value=2), torch.lerp(x, y, 0.3), x.lerp(y, 0.7), torch.lerp(x, y, 1.0),
                    torch.lerp(x, y, torch.sigmoid(y) * 2 - 0.5), self.ident)
        division = (torch.remainder(x * 3, 1.7), (x * 3).remainder(-1.7), torch.remainder(m, 3),
                    torch.remainder(m, -3), torch.remainder(5.0, pos), torch.remainder(x * 3, -pos),
                    torch.fmod(x * 3, 1.7), torch.fmod(x * 3, -pos), torch.fmod(m, 3), m.fmod(-3),
                    torch.fmod(m, n + 1), torch.floor_divide(x * 3, 1.7), (x * 3).floor_divide(-pos),
                    torch.floor_divide(m, 3), m.floor_divide(-3), torch.remainder(m, 2.5))
        rounding = (torch.round(x * 3), torch.round(torch.floor(x * 4) / 2), (x * 100).round(decimals=2),
                    torch.round(x * 100, decimals=-1), n.round(), torch.tan(x), x.tan(), torch.exp2(x),
                    n.exp2(), torch.nan_to_num(x), x.nan_to_num(nan=1.5, posinf=2.0, neginf=-3.0),
                    torch.nan_to_num(x.double()), n.nan_to_num())
        made = (torch.eye(3), torch.eye(2, 4, dtype=torch.long), torch.eye(3, dtype=torch.bool),
                torch.linspace(-1.5, 2, 8), torch.linspace(0, 1, 1),
                torch.linspace(3, -2, steps=5, dtype=torch.float64))
        if x[0, 0, 1] > 0:
            return products, division, rounding, made
        return made, rounding
