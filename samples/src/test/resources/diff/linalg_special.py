# entry: Net()
# input: x=float32[2,3,4]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# Names newer research code calls: torch.linalg.norm / vector_norm / matrix_norm (Frobenius),
# torch.special.expit / logit / erf / logsumexp, torch.logit with and without eps, and the tanh
# approximation of GELU (F.gelu and nn.GELU, as GPT-style blocks use it).
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import linalg as LA


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.act = nn.GELU(approximate='tanh')

    def forward(self, x):
        h = self.act(self.fc(x))
        g = F.gelu(x, approximate='tanh')
        norms = (LA.norm(x), LA.norm(x, dim=-1), LA.norm(x, dim=(1, 2)), LA.norm(x[0, 0], ord=1),
                 LA.norm(x, ord=float('inf'), dim=1), LA.norm(x, ord='fro', dim=(0, 2)),
                 LA.vector_norm(x), LA.vector_norm(x, ord=3, dim=2, keepdim=True),
                 torch.linalg.matrix_norm(x), LA.matrix_norm(x, dim=(0, 1), keepdim=True))
        p = torch.special.expit(x)
        probs = (p, torch.logit(p), torch.logit(p, eps=0.1), p.logit(1e-3),
                 torch.special.logit(p), torch.special.erf(x), torch.special.logsumexp(x, -1))
        unit = h / LA.vector_norm(h, dim=-1, keepdim=True).clamp(min=1e-6)
        if x.sum() > 0:
            return unit, g, norms
        return h, probs
