# entry: Net()
# input: x=float32[1,8]
# inputs: 0.1, 1.0, 3.0, 10.0, 0.5, 2.0
# A constant bool mask (a buffer) inside a subgraph. TVM 0.18 cannot link a bool constant into the
# library with the other weights (link-params fails with "The allocated data type (bool) does not
# match"), so relay_builder.py builds that subgraph again with its weights as a parameter blob.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.register_buffer("mask", torch.tensor([True, False, True, True, False, False, True, False]))

    def forward(self, x):
        h = self.fc(x)
        y = torch.where(self.mask, h, -h)
        if y.sum() > 0:
            return y * 2
        return y - 1
