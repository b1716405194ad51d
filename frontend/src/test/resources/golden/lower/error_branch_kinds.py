# entry: Net()
# input: x=float32[1,4]
# A variable that is a tensor on one data-dependent path and an int on the other, then used (DN0205).
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        if x.mean() > 0:
            extra = self.fc(x)
        else:
            extra = 0
        y = x * 2
        return y + extra
# ---- expected ----
# error[DN0205]: error_branch_kinds.py:18:20: 'extra' is a Tensor f32[1,4] on one path and the int 0 on the other after the data-dependent branch at error_branch_kinds.py:13:9
#    |
# 18 |         return y + extra
#    |                    ^
#    = hint: make every path assign 'extra' a tensor of the same shape, or the same constant
