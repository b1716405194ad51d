# entry: Net()
# input: x=float32[1,4]
# A submodule assigned before nn.Module.__init__ has run.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return self.fc(x)
# ---- expected ----
# error[DN0101]: error_missing_super_init.py:9:14: cannot assign module before Module.__init__() call
#   |
# 9 |         self.fc = nn.Linear(4, 4)
#   |              ^
#   = hint: call super().__init__() at the start of Net.__init__
