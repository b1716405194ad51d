# entry: Net()
# input: x=float32[1,4]
# A generator forward: 'yield' is unsupported syntax (DN0003), not a syntax error.
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        for _ in range(2):
            yield x
# ---- expected ----
# error[DN0003]: error_yield.py:10:13: 'yield' is not supported
#    |
# 10 |             yield x
#    |             ^
#    = hint: dynnc compiles plain methods; generators are not supported
