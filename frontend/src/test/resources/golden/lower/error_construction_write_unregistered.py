# entry: Net()
# input: x=float32[1,4]
# A tensor written in __init__ and kept as a plain attribute: its values are in no checkpoint, and
# after the write dynnc no longer knows them (before it, torch.ones made a known constant).
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        scale = torch.ones(4)
        scale[0] = 2.0
        self.scale = scale
        self.unit = torch.ones(4)

    def forward(self, x):
        return x * self.unit * self.scale
# ---- expected ----
# error[DN0201]: error_construction_write_unregistered.py:18:30: this tensor was created in __init__ but is neither a parameter nor a buffer
#    |
# 18 |         return x * self.unit * self.scale
#    |                              ^
#    = hint: register it with self.register_buffer(name, tensor) so its values come from the checkpoint
