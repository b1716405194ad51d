# entry: Net()
# input: x=float32[2,5,6,6]
# The layer functions refuse what PyTorch refuses (odd GLU halves, channels that do not divide into
# groups, float indices, shuffle factors that do not divide, reflect padding as wide as the input,
# circular padding that wraps twice, a PReLU slope per channel of the wrong count, sizes that do not
# multiply up, Softmax2d of a 2-d tensor, a conv1d of a 4-d input, an unknown padding mode), and
# what dynnc does not cover yet (one_hot sized by the data, adaptive max pooling with indices), with
# located errors; all in one run.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.sm = nn.Softmax2d()

    def forward(self, x):
        a = F.glu(x, 1)
        b = F.group_norm(x, 2)
        c = F.one_hot(x[0, 0].long())
        d = F.one_hot(x, 3)
        e = F.pixel_shuffle(x, 2)
        f = F.pixel_unshuffle(x, 4)
        g = F.pad(x, (6, 0, 0, 0), mode='reflect')
        h = F.pad(x, (7, 0, 0, 0), mode='circular')
        i = F.pad(x, (1, 1), mode='mirror')
        j = F.prelu(x, torch.ones(3))
        k = x.unflatten(1, (2, 2))
        l = self.sm(x[0, 0])
        m = F.embedding(x, x[0, 0])
        n = F.channel_shuffle(x, 2)
        o = F.adaptive_max_pool2d(x, 2, return_indices=True)
        p = F.conv1d(x, x[0, :3, :, :2])
        q = F.layer_norm(x, (5,))
        return x
# ---- expected ----
# error[DN0202]: error_layers_more.py:20:15: Halving dimension must be even, but dimension 1 is size 5
#    |
# 20 |         a = F.glu(x, 1)
#    |               ^
# error[DN0202]: error_layers_more.py:21:15: Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 5, 6, 6] and num_groups=2
#    |
# 21 |         b = F.group_norm(x, 2)
#    |               ^
# error[DN0201]: error_layers_more.py:22:15: F.one_hot without num_classes takes its size from the data, which compiled code cannot express yet
#    |
# 22 |         c = F.one_hot(x[0, 0].long())
#    |               ^
#    = hint: pass num_classes=
# error[DN0202]: error_layers_more.py:23:15: one_hot is only applicable to index tensor.
#    |
# 23 |         d = F.one_hot(x, 3)
#    |               ^
# error[DN0202]: error_layers_more.py:24:15: pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=5 is not divisible by 4
#    |
# 24 |         e = F.pixel_shuffle(x, 2)
#    |               ^
# error[DN0202]: error_layers_more.py:25:15: pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=6 is not divisible by 4
#    |
# 25 |         f = F.pixel_unshuffle(x, 4)
#    |               ^
# error[DN0202]: error_layers_more.py:26:15: Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (6, 0) at dimension 3 of input 4
#    |
# 26 |         g = F.pad(x, (6, 0, 0, 0), mode='reflect')
#    |               ^
# error[DN0202]: error_layers_more.py:27:15: Padding value causes wrapping around more than once.
#    |
# 27 |         h = F.pad(x, (7, 0, 0, 0), mode='circular')
#    |               ^
# error[DN0202]: error_layers_more.py:28:15: Unrecognised padding mode mirror
#    |
# 28 |         i = F.pad(x, (1, 1), mode='mirror')
#    |               ^
#    = hint: use 'constant', 'reflect', 'replicate' or 'circular'
# error[DN0202]: error_layers_more.py:29:15: Mismatch of parameter numbers and input channel size. Found parameter numbers = 3 and channel size = 5.
#    |
# 29 |         j = F.prelu(x, torch.ones(3))
#    |               ^
# error[DN0202]: error_layers_more.py:30:15: unflatten: Provided sizes [2, 2] don't multiply up to the size of dim 1 (5) in the input tensor
#    |
# 30 |         k = x.unflatten(1, (2, 2))
#    |               ^
# error[DN0202]: error_layers_more.py:31:18: Softmax2d requires a 3D or 4D tensor as input
#    |
# 31 |         l = self.sm(x[0, 0])
#    |                  ^
#    = hint: this Softmax2d was created at error_layers_more.py:17:22; check its arguments against the shape of its input
# error[DN0202]: error_layers_more.py:32:15: Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got float32 instead
#    |
# 32 |         m = F.embedding(x, x[0, 0])
#    |               ^
# error[DN0202]: error_layers_more.py:33:15: Number of channels must be divisible by groups. Got 5 channels and 2 groups.
#    |
# 33 |         n = F.channel_shuffle(x, 2)
#    |               ^
# error[DN0201]: error_layers_more.py:34:15: adaptive_max_pool2d with return_indices is not supported yet
#    |
# 34 |         o = F.adaptive_max_pool2d(x, 2, return_indices=True)
#    |               ^
# error[DN0202]: error_layers_more.py:35:15: Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [2, 5, 6, 6]
#    |
# 35 |         p = F.conv1d(x, x[0, :3, :, :2])
#    |               ^
# error[DN0202]: error_layers_more.py:36:15: Given normalized_shape=[5], expected input with shape [*, 5], but got input of size[2, 5, 6, 6]
#    |
# 36 |         q = F.layer_norm(x, (5,))
#    |               ^
