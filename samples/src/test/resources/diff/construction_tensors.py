# entry: Net()
# input: x=float32[1,6,8]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# Tensor arithmetic in __init__ whose results become buffers: the sine and cosine table of a
# Transformer's positional encoding (arange, exp, sin and cos, strided item assignment, unsqueeze,
# transpose), a relative-position index built with broadcasting, and a weight replaced through
# .data; dynnc takes their types from the computation and their values from the checkpoint. A
# data-dependent branch.
import math
import torch
import torch.nn as nn


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=16):
        super().__init__()
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        pe = pe.unsqueeze(0).transpose(0, 1)
        self.register_buffer('pe', pe)

    def forward(self, x):
        return x + self.pe[:x.size(0), :]


class Net(nn.Module):
    def __init__(self, n=6, d=8):
        super().__init__()
        self.pos = PositionalEncoding(d)
        coords = torch.arange(n)
        rel = coords[:, None] - coords[None, :] + n - 1
        self.register_buffer('rel_index', rel)
        self.rel_bias = nn.Parameter(torch.zeros(2 * n - 1))
        self.proj = nn.Linear(d, d)
        self.proj.weight.data = torch.randn(d, d) * 0.1

    def forward(self, x):
        y = self.pos(x.transpose(0, 1)).transpose(0, 1)
        scores = y @ y.transpose(1, 2) + self.rel_bias[self.rel_index]
        out = self.proj(torch.softmax(scores, -1) @ y)
        if x.sum() > 0:
            return out
        return -out, scores
