# entry: Net()
# input: x=float32[2,5]
# The torch functions added with their PyTorch signatures refuse wrong arity, wrong kinds and values
# with located errors (DN0102, DN0202), and what they do not cover yet with DN0201; all in one run.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def forward(self, x):
        a = torch.topk(x)
        b = torch.gather(x, 1, x)
        c = x.index_select(0)
        d = torch.topk(x, 9)
        e = F.pad(x, (1, 2, 3))
        f = F.pad(x, (1, 1), mode='reflect', value=1.0)
        g = F.normalize(x, p=3.0)
        h = F.batch_norm(x, x[0], x[0], training=True)
        i = torch.cumsum(x, dim=2)
        j = F.conv2d(x, x, stride=0)
        return x
# ---- expected ----
# error[DN0102]: error_torch_fn_arguments.py:12:19: topk() missing required argument 'k'
#    |
# 12 |         a = torch.topk(x)
#    |                   ^
#    = hint: the signature is topk(Tensor input, int k, int dim=-1, bool largest=True, bool sorted=True) -> (Tensor, Tensor)
# error[DN0102]: error_torch_fn_arguments.py:13:19: gather() needs an integer index, got float32
#    |
# 13 |         b = torch.gather(x, 1, x)
#    |                   ^
# error[DN0102]: error_torch_fn_arguments.py:14:15: index_select() missing required argument 'index'
#    |
# 14 |         c = x.index_select(0)
#    |               ^
#    = hint: the signature is index_select(Tensor input, int dim, Tensor index) -> Tensor
# error[DN0202]: error_torch_fn_arguments.py:15:19: topk: k=9 is larger than dimension 1 of size 5
#    |
# 15 |         d = torch.topk(x, 9)
#    |                   ^
# error[DN0102]: error_torch_fn_arguments.py:16:15: F.pad: padding length 3 must be even and at most twice the rank 2
#    |
# 16 |         e = F.pad(x, (1, 2, 3))
#    |               ^
# error[DN0202]: error_torch_fn_arguments.py:17:15: Padding mode "reflect" doesn't take in value argument
#    |
# 17 |         f = F.pad(x, (1, 1), mode='reflect', value=1.0)
#    |               ^
# error[DN0201]: error_torch_fn_arguments.py:18:15: F.normalize with p=3.0 is not supported yet
#    |
# 18 |         g = F.normalize(x, p=3.0)
#    |               ^
#    = hint: use p=1 or p=2
# error[DN0201]: error_torch_fn_arguments.py:19:15: F.batch_norm with training=True is not supported
#    |
# 19 |         h = F.batch_norm(x, x[0], x[0], training=True)
#    |               ^
#    = hint: compiled models run in eval mode; pass training=False
# error[DN0202]: error_torch_fn_arguments.py:20:19: dimension 2 is out of range for a tensor of rank 2
#    |
# 20 |         i = torch.cumsum(x, dim=2)
#    |                   ^
# error[DN0102]: error_torch_fn_arguments.py:21:15: argument 'stride' must be at least 1, got 0
#    |
# 21 |         j = F.conv2d(x, x, stride=0)
#    |               ^
