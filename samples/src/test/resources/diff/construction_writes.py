# entry: Net()
# input: x=float32[1,1,8,8]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# Construction code that writes into tensors which become buffers: PixelCNN's masked convolutions
# (the mask zeroed past the kernel's centre, type A or B) and a causal mask filled row by row;
# their values are the checkpoint's, as load_state_dict writes over what __init__ left. A
# data-dependent branch.
import torch
import torch.nn as nn
import torch.nn.functional as F


class MaskedConv2d(nn.Conv2d):
    def __init__(self, mask_type, *args, **kwargs):
        super(MaskedConv2d, self).__init__(*args, **kwargs)
        self.register_buffer('mask', self.weight.data.clone())
        _, _, kh, kw = self.weight.size()
        self.mask.fill_(1)
        self.mask[:, :, kh // 2, kw // 2 + (mask_type == 'B'):] = 0
        self.mask[:, :, kh // 2 + 1:] = 0

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias, self.stride, self.padding)


class Net(nn.Module):
    def __init__(self, n=8):
        super().__init__()
        self.a = MaskedConv2d('A', 1, 4, 5, padding=2)
        self.b = MaskedConv2d('B', 4, 4, 3, padding=1)
        causal = torch.zeros(n, n)
        for i in range(n):
            causal[i, :i + 1] = 1.0
        self.register_buffer('causal', causal)

    def forward(self, x):
        y = self.b(F.relu(self.a(x)))
        rows = y.mean(1)[0] @ self.causal
        if x.sum() > 0:
            return rows
        return y, rows.sum()
