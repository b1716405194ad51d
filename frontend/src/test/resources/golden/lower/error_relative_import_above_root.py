# entry: Net()
# input: x=float32[1,4]
# A relative import that climbs above the source root is refused; nothing outside the root is read.
from .. import secrets
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        return x
# ---- expected ----
# error[DN0104]: error_relative_import_above_root.py:4:1: relative import goes beyond the source root
#   |
# 4 | from .. import secrets
#   | ^
#   = hint: dynnc reads model code only under --source-root; pass the directory holding the top-level package
