# entry: Net()
# input: x=float32[1,4]
# One mistake in __init__ and one in forward; every later use of the failed values (arithmetic, calls, methods,
# attributes, indexing, unpacking, conditions, loops, a data-dependent branch, the return) is silent.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.width = undefined_width * 2
        self.fc = nn.Linear(self.width, 4)
        self.sizes = [self.width, 4]

    def forward(self, x):
        y = x.no_such_method()
        z = y + 1
        z = torch.relu(z).sum(dim=1)
        a, b = z
        n = self.fc(x)
        if self.width > 2:
            n = n * 2
        for k in range(self.sizes[0]):
            x = x + k
        if x.sum() > 0:
            w = z * 3
        else:
            w = x
        return torch.cat([w, n, a, b], dim=1)
# ---- expected ----
# error[DN0100]: error_failed_value_no_cascade.py:12:22: name 'undefined_width' is not defined
#    |
# 12 |         self.width = undefined_width * 2
#    |                      ^
# error[DN0113]: error_failed_value_no_cascade.py:17:15: Tensor.no_such_method is not a PyTorch name dynnc knows
#    |
# 17 |         y = x.no_such_method()
#    |               ^
#    = hint: check the spelling; docs/supported-api.md lists the supported functions, methods and layers
