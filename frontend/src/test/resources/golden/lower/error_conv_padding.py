# entry: Net()
# input: x=float32[1,3,8,8]
# Convolution padding PyTorch refuses: 'same' with a stride, an unknown padding string, an unknown
# padding_mode.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 4, 3, stride=2, padding='same')
        self.b = nn.Conv2d(3, 4, 3, padding='full')
        self.c = nn.Conv2d(3, 4, 3, padding=1, padding_mode='mirror')

    def forward(self, x):
        return self.a(x), self.b(x), self.c(x)
# ---- expected ----
# error[DN0102]: error_conv_padding.py:11:21: padding='same' is not supported for strided convolutions
#    |
# 11 |         self.a = nn.Conv2d(3, 4, 3, stride=2, padding='same')
#    |                     ^
# error[DN0102]: error_conv_padding.py:12:21: Invalid padding string 'full', should be one of {'valid', 'same'}
#    |
# 12 |         self.b = nn.Conv2d(3, 4, 3, padding='full')
#    |                     ^
# error[DN0102]: error_conv_padding.py:13:21: padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode='mirror'
#    |
# 13 |         self.c = nn.Conv2d(3, 4, 3, padding=1, padding_mode='mirror')
#    |                     ^
