# entry: Net()
# input: x=float32[1,4]
# itertools.repeat without a count never ends: construction code is evaluated eagerly.
import itertools

import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        widths = list(itertools.repeat(4))
        self.fc = nn.Linear(widths[0], 4)

    def forward(self, x):
        return self.fc(x)
# ---- expected ----
# error[DN0103]: error_itertools_repeat_endless.py:12:33: itertools.repeat without a count never ends
#    |
# 12 |         widths = list(itertools.repeat(4))
#    |                                 ^
#    = hint: dynnc evaluates construction code eagerly: write repeat(x, n)
