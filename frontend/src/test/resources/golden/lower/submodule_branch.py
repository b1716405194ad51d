# entry: Net()
# input: x=float32[1,4]
# A submodule whose forward returns different tensors on a data-dependent condition: the
# inlined call's returns meet in a join block whose parameter carries the result.
import torch
import torch.nn as nn


class Gate(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 4)
        self.b = nn.Linear(4, 4)

    def forward(self, x):
        if x.sum() > 0:
            return self.a(x)
        return self.b(x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.gate = Gate()
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        y = self.gate(x)
        return self.head(y)
