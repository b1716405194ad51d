# entry: Net()
# input: x=float32[2,4]
# In-place methods rebind a local name, so they refuse what would differ from PyTorch's shared
# storage: a tensor another name refers to, the caller's tensor, a tensor a view was taken of, an
# in-place method on something other than a local name (a parameter, an item); and PyTorch's own
# errors: a float result written into an int tensor, a broadcast that would grow the tensor; and an
# in-place method dynnc does not cover (index_put_); augmented assignment (p += 1, n /= 2) is in place
# too and checked the same way; all in one run. A clone of a weight may be updated.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)

    def forward(self, x):
        a = self.lin(x)
        b = a
        a.relu_()
        x.mul_(2)
        c = self.lin(x)
        v = c.view(8)
        c.add_(1)
        self.lin.weight.add_(1)
        d = self.lin(x)
        d[0].add_(1)
        n = x.argmax(dim=1)
        n.add_(0.5)
        e = self.lin(x)
        e.add_(torch.ones(3, 2, 4))
        g = self.lin(x)
        g.index_put_((n,), x[0])
        w = self.lin.weight.clone()
        w.add_(1)
        p = self.lin(x)
        q = p
        p += 1
        n2 = x.argmax(dim=1)
        n2 /= 2
        return x
# ---- expected ----
# error[DN0200]: error_inplace.py:21:11: in-place relu_ on a tensor that the local variable 'b' also refers to
#    |
# 21 |         a.relu_()
#    |           ^
#    = hint: dynnc rebinds 'a' to a new tensor and cannot change the shared one; write a = a.relu(...), or .clone() it first
# error[DN0200]: error_inplace.py:22:11: in-place mul_ on a tensor that the caller also refers to
#    |
# 22 |         x.mul_(2)
#    |           ^
#    = hint: dynnc rebinds 'x' to a new tensor and cannot change the shared one; write x = x.mul(...), or .clone() it first
# error[DN0200]: error_inplace.py:25:11: in-place add_ on a tensor that a view (reshape, slice or transpose) also refers to
#    |
# 25 |         c.add_(1)
#    |           ^
#    = hint: dynnc rebinds 'c' to a new tensor and cannot change the shared one; write c = c.add(...), or .clone() it first
# error[DN0105]: error_inplace.py:26:25: Tensor.add_ is not supported by dynnc: in-place updates are supported on local variables only (dynnc rebinds the name); update a local copy (w = self.weight.clone()), or use the out-of-place form
#    |
# 26 |         self.lin.weight.add_(1)
#    |                         ^
#    = hint: docs/supported-api.md lists the supported functions, methods and layers
# error[DN0105]: error_inplace.py:28:14: Tensor.add_ is not supported by dynnc: in-place updates are supported on local variables only (dynnc rebinds the name); update a local copy (w = self.weight.clone()), or use the out-of-place form
#    |
# 28 |         d[0].add_(1)
#    |              ^
#    = hint: docs/supported-api.md lists the supported functions, methods and layers
# error[DN0202]: error_inplace.py:30:11: result type Float can't be cast to the desired output type Long
#    |
# 30 |         n.add_(0.5)
#    |           ^
# error[DN0202]: error_inplace.py:32:11: output with shape [2, 4] doesn't match the broadcast shape [3, 2, 4]
#    |
# 32 |         e.add_(torch.ones(3, 2, 4))
#    |           ^
# error[DN0105]: error_inplace.py:34:11: Tensor.index_put_ is not supported by dynnc: this in-place tensor update is not supported in forward; use the out-of-place form
#    |
# 34 |         g.index_put_((n,), x[0])
#    |           ^
#    = hint: docs/supported-api.md lists the supported functions, methods and layers
# error[DN0200]: error_inplace.py:39:9: augmented assignment to a tensor that the local variable 'q' also refers to
#    |
# 39 |         p += 1
#    |         ^
#    = hint: PyTorch updates that tensor in place; dynnc rebinds 'p' to a new one. Write p = p <op> ..., or .clone() it first
# error[DN0202]: error_inplace.py:41:9: result type Float can't be cast to the desired output type Long
#    |
# 41 |         n2 /= 2
#    |         ^
