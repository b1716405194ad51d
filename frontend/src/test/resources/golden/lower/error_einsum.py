# entry: Net()
# input: x=float32[2,3]
# input: y=float32[4,5]
# torch.einsum refuses what PyTorch refuses, with PyTorch's messages: sizes that do not broadcast,
# too few and too many operands, a rank that does not match the subscripts, an output subscript of
# no operand or repeated, an invalid subscript, a stray '.', ellipses that do not broadcast; and
# what dynnc does not support yet: a repeated subscript (a diagonal), integer operands and the
# sublist format; all in one run.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x, y):
        a = torch.einsum('ij,jk->ik', x, y)
        b = torch.einsum('ij,jk->ik', x)
        c = torch.einsum('ij', x, y)
        d = torch.einsum('ijk->ij', x)
        e = torch.einsum('ij->ik', x)
        f = torch.einsum('ij->jj', x)
        g = torch.einsum('i1->i', x)
        h = torch.einsum('i..j->ij', x)
        i = torch.einsum('...ij,...jk', x.unsqueeze(0).expand(2, 2, 3), y.unsqueeze(0).expand(5, 4, 5))
        j = torch.einsum('ii->i', x[:, :2])
        k = torch.einsum('ij->j', x.long())
        m = torch.einsum(x, [0, 1])
        n = torch.einsum('ij,jk->ik', [x])
        return x
# ---- expected ----
# error[DN0202]: error_einsum.py:15:19: einsum(): subscript j has size 4 for operand 1 which does not broadcast with previously seen size 3
#    |
# 15 |         a = torch.einsum('ij,jk->ik', x, y)
#    |                   ^
# error[DN0202]: error_einsum.py:16:19: einsum(): fewer operands were provided than specified in the equation
#    |
# 16 |         b = torch.einsum('ij,jk->ik', x)
#    |                   ^
# error[DN0202]: error_einsum.py:17:19: einsum(): more operands were provided than specified in the equation
#    |
# 17 |         c = torch.einsum('ij', x, y)
#    |                   ^
# error[DN0202]: error_einsum.py:18:19: einsum(): the number of subscripts in the equation (3) does not match the number of dimensions (2) for operand 0 and no ellipsis was given
#    |
# 18 |         d = torch.einsum('ijk->ij', x)
#    |                   ^
# error[DN0202]: error_einsum.py:19:19: einsum(): output subscript k does not appear in the equation for any input operand
#    |
# 19 |         e = torch.einsum('ij->ik', x)
#    |                   ^
# error[DN0202]: error_einsum.py:20:19: einsum(): output subscript j appears more than once in the output
#    |
# 20 |         f = torch.einsum('ij->jj', x)
#    |                   ^
# error[DN0202]: error_einsum.py:21:19: einsum(): invalid subscript given at index 1 in the equation string, subscripts must be in [a-zA-Z]
#    |
# 21 |         g = torch.einsum('i1->i', x)
#    |                   ^
# error[DN0202]: error_einsum.py:22:19: einsum(): found '.' for operand 0 that is not part of any ellipsis
#    |
# 22 |         h = torch.einsum('i..j->ij', x)
#    |                   ^
# error[DN0202]: error_einsum.py:23:19: einsum(): dimension 0 covered by ellipsis in operand 1 has size 5 which does not broadcast with previously seen ellipsis with size 2 for the respective dimension
#    |
# 23 |         i = torch.einsum('...ij,...jk', x.unsqueeze(0).expand(2, 2, 3), y.unsqueeze(0).expand(5, 4, 5))
#    |                   ^
# error[DN0201]: error_einsum.py:24:19: einsum with subscript i repeated in operand 0 (a diagonal or trace) is not supported yet
#    |
# 24 |         j = torch.einsum('ii->i', x[:, :2])
#    |                   ^
#    = hint: multiply by torch.eye(n) and sum over one of the two dimensions instead
# error[DN0201]: error_einsum.py:25:19: einsum of int64 tensors is not supported yet
#    |
# 25 |         k = torch.einsum('ij->j', x.long())
#    |                   ^
#    = hint: cast the operands with .float() first
# error[DN0201]: error_einsum.py:26:19: einsum's sublist format (operand, [subscripts], ...) is not supported yet
#    |
# 26 |         m = torch.einsum(x, [0, 1])
#    |                   ^
#    = hint: write the equation as a string, as in torch.einsum('ij,jk->ik', a, b)
# error[DN0202]: error_einsum.py:27:19: einsum(): fewer operands were provided than specified in the equation
#    |
# 27 |         n = torch.einsum('ij,jk->ik', [x])
#    |                   ^
