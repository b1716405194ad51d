# entry: Net()
# input: x=float32[1,4]
# A dedent to a column that matches no enclosing block.
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        if x.dim() == 2:
            x = x + 1
      return x
# ---- expected ----
# error[DN0002]: error_indentation.py:11:7: unindent does not match any outer indentation level
#    |
# 11 |       return x
#    |       ^
#    = hint: indent this line exactly like the block it belongs to
