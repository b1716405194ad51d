# entry: Net()
# input: x=float32[1,4]
# np.array of a list holding run-time values is not modelled (only reductions of such lists are):
# a located error, not a silent list.
import numpy as np
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        h = self.fc(x)
        return h, np.array([h.max().item(), 1.0])
# ---- expected ----
# error[DN0201]: error_numpy_array_of_runtime_values.py:16:22: numpy.array of a list holding run-time values is not supported
#    |
# 16 |         return h, np.array([h.max().item(), 1.0])
#    |                      ^
#    = hint: numpy functions take numbers, lists of numbers and arrays from Tensor.numpy()
