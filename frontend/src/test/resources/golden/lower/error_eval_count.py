# entry: build()
# input: x=float32[1,4]
# Half a million list.count calls over a million elements exceed the work budget.
import torch.nn as nn


def build():
    big = [0] * 10**6
    for _ in range(500000):
        big.count(1)
    return nn.Linear(4, 4)
# ---- expected ----
# error[DN0107]: error_eval_count.py:10:13: evaluation exceeded 50000000 work units (searching, comparing, copying and formatting count one unit per element or character)
#    |
# 10 |         big.count(1)
#    |             ^
#    = hint: dynnc evaluates model construction at compile time, within 2000000 steps, 50000000 work units and 256 MiB of created strings and containers; build smaller values
