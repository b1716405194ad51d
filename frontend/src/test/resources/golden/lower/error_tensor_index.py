# entry: Net()
# input: x=float32[4,6]
# input: y=int64[4]
# Reading at run-time integer tensors refuses what PyTorch refuses (an int32 index, index tensors
# that do not broadcast together, an integer next to a tensor index out of range) and what dynnc
# does not support yet (tensor indices separated by a slice, a tensor index next to None, a float
# or boolean tensor next to one, the shape of a selection by a boolean mask, which depends on the
# data);
# writes at run-time indices are checked the same way, and a value that does not broadcast to what
# they select is PyTorch's error; slices with run-time bounds whose length is not a constant, with a
# step or with a float bound, and writes at them next to a run-time index, are refused; all in one
# run.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x, y):
        a = x[y.int()]
        b = x[y, y[:3]]
        c = x.unsqueeze(0)[y, :, y]
        d = x[y, 6]
        e = x[y, None]
        f = x[y, x[0]]
        h = x[y, x[:, 0] > 0]
        g = x[x > 0].shape
        w = x.clone()
        w[y, None] = 1.0
        w[y] = torch.ones(3)
        w[y, y[:3]] = 0.0
        t = int(y[0].item())
        s1 = x[:, :t]
        s2 = x[t:t + 2:2]
        s3 = x[x[0, 0].item():t]
        w[t, t:t + 1] = 2.0
        return w
# ---- expected ----
# error[DN0202]: error_tensor_index.py:19:14: tensors used as indices must be long, byte or bool tensors
#    |
# 19 |         a = x[y.int()]
#    |              ^
# error[DN0202]: error_tensor_index.py:20:14: shape mismatch: indexing tensors could not be broadcast together with shapes [[4], [3]]
#    |
# 20 |         b = x[y, y[:3]]
#    |              ^
# error[DN0201]: error_tensor_index.py:21:27: integer tensor indices separated by a slice are not supported yet
#    |
# 21 |         c = x.unsqueeze(0)[y, :, y]
#    |                           ^
#    = hint: index the dimensions one after the other, or use torch.gather
# error[DN0202]: error_tensor_index.py:22:14: index 6 is out of bounds for dimension 1 with size 6
#    |
# 22 |         d = x[y, 6]
#    |              ^
# error[DN0201]: error_tensor_index.py:23:14: indexing with None next to an integer tensor is not supported yet
#    |
# 23 |         e = x[y, None]
#    |              ^
#    = hint: index with integer tensors and slices, or reshape first
# error[DN0202]: error_tensor_index.py:24:14: tensors used as indices must be long, byte or bool tensors
#    |
# 24 |         f = x[y, x[0]]
#    |              ^
# error[DN0201]: error_tensor_index.py:25:14: a boolean mask next to an integer tensor index is not supported: the result's shape would depend on the data
#    |
# 25 |         h = x[y, x[:, 0] > 0]
#    |              ^
#    = hint: select with torch.where(mask, x, 0), or index with integer tensors only
# error[DN0201]: error_tensor_index.py:26:22: a selection by a run-time bool mask (x[mask], made at line 26) cannot be used here: its shape depends on the data
#    |
# 26 |         g = x[x > 0].shape
#    |                      ^
#    = hint: dynnc takes x[mask] as the value written at the same mask (out[m] = x[m]), in elementwise arithmetic and comparisons, and whole in sum(), mean(), any(), all(), numel() and len(); otherwise keep the shape with torch.where(mask, x, 0)
# error[DN0201]: error_tensor_index.py:28:10: indexing with None next to an integer tensor is not supported yet
#    |
# 28 |         w[y, None] = 1.0
#    |          ^
#    = hint: index with integer tensors and slices, or reshape first
# error[DN0202]: error_tensor_index.py:29:10: shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [4, 6]
#    |
# 29 |         w[y] = torch.ones(3)
#    |          ^
# error[DN0202]: error_tensor_index.py:30:10: shape mismatch: indexing tensors could not be broadcast together with shapes [[4], [3]]
#    |
# 30 |         w[y, y[:3]] = 0.0
#    |          ^
# error[DN0201]: error_tensor_index.py:32:15: a slice whose length is known only at run time is not supported: the result's shape would depend on the data
#    |
# 32 |         s1 = x[:, :t]
#    |               ^
#    = hint: slice a fixed length from a run-time start, x[t:t + k], or mask the rest with torch.where
# error[DN0201]: error_tensor_index.py:33:15: a slice with run-time bounds and a step is not supported yet
#    |
# 33 |         s2 = x[t:t + 2:2]
#    |               ^
# error[DN0102]: error_tensor_index.py:34:15: slice indices must be integers, got a run-time float32
#    |
# 34 |         s3 = x[x[0, 0].item():t]
#    |               ^
# error[DN0201]: error_tensor_index.py:35:10: writing at a slice with run-time bounds together with a run-time or tensor index is not supported yet
#    |
# 35 |         w[t, t:t + 1] = 2.0
#    |          ^
#    = hint: write at the slice of a tensor selected first, or blend with torch.where
