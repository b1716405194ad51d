# entry: Net()
# input: x=float32[1,4]
# A raise inside a data-dependent while loop is refused (DN0200), even when a try around the loop
# would take it.
import torch
import torch.nn as nn


class Stop(Exception):
    pass


class Net(nn.Module):
    def forward(self, x):
        try:
            while x.sum() < 10:
                x = x * 2
                if x.max() > 5:
                    raise Stop(x)
        except Stop as e:
            x = e.args[0]
        return x
# ---- expected ----
# error[DN0200]: error_raise_in_dyn_loop.py:19:21: raising Stop inside a data-dependent loop is not supported
#    |
# 19 |                     raise Stop(x)
#    |                     ^
#    = hint: leave the loop with 'break' and raise after it, or return from the loop instead
