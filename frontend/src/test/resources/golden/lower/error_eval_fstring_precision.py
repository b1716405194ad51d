# entry: build()
# input: x=float32[1,4]
# A huge precision in an f-string is refused before formatting.
import torch.nn as nn


def build():
    s = f'{1.5:.999999999f}'
    return nn.Linear(4, 4)
# ---- expected ----
# error[DN0107]: error_eval_fstring_precision.py:8:9: evaluation would create a string of 999999999 characters, taking the strings and containers created at compile time past 256 MiB
#   |
# 8 |     s = f'{1.5:.999999999f}'
#   |         ^
#   = hint: dynnc evaluates model construction at compile time, within 2000000 steps, 50000000 work units and 256 MiB of created strings and containers; build smaller values
