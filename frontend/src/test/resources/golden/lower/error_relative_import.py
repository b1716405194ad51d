# entry: Net()
# input: x=float32[1,4]
# A relative import of a module that is not in the source root.
import torch.nn as nn

from .blocks import Block


class Net(nn.Module):
    def forward(self, x):
        return x
# ---- expected ----
# error[DN0104]: error_relative_import.py:6:1: module 'blocks' (from '.blocks') was not found under the source root
#   |
# 6 | from .blocks import Block
#   | ^
#   = hint: relative imports need the model's package layout: pass its top directory as the source root
