# entry: Net()
# input: x=float32[1,4]
# A model exception that no try in forward takes is refused where it is raised (DN0200); the
# handler for another class does not take it.
import torch
import torch.nn as nn


class Stop(Exception):
    def __init__(self, value):
        self.value = value


class Net(nn.Module):
    def forward(self, x):
        try:
            if x.sum() > 0:
                raise Stop(x)
        except KeyError:
            x = x - 1
        return x
# ---- expected ----
# error[DN0200]: error_raise_uncaught.py:18:17: forward raises Stop, which no try statement around it in forward handles
#    |
# 18 |                 raise Stop(x)
#    |                 ^
#    = hint: catch it in forward (try: ... except Stop as e: ...), or return instead of raising
