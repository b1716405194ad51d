# entry: Net()
# input: x=float32[2,3]
# input: n=int64[3]
# outer, dot, mv, addmm, baddbmm, addcdiv, lerp, remainder, round, eye and linspace refuse what
# PyTorch refuses, with PyTorch's messages, located at the call: ranks, sizes and dtypes that do
# not fit, integer addcdiv and lerp, a bool remainder, an integer division by the number zero,
# negative sizes; and what dynnc does not support yet: addcmul of mixed dtypes, linspace of an
# integer dtype; all in one run.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x, n):
        a = torch.outer(x, x[0])
        b = torch.dot(x[0], x[1, :2])
        c = x[0].dot(n)
        d = torch.mv(x, x[:, 0])
        e = torch.addmm(x, x, x)
        f = torch.addmm(x, x[0], x)
        g = torch.baddbmm(x, x.unsqueeze(0), x.unsqueeze(0))
        h = torch.addcdiv(x, n, n)
        i = torch.addcmul(x, x, n)
        j = torch.lerp(n, n, 0.5)
        k = x.lerp(x.double(), 0.5)
        m = torch.remainder(n > 0, 2)
        o = n.fmod(0)
        p = torch.round(n > 0)
        q = torch.eye(-1)
        s = torch.linspace(0, 1, 0)
        u = torch.linspace(0, 10, 4, dtype=torch.long)
        return x
# ---- expected ----
# error[DN0202]: error_products_arith.py:15:19: outer: Expected 1-D argument self, but got 2-D
#    |
# 15 |         a = torch.outer(x, x[0])
#    |                   ^
# error[DN0202]: error_products_arith.py:16:19: inconsistent tensor size, expected tensor [3] and src [2] to have the same number of elements, but got 3 and 2 elements respectively
#    |
# 16 |         b = torch.dot(x[0], x[1, :2])
#    |                   ^
# error[DN0202]: error_products_arith.py:17:18: dot : expected both vectors to have same dtype, but found Float and Long
#    |
# 17 |         c = x[0].dot(n)
#    |                  ^
# error[DN0202]: error_products_arith.py:18:19: size mismatch, got 2, 2x3,2
#    |
# 18 |         d = torch.mv(x, x[:, 0])
#    |                   ^
# error[DN0202]: error_products_arith.py:19:19: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)
#    |
# 19 |         e = torch.addmm(x, x, x)
#    |                   ^
# error[DN0202]: error_products_arith.py:20:19: mat1 must be a matrix, got 1-D tensor
#    |
# 20 |         f = torch.addmm(x, x[0], x)
#    |                   ^
# error[DN0202]: error_products_arith.py:21:19: Expected size for first two dimensions of batch2 tensor to be: [1, 3] but got: [1, 2].
#    |
# 21 |         g = torch.baddbmm(x, x.unsqueeze(0), x.unsqueeze(0))
#    |                   ^
# error[DN0202]: error_products_arith.py:22:19: Integer division with addcdiv is no longer supported, and in a future release addcdiv will perform a true division of tensor1 and tensor2.
#    |
# 22 |         h = torch.addcdiv(x, n, n)
#    |                   ^
#    = hint: use input + value * torch.trunc(tensor1 / tensor2) for the historic behavior, or cast to float
# error[DN0201]: error_products_arith.py:23:19: addcmul of float32, float32 and int64 tensors with value=1 is not supported yet
#    |
# 23 |         i = torch.addcmul(x, x, n)
#    |                   ^
#    = hint: cast the three tensors to one floating-point dtype
# error[DN0202]: error_products_arith.py:24:19: "lerp_kernel_scalar" not implemented for 'Long'
#    |
# 24 |         j = torch.lerp(n, n, 0.5)
#    |                   ^
# error[DN0202]: error_products_arith.py:25:15: expected dtype float32 for `end` but got dtype float64
#    |
# 25 |         k = x.lerp(x.double(), 0.5)
#    |               ^
# error[DN0202]: error_products_arith.py:26:19: "remainder_cpu" not implemented for 'Bool'
#    |
# 26 |         m = torch.remainder(n > 0, 2)
#    |                   ^
# error[DN0202]: error_products_arith.py:27:15: ZeroDivisionError
#    |
# 27 |         o = n.fmod(0)
#    |               ^
# error[DN0202]: error_products_arith.py:28:19: "round_vml_cpu" not implemented for 'Bool'
#    |
# 28 |         p = torch.round(n > 0)
#    |                   ^
# error[DN0202]: error_products_arith.py:29:19: n must be greater or equal to 0, got -1
#    |
# 29 |         q = torch.eye(-1)
#    |                   ^
# error[DN0202]: error_products_arith.py:30:19: torch.linspace: 0 steps is not supported: compiled tensors have no zero-sized dimensions
#    |
# 30 |         s = torch.linspace(0, 1, 0)
#    |                   ^
# error[DN0201]: error_products_arith.py:31:19: torch.linspace with dtype int64 is not supported yet
#    |
# 31 |         u = torch.linspace(0, 10, 4, dtype=torch.long)
#    |                   ^
#    = hint: make it in floating point and cast the result
