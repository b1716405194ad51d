# entry: SeqNet(vocab=8, dim=6)
# input: tokens=int64[1,7]
# input: x=float32[1,6,7]
# inputs: 1.0, 3.0, 0.1, 6.0, 2.0, 0.5
# Sequence layers: Embedding on int64 tokens, Conv1d (stride, dilation, groups), LayerNorm over one
# and two trailing dims (with and without affine parameters), and an early exit on their output.
import torch
import torch.nn as nn
import torch.nn.functional as F


class SeqNet(nn.Module):
    def __init__(self, vocab, dim):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.conv = nn.Conv1d(dim, 8, kernel_size=3, padding=2, dilation=2)
        self.down = nn.Conv1d(8, 8, 3, stride=2, groups=2, bias=False)
        self.norm = nn.LayerNorm(8)
        self.norm2 = nn.LayerNorm([8, 3], elementwise_affine=False)
        self.out = nn.Linear(8, 3)

    def forward(self, tokens, x):
        e = self.embed(tokens).transpose(1, 2) + x
        h = F.relu(self.conv(e))
        h = self.down(h)
        z = self.norm2(h)
        h = self.norm(h.transpose(1, 2))
        if x.sum() > 0:
            return self.out(h.mean(dim=1)), z
        return self.out(h.max(dim=1)[0]), z * 2
