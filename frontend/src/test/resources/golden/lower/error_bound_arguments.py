# entry: Net()
# input: x=float32[2,4]
# Every library call is bound to its declared signature: a missing argument, an unexpected keyword, a
# wrong type, a keyword-only parameter given by position, and an int[2] of the wrong length are located
# DN0102 errors that name the parameter; all reported in one run.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def forward(self, x):
        a = torch.softmax(x)
        b = F.softmax(x, dim=1, dimm=2)
        c = x.softmax(x)
        d = torch.cumsum(x, 1, torch.float64)
        e = F.max_pool2d(x.view(1, 1, 2, 4), (2, 2, 2))
        f = torch.max(x, 'a')
        g = x.view(2, 2.0)
        return x
# ---- expected ----
# error[DN0102]: error_bound_arguments.py:13:19: softmax() missing required argument 'dim'
#    |
# 13 |         a = torch.softmax(x)
#    |                   ^
#    = hint: the signature is softmax(Tensor input, int dim, ScalarType? dtype=None) -> Tensor
# error[DN0102]: error_bound_arguments.py:14:15: softmax() got an unexpected keyword argument 'dimm'
#    |
# 14 |         b = F.softmax(x, dim=1, dimm=2)
#    |               ^
#    = hint: did you mean 'dim'?
# error[DN0102]: error_bound_arguments.py:15:15: softmax(): argument 'dim' (position 2) must be int, not Tensor
#    |
# 15 |         c = x.softmax(x)
#    |               ^
#    = hint: the signature is softmax(Tensor input, int dim, ScalarType? dtype=None) -> Tensor
# error[DN0102]: error_bound_arguments.py:16:19: cumsum() takes at most 2 positional arguments (3 given)
#    |
# 16 |         d = torch.cumsum(x, 1, torch.float64)
#    |                   ^
#    = hint: the signature is cumsum(Tensor input, int dim, *, ScalarType? dtype=None) -> Tensor
# error[DN0102]: error_bound_arguments.py:17:15: max_pool2d(): argument 'kernel_size' needs 2 values, got 3
#    |
# 17 |         e = F.max_pool2d(x.view(1, 1, 2, 4), (2, 2, 2))
#    |               ^
# error[DN0102]: error_bound_arguments.py:18:19: max() received an invalid combination of arguments (Tensor, str)
#    |
# 18 |         f = torch.max(x, 'a')
#    |                   ^
#    = hint: expected one of: max(Tensor input) -> Tensor; max(Tensor input, int dim, bool keepdim=False) -> (Tensor, Tensor); max(Tensor input, Tensor other) -> Tensor
# error[DN0102]: error_bound_arguments.py:19:15: view(): argument 'size' must be a tuple of ints, but found element of type float at pos 1
#    |
# 19 |         g = x.view(2, 2.0)
#    |               ^
