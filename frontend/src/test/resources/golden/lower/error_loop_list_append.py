# entry: Net()
# input: x=float32[1,4]
# A list that existed before a data-dependent loop is appended to inside it (DN0207).
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        outs = []
        while x.sum() < 10:
            x = x * 2
            outs.append(x)
        return torch.stack(outs)
# ---- expected ----
# error[DN0207]: error_loop_list_append.py:11:9: the list 'outs' is changed inside this data-dependent loop, so its length or contents would depend on the number of iterations
#    |
# 11 |         while x.sum() < 10:
#    |         ^
#    = hint: accumulate per-step results in a loop-carried tensor of fixed shape (a running sum or mean) instead of a list
