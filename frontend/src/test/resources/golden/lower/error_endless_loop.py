# entry: Net()
# input: x=float32[1,4]
# An endless loop in construction is cut off after a bounded number of steps.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        n = 0
        while True:
            n += 1
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return x
# ---- expected ----
# error[DN0107]: error_endless_loop.py:11:9: evaluation exceeded 2000000 steps
#    |
# 11 |         while True:
#    |         ^
#    = hint: an endless loop in model construction? dynnc evaluates __init__ and static loops at compile time
