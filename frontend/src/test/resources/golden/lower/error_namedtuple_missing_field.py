# entry: Net()
# input: x=float32[1,4]
# A namedtuple made without one of its fields.
from collections import namedtuple

import torch.nn as nn

Spec = namedtuple('Spec', 'cin cout stride')


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        spec = Spec(4, 4)
        self.fc = nn.Linear(spec.cin, spec.cout)

    def forward(self, x):
        return self.fc(x)
# ---- expected ----
# error[DN0102]: error_namedtuple_missing_field.py:14:16: Spec() missing required argument 'stride'
#    |
# 14 |         spec = Spec(4, 4)
#    |                ^
