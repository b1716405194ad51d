# entry: build()
# input: x=float32[1,4]
# str() of a list holding a huge string many times is refused while it is built.
import torch.nn as nn


def build():
    s = 'x' * 10**7
    text = str([s] * 1000)
    return nn.Linear(4, 4)
# ---- expected ----
# error[DN0107]: error_eval_repr.py:9:12: evaluation would create a string of 10000002 characters, taking the strings and containers created at compile time past 256 MiB
#   |
# 9 |     text = str([s] * 1000)
#   |            ^
#   = hint: dynnc evaluates model construction at compile time, within 2000000 steps, 50000000 work units and 256 MiB of created strings and containers; build smaller values
