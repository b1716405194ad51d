# entry: Net()
# input: x=float32[4,6]
# input: y=int64[4]
# inputs: 1.0, -1.0
# Reading a tensor at integer tensors computed at run time, as research code does: the logit of
# each row's label (logits[torch.arange(n), labels]), an embedding table indexed by ids, a column
# picked by an argmax (a 0-d index), columns by a 2-d index, negative indices, an index after a
# slice and before one, after ..., an integer next to a tensor index, and indices that repeat; max/min over a dimension return
# PyTorch's named tuple (.values, .indices); each result is an output.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(6, 6)
        self.table = nn.Parameter(torch.randn(10, 3))

    def forward(self, x, y):
        logits = self.lin(x)
        labels = y.clamp(0, 5)
        picked = logits[torch.arange(4), labels]
        ids = (x.abs() * 3).long().clamp(0, 9)
        emb = self.table[ids]
        col = logits[:, logits[0].argmax()]
        cols = logits[:, torch.stack([labels, 5 - labels])]
        neg = logits[:, labels - 6]
        mid = logits[1:3, labels[:2], ...]
        small = logits[..., labels]
        rep = x[torch.tensor([0, 0, 3]) * (labels[:3] >= 0).long()]
        mixed = logits[labels.clamp(0, 3), -1] + logits[2, labels]
        named = logits.max(dim=1).values + torch.min(logits, 1).indices.float()
        vals, where = logits.max(1)
        return picked, emb, col, cols, neg, mid, small, rep, mixed, named, vals, where
