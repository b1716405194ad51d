# entry: Net()
# input: x=float32[2,5]
# chunk, split, unbind, narrow and select refuse what PyTorch refuses, with its message and the
# call's location; an empty piece, which PyTorch allows, is refused because compiled tensors have no
# zero-sized dimensions; all in one run.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        a = x.chunk(0, 1)
        b = torch.split(x, [2, 2], dim=1)
        c = x.split(0, 1)
        d = x.split([2, 0, 3], 1)
        e = x.narrow(1, 4, 2)
        f = torch.narrow(x, 1, -6, 1)
        g = x.select(1, 5)
        h = x.unbind(2)
        i = x.split(2.5, 1)
        j = x.narrow(1, 0, 0)
        k = x.narrow(0, 0, -1)
        return x
# ---- expected ----
# error[DN0202]: error_tensor_pieces.py:12:15: chunk expects `chunks` to be greater than 0, got: 0
#    |
# 12 |         a = x.chunk(0, 1)
#    |               ^
# error[DN0202]: error_tensor_pieces.py:13:19: split_with_sizes expects split_sizes to sum exactly to 5 (input tensor's size at dimension 1), but got split_sizes=[2, 2]
#    |
# 13 |         b = torch.split(x, [2, 2], dim=1)
#    |                   ^
# error[DN0202]: error_tensor_pieces.py:14:15: split_size must be positive for a dimension of size 5, got 0
#    |
# 14 |         c = x.split(0, 1)
#    |               ^
# error[DN0202]: error_tensor_pieces.py:15:15: split: an empty piece (dimension 1 of size 5 cut into [2, 0, 3]) is not supported: compiled tensors have no zero-sized dimensions
#    |
# 15 |         d = x.split([2, 0, 3], 1)
#    |               ^
# error[DN0202]: error_tensor_pieces.py:16:15: narrow: start (4) + length (2) exceeds dimension size (5)
#    |
# 16 |         e = x.narrow(1, 4, 2)
#    |               ^
# error[DN0202]: error_tensor_pieces.py:17:19: narrow: start -6 is out of range for dimension 1 of size 5
#    |
# 17 |         f = torch.narrow(x, 1, -6, 1)
#    |                   ^
# error[DN0202]: error_tensor_pieces.py:18:15: select(): index 5 out of range for tensor of size [2, 5] at dimension 1
#    |
# 18 |         g = x.select(1, 5)
#    |               ^
# error[DN0202]: error_tensor_pieces.py:19:15: dimension 2 is out of range for a tensor of rank 2
#    |
# 19 |         h = x.unbind(2)
#    |               ^
# error[DN0102]: error_tensor_pieces.py:20:15: split: split_size_or_sections must be an int or a list of ints, got 'float'
#    |
# 20 |         i = x.split(2.5, 1)
#    |               ^
# error[DN0202]: error_tensor_pieces.py:21:15: narrow: an empty piece (length 0) is not supported: compiled tensors have no zero-sized dimensions
#    |
# 21 |         j = x.narrow(1, 0, 0)
#    |               ^
# error[DN0202]: error_tensor_pieces.py:22:15: narrow(): length must be non-negative, got -1
#    |
# 22 |         k = x.narrow(0, 0, -1)
#    |               ^
