# entry: Net()
# input: x=float32[1,4]
# Both branches of a data-dependent `if` assign tensors and a host scalar, then execution
# continues after the join; an `elif` chain nests a second branch in the else path.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.Linear(4, 4)
        self.down = nn.Linear(4, 4)

    def forward(self, x):
        m = x.mean()
        if m > 0.5:
            y = self.up(x)
            n = 1
        elif m < -0.5:
            y = self.down(x)
            n = 2
        else:
            y = x
            n = 3
        return y * 2, n
