# entry: Net()
# input: x=float32[2,6]
# inputs: 1.0, -1.0
# special: x[0,0]=20.0
# special: x[0,0]=-20.0
# Writes into a tensor at integers and slices, as research code fills its outputs: a decoder's
# outputs[:, t] = step in a loop, a row set to a number, a strided slice, ... with a negative index,
# a value with a leading dimension of 1, an int tensor and a bool tensor, rows at run-time indices
# (t[idx] = v), a one-hot made with onehot[torch.arange(n), k] = 1, columns at a 2-d run-time index
# with negative values, rows at run-time indices with a slice after them, index_put_ and
# index_put (a tuple of index tensors, a mask), index_put with accumulate=True (at run-time rows that
# repeat, so both values are added; a mask; a known row), a write into the caller's tensor in a
# submodule, and one on one side of a data-dependent branch; each result is an output.
import torch
import torch.nn as nn


class Stamp(nn.Module):
    def forward(self, h):
        h[:, 0] = -1.0
        return h.sum(dim=1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(6, 6)
        self.cell = nn.GRUCell(6, 6)
        self.stamp = Stamp()

    def forward(self, x):
        outputs = torch.zeros(2, 4, 6)
        h = torch.zeros(2, 6)
        for t in range(4):
            h = self.cell(x, h)
            outputs[:, t] = h
        a = self.lin(x)
        a[0] = 0.5
        b = self.lin(x)
        b[:, 1:5:2] = torch.tensor([7.0, 8.0])
        b[-1, -2:] = x[0, :2]
        c = self.lin(x).unsqueeze(0).repeat(3, 1, 1)
        c[..., 0] = c[..., 1]
        c[1, :, 2:4] = 0.0
        d = self.lin(x)
        d[1] = x[0].view(1, 6) * 2
        cnt = torch.zeros(2, 3, dtype=torch.long)
        cnt[:, 1] = 3
        cnt[0, 2] = 2.7
        mask = torch.zeros(2, 6, dtype=torch.bool)
        mask[:, 0] = True
        mask[1, 3:] = x[1, 3:] > 0
        rows = torch.zeros(4, 6)
        idx = torch.tensor([3, 0])
        rows[idx] = x
        k = x.argmax(dim=1)
        r = torch.zeros(6, 6)
        r[k] = torch.ones(6)
        onehot = torch.zeros(2, 6)
        onehot[torch.arange(2), k] = 1.0
        cols = self.lin(x)
        cols[:, torch.stack([k, k - 6])] = x[:, :1].unsqueeze(2)
        part = torch.zeros(6, 6)
        part[k - 6, 1:4] = x[:, 2:5] * 2
        ip = torch.zeros(6, 6).index_put_((k, torch.tensor([1, 4])), x[:, 0])
        ip[k, -1] = 7.0
        ip2 = self.lin(x).index_put((x[:, 0] > 0, ), torch.tensor(-2.0))
        acc = torch.zeros(6, 6).index_put_((torch.cat([k, k]),), torch.cat([x, x * 2]), accumulate=True)
        acc2 = self.lin(x).index_put((x[:, 0] > 0,), torch.tensor(1.5), accumulate=True)
        acc3 = torch.ones(3, 6).index_put((torch.tensor(1),), x[0], accumulate=True)
        e = self.lin(x)
        s = self.stamp(e)
        g = self.lin(x)
        if x.sum() > 0:
            g[:, :3] = x[:, 3:]
        else:
            g[1] = 0.0
        return outputs, a, b, c, d, cnt, mask, rows, r, onehot, cols, part, ip, ip2, acc, acc2, acc3, e, s, g
