# entry: Net(groups=2, per_group=2)
# input: x=float32[1,4]
# Layers registered with setattr(self, 'g{}_l{}'.format(g, i), ...) and fetched in forward with getattr.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, groups, per_group):
        super().__init__()
        self.groups = groups
        self.per_group = per_group
        for g in range(groups):
            for i in range(per_group):
                setattr(self, 'g{}_l{}'.format(g, i), nn.Linear(4, 4))

    def forward(self, x):
        for g in range(self.groups):
            for i in range(self.per_group):
                x = getattr(self, 'g{}_l{}'.format(g, i))(x)
            if hasattr(self, 'skip{}'.format(g)):
                x = x * 0
        return x
