# entry: Net()
# input: x=float32[1,2,5,5]
# F.interpolate refuses what PyTorch refuses, and what dynnc does not cover yet, with located
# errors; all in one run.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def forward(self, x):
        a = F.interpolate(x)
        b = F.interpolate(x, size=4, scale_factor=2)
        c = F.interpolate(x, size=4, align_corners=True)
        d = F.interpolate(x, size=4, mode='area')
        e = F.interpolate(x[0], size=4)
        f = F.interpolate(x, scale_factor=1.5)
        g = F.interpolate(x, size=(2, 3, 4))
        h = F.interpolate(x, size=0)
        return x
# ---- expected ----
# error[DN0202]: error_interpolate.py:12:15: either size or scale_factor should be defined
#    |
# 12 |         a = F.interpolate(x)
#    |               ^
# error[DN0202]: error_interpolate.py:13:15: only one of size or scale_factor should be defined
#    |
# 13 |         b = F.interpolate(x, size=4, scale_factor=2)
#    |               ^
# error[DN0202]: error_interpolate.py:14:15: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear
#    |
# 14 |         c = F.interpolate(x, size=4, align_corners=True)
#    |               ^
# error[DN0201]: error_interpolate.py:15:15: F.interpolate mode 'area' is not supported yet
#    |
# 15 |         d = F.interpolate(x, size=4, mode='area')
#    |               ^
#    = hint: use mode='nearest', 'linear' (3-d), 'bilinear' or 'bicubic' (4-d)
# error[DN0201]: error_interpolate.py:17:15: F.interpolate with scale_factor 1.5 of a size 5 dimension (not a whole output size) is not supported yet
#    |
# 17 |         f = F.interpolate(x, scale_factor=1.5)
#    |               ^
#    = hint: pass size=, or recompute_scale_factor=True
# error[DN0202]: error_interpolate.py:18:15: F.interpolate of a 4-d input needs 2 sizes, got 3
#    |
# 18 |         g = F.interpolate(x, size=(2, 3, 4))
#    |               ^
# error[DN0202]: error_interpolate.py:19:15: F.interpolate: output size 0 must be positive
#    |
# 19 |         h = F.interpolate(x, size=0)
#    |               ^
