# entry: Net()
# input: x=float32[1,8]
# inputs: 0.02, 0.3, 1.0, 4.0, 10.0, -1.0, -4.0
# A data-dependent while loop inside a data-dependent branch, with an early return from inside the
# loop and a helper method that loops too; the loop's exit and the else branch meet after the if.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.refine = nn.Linear(8, 8)
        self.head = nn.Linear(8, 3)

    def settle(self, h):
        n = 0
        while h.abs().max() > 0.2 and n < 5:
            h = torch.tanh(self.refine(h)) * 0.5
            n += 1
            if h.sum() > 1.0:
                return h, -1
        return h, n

    def forward(self, x):
        steps = 0
        if x.mean() > 0:
            x, steps = self.settle(x)
        else:
            x = -x * 0.5
        return self.head(x), steps
