# entry: Net()
# input: x=float32[1,3,8,8]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# Convolution padding as modern and image-restoration code writes it: padding='same' with even
# kernels and dilation (PyTorch pads the odd element after; dynnc padded (k - 1) // 2 on both
# sides before 2026-12-04, a wrong shape), padding='valid', and padding_mode 'reflect',
# 'replicate' and 'circular' in 1-d, 2-d and 3-d layers.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.same_even = nn.Conv2d(3, 4, 4, padding='same')
        self.same_dil = nn.Conv1d(3, 2, 4, padding='same', dilation=2)
        self.same_rect = nn.Conv2d(3, 2, (2, 3), padding='same', dilation=(3, 1))
        self.valid = nn.Conv2d(3, 2, 3, padding='valid')
        self.reflect = nn.Conv2d(3, 2, 3, padding=1, padding_mode='reflect')
        self.replicate = nn.Conv1d(3, 2, 3, padding=2, padding_mode='replicate')
        self.circular = nn.Conv2d(3, 2, 3, padding=(1, 2), padding_mode='circular')
        self.same_reflect = nn.Conv2d(3, 2, 4, padding='same', padding_mode='reflect')
        self.vol = nn.Conv3d(3, 2, 2, padding='same', padding_mode='replicate')

    def forward(self, x):
        row = x[:, :, 0]
        outs = (self.same_even(x), self.same_dil(row), self.same_rect(x), self.valid(x),
                self.reflect(x), self.replicate(row), self.circular(x), self.same_reflect(x),
                self.vol(x.unsqueeze(2).expand(1, 3, 3, 8, 8)))
        if self.same_even.padding == 'same' and x.sum() > 0:
            return outs
        return outs[0] * 2, outs[4]
