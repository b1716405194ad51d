# entry: Net()
# input: x=float32[2,4]
# ParameterList and ParameterDict refuse what dynnc does not cover yet (an item that is not a tensor,
# a slice, an index computed at run time, insert, del), and a missing key is named; all in one run.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.ps = nn.ParameterList([nn.Parameter(torch.randn(4)) for _ in range(3)])
        self.pd = nn.ParameterDict({'a': nn.Parameter(torch.randn(4))})
        self.bad = nn.ParameterList([nn.Linear(2, 2)])
        self.ps.insert(0, nn.Parameter(torch.randn(4)))

    def forward(self, x):
        a = self.ps[1:]
        b = self.ps[int(x.argmax())]
        c = self.pd['b']
        del self.ps[0]
        return x
# ---- expected ----
# error[DN0201]: error_param_containers.py:14:23: ParameterList items other than tensors (here Linear) are not supported yet
#    |
# 14 |         self.bad = nn.ParameterList([nn.Linear(2, 2)])
#    |                       ^
#    = hint: keep modules in an nn.ModuleList, and numbers in a Python list
# error[DN0201]: error_param_containers.py:15:17: ParameterList.insert is not supported yet
#    |
# 15 |         self.ps.insert(0, nn.Parameter(torch.randn(4)))
#    |                 ^
#    = hint: use append
# error[DN0201]: error_param_containers.py:18:20: indexing a ParameterList with a slice or a run-time value is not supported yet
#    |
# 18 |         a = self.ps[1:]
#    |                    ^
#    = hint: index it with constant integers, or iterate it
# error[DN0201]: error_param_containers.py:19:20: indexing a ParameterList with a slice or a run-time value is not supported yet
#    |
# 19 |         b = self.ps[int(x.argmax())]
#    |                    ^
#    = hint: index it with constant integers, or iterate it
# error[DN0109]: error_param_containers.py:20:20: no parameter named 'b' in ParameterDict
#    |
# 20 |         c = self.pd['b']
#    |                    ^
# error[DN0201]: error_param_containers.py:21:20: deleting from a ParameterList is not supported yet
#    |
# 21 |         del self.ps[0]
#    |                    ^
