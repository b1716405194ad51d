# entry: Net()
# input: x=float32[1,4]
# A raise under a data-dependent condition in forward: compiled code cannot raise (DN0200).
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        if x.abs().max() > 1e6:
            raise ValueError('input out of range')
        return x
# ---- expected ----
# error[DN0200]: error_raise_in_forward.py:11:13: forward raises ValueError: input out of range
#    |
# 11 |             raise ValueError('input out of range')
#    |             ^
#    = hint: compiled code cannot raise: the input shapes reach this 'raise', or a data-dependent check does; check inputs before calling the model instead
