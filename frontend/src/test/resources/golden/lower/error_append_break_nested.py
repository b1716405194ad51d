# entry: Net()
# input: x=float32[1,4]
# Rule TAIL splits paths only for a loop at the top level of its function: inside another block (a
# `with`, here) the exits that leave lists of different lengths must still be joined (DN0205).
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        outs = []
        with torch.no_grad():
            for t in range(3):
                x = x * 0.5
                outs.append(x)
                if x.sum() < 0.1:
                    break
        return torch.cat(outs, 0)
# ---- expected ----
# error[DN0205]: error_append_break_nested.py:13:13: a list has 1, 2 or 3 items depending on the path after the loop here
#    |
# 13 |             for t in range(3):
#    |             ^
#    = hint: add to the list on every path (or on none), or return early instead
