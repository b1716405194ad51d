# entry: Net()
# input: x=float32[1,8]
# inputs: 0.05, 0.4, 1.0, 3.0, 10.0, 40.0
# A data-dependent while loop from the first test on (zero iterations for small inputs), with a
# data-dependent continue, break, conditional expression and short-circuit `or`; the loop body is
# compiled once however many iterations an input takes.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.shrink = nn.Linear(8, 8)
        self.out = nn.Linear(8, 3)

    def forward(self, x):
        steps = 0
        gain = torch.ones(1, 1)
        while x.abs().max() > 0.5 and steps < 6:
            x = x * 0.5 + 0.1 * torch.tanh(self.shrink(x))
            steps += 1
            if x.sum() > 0:
                continue
            gain = gain * 1.5 if x.min() < -1 else gain + 0.25
            if x.abs().max() > 8:
                break
        y = self.out(x) * gain
        long_run = steps > 2 or x.mean().item() > 0
        return y, steps, long_run
