# entry: Net()
# input: x=float32[1,4]
# Mixed precision changes results: torch.cuda.amp.autocast in forward is not a no-op to ignore.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        with torch.cuda.amp.autocast():
            return self.fc(x)
# ---- expected ----
# error[DN0105]: error_autocast_in_forward.py:14:29: 'torch.cuda.amp' is outside the part of PyTorch that dynnc models, so it cannot be used here
#    |
# 14 |         with torch.cuda.amp.autocast():
#    |                             ^
#    = hint: named here: error_autocast_in_forward.py:14
