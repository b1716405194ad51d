# entry: Net()
# input: x=float32[1,4]
# A parameter assigned under a name the class already defines: PyTorch's register_parameter
# raises KeyError, since the class attribute would shadow the parameter.
import torch
import torch.nn as nn


class Net(nn.Module):
    scale = None

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(4))

    def forward(self, x):
        return x * self.scale
# ---- expected ----
# error[DN0101]: error_class_attr_parameter.py:14:14: attribute 'scale' already exists (PyTorch raises KeyError here)
#    |
# 14 |         self.scale = nn.Parameter(torch.ones(4))
#    |              ^
#    = hint: Net defines 'scale' at class level, which would shadow the parameter; remove or rename it
