# entry: Net()
# input: x=float32[1,4]
# A torch function dynnc does not model.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        return torch.kron(x, x)
# ---- expected ----
# error[DN0105]: error_unsupported_function.py:10:22: torch.kron is not supported by dynnc yet
#    |
# 10 |         return torch.kron(x, x)
#    |                      ^
#    = hint: docs/supported-api.md lists the supported functions, methods and layers
