# entry: build()
# input: x=float32[1,4]
# Ints are 64-bit at compile time: 10**10**8 is an overflow, not an hour of big-int arithmetic.
import torch.nn as nn


def build():
    n = 10**10**8
    return nn.Linear(4, 4)
# ---- expected ----
# error[DN0108]: error_eval_big_int.py:8:11: integer overflow: 10 ** 100000000 does not fit in 64 bits
#   |
# 8 |     n = 10**10**8
#   |           ^
#   = hint: dynnc evaluates Python ints as 64-bit integers
