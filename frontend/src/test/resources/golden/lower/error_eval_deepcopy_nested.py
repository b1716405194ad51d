# entry: Net()
# input: x=float32[1,4]
# Forty deep copies of a list of 2**24 ints: each copy is charged to the budget on created data
# before it is made, so the one that would pass 256 MiB is refused instead of allocated.
import copy

import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        big = [0] * (1 << 24)
        copies = [copy.deepcopy(big) for _ in range(40)]
        self.fc = nn.Linear(4, len(copies))

    def forward(self, x):
        return self.fc(x)
# ---- expected ----
# error[DN0107]: error_eval_deepcopy_nested.py:14:24: evaluation would create a container of 16777216 elements, taking the strings and containers created at compile time past 256 MiB
#    |
# 14 |         copies = [copy.deepcopy(big) for _ in range(40)]
#    |                        ^
#    = hint: dynnc evaluates model construction at compile time, within 2000000 steps, 50000000 work units and 256 MiB of created strings and containers; build smaller values
