# entry: Net()
# input: x=float32[1,4]
# itertools.product of eight ranges of 100 would make 10**16 tuples: it is refused before any is made.
import itertools

import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        grid = list(itertools.product(range(100), repeat=8))
        self.fc = nn.Linear(4, len(grid[0]))

    def forward(self, x):
        return self.fc(x)
# ---- expected ----
# error[DN0107]: error_eval_itertools_product.py:12:31: evaluation would create a list of 80000000000000000 elements, taking the strings and containers created at compile time past 256 MiB
#    |
# 12 |         grid = list(itertools.product(range(100), repeat=8))
#    |                               ^
#    = hint: dynnc evaluates model construction at compile time, within 2000000 steps, 50000000 work units and 256 MiB of created strings and containers; build smaller values
