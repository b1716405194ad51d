# entry: Net()
# input: x=float32[2,4]
# Real PyTorch names that dynnc does not support are DN0105 with the reason, never "unknown": a torch
# submodule (torch.fft), a function whose result shape depends on the data, an in-place method, an nn
# class (made in __init__, which is fine, and reported where forward uses it) and a training loss in F;
# all reported in one run.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.act = nn.Conv3d(4, 4, 1)

    def forward(self, x):
        a = torch.fft.fft(x)
        b = torch.nonzero(x)
        c = x.uniform_()
        d = F.cross_entropy(x, x)
        e = self.act(x)
        return x
# ---- expected ----
# error[DN0105]: error_known_unsupported.py:18:19: torch.fft is not supported by dynnc: complex tensors are not supported
#    |
# 18 |         a = torch.fft.fft(x)
#    |                   ^
#    = hint: docs/supported-api.md lists the supported functions, methods and layers
# error[DN0105]: error_known_unsupported.py:19:19: torch.nonzero is not supported by dynnc: its result's shape depends on the data, which compiled code cannot express yet
#    |
# 19 |         b = torch.nonzero(x)
#    |                   ^
#    = hint: docs/supported-api.md lists the supported functions, methods and layers
# error[DN0105]: error_known_unsupported.py:20:15: Tensor.uniform_ is not supported by dynnc: this in-place tensor update is not supported in forward; use the out-of-place form
#    |
# 20 |         c = x.uniform_()
#    |               ^
#    = hint: docs/supported-api.md lists the supported functions, methods and layers
# error[DN0105]: error_known_unsupported.py:21:15: torch.nn.functional.cross_entropy is not supported by dynnc: a training loss; compiled models run inference only
#    |
# 21 |         d = F.cross_entropy(x, x)
#    |               ^
#    = hint: docs/supported-api.md lists the supported functions, methods and layers
# error[DN0202]: error_known_unsupported.py:22:18: Conv3d expects an input of shape [N, C, D, H, W], got f32[2,4]
#    |
# 22 |         e = self.act(x)
#    |                  ^
#    = hint: this Conv3d was created at error_known_unsupported.py:15:23; check its arguments against the shape of its input
