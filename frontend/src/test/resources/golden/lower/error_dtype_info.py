# entry: Net()
# input: x=float32[2]
# torch.finfo of an integer type, torch.iinfo of a float or bool get PyTorch's messages.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        a = torch.finfo(torch.int64).max
        b = torch.iinfo(x.dtype).max
        c = torch.iinfo(torch.bool).max
        return x + a + b + c
# ---- expected ----
# error[DN0202]: error_dtype_info.py:10:19: torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'
#    |
# 10 |         a = torch.finfo(torch.int64).max
#    |                   ^
# error[DN0202]: error_dtype_info.py:11:19: torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'
#    |
# 11 |         b = torch.iinfo(x.dtype).max
#    |                   ^
# error[DN0202]: error_dtype_info.py:12:19: torch.bool is not supported by torch.iinfo
#    |
# 12 |         c = torch.iinfo(torch.bool).max
#    |                   ^
