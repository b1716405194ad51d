# entry: TensorLists()
# input: x=float32[3,6]
# inputs: 0.3, 1.0, 2.5, -0.7, 6.0
# A tensor's rows iterated by a for loop (unrolled over its static first dimension, also with a
# data-dependent break), and Tensor.tolist(): nested lists of run-time Python numbers that Python
# code then reduces, compares and counts (max, sum, comparisons, len), a 0-d tensor's number and
# int64 indices.
import torch
import torch.nn as nn


class TensorLists(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 4)

    def forward(self, x):
        p = self.fc(x).softmax(-1)
        rows = []
        total = torch.zeros(4)
        for i, row in enumerate(p):
            total = total + row * (i + 1)
            rows.append(row.argmax())
        first_sure = -1
        for j, row in enumerate(p):
            if row.max() > 0.6:
                first_sure = j
                break
        vals = p[0].tolist()
        nested = p[1:].tolist()
        best = max(vals)
        count = sum(int(v > 0.2) for v in vals)
        flags = [v > 0.25 for v in nested[0]]
        n = len(nested) * 10 + len(nested[1])
        scalar = p[2, 3].tolist()
        ids = p.argmax(1).tolist()
        if best > 0.5:
            return total, torch.stack(rows), best, count, flags, n, scalar, ids, nested, first_sure
        return total, best, ids, first_sure
