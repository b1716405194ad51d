# entry: build()
# input: x=float32[1,4]
# A format width of a billion is refused before padding.
import torch.nn as nn


def build():
    s = '{:>1000000000}'.format(1)
    return nn.Linear(4, 4)
# ---- expected ----
# error[DN0107]: error_eval_format_width.py:8:26: evaluation would create a string of 1000000000 characters, taking the strings and containers created at compile time past 256 MiB
#   |
# 8 |     s = '{:>1000000000}'.format(1)
#   |                          ^
#   = hint: dynnc evaluates model construction at compile time, within 2000000 steps, 50000000 work units and 256 MiB of created strings and containers; build smaller values
