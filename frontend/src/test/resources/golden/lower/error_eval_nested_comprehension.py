# entry: build()
# input: x=float32[1,4]
# Nested comprehensions building a billion elements run into the memory budget.
import torch.nn as nn


def build():
    grid = [[[0] * 10000 for _ in range(100)] for _ in range(1000)]
    return nn.Linear(4, 4)
# ---- expected ----
# error[DN0107]: error_eval_nested_comprehension.py:8:18: evaluation would create a container of 10000 elements, taking the strings and containers created at compile time past 256 MiB
#   |
# 8 |     grid = [[[0] * 10000 for _ in range(100)] for _ in range(1000)]
#   |                  ^
#   = hint: dynnc evaluates model construction at compile time, within 2000000 steps, 50000000 work units and 256 MiB of created strings and containers; build smaller values
