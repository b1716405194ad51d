# entry: Net()
# input: x=float32[1,8]
# inputs: 0.1, 0.5, 1.0, 2.0, 4.0, 8.0
# Assignment expressions (name := value): in a data-dependent if's test, in a data-dependent
# while's test and in its body (a name bound only by := in the body is loop-carried), in a call's
# argument, inside a parenthesized expression, and in a comprehension's filter (which binds the
# name in forward's scope, as in Python).
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        h = self.fc(x)
        if (score := h.abs().mean()) > 0.6:
            h = h * score
        steps = 0
        while (m := h.abs().max()) > 1.5 and steps < 6:
            (steps := steps + 1)
            if (h := h * 0.5).sum() > 0:
                h = h - 0.25
        widths = [k for i in range(3) if (k := i + 1) > 1]
        out = self.head(torch.tanh(g := h + m)) * k + len(widths)
        return out, steps, (k := steps * 2) + 1, g.sum(), score
