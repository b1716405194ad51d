# entry: Net()
# input: x=float32[1,4]
# A real tensor method dynnc does not support: DN0105 with the reason, not an unknown name.
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        return x.cummax(1)
# ---- expected ----
# error[DN0105]: error_unsupported_method.py:9:18: Tensor.cummax is not supported by dynnc yet
#   |
# 9 |         return x.cummax(1)
#   |                  ^
#   = hint: docs/supported-api.md lists the supported functions, methods and layers
