# entry: Net()
# input: x=float32[1,4]
# A module deep-copied in forward would have weights that are in no checkpoint.
import copy

import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        twin = copy.deepcopy(self.fc)
        return twin(x)
