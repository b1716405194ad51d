# entry: Net()
# input: x=float32[2,4]
# An integer tensor to a negative constant power and torch.div with an unknown rounding mode are
# refused where PyTorch raises; shifts of tensors are not supported yet.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        i = (x * 3).long()
        a = i ** -1
        b = torch.div(i, 2, rounding_mode='round')
        c = i << 2
        return x
# ---- expected ----
# error[DN0202]: error_int_arith.py:12:15: Integers to negative integer powers are not allowed.
#    |
# 12 |         a = i ** -1
#    |               ^
# error[DN0202]: error_int_arith.py:13:19: div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'round'
#    |
# 13 |         b = torch.div(i, 2, rounding_mode='round')
#    |                   ^
# error[DN0201]: error_int_arith.py:14:15: operator << on tensors is not supported
#    |
# 14 |         c = i << 2
#    |               ^
