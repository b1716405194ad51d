# entry: Net()
# input: x=float32[1,4]
# One handler reached by two exception classes on different paths is refused (DN0205).
import torch
import torch.nn as nn


class Small(Exception):
    pass


class Large(Exception):
    pass


class Net(nn.Module):
    def forward(self, x):
        try:
            if x.sum() > 0:
                raise Large(x)
            if x.sum() < -1:
                raise Small(x)
        except (Small, Large) as e:
            x = e.args[0]
        return x
# ---- expected ----
# error[DN0205]: error_handler_two_classes.py:23:9: this handler takes Large and Small raised on different data-dependent paths
#    |
# 23 |         except (Small, Large) as e:
#    |         ^
#    = hint: raise one exception class per handler, or give each class its own except clause
