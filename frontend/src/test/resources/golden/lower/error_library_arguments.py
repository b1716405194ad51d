# entry: Net()
# input: x=float32[1,4]
# Library calls with too few arguments or arguments of the wrong type are the caller's located errors (DN0102),
# checked explicitly (not by catching Java exceptions); each is reported, in one run.
import math
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.k = math.floor('2.5')
        self.ok = 'abc'.startswith(3)
        self.register_buffer(5, torch.zeros(4))

    def forward(self, x):
        y = torch.where(x > 0)
        z = 'a,b'.replace(',')
        return x
# ---- expected ----
# error[DN0102]: error_library_arguments.py:13:23: expected a number, got 'str'
#    |
# 13 |         self.k = math.floor('2.5')
#    |                       ^
# error[DN0102]: error_library_arguments.py:14:25: startswith() got int where it needs a str
#    |
# 14 |         self.ok = 'abc'.startswith(3)
#    |                         ^
#    = hint: check the call against the function's signature in the PyTorch or Python documentation
# error[DN0102]: error_library_arguments.py:15:14: register_buffer(): argument 'name' (position 1) must be str, not int
#    |
# 15 |         self.register_buffer(5, torch.zeros(4))
#    |              ^
#    = hint: the signature is register_buffer(str name, Any? tensor, bool persistent=True) -> None
# error[DN0201]: error_library_arguments.py:18:19: torch.where(condition) with one argument is torch.nonzero(condition, as_tuple=True): its result's shape depends on the data
#    |
# 18 |         y = torch.where(x > 0)
#    |                   ^
#    = hint: select with torch.where(condition, x, y), or mask with x * condition
# error[DN0102]: error_library_arguments.py:19:19: replace() got too few arguments (1 given)
#    |
# 19 |         z = 'a,b'.replace(',')
#    |                   ^
#    = hint: check the call against the function's signature in the PyTorch or Python documentation
