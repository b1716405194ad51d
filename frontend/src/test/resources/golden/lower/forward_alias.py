# entry: Net(fast=True)
# input: x=float32[1,4]
# self.forward = self.other_method, chosen at construction time.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, fast):
        super().__init__()
        self.fc = nn.Linear(4, 2)
        if fast:
            self.forward = self.forward_fast

    def forward(self, x):
        return self.fc(x).relu()

    def forward_fast(self, x):
        return self.fc(x).sigmoid()
