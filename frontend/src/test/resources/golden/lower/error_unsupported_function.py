# entry: Net()
# input: x=float32[1,4]
# A torch function dynnc does not model.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        return torch.einsum('ij->ji', x)
# ---- expected ----
# error[DN0101]: error_unsupported_function.py:10:22: module 'torch' has no attribute 'einsum'
#    |
# 10 |         return torch.einsum('ij->ji', x)
#    |                      ^
#    = hint: dynnc does not model torch.einsum yet
