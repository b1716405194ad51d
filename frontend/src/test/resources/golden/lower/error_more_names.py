# entry: Net()
# input: x=float32[2,3]
# Misuses of the names added from the sweep get located errors: contracted dimensions of
# different sizes, a negative diff order, a diff that would empty its dimension, and the
# one-argument torch.where, whose result's shape depends on the data.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        a = torch.tensordot(x, x, dims=([1], [0]))
        b = torch.diff(x, n=-1)
        c = torch.diff(x, n=3)
        d = torch.where(x > 0)
        return a, b, c, d
# ---- expected ----
# error[DN0202]: error_more_names.py:12:19: contracted dimensions need to match, but first has size 3 in dim 1 and second has size 2 in dim 0
#    |
# 12 |         a = torch.tensordot(x, x, dims=([1], [0]))
#    |                   ^
# error[DN0202]: error_more_names.py:13:19: order must be non-negative but got -1
#    |
# 13 |         b = torch.diff(x, n=-1)
#    |                   ^
# error[DN0201]: error_more_names.py:14:19: diff() would leave an empty dimension, which compiled tensors cannot have
#    |
# 14 |         c = torch.diff(x, n=3)
#    |                   ^
# error[DN0201]: error_more_names.py:15:19: torch.where(condition) with one argument is torch.nonzero(condition, as_tuple=True): its result's shape depends on the data
#    |
# 15 |         d = torch.where(x > 0)
#    |                   ^
#    = hint: select with torch.where(condition, x, y), or mask with x * condition
