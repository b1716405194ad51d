# entry: build()
# input: x=float32[1,4]
# Materializing range(10**12) is refused before the list is built.
import torch.nn as nn


def build():
    xs = list(range(10**12))
    return nn.Linear(4, 4)
# ---- expected ----
# error[DN0107]: error_eval_range_list.py:8:10: range of 1000000000000 elements is too long to evaluate at compile time
#   |
# 8 |     xs = list(range(10**12))
#   |          ^
#   = hint: dynnc evaluates model construction at compile time; a loop or list can have at most 2000000 elements
