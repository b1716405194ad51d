# entry: Net()
# input: x=float32[2,8]
# inputs: 1.0, -1.0
# special: x[0,0]=40
# special: x[0,1]=40
# special: x[0,2]=40
# special: x[0,3]=40
# For loops over a range whose bound is known only at run time, as adaptive models run a number
# of refinement steps their input chose: the counter indexing a positional table, a range
# counting down with a step of -1, a `continue` on the counter, an `else` after the loop, a sum
# of the counters (0 when the range is empty), and a `break` on the data.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(8, 8)
        self.pe = nn.Parameter(torch.randn(6, 8))

    def forward(self, x):
        n = int(x[0].argmax().item()) % 4
        h = x
        for i in range(n):
            h = torch.tanh(self.lin(h)) + self.pe[i]
        acc = torch.zeros(2)
        for j in range(n + 1, 1, -1):
            if j == 3:
                continue
            acc = acc + h[:, j]
        else:
            acc = acc * 2
        total = 0
        for k in range(1, n):
            total += k
        g = x
        for _ in range(n + 2):
            g = g * 1.5
            if g.abs().sum() > 30.0:
                break
        return h, acc, total, n, g
