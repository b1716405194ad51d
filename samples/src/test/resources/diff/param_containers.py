# entry: Gates()
# input: x=float32[2,4]
# inputs: 1.0, -1.5, 0.4, -0.1
# nn.ParameterList and nn.ParameterDict as research code keeps per-branch scales and gates:
# built from a list (plain tensors become parameters), appended to, extended, assigned by key,
# indexed with constants (also negative), iterated, len(), keys/values/items; their checkpoint keys
# (scales.0, gates.exit) load as they are; a data-dependent branch picks the exit.
import torch
import torch.nn as nn


class Gates(nn.Module):
    def __init__(self, n=3):
        super().__init__()
        self.scales = nn.ParameterList([nn.Parameter(torch.randn(4)) for _ in range(n - 1)])
        self.scales.append(nn.Parameter(torch.randn(4)))
        self.extra = nn.ParameterList()
        self.extra.extend([torch.randn(4, 4), nn.Parameter(torch.randn(4))])
        self.gates = nn.ParameterDict({'skip': nn.Parameter(torch.randn(1))})
        self.gates['exit'] = nn.Parameter(torch.randn(4))
        self.n = len(self.scales)

    def forward(self, x):
        h = x
        for s in self.scales:
            h = torch.tanh(h * s)
        h = h @ self.extra[0] + self.extra[-1]
        total = sum(p.sum() for p in self.gates.values())
        names = [k for k in self.gates]
        if (h * self.gates['exit']).sum() + x[0, 0] * 100 > 0:
            return h * self.gates[names[0]], total, len(self.extra) + self.n
        for k, p in self.gates.items():
            h = h + p
        return h, total
