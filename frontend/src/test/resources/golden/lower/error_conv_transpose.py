# entry: Net()
# input: x=float32[2,5,6,6]
# Transposed convolutions refuse what PyTorch refuses (a padding mode other than zeros, a weight
# whose input channels do not match, an output padding not smaller than the stride or dilation, a
# 4-d input to a 1-d one), and what dynnc does not cover yet (a dilated one with an output padding
# not smaller than the stride, output_size given in forward), with located errors; all in one run.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(5, 2, 3)
        self.bad_mode = nn.ConvTranspose2d(5, 2, 3, padding_mode='reflect')

    def forward(self, x):
        w = x[0].reshape(5, 2, 3, 6)[..., :3]
        a = F.conv_transpose2d(x, x[:4, :2])
        b = F.conv_transpose2d(x, w, stride=2, output_padding=2)
        c = F.conv_transpose2d(x, w, dilation=2, output_padding=1)
        d = self.up(x, output_size=[8, 8])
        e = F.conv_transpose1d(x, w[..., 0])
        return x
# ---- expected ----
# error[DN0202]: error_conv_transpose.py:16:28: Only "zeros" padding mode is supported for ConvTranspose2d
#    |
# 16 |         self.bad_mode = nn.ConvTranspose2d(5, 2, 3, padding_mode='reflect')
#    |                            ^
# error[DN0202]: error_conv_transpose.py:20:15: Given transposed=1, weight of size [2, 2, 6, 6], expected input[2, 5, 6, 6] to have 2 channels, but got 5 channels instead
#    |
# 20 |         a = F.conv_transpose2d(x, x[:4, :2])
#    |               ^
# error[DN0202]: error_conv_transpose.py:21:15: output padding must be smaller than either stride or dilation, but got output_padding_height: 2 output_padding_width: 2 stride_height: 2 stride_width: 2 dilation_height: 1 dilation_width: 1
#    |
# 21 |         b = F.conv_transpose2d(x, w, stride=2, output_padding=2)
#    |               ^
# error[DN0201]: error_conv_transpose.py:22:15: conv_transpose2d with dilation and an output padding not smaller than the stride is not supported yet
#    |
# 22 |         c = F.conv_transpose2d(x, w, dilation=2, output_padding=1)
#    |               ^
#    = hint: use an output padding smaller than the stride
# error[DN0201]: error_conv_transpose.py:23:18: ConvTranspose2d with output_size is not supported yet
#    |
# 23 |         d = self.up(x, output_size=[8, 8])
#    |                  ^
#    = hint: set output_padding in the constructor instead
# error[DN0202]: error_conv_transpose.py:24:15: Expected 2D (unbatched) or 3D (batched) input to conv_transpose1d, but got input of size: [2, 5, 6, 6]
#    |
# 24 |         e = F.conv_transpose1d(x, w[..., 0])
#    |               ^
