# entry: build()
# input: x=float32[1,4]
# Joining a million megabyte strings is refused before the result is allocated.
import torch.nn as nn


def build():
    parts = ['x' * 10**6] * 10**6
    s = ','.join(parts)
    return nn.Linear(4, 4)
# ---- expected ----
# error[DN0107]: error_eval_join.py:9:13: evaluation would create a string of 1000000999999 characters, taking the strings and containers created at compile time past 256 MiB
#   |
# 9 |     s = ','.join(parts)
#   |             ^
#   = hint: dynnc evaluates model construction at compile time, within 2000000 steps, 50000000 work units and 256 MiB of created strings and containers; build smaller values
