# entry: Net()
# input: x=float32[2,5]
# masked_fill refuses what PyTorch refuses, with located errors: a mask that is not bool, a mask
# larger than the input (it must broadcast to the input's shape), and a value tensor of more than one
# element; all in one run.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        a = x.masked_fill(x, 0.0)
        b = x.masked_fill(torch.ones(3, 2, 5) > 0, 1.0)
        c = torch.masked_fill(x, x > 0, x[0])
        return x
# ---- expected ----
# error[DN0102]: error_masked_fill.py:12:15: masked_fill only supports boolean masks, but got mask with dtype float32
#    |
# 12 |         a = x.masked_fill(x, 0.0)
#    |               ^
# error[DN0202]: error_masked_fill.py:13:15: masked_fill: mask of shape [3, 2, 5] does not broadcast to the input's shape [2, 5]
#    |
# 13 |         b = x.masked_fill(torch.ones(3, 2, 5) > 0, 1.0)
#    |               ^
# error[DN0202]: error_masked_fill.py:14:19: masked_fill only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s)
#    |
# 14 |         c = torch.masked_fill(x, x > 0, x[0])
#    |                   ^
