# entry: Net()
# input: x=float32[2,4,6]
# inputs: 1.0
# Indexing, slicing, reshaping, concatenation, batched matmul, reductions with indices.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(6, 3))
        self.register_buffer("scale", torch.ones(3))

    def forward(self, x):
        a = x[:, 1:3]
        b = x[..., ::2]
        c = x[0]
        d = x[None, :, -1]
        e = torch.cat([a.reshape(2, -1), b.view(2, 12)], dim=1)
        f = torch.stack([c, c * 2], dim=0).permute(1, 0, 2).contiguous()
        g = torch.matmul(x, x.transpose(1, 2))
        h = (x @ self.w) * self.scale
        vals, idx = torch.max(h, dim=2)
        m = h.mean(dim=(0, 1), keepdim=True).squeeze(0)
        return a, b, d, e, f, g, vals, idx, torch.argmax(x), m, x.sum() / x.numel(), h.unsqueeze(1).shape[1]
