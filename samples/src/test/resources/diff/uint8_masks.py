# entry: Net()
# input: x=float32[2,5]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# uint8 masks of older research code (PyTorch 0.4 era): comparisons turned into bytes with
# .byte(), combined with & and |, counted, tested with .any() (a Universal Transformer's halting
# loop: while (... ).byte().any()), used as a mask in masked_fill, indexing and where, and
# arithmetic and number operands that wrap modulo 256 as PyTorch's do (m > -1 is m > 255).
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.p = nn.Linear(5, 5)
        self.register_buffer('keep', torch.ones(5, dtype=torch.uint8))

    def forward(self, x):
        halting = torch.zeros(2, 5)
        n = torch.zeros(2, 5)
        steps = 0
        while ((halting < 0.9) & (n < 4)).byte().any():
            p = torch.sigmoid(self.p(x + steps))
            running = (halting < 0.9).float()
            halting = halting + p * running
            n = n + running
            steps += 1
        m = (x > 0).byte()
        k = (x < 1).byte() & self.keep
        both = m & k
        either = m | k
        count = both.sum()
        filled = x.masked_fill(m, -1.0)
        chosen = torch.where(k, x, x * 2)
        picked = x[either].sum()
        wrapped = m + 300
        under = m - 2
        neg = -m
        mixed = m * 2.5 + k.float()
        idx = m.long() + k.int()
        t = torch.ByteTensor([3, 250]) + torch.tensor([10, 10], dtype=torch.uint8)
        first = int(m[0, 0].item()) + m.any().item() + len(m.type())
        if m.sum() > 5:
            return halting, n, steps, both, either, count, filled, chosen, wrapped, under, neg
        edges = (m > -1, m == 256, m < 300, m.clamp(min=-5), m.clamp(max=0), ~m, m.neg(),
                 m.abs(), m ** 2, (m * 100) // (k + 1), m.cumsum(1))
        return mixed, idx, t, first, picked, m // 2, m.max(), m.argmax(), m.all(), edges
