# entry: Net()
# input: x=float32[1,4]
# Construction code deep-copies an optimizer: copy.deepcopy copies containers, namespaces and
# modules, not values of libraries dynnc does not model.
import copy

import torch.nn as nn
import torch.optim as optim


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.opt = copy.deepcopy(optim.SGD(self.fc.parameters(), lr=0.1))

    def forward(self, x):
        return self.fc(x)
# ---- expected ----
# error[DN0105]: error_deepcopy_optimizer.py:15:25: 'torch.optim.SGD(...)' is outside the part of PyTorch that dynnc models, so it cannot be used here
#    |
# 15 |         self.opt = copy.deepcopy(optim.SGD(self.fc.parameters(), lr=0.1))
#    |                         ^
#    = hint: imported here: error_deepcopy_optimizer.py:8
