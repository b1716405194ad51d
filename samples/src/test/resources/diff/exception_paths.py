# entry: Net()
# input: x=float32[1,8]
# inputs: 0.1, 0.3, 0.6, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 20.0
# Rule TRY in a loop unrolled while compiling: each iteration's try calls a helper that raises
# (with positional args unpacked from e.args in the handler), returns early or falls through on
# data-dependent tests; the handler counts the hits in a Python int and returns from forward
# on the second one.
import torch
import torch.nn as nn


class Found(Exception):
    def __init__(self, value, where):
        super().__init__(value, where)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Linear(8, 8) for _ in range(4)])
        self.head = nn.Linear(8, 3)

    def probe(self, h, i):
        s = h.mean()
        if s > 0.2:
            raise Found(h * 0.5, i)
        if s < -0.2:
            return h - 1.0
        return torch.relu(h)

    def forward(self, x):
        h = x
        n_found = 0
        for i, blk in enumerate(self.blocks):
            try:
                h = self.probe(blk(h), i)
            except Found as e:
                v, where = e.args
                h = v + where
                n_found += 1
                if n_found >= 2:
                    return self.head(h), n_found
        return self.head(h), n_found
