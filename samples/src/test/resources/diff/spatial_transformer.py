# entry: STN()
# input: x=float32[2,3,12,10]
# inputs: 0.5, 1.0, 3.0
# Spatial transformer networks (Jaderberg et al. 2015): a localisation network regresses theta,
# F.affine_grid makes the sampling grid (with and without align_corners, an output size other than
# the input's) and F.grid_sample reads the input there, in every mode and padding mode (theta is
# scaled so that part of the grid falls outside the image); a grid computed directly (tanh of a
# convolution) is sampled too; a branch on the transform's size decides whether to warp at all.
import torch
import torch.nn as nn
import torch.nn.functional as F


class STN(nn.Module):
    def __init__(self):
        super().__init__()
        self.loc = nn.Sequential(nn.Conv2d(3, 4, 3, stride=2), nn.ReLU(), nn.AdaptiveAvgPool2d(2))
        self.fc_loc = nn.Linear(16, 6)
        self.offsets = nn.Conv2d(3, 2, 3, padding=1)
        self.head = nn.Linear(3, 5)

    def forward(self, x):
        theta = 1.5 * torch.tanh(self.fc_loc(self.loc(x).flatten(1))).view(-1, 2, 3)
        outs = []
        for corners in (False, True):
            grid = F.affine_grid(theta, [2, 3, 7, 9], align_corners=corners)
            outs.append(grid)
            for mode in ('bilinear', 'nearest', 'bicubic'):
                for pad in ('zeros', 'border', 'reflection'):
                    outs.append(F.grid_sample(x, grid, mode=mode, padding_mode=pad, align_corners=corners))
        same = F.affine_grid(theta, x.size())
        outs.append(F.grid_sample(x, same))
        direct = torch.tanh(self.offsets(x)).permute(0, 2, 3, 1) * 1.2
        outs.append(F.grid_sample(x, direct, padding_mode='border', align_corners=True))
        one = F.affine_grid(theta[:1], (1, 3, 1, 5), align_corners=False)
        outs.append(one)
        if theta.abs().sum() > 15.0:
            warped = F.grid_sample(x, F.affine_grid(theta, x.shape, align_corners=False), align_corners=False)
            return self.head(warped.mean(dim=(2, 3))), outs, 1
        return self.head(x.mean(dim=(2, 3))), outs, 0
