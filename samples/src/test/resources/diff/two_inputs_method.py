# entry: Matcher(dim=6)
# method: score
# input: query=float32[1,6]
# input: key=float32[1,6]
# inputs: 0.1, 1.0, 4.0, 0.3, 8.0
# A method other than forward, with two inputs, and a data-dependent choice between them.
import torch
import torch.nn as nn


class Matcher(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.proj = nn.Linear(dim, dim)

    def forward(self, query, key):
        return self.score(query, key)

    def score(self, query, key):
        q = self.proj(query)
        k = self.proj(key)
        if (q - k).abs().max() > 2.0:
            return torch.cat([q, k], dim=1), True
        return q * k, False
