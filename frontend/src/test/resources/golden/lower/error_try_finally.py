# entry: Net()
# input: x=float32[1,4]
# try/finally in forward is refused (DN0200).
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        try:
            y = x + 1
        finally:
            x = x * 2
        return y
# ---- expected ----
# error[DN0200]: error_try_finally.py:10:9: try/finally in forward is not supported
#    |
# 10 |         try:
#    |         ^
#    = hint: move the statements of the finally block after the try statement
