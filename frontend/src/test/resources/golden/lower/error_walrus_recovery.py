# entry: Net()
# input: x=float32[1,4]
# A statement that fails leaves the names its assignment expressions would bind unusable without
# a second error: one diagnostic, at the misspelled function, not another for 'k' below.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        y = torch.tanhh(k := x + 1)
        return k * 2 + y
# ---- expected ----
# error[DN0113]: error_walrus_recovery.py:11:19: torch.tanhh is not a PyTorch name dynnc knows
#    |
# 11 |         y = torch.tanhh(k := x + 1)
#    |                   ^
#    = hint: did you mean torch.tanh?
