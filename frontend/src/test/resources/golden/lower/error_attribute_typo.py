# entry: Net()
# input: x=float32[1,4]
# A misspelled submodule name in forward: the message suggests the closest attribute.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.classifier = nn.Linear(4, 2)

    def forward(self, x):
        return self.clasifier(x)
# ---- expected ----
# error[DN0101]: error_attribute_typo.py:13:21: 'Net' object has no attribute 'clasifier'
#    |
# 13 |         return self.clasifier(x)
#    |                     ^
#    = hint: did you mean 'classifier'?
