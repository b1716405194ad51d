# entry: Net()
# input: x=float32[4,6]
# A selection by a run-time bool mask (x[m]) has a shape that depends on the data: dynnc takes it
# where that shape does not matter, and every other use is a located error naming the selection:
# its shape, a reduction along a dimension, two selections by different masks combined or written
# at each other's mask, a tensor of more dimensions than the selection's trailing ones, an argument
# to a library function, a write at an index that is no mask, a mask of the wrong shape, and a
# selection returned.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        m = x[:, 0] > 0
        m2 = x[:, 1] > 0
        a = x[m].shape
        b = x[m].sum(0)
        c = x[m] + x[m2]
        w = x.clone()
        w[m2] = x[m]
        d = x[m] * x
        e = torch.cat([x[m], x])
        w[0] = x[m]
        f = x[x[0] > 0]
        return x[m]
# ---- expected ----
# error[DN0201]: error_masked_select.py:17:18: a selection by a run-time bool mask (x[mask], made at line 17) cannot be used here: its shape depends on the data
#    |
# 17 |         a = x[m].shape
#    |                  ^
#    = hint: dynnc takes x[mask] as the value written at the same mask (out[m] = x[m]), in elementwise arithmetic and comparisons, and whole in sum(), mean(), any(), all(), numel() and len(); otherwise keep the shape with torch.where(mask, x, 0)
# error[DN0201]: error_masked_select.py:18:18: sum() with arguments of a selection by a run-time mask is not supported
#    |
# 18 |         b = x[m].sum(0)
#    |                  ^
#    = hint: reduce the selection whole (sum(), mean(), any(), all()), or the whole tensor with torch.where(mask, x, 0)
# error[DN0201]: error_masked_select.py:19:18: combining selections by two different run-time masks is not supported
#    |
# 19 |         c = x[m] + x[m2]
#    |                  ^
#    = hint: their shapes depend on the data; combine the whole tensors and select once
# error[DN0201]: error_masked_select.py:21:10: writing a selection by one run-time mask at another mask is not supported
#    |
# 21 |         w[m2] = x[m]
#    |          ^
#    = hint: the two selections' sizes depend on the data; write out[m] = x[m] with one mask
# error[DN0201]: error_masked_select.py:22:18: a tensor of 2 dimensions combined with a selection by a run-time mask is not supported
#    |
# 22 |         d = x[m] * x
#    |                  ^
#    = hint: the selection's first dimension depends on the data; only tensors of at most 1 dimensions broadcast over its other ones
# error[DN0201]: error_masked_select.py:23:19: a selection by a run-time bool mask (x[mask], made at line 23) cannot be used here: its shape depends on the data
#    |
# 23 |         e = torch.cat([x[m], x])
#    |                   ^
#    = hint: dynnc takes x[mask] as the value written at the same mask (out[m] = x[m]), in elementwise arithmetic and comparisons, and whole in sum(), mean(), any(), all(), numel() and len(); otherwise keep the shape with torch.where(mask, x, 0)
# error[DN0201]: error_masked_select.py:24:10: a selection by a run-time bool mask (x[mask], made at line 24) cannot be used here: its shape depends on the data
#    |
# 24 |         w[0] = x[m]
#    |          ^
#    = hint: dynnc takes x[mask] as the value written at the same mask (out[m] = x[m]), in elementwise arithmetic and comparisons, and whole in sum(), mean(), any(), all(), numel() and len(); otherwise keep the shape with torch.where(mask, x, 0)
# error[DN0202]: error_masked_select.py:25:14: The shape of the mask [6] does not match the shape of the indexed tensor [4, 6]
#    |
# 25 |         f = x[x[0] > 0]
#    |              ^
# error[DN0201]: error_masked_select.py:26:9: a selection by a run-time bool mask (x[mask], made at line 26) cannot be used here: its shape depends on the data
#    |
# 26 |         return x[m]
#    |         ^
#    = hint: dynnc takes x[mask] as the value written at the same mask (out[m] = x[m]), in elementwise arithmetic and comparisons, and whole in sum(), mean(), any(), all(), numel() and len(); otherwise keep the shape with torch.where(mask, x, 0)
