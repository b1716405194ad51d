# entry: Net()
# input: x=float32[1,8]
# inputs: 0.1, 0.3, 0.6, 1.0, 1.5, 2.5, 4.0, 6.0, 9.0, 14.0
# special: x[0,0]=9.0
# special: x[0,1]=-9.0
# special: x[0,2]=9.0
# special: x[0,0]=-0.01 x[0,1]=0.02 x[0,2]=0.01
# Rule TRY with helpers that always raise: one called in a conditional expression (the other
# side's value goes on), one a module of a container indexed by a run-time int (the other arms
# are joined without it).
import torch
import torch.nn as nn


class Exit(Exception):
    def __init__(self, value):
        super().__init__()
        self.value = value


class Leave(nn.Module):
    def forward(self, x):
        raise Exit(x * 3.0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.experts = nn.ModuleList([nn.Linear(8, 8), Leave(), nn.Linear(8, 8)])

    def leave(self, v):
        raise Exit(v)

    def forward(self, x):
        h = self.fc(x)
        try:
            y = self.leave(h * 2.0) if h.sum() > 1.0 else h - 1.0
            k = int(torch.argmax(x.abs()[0, :3]))
            y = self.experts[k](y)
        except Exit as e:
            y = e.value
        return y
