# entry: build()
# input: x=float32[1,4]
# str.replace whose result is far larger than its input is charged at the result's size.
import torch.nn as nn


def build():
    s = 'x' * 1000
    s = s.replace('x', 'y' * 1000000)
    return nn.Linear(4, 4)
# ---- expected ----
# error[DN0107]: error_eval_replace.py:9:11: evaluation would create a string of 1000000000 characters, taking the strings and containers created at compile time past 256 MiB
#   |
# 9 |     s = s.replace('x', 'y' * 1000000)
#   |           ^
#   = hint: dynnc evaluates model construction at compile time, within 2000000 steps, 50000000 work units and 256 MiB of created strings and containers; build smaller values
