# entry: Pool()
# input: x=float32[5,4]
# inputs: 1.0, -0.8, 2.0
# special: x[0,0]=3.0
# special: x[0,0]=-3.0
# special: x[1,2]=nan
# special: x[2,1]=inf x[3,3]=-inf
# scatter_reduce as graph and mixture-of-experts code pools messages per destination: every
# reduce ('sum', 'prod', 'mean', 'amax', 'amin') with and without the input's own values, along
# both dimensions, on floats (a NaN source wins amax and amin, as in PyTorch) and on int64 (mean
# rounds down), the torch. function form and the in-place scatter_reduce_; the indices come from
# argmax of the data, so they repeat, and some positions receive nothing; a data-dependent branch
# picks the result.
import torch
import torch.nn as nn


class Pool(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 3)

    def forward(self, x):
        dest = self.proj(x).argmax(dim=1)                     # [5] in 0..2, repeating
        index = dest.unsqueeze(1).repeat(1, 4)                # [5, 4]
        base = torch.full((3, 4), 0.5)
        out = []
        for reduce in ('sum', 'prod', 'mean', 'amax', 'amin'):
            out.append(base.scatter_reduce(0, index, x, reduce=reduce))
            out.append(base.scatter_reduce(0, index, x, reduce=reduce, include_self=False))
        cols = (x * 3).long().clamp(0, 3)                     # [5, 4] in 0..3
        wide = torch.zeros(5, 4).scatter_reduce(1, cols, x, 'amax', include_self=False)
        ints = (x * 10).long()
        ibase = torch.arange(12).reshape(3, 4) - 5
        for reduce in ('sum', 'prod', 'mean', 'amax', 'amin'):
            out.append(ibase.scatter_reduce(0, index, ints, reduce))
            out.append(torch.scatter_reduce(ibase, 0, index, ints, reduce, include_self=False))
        acc = torch.ones(3, 4)
        acc.scatter_reduce_(0, index[:3], x[:3], 'mean', include_self=False)
        if x[0, 0] > 0:
            return out, wide, acc
        return acc, wide
