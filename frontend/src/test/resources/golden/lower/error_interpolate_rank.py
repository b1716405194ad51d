# entry: Net()
# input: x=float32[1,2,5]
# input: y=float32[1,2,4,4]
# F.interpolate with a mode of the other rank, or the wrong number of sizes, gets PyTorch's message.
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def forward(self, x, y):
        a = F.interpolate(x, size=7, mode='bilinear')
        b = F.interpolate(y, size=7, mode='linear')
        c = F.interpolate(x, size=(7, 7))
        return a, b, c
# ---- expected ----
# error[DN0202]: error_interpolate_rank.py:11:15: Got 3D input, but bilinear mode needs 4D input
#    |
# 11 |         a = F.interpolate(x, size=7, mode='bilinear')
#    |               ^
# error[DN0202]: error_interpolate_rank.py:12:15: Got 4D input, but linear mode needs 3D input
#    |
# 12 |         b = F.interpolate(y, size=7, mode='linear')
#    |               ^
# error[DN0202]: error_interpolate_rank.py:13:15: F.interpolate of a 3-d input needs 1 sizes, got 2
#    |
# 13 |         c = F.interpolate(x, size=(7, 7))
#    |               ^
