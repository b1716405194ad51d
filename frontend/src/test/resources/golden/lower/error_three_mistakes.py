# entry: Net()
# input: x=float32[1,4]
# Three independent mistakes, in a submodule's forward, in __init__ and in the root's forward: all three are
# reported in one run, each at its own line, and the failed values they leave raise no follow-up errors.
import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        y = torch.frobnicate(self.fc(x))
        return y * 2


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block()
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        a = self.block(x)
        b = self.haed(a)
        c = x.squish()
        return torch.relu(b + c)
# ---- expected ----
# error[DN0113]: error_three_mistakes.py:15:19: torch.frobnicate is not a PyTorch name dynnc knows
#    |
# 15 |         y = torch.frobnicate(self.fc(x))
#    |                   ^
#    = hint: check the spelling; docs/supported-api.md lists the supported functions, methods and layers
# error[DN0101]: error_three_mistakes.py:27:18: 'Net' object has no attribute 'haed'
#    |
# 27 |         b = self.haed(a)
#    |                  ^
#    = hint: did you mean 'head'?
# error[DN0113]: error_three_mistakes.py:28:15: Tensor.squish is not a PyTorch name dynnc knows
#    |
# 28 |         c = x.squish()
#    |               ^
#    = hint: check the spelling; docs/supported-api.md lists the supported functions, methods and layers
