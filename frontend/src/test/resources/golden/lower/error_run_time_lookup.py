# entry: Net()
# input: x=float32[2,5]
# A value known only at run time where Python needs it at compile time is refused with a located
# error, never looked up as its internal name: a dict key (d[k], d.get(k)), list.index and
# tuple.count of it, text made from it (str(k)) as a ModuleDict key, and a list of more than 64
# items indexed by it (one branch per item). Printing or logging
# such text is fine: an f-string, %, str.format and + of run-time values make text that print
# ignores. All in one run.
import logging

import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.heads = nn.ModuleDict({'0': nn.Linear(5, 2), '1': nn.Linear(5, 2)})

    def forward(self, x):
        k = int(x[0].argmax().item()) % 2
        print(f"exit {k}, conf {x.max().item():.3f}", x.sum())
        logging.info("k=%d" % k)
        print("head " + str(k), "k={}".format(k), repr(k) + "!")
        d = {0: 0.5, 1: 0.9}
        a = d[k]
        b = d.get(k, 0.1)
        e = [0, 1].index(k)
        g = (0, 1).count(k)
        h = self.heads[str(k)](x)
        big = list(range(100))[k]
        return x
# ---- expected ----
# error[DN0201]: error_run_time_lookup.py:26:14: a value known only at run time (from .item() or int(tensor)) used as a dict key
#    |
# 26 |         a = d[k]
#    |              ^
#    = hint: keep the values in a list or tuple and index it (values[k]), or branch with if
# error[DN0201]: error_run_time_lookup.py:27:15: a value known only at run time (from .item() or int(tensor)) used as a dict key
#    |
# 27 |         b = d.get(k, 0.1)
#    |               ^
#    = hint: keep the values in a list or tuple and index it (values[k]), or branch with if
# error[DN0201]: error_run_time_lookup.py:28:20: searching a list or tuple for a value known only at run time (from .item() or int(tensor)) is not supported
#    |
# 28 |         e = [0, 1].index(k)
#    |                    ^
#    = hint: compare with each item (k == a), or keep the values in a tensor
# error[DN0201]: error_run_time_lookup.py:29:20: searching a list or tuple for a value known only at run time (from .item() or int(tensor)) is not supported
#    |
# 29 |         g = (0, 1).count(k)
#    |                    ^
#    = hint: compare with each item (k == a), or keep the values in a tensor
# error[DN0105]: error_run_time_lookup.py:30:23: 'str(...)' is text made from a value known only at run time, so it cannot be used here
#    |
# 30 |         h = self.heads[str(k)](x)
#    |                       ^
#    = hint: named here: error_run_time_lookup.py:30
# error[DN0201]: error_run_time_lookup.py:31:31: a list of 100 items indexed by a run-time int (one branch per item; at most 64)
#    |
# 31 |         big = list(range(100))[k]
#    |                               ^
#    = hint: keep numbers in a tensor and index that: torch.tensor(values)[k]
