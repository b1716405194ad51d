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
# ---- expected ----
# error[DN0200]: error_deepcopy_module_in_forward.py:15:21: copy.deepcopy of a module in forward is not supported
#    |
# 15 |         twin = copy.deepcopy(self.fc)
#    |                     ^
#    = hint: a copy made in forward would have weights that are not in the checkpoint; make copies in __init__
