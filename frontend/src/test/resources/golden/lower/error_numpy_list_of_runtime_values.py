# entry: Net()
# input: x=float32[1,4]
# numpy reductions of Python lists take numbers known at compile time; a list of .item() values
# is not an array dynnc models.
import numpy as np
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        h = self.fc(x)
        return h, np.mean([h.max().item(), h.min().item()])
# ---- expected ----
# error[DN0201]: error_numpy_list_of_runtime_values.py:16:22: numpy.mean of a list holding run-time values is not supported
#    |
# 16 |         return h, np.mean([h.max().item(), h.min().item()])
#    |                      ^
#    = hint: numpy functions take numbers, lists of numbers and arrays from Tensor.numpy()
