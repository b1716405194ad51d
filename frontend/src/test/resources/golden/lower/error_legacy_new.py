# entry: Net()
# input: x=float32[2,3]
# A tuple of ints given to a legacy constructor is data in PyTorch, but a torch.Size such as
# x.size() is a shape, and dynnc cannot tell them apart: refused rather than guessed. A tensor of
# another dtype is refused as PyTorch refuses it.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        a = x.new(x.size())
        b = torch.FloatTensor(x.size())
        c = x.new(torch.LongTensor([1, 2]))
        d = x.new([1, 2]) + torch.FloatTensor((1.5, 2))
        return a, b, c, d
# ---- expected ----
# error[DN0201]: error_legacy_new.py:12:15: Tensor.new() of a tuple of ints: PyTorch reads a tuple as the data but a torch.Size (such as x.size()) as a shape, and dynnc does not tell them apart
#    |
# 12 |         a = x.new(x.size())
#    |               ^
#    = hint: write new_zeros(size)/torch.zeros(size) for a shape, or a list [...] for the data
# error[DN0201]: error_legacy_new.py:13:19: torch.FloatTensor() of a tuple of ints: PyTorch reads a tuple as the data but a torch.Size (such as x.size()) as a shape, and dynnc does not tell them apart
#    |
# 13 |         b = torch.FloatTensor(x.size())
#    |                   ^
#    = hint: write new_zeros(size)/torch.zeros(size) for a shape, or a list [...] for the data
# error[DN0102]: error_legacy_new.py:14:15: Tensor.new(): expected Float (got Long)
#    |
# 14 |         c = x.new(torch.LongTensor([1, 2]))
#    |               ^
