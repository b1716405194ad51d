# entry: Net()
# input: x=float32[3,4]
# scatter_reduce names its reductions as PyTorch does: 'max' is scatter's word, not scatter_reduce's
# ('amax'), and PyTorch refuses it with this message; a bool tensor is refused with a hint to cast.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        index = torch.zeros(3, 4, dtype=torch.long)
        a = torch.zeros(2, 4).scatter_reduce(0, index, x, reduce='max')
        b = (x > 0).scatter_reduce(0, index, x > 1, 'sum')
        return a, b
# ---- expected ----
# error[DN0202]: error_scatter_reduce.py:12:31: reduce argument must be either sum, prod, mean, amax or amin, got max
#    |
# 12 |         a = torch.zeros(2, 4).scatter_reduce(0, index, x, reduce='max')
#    |                               ^
# error[DN0201]: error_scatter_reduce.py:13:21: scatter_reduce of a bool tensor is not supported; cast it first
#    |
# 13 |         b = (x > 0).scatter_reduce(0, index, x > 1, 'sum')
#    |                     ^
