# entry: Decoder()
# input: x=float32[1,4,5,5]
# inputs: 1.0, 0.3, -2.0
# Transposed convolutions as decoders and upsampling heads use them: stride 2 with output padding,
# padding, dilation, groups, no bias, a 1-d one over the flattened map and an unbatched input, as
# layers and as functions; a data-dependent branch picks a refinement step.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1)
        self.grouped = nn.ConvTranspose2d(6, 4, (2, 3), stride=(2, 1), groups=2, bias=False)
        self.dilated = nn.ConvTranspose2d(4, 3, 3, dilation=2, padding=2)
        self.up1 = nn.ConvTranspose1d(4, 2, 4, stride=3, padding=1, output_padding=2)
        self.w = nn.Parameter(torch.randn(4, 5, 2, 2))
        self.b = nn.Parameter(torch.randn(5))
        self.w1 = nn.Parameter(torch.randn(4, 3, 3))

    def forward(self, x):
        u = torch.relu(self.up(x))
        g = self.grouped(u)
        d = self.dilated(x)
        s = self.up1(x.flatten(2))
        f = F.conv_transpose2d(x, self.w, self.b, stride=2)
        f1 = F.conv_transpose1d(x[0].flatten(1), self.w1, stride=2, padding=1)
        h = torch.conv_transpose2d(x[0], self.w, dilation=(1, 2))
        if u.mean() > 0.2:
            return self.dilated(g[:, :, ::2]), s, f, f1, h
        return u, g, d, s, f, f1, h
