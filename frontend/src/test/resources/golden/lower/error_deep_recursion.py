# entry: build(3)
# input: x=float32[1,4]
# Unbounded recursion in a construction helper is reported, not a stack overflow.
import torch.nn as nn


def depth_of(n):
    return depth_of(n + 1) + 1


def build(n):
    layers = [nn.Linear(4, 4) for _ in range(depth_of(n))]
    return nn.Sequential(*layers)
# ---- expected ----
# error[DN0107]: error_deep_recursion.py:8:12: calls nest deeper than 200 levels
#   |
# 8 |     return depth_of(n + 1) + 1
#   |            ^
#   = hint: unbounded recursion in model code?
