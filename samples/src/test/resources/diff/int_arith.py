# entry: Net()
# input: x=float32[2,4]
# inputs: 3.0, 10.0, 30.0
# Integer and boolean arithmetic as PyTorch does it: floor division and remainder with negative
# operands, torch.div with each rounding mode (it was refused), integer sums, products and cumsums
# widening to int64, bool sums and bitwise ops, integer powers (TVM's power is float only, so they
# did not compile): constant exponents exact with wrapping, tensor exponents including negative
# ones and int32 wrapping; add and sub with alpha; round half to even, signs of zeros and NaN, argmin/topk/sort ties.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        i = (x * 3).long()
        j = (x * 3).int()
        b = x > 0
        nz = i.abs() + 1
        r = (
            i // 3, i % 3, i // -3, i % -3, (-i) // nz, (-i) % nz, torch.div(i, nz, rounding_mode='trunc'),
            torch.div(i, nz, rounding_mode='floor'), torch.remainder(i, -4), torch.fmod(i, -4),
            j.sum(), j.prod(), j.cumsum(0), j.max(), j.sum(dim=1), b.sum(), b.sum(dim=0), b.int().sum(),
            i ** 2, torch.pow(j, 2), i.abs(), -j, torch.sign(i), torch.sign(j),
            torch.round(x * 2) , torch.round(torch.tensor([0.5, 1.5, 2.5, -0.5, -2.5])),
            torch.sum(x, dtype=torch.float64), torch.mean(x.double()), x.sum(dim=1, keepdim=True),
            b & (i > 2), b | b, b ^ (i > 1), ~b, b * b, b + b,
            torch.argmin(i[0]), torch.argmin(j, dim=1), torch.argmax(i, dim=0),
            torch.topk(torch.tensor([1.0, 3.0, 3.0, 2.0]), 2).indices,
            torch.sort(torch.tensor([2.0, 1.0, 2.0, 1.0]), stable=True).indices,
            torch.sign(torch.tensor([-0.0, 0.0, float('nan'), -2.0])),
            torch.floor_divide(x, 0.7), torch.remainder(x, -0.7), torch.fmod(x, -0.7),
            torch.add(x, x, alpha=2), torch.sub(i, j, alpha=3), x.add(1.5, alpha=-2), torch.divide(-i, nz, rounding_mode='trunc'),
            torch.div(x, -0.7, rounding_mode='trunc'), torch.div(x, 0.7, rounding_mode='floor'), j.div(2, rounding_mode='floor'),
            j.float() / 2, j / j.clamp(min=1), (j // 2).dtype == torch.int32, j.sum().dtype == torch.int64,
        )
        a = torch.tensor([2, 1, -1, -1, 0, 3, -2, 5])
        e = torch.tensor([-1, -3, -3, -2, -1, 30, 13, 0])
        return r, (a ** e, a.int() ** e.int(), i ** 3, j ** 2, i ** 0, 2 ** i.clamp(0, 20), j ** (j.abs() % 5), i.pow(j.abs() % 4), torch.pow(3, j.abs() % 6), x ** 2, x.abs() ** j)
