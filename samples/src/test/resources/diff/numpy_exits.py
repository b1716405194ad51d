# entry: Net()
# input: x=float32[2,8]
# inputs: 1.0, 0.05, -1.0, 30.0
# An exit decided in numpy as BranchyNet-style code decides it: the entropy of the exit's softmax,
# -np.sum(p * np.log(p), axis=1), compared with a threshold under np.all; then np.exp, np.sqrt,
# np.abs, np.tanh, np.clip, np.where(c, x, y) and np.any along an axis on the arrays of tensors,
# np.exp of an int array (float64, as numpy computes it), and torch.from_numpy of the results.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.exit1 = nn.Linear(8, 4)
        self.body = nn.Linear(8, 8)
        self.exit2 = nn.Linear(8, 4)
        self.threshold = 1.2

    def forward(self, x):
        p = F.softmax(self.exit1(x), dim=1).detach().cpu().numpy()
        entropy = -np.sum(p * np.log(p), axis=1)
        if np.all(entropy < self.threshold):
            return torch.from_numpy(p), 1
        h = torch.relu(self.body(x))
        q = F.softmax(self.exit2(h), dim=1).detach().numpy()
        a = x.numpy()
        extra = np.exp(np.clip(a, -2.0, 2.0)) + np.sqrt(np.abs(a)) + np.tanh(a)
        kept = np.where(a > 0, a, 0.0) + np.any(a > 1.0, axis=1)[:, None]
        ints = np.exp((a > 0) * 1)
        return torch.from_numpy(q), 2, torch.from_numpy(extra), torch.from_numpy(kept), ints
