# entry: Writes()
# input: x=float32[2,3]
# inputs: 0.5, 1.0, 2.0, 3.0, 0.2, 4.0, 1.5, 0.7, 0.05, 0.3, 2.5, 5.0
# Tensors written and spelled out in forward: masked assignment (a number; a row value broadcast to
# the rows a mask selects), torch.tensor of nested lists with PyTorch's dtypes, a counter tensor
# used as an index, and a ModuleList indexed by a run-time int (one expert runs per input).
import torch
import torch.nn as nn


class Writes(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 3)
        self.experts = nn.ModuleList([nn.Linear(3, 3), nn.Linear(3, 3), nn.Sequential(nn.Linear(3, 3), nn.Tanh())])

    def forward(self, x):
        h = self.fc(x)
        t = h.clone()
        t[t < 0] = 0.0
        rows = t.clone()
        rows[rows.sum(1) > 0.5] = torch.tensor([1.0, 2.0, 3.0])
        consts = torch.tensor([[1, 2], [3, 4]])
        flags = torch.tensor([True, False])
        mixed = torch.tensor([1, 2.5], dtype=torch.float32)
        c = torch.tensor([0])
        picks = []
        for _ in range(3):
            picks.append(h[:, c])
            c += 1
        k = int(x.sum().item() * 10) % 3
        y = self.experts[k](h)
        return t, rows, consts + 1, flags, mixed * 2, picks, y, k
