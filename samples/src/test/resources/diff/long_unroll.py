# entry: LongUnroll()
# input: x=float32[1,160,4]
# inputs: 1.0, -1.0, 0.3, -2.0, 0.05, 0.1
# A GRU cell stepped over a 160-step sequence in a Python loop, which dynnc unrolls into one
# straight line of about 2,000 device ops, inside a data-dependent loop that runs it one to three
# times; then a few repeated affine updates of one value. The line is cut into several subgraphs
# (TVM's passes crashed the compile worker on it), in the loop's body, and TVM's SimplifyExpr,
# which does not converge on five chained `h * a + b`, is left out for that subgraph. A
# data-dependent choice on the result ends it.
import torch
import torch.nn as nn


class LongUnroll(nn.Module):
    def __init__(self, n_in=4, hidden=8):
        super().__init__()
        self.cell = nn.GRUCell(n_in, hidden)
        self.head = nn.Linear(hidden, 3)

    def forward(self, x):
        h = torch.zeros(x.size(0), self.cell.hidden_size)
        rounds = 0
        while rounds < 3 and (rounds == 0 or h.abs().sum() < x.abs().mean() * 20):
            for t in range(x.size(1)):
                h = self.cell(x[:, t], h)
            rounds += 1
        s = self.head(h)
        for _ in range(6):
            s = s * 0.9 + 0.05
        if x[:, -1].sum() > 0:
            return s, rounds
        return -s, h
