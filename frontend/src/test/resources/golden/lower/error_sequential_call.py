# entry: Net()
# input: x=float32[1,4]
# A Sequential called with no input, with two, or with a keyword other than `input`, gets
# Python's message for the call (`self.seq(input=x)` is fine).
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.seq = nn.Sequential(nn.Linear(4, 4), nn.ReLU())

    def forward(self, x):
        a = self.seq(input=x)
        b = self.seq()
        c = self.seq(a, x)
        d = self.seq(inp=x)
        return a, b, c, d
# ---- expected ----
# error[DN0102]: error_sequential_call.py:15:18: Sequential.forward() missing 1 required positional argument: 'input'
#    |
# 15 |         b = self.seq()
#    |                  ^
#    = hint: a Sequential passes one value from layer to layer; pack several into a tuple
# error[DN0102]: error_sequential_call.py:16:18: Sequential.forward() takes 2 positional arguments but 3 were given
#    |
# 16 |         c = self.seq(a, x)
#    |                  ^
#    = hint: a Sequential passes one value from layer to layer; pack several into a tuple
# error[DN0102]: error_sequential_call.py:17:18: Sequential.forward() got an unexpected keyword argument 'inp'
#    |
# 17 |         d = self.seq(inp=x)
#    |                  ^
#    = hint: a Sequential passes one value from layer to layer; pack several into a tuple
