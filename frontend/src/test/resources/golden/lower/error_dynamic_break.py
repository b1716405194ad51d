# entry: Net()
# input: x=float32[1,4]
# A break under a data-dependent condition inside a static loop (DN0204).
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
            if x.max() > 3:
                break
        return x
# ---- expected ----
# error[DN0204]: error_dynamic_break.py:16:17: 'break' or 'continue' under a data-dependent condition is not supported yet
#    |
# 16 |                 break
#    |                 ^
#    = hint: data-dependent loop exits are planned; for now return early instead
