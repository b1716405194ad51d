# entry: build()
# input: x=float32[1,4]
# A string doubled forty times is refused once it passes the memory budget, before it is built.
import torch.nn as nn


def build():
    s = 'x'
    for _ in range(40):
        s = s + s
    return nn.Linear(4, 4)
# ---- expected ----
# error[DN0107]: error_eval_doubling.py:10:15: evaluation would create a string of 67108864 characters, taking the strings and containers created at compile time past 256 MiB
#    |
# 10 |         s = s + s
#    |               ^
#    = hint: dynnc evaluates model construction at compile time, within 2000000 steps, 50000000 work units and 256 MiB of created strings and containers; build smaller values
