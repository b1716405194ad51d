# entry: build()
# input: x=float32[1,4]
# A negative float to a non-integer power is a complex number in Python, which dynnc has no value
# for: an error where it is computed, not the NaN of C's pow.
import torch.nn as nn


def build():
    scale = (-8.0) ** 0.5
    return nn.Linear(4, 4)
# ---- expected ----
# error[DN0108]: error_eval_complex_pow.py:9:20: a negative float to a non-integer power is a complex number in Python, and dynnc has no complex scalars
#   |
# 9 |     scale = (-8.0) ** 0.5
#   |                    ^
