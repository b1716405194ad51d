# entry: Block(6)
# input: x=float32[1,6]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# nn.Module keeps submodules and parameters out of the instance's __dict__ and finds them only when
# the class has no attribute of that name: a class-level `downsample = None` (an idiom of ResNet
# code) stays None in PyTorch although __init__ assigns a module, and `self.forward = nn.Linear`
# in a class that defines forward leaves forward the method; a data-dependent branch.
import torch
import torch.nn as nn


class Block(nn.Module):
    downsample = None

    def __init__(self, n):
        super().__init__()
        self.fc = nn.Linear(n, n)
        self.downsample = nn.Linear(n, n)
        self.forward = nn.Linear(n, n)

    def forward(self, x):
        y = self.fc(x)
        if self.downsample is not None:
            y = self.downsample(y)
        if x.sum() > 0:
            return torch.relu(y)
        return -y
