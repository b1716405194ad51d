# entry: Net()
# input: x=float32[5,6]
# input: a=int64[3]
# input: b=int64[3]
# input: c=int64[2,2]
# input: d=int64[2]
# input: k=int64[2]
# raises: a tensor index is out of range | a slice with run-time bounds reaches outside
# special: a[0]=8
# special: a[1]=-1
# special: b[0]=-5 d[1]=-6
# special: b[2]=5
# special: b[1]=-6
# special: c[0,1]=6
# special: c[1,0]=-1
# special: d[0]=-7
# special: d[1]=6
# special: c[0,0]=5 d[0]=-1 k[1]=4
# special: k[0]=5
# special: k[1]=-1
# special: a[2]=5
# Run-time indices out of range raise as in PyTorch, each at its own operation: an embedding id
# (a), advanced indexing (b, where -5 counts from the end and -6 is out), gather and a scatter
# (c, no negative index), index_fill (d, which counts a negative index from the end) and an item
# write at columns (d), F.one_hot's classes (k), and a window of two columns at a run-time start
# (x[:, i:i + 2]: past the end PyTorch returns a shorter slice, which the reshape then refuses, and
# dynnc raises at the slice). The first
# input set is in range; each special one sets one index just inside or just outside its dimension.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(8, 6)

    def forward(self, x, a, b, c, d, k):
        e = self.emb(a)
        rows = x[b]
        g = torch.gather(x, 1, c)
        s = torch.zeros(2, 6).scatter(1, c, 1.0)
        filled = x.index_fill(1, d, -2.0)
        w = x.clone()
        w[:, d] = 3.0
        i = int(a[2])
        win = x[:, i:i + 2].reshape(10)  # PyTorch fails here on a shorter window
        return e, rows, g, s, filled, w, F.one_hot(k, 5), win
