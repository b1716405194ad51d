# entry: build()
# input: x=float32[1,4]
# A list of a billion elements is refused before it is allocated.
import torch.nn as nn


def build():
    zeros = [0] * 10**9
    return nn.Linear(4, 4)
# ---- expected ----
# error[DN0107]: error_eval_big_list.py:8:17: evaluation would create a container of 1000000000 elements, taking the strings and containers created at compile time past 256 MiB
#   |
# 8 |     zeros = [0] * 10**9
#   |                 ^
#   = hint: dynnc evaluates model construction at compile time, within 2000000 steps, 50000000 work units and 256 MiB of created strings and containers; build smaller values
