# entry: build()
# input: x=float32[1,4]
# Exponential recursion is cut off by the step budget.
import torch.nn as nn


def build():
    def fan(n):
        return 1 if n == 0 else fan(n - 1) + fan(n - 1)
    total = fan(40)
    return nn.Linear(4, 4)
# ---- expected ----
# error[DN0107]: error_eval_recursion.py:9:9: evaluation exceeded 2000000 steps
#   |
# 9 |         return 1 if n == 0 else fan(n - 1) + fan(n - 1)
#   |         ^
#   = hint: an endless loop in model construction? dynnc evaluates __init__ and static loops at compile time
