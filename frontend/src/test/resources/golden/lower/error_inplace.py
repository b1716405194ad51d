# entry: Net()
# input: x=float32[2,4]
# In-place updates follow PyTorch's shared storage where dynnc can: every name for the tensor sees
# the update (b after a.relu_()), and the model's own input may be updated (x.mul_(2)). Refused
# where it cannot: a tensor a view was taken of, a view of a tensor still in use, a view of a
# parameter, a tensor a list holds, a parameter given to F.relu(..., inplace=True), a viewed tensor
# given to nn.ReLU(inplace=True), an in-place method on something other than a local name (a
# parameter, an item), and reading the caller's tensor after a submodule updated it on one side of
# a data-dependent branch only; and PyTorch's own errors: a float result written into an int
# tensor, a broadcast that would grow the tensor (index_put_ at run-time rows is supported);
# augmented assignment (n2 /= 2) is in place too and checked the same way; all in one
# run. A clone of a weight may be updated. Writes at integers and slices refuse a value that does not
# broadcast to the region (PyTorch's message), a write into a temporary (sa[0][1] = ...) and a mask
# mixed with other indices.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Gate(nn.Module):
    def forward(self, h, c):
        if c.sum() > 0:
            h.relu_()
        return c * 2


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)
        self.act = nn.ReLU(inplace=True)
        self.gate = Gate()

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
        t = self.lin(x)
        r = t[0]
        r.add_(1)
        wv = self.lin.weight.view(16)
        wv.mul_(2)
        box = [self.lin(x)]
        u = box[0]
        u.relu_()
        F.relu(self.lin.weight, inplace=True)
        self.act(c)
        sa = self.lin(x)
        sa[:, 1:3] = torch.ones(3)
        sa[0][1] = 2.0
        sa[x > 0, 1] = 0.0
        k = self.lin(x)
        s = self.gate(k, x)
        return k + s
# ---- expected ----
# error[DN0200]: error_inplace.py:41:11: in-place add_ on a tensor that 'v' is a view of (a reshape, slice or transpose)
#    |
# 41 |         c.add_(1)
#    |           ^
#    = hint: PyTorch would change what shares the tensor's storage too, which dynnc cannot follow; write c = c.add(...) to make a new tensor, or .clone() it first
# error[DN0200]: error_inplace.py:42:25: in-place add_ on a tensor that is the model's parameter or buffer
#    |
# 42 |         self.lin.weight.add_(1)
#    |                         ^
#    = hint: PyTorch would change what shares the tensor's storage too, which dynnc cannot follow; use the out-of-place .add(...), or .clone() it first
# error[DN0200]: error_inplace.py:44:14: in-place add_ on a tensor that is a view of 'd', which is still in use
#    |
# 44 |         d[0].add_(1)
#    |              ^
#    = hint: PyTorch would change what shares the tensor's storage too, which dynnc cannot follow; use the out-of-place .add(...), or .clone() it first
# error[DN0202]: error_inplace.py:46:11: result type Float can't be cast to the desired output type Long
#    |
# 46 |         n.add_(0.5)
#    |           ^
# error[DN0202]: error_inplace.py:48:11: output with shape [2, 4] doesn't match the broadcast shape [3, 2, 4]
#    |
# 48 |         e.add_(torch.ones(3, 2, 4))
#    |           ^
# error[DN0202]: error_inplace.py:57:9: result type Float can't be cast to the desired output type Long
#    |
# 57 |         n2 /= 2
#    |         ^
# error[DN0200]: error_inplace.py:60:11: in-place add_ on a tensor that is a view of 't', which is still in use
#    |
# 60 |         r.add_(1)
#    |           ^
#    = hint: PyTorch would change what shares the tensor's storage too, which dynnc cannot follow; write r = r.add(...) to make a new tensor, or .clone() it first
# error[DN0200]: error_inplace.py:62:12: in-place mul_ on a tensor that is a view of the model's parameter or buffer
#    |
# 62 |         wv.mul_(2)
#    |            ^
#    = hint: PyTorch would change what shares the tensor's storage too, which dynnc cannot follow; write wv = wv.mul(...) to make a new tensor, or .clone() it first
# error[DN0200]: error_inplace.py:65:11: in-place relu_ on a tensor that an attribute or item of 'box' also refers to
#    |
# 65 |         u.relu_()
#    |           ^
#    = hint: PyTorch would change what shares the tensor's storage too, which dynnc cannot follow; write u = u.relu(...) to make a new tensor, or .clone() it first
# error[DN0200]: error_inplace.py:66:11: torch.nn.functional.relu(inplace=True) on a tensor that is the model's parameter or buffer
#    |
# 66 |         F.relu(self.lin.weight, inplace=True)
#    |           ^
#    = hint: PyTorch would change what shares the tensor's storage too, which dynnc cannot follow; pass inplace=False, or .clone() the input first
# error[DN0200]: error_inplace.py:67:14: nn.ReLU(inplace=True) on a tensor that 'v' is a view of (a reshape, slice or transpose)
#    |
# 67 |         self.act(c)
#    |              ^
#    = hint: PyTorch would change what shares the tensor's storage too, which dynnc cannot follow; pass inplace=False, or .clone() the input first
# error[DN0202]: error_inplace.py:69:11: shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [2, 2]
#    |
# 69 |         sa[:, 1:3] = torch.ones(3)
#    |           ^
# error[DN0200]: error_inplace.py:70:14: item assignment on a tensor is supported on a local variable only
#    |
# 70 |         sa[0][1] = 2.0
#    |              ^
#    = hint: index the local tensor once, with a tuple: t[i, j] = v rather than t[i][j] = v
# error[DN0201]: error_inplace.py:71:11: indexing a tensor with a run-time bool tensor of shape [2, 4] is not supported yet
#    |
# 71 |         sa[x > 0, 1] = 0.0
#    |           ^
#    = hint: the result's shape would depend on the data; keep the shape with torch.where(mask, x, 0) or x * mask
# error[DN0200]: error_inplace.py:74:16: 'k' was updated in place (in-place relu_) by Gate.forward() at error_inplace.py:23:15 on some of its paths only; dynnc cannot carry that back to the caller
#    |
# 74 |         return k + s
#    |                ^
#    = hint: return the updated tensor and assign it in the caller (k = f(k)), or pass k.clone()
