# entry: build()
# input: x=float32[1,4]
# A format field index too large for an int is out of range, not an internal error.
import torch.nn as nn


def build():
    s = '{99999999999}'.format(1)
    return nn.Linear(4, 4)
# ---- expected ----
# error[DN0110]: error_eval_format_index.py:8:25: replacement index 99999999999 out of range for positional args tuple
#   |
# 8 |     s = '{99999999999}'.format(1)
#   |                         ^
