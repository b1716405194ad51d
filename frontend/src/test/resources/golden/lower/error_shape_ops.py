# entry: Net()
# input: x=float32[2,3]
# sort, flip, roll, tril, Tensor.mT, movedim, tile, broadcast_to and repeat_interleave refuse what
# PyTorch refuses, located at the call: a dimension out of range, a dimension flipped twice, shifts
# and dims that do not align, a 1-d input of tril, mT of a vector, source and destination of
# different lengths, a repeated source, a zero repeat, a size that does not broadcast; and a tensor
# of repeats, which dynnc does not support yet; all in one run.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        a = torch.sort(x, dim=2)
        b = torch.flip(x, (0, -2))
        c = torch.flip(x, 0)
        d = torch.roll(x, (1, 2), 0)
        e = torch.tril(x[0])
        f = x[0].mT
        g = torch.movedim(x, (0, 1), (1,))
        h = x.movedim((0, 0), (1, 0))
        i = x.tile(0, 1)
        j = torch.broadcast_to(x, (3, 3))
        k = x.broadcast_to(3)
        m = x.repeat_interleave(torch.tensor([1, 2]), dim=0)
        n = x.repeat_interleave(-1)
        return x
# ---- expected ----
# error[DN0202]: error_shape_ops.py:14:19: dimension 2 is out of range for a tensor of rank 2
#    |
# 14 |         a = torch.sort(x, dim=2)
#    |                   ^
# error[DN0202]: error_shape_ops.py:15:19: dim 0 appears multiple times in the list of dims
#    |
# 15 |         b = torch.flip(x, (0, -2))
#    |                   ^
# error[DN0102]: error_shape_ops.py:16:19: flip(): argument 'dims' (position 2) must be tuple of ints, not int
#    |
# 16 |         c = torch.flip(x, 0)
#    |                   ^
# error[DN0202]: error_shape_ops.py:17:19: shifts and dimensions must align. shifts: 2, dims:1
#    |
# 17 |         d = torch.roll(x, (1, 2), 0)
#    |                   ^
# error[DN0202]: error_shape_ops.py:18:19: tril: input tensor must have at least 2 dimensions, got 1
#    |
# 18 |         e = torch.tril(x[0])
#    |                   ^
# error[DN0202]: error_shape_ops.py:19:18: tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.
#    |
# 19 |         f = x[0].mT
#    |                  ^
# error[DN0202]: error_shape_ops.py:20:19: movedim: Invalid source or destination dims: source ([0, 1] dims) should contain the same number of dims as destination ([1] dims)
#    |
# 20 |         g = torch.movedim(x, (0, 1), (1,))
#    |                   ^
# error[DN0202]: error_shape_ops.py:21:15: movedim: repeated dim in `source` ([0, 0])
#    |
# 21 |         h = x.movedim((0, 0), (1, 0))
#    |               ^
# error[DN0202]: error_shape_ops.py:22:15: tile: repeats must be positive, got 0 (compiled tensors have no zero-sized dimensions)
#    |
# 22 |         i = x.tile(0, 1)
#    |               ^
# error[DN0202]: error_shape_ops.py:23:19: The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 0.  Target sizes: [3, 3].  Tensor sizes: [2, 3]
#    |
# 23 |         j = torch.broadcast_to(x, (3, 3))
#    |                   ^
# error[DN0202]: error_shape_ops.py:24:15: broadcast_to: the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)
#    |
# 24 |         k = x.broadcast_to(3)
#    |               ^
# error[DN0201]: error_shape_ops.py:25:15: repeat_interleave with a tensor of repeats is not supported yet: the result's shape depends on the data
#    |
# 25 |         m = x.repeat_interleave(torch.tensor([1, 2]), dim=0)
#    |               ^
#    = hint: pass the number of repeats as an int
# error[DN0202]: error_shape_ops.py:26:15: repeats can not be negative
#    |
# 26 |         n = x.repeat_interleave(-1)
#    |               ^
