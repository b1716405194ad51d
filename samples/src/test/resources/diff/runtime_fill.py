# entry: Net()
# input: x=float32[2,8]
# inputs: 1.0, 0.05, -1.0, 30.0
# Values known only at run time (t.item(), int(...), a while loop's counter) used where PyTorch
# takes a number: torch.full, new_full, full_like and fill_ (also into an int tensor, which
# truncates), clamp with run-time, tensor and crossed bounds (min above max), masked_fill and
# torch.where. Also the dtype PyTorch's promotion gives them: where of an int tensor and a float
# number is float32, clamp of an int tensor with a float bound is float, where of two numbers. And
# torch.add, torch.mul, Tensor.sub and torch.gt of a tensor and a run-time scalar.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(8, 8)

    def forward(self, x):
        h = self.lin(x)
        s = h.max().item()
        k = int(h.argmax().item())
        big = bool((h.sum() > 0).item())
        steps = 0
        acc = torch.zeros(1, 4)
        while acc.sum() < h.abs().sum() and steps < 5:
            steps += 1
            acc = acc + torch.full((1, 4), steps) * 0.5
        a = torch.full((2, 3), s) + torch.full((1, 3), k) + torch.full((3,), big)
        ints = torch.zeros(2, 3, dtype=torch.long).fill_(s * 3.0)
        b = torch.zeros(2, 8).fill_(s) + h.new_full((2, 8), k) + torch.full_like(h, -s)
        lo = h.min().item() * 0.5
        c = h.clamp(min=lo, max=s * 0.5) + torch.clamp(h, min=s * 0.5, max=lo)
        d = h.clamp(max=h[0]) + h.clamp(min=torch.tensor(0.1)) + torch.clip(h, lo)
        e = h.masked_fill(h > 0, s) + torch.where(h > 0, h, lo) + torch.where(h < 0, k, h)
        idx = (h > 0).long()
        f = torch.where(h > 0, idx, 2.5)
        g = torch.clamp(idx, min=0.5)
        w = torch.where(h > 0, 2, 3.5)
        fns = torch.add(h, s) + torch.mul(k, h) + h.sub(lo) + torch.gt(h, s * 0.5).float()
        return acc, steps, a, ints, b, c, d, e, f, g, w, fns
