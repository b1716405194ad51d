# entry: Net()
# input: x=float32[1,4]
# A misspelled local in forward.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        hidden = self.fc(x)
        return hiden + 1
# ---- expected ----
# error[DN0100]: error_undefined_name.py:14:16: name 'hiden' is not defined
#    |
# 14 |         return hiden + 1
#    |                ^
#    = hint: did you mean 'hidden'?
