# entry: Net()
# input: x=float32[1,4]
# A tensor method dynnc does not model (DN0201).
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        return x.cummax(1)
# ---- expected ----
# error[DN0201]: error_unsupported_method.py:9:18: torch function or tensor method 'cummax' is not supported yet
#   |
# 9 |         return x.cummax(1)
#   |                  ^
#   = hint: see the README's list of supported operations
