# entry: Net()
# input: x=float32[1,4]
# A while loop whose condition depends on tensor data (DN0203).
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.step = nn.Linear(4, 4)

    def forward(self, x):
        while x.sum() < 10:
            x = self.step(x)
        return x
# ---- expected ----
# error[DN0203]: error_dynamic_while.py:13:9: this while loop depends on tensor data
#    |
# 13 |         while x.sum() < 10:
#    |         ^
#    = hint: data-dependent loops are planned; for now bound the loop with a static count
