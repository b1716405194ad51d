# entry: Net()
# input: x=float32[3,3]
# torch.linalg beyond its norms, matrix norms other than Frobenius, and torch.special functions
# dynnc does not have are refused where they are used.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        a = torch.linalg.inv(x)
        b = torch.linalg.matrix_norm(x, ord=2)
        c = torch.special.entr(x)
        d = torch.linalg.norm(x, ord=2)
        e = torch.nn.functional.gelu(x, approximate='fast')
        return a, b, c, d, e
# ---- expected ----
# error[DN0105]: error_linalg.py:11:26: 'torch.linalg.inv' is outside the part of PyTorch that dynnc models, so it cannot be used here
#    |
# 11 |         a = torch.linalg.inv(x)
#    |                          ^
#    = hint: named here: error_linalg.py:11
# error[DN0201]: error_linalg.py:12:26: the matrix norm ord=2 is not supported
#    |
# 12 |         b = torch.linalg.matrix_norm(x, ord=2)
#    |                          ^
#    = hint: only ord='fro' is: the others need singular values or column sums
# error[DN0105]: error_linalg.py:13:27: 'torch.special.entr' is outside the part of PyTorch that dynnc models, so it cannot be used here
#    |
# 13 |         c = torch.special.entr(x)
#    |                           ^
#    = hint: named here: error_linalg.py:13
# error[DN0201]: error_linalg.py:14:26: the matrix norm ord=2 is not supported
#    |
# 14 |         d = torch.linalg.norm(x, ord=2)
#    |                          ^
#    = hint: only ord='fro' is: the others need singular values or column sums
# error[DN0202]: error_linalg.py:15:33: approximate argument must be either none or tanh.
#    |
# 15 |         e = torch.nn.functional.gelu(x, approximate='fast')
#    |                                 ^
