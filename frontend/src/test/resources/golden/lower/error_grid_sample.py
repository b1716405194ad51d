# entry: Net()
# input: x=float32[2,3,8,8]
# F.affine_grid and F.grid_sample refuse what PyTorch refuses, at the call: an unknown mode or
# padding mode, a grid without 2 coordinates, batches that differ, theta of the wrong shape, a size
# that is not 4-d or not positive, and integer theta; and what dynnc does not compile yet: 3-d
# transforms and 5-d inputs.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def forward(self, x):
        theta = x[:, 0, :2, :3]
        grid = F.affine_grid(theta, x.size(), align_corners=False)
        a = F.grid_sample(x, grid, mode='area')
        b = F.grid_sample(x, grid, padding_mode='circular')
        c = F.grid_sample(x, x[:, :, :4, :3].permute(0, 2, 3, 1))
        d = F.grid_sample(x[:1], grid)
        e = F.affine_grid(x[:, 0, :3, :3], x.size())
        f = F.affine_grid(theta, [2, 3, 8])
        g = F.affine_grid(theta, [2, 3, 0, 8])
        h = F.affine_grid(theta.long(), x.size())
        i = F.affine_grid(x[:, 0, :3, :4], [2, 3, 4, 4, 4])
        j = F.grid_sample(x.view(2, 3, 2, 4, 8), grid.view(2, 2, 4, 8, 2)[..., :3].contiguous())
        k = F.affine_grid(theta, [3, 3, 8, 8])
        return a + b + c + d + e + f + g + h + i + j + k
# ---- expected ----
# error[DN0202]: error_grid_sample.py:16:15: nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: 'area'
#    |
# 16 |         a = F.grid_sample(x, grid, mode='area')
#    |               ^
# error[DN0202]: error_grid_sample.py:17:15: nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: 'circular'
#    |
# 17 |         b = F.grid_sample(x, grid, padding_mode='circular')
#    |               ^
# error[DN0202]: error_grid_sample.py:18:15: grid_sampler(): expected grid to have size 2 in last dimension, but got grid with sizes [2, 4, 3, 3]
#    |
# 18 |         c = F.grid_sample(x, x[:, :, :4, :3].permute(0, 2, 3, 1))
#    |               ^
# error[DN0202]: error_grid_sample.py:19:15: grid_sampler(): expected grid and input to have same batch size, but got input with sizes [1, 3, 8, 8] and grid with sizes [2, 8, 8, 2]
#    |
# 19 |         d = F.grid_sample(x[:1], grid)
#    |               ^
# error[DN0202]: error_grid_sample.py:20:15: Expected a batch of 2D affine matrices of shape Nx2x3 for size [2, 3, 8, 8]. Got [2, 3, 3].
#    |
# 20 |         e = F.affine_grid(x[:, 0, :3, :3], x.size())
#    |               ^
# error[DN0202]: error_grid_sample.py:21:15: affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size [2, 3, 8].
#    |
# 21 |         f = F.affine_grid(theta, [2, 3, 8])
#    |               ^
# error[DN0202]: error_grid_sample.py:22:15: Expected non-zero, positive output size. Got [2, 3, 0, 8]
#    |
# 22 |         g = F.affine_grid(theta, [2, 3, 0, 8])
#    |               ^
# error[DN0202]: error_grid_sample.py:23:15: Expected theta to have floating point type, but got int64
#    |
# 23 |         h = F.affine_grid(theta.long(), x.size())
#    |               ^
# error[DN0201]: error_grid_sample.py:24:15: F.affine_grid of a 5-d size (a 3-d transform) is not supported yet
#    |
# 24 |         i = F.affine_grid(x[:, 0, :3, :4], [2, 3, 4, 4, 4])
#    |               ^
#    = hint: only 2-d transforms, theta [N, 2, 3] and size [N, C, H, W], are
# error[DN0201]: error_grid_sample.py:25:15: F.grid_sample of a 5-d input is not supported yet
#    |
# 25 |         j = F.grid_sample(x.view(2, 3, 2, 4, 8), grid.view(2, 2, 4, 8, 2)[..., :3].contiguous())
#    |               ^
#    = hint: only 4-d inputs (N, C, H, W) with a grid [N, H, W, 2] are
# error[DN0202]: error_grid_sample.py:26:15: affine_grid: theta's batch of 2 matrices does not match the size's batch 3
#    |
# 26 |         k = F.affine_grid(theta, [3, 3, 8, 8])
#    |               ^
