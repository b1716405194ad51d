# entry: Net()
# input: x=float32[1,4]
# list.remove of a missing item, list.clear and dict.clear given an argument, list.sort given a
# positional one, and list.remove of a number known only at run time: located errors, as Python's.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        a = [1, 2]
        a.remove(3)
        b = [1]
        b.clear(0)
        c = {1: 2}
        c.clear(1)
        d = [2, 1]
        d.sort(len)
        e = [1, 2]
        e.remove(int(x.sum()))
        return x
# ---- expected ----
# error[DN0109]: error_list_methods.py:12:11: list.remove(x): x not in list
#    |
# 12 |         a.remove(3)
#    |           ^
# error[DN0102]: error_list_methods.py:14:11: list.clear() takes no arguments (1 given)
#    |
# 14 |         b.clear(0)
#    |           ^
# error[DN0102]: error_list_methods.py:16:11: dict.clear() takes no arguments (1 given)
#    |
# 16 |         c.clear(1)
#    |           ^
# error[DN0102]: error_list_methods.py:18:11: list.sort() takes no arguments (1 given)
#    |
# 18 |         d.sort(len)
#    |           ^
# error[DN0201]: error_list_methods.py:20:11: searching a list or tuple for a value known only at run time (from .item() or int(tensor)) is not supported
#    |
# 20 |         e.remove(int(x.sum()))
#    |           ^
#    = hint: compare with each item (k == a), or keep the values in a tensor
