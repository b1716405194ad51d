# entry: Net(SimpleNamespace(depth=3))
# input: x=float32[1,4]
# An assert in construction code fails for these arguments; its message is CPython's.
from types import SimpleNamespace

import torch.nn as nn


class Net(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        assert cfg.depth % 2 == 0, f'depth {cfg.depth} must be even'
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return self.fc(x)
# ---- expected ----
# error[DN0111]: error_assert_in_construction.py:12:9: assertion failed: depth 3 must be even
#    |
# 12 |         assert cfg.depth % 2 == 0, f'depth {cfg.depth} must be even'
#    |         ^
