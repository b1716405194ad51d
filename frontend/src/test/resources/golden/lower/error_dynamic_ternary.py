# entry: Net()
# input: x=float32[1,4]
# A conditional expression whose condition depends on tensor data (DN0200).
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        y = x * 2 if x.sum() > 0 else x
        return y
# ---- expected ----
# error[DN0200]: error_dynamic_ternary.py:9:13: a conditional expression on tensor data is not supported yet
#   |
# 9 |         y = x * 2 if x.sum() > 0 else x
#   |             ^
#   = hint: write it as an if statement, or use torch.where(cond, a, b)
