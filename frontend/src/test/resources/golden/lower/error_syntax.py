# entry: Net()
# input: x=float32[1,4]
# A missing ':' after an if header.
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        if x.dim() == 2
            return x
        return x
# ---- expected ----
# error[DN0001]: error_syntax.py:9:24: invalid syntax: unexpected end of line
#   |
# 9 |         if x.dim() == 2
#   |                        ^
#   = hint: a compound statement header ends with ':'
