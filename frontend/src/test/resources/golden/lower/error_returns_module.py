# entry: Net()
# input: x=float32[1,4]
# forward returns a module instead of a tensor (DN0206).
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return self.fc
# ---- expected ----
# error[DN0206]: error_returns_module.py:13:9: forward returns a Linear, which a compiled model cannot return
#    |
# 13 |         return self.fc
#    |         ^
#    = hint: return tensors, Python numbers, or tuples/lists/dicts of them
