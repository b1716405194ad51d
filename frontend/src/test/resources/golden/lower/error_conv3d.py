# entry: Net()
# input: x=float32[1,3,4,8,8]
# The 3-d layers refuse what PyTorch refuses, at the call: BatchNorm3d and Conv3d given a 4-d
# input, BatchNorm2d given a 5-d one, a window larger than the padded input, and what dynnc does not
# compile yet: dilated or index-returning 3-d max pooling and a divisor override.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv3d(3, 4, 3)
        self.bn3 = nn.BatchNorm3d(3)
        self.bn2 = nn.BatchNorm2d(3)

    def forward(self, x):
        a = self.bn3(x[:, :, 0])
        b = self.conv(x[:, :, 0])
        c = self.bn2(x)
        d = F.max_pool3d(x, (5, 2, 2))
        e = F.max_pool3d(x, 2, dilation=2)
        f = F.max_pool3d(x, 2, return_indices=True)
        g = F.avg_pool3d(x, 2, divisor_override=3)
        return x
# ---- expected ----
# error[DN0202]: error_conv3d.py:19:18: expected 5D input (got 4D input)
#    |
# 19 |         a = self.bn3(x[:, :, 0])
#    |                  ^
#    = hint: this BatchNorm3d was created at error_conv3d.py:15:23; check its arguments against the shape of its input
# error[DN0202]: error_conv3d.py:20:18: Conv3d expects an input of shape [N, C, D, H, W], got f32[1,3,8,8]
#    |
# 20 |         b = self.conv(x[:, :, 0])
#    |                  ^
#    = hint: this Conv3d was created at error_conv3d.py:14:24; check its arguments against the shape of its input
# error[DN0202]: error_conv3d.py:21:18: expected 4D input (got 5D input)
#    |
# 21 |         c = self.bn2(x)
#    |                  ^
#    = hint: this BatchNorm2d was created at error_conv3d.py:16:23; check its arguments against the shape of its input
# error[DN0202]: error_conv3d.py:22:15: window of size 5 does not fit an input of size 4 (padding 0)
#    |
# 22 |         d = F.max_pool3d(x, (5, 2, 2))
#    |               ^
# error[DN0201]: error_conv3d.py:23:15: max_pool3d with dilation or return_indices is not supported yet
#    |
# 23 |         e = F.max_pool3d(x, 2, dilation=2)
#    |               ^
# error[DN0201]: error_conv3d.py:24:15: max_pool3d with dilation or return_indices is not supported yet
#    |
# 24 |         f = F.max_pool3d(x, 2, return_indices=True)
#    |               ^
# error[DN0201]: error_conv3d.py:25:15: avg_pool3d with divisor_override is not supported yet
#    |
# 25 |         g = F.avg_pool3d(x, 2, divisor_override=3)
#    |               ^
