# entry: Net(mode='b')
# input: x=float32[1,4]
# ModuleDict: built from a dict, indexed by a construction-time key, iterated by keys and items.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, mode):
        super().__init__()
        self.mode = mode
        self.heads = nn.ModuleDict({'a': nn.Linear(4, 3), 'b': nn.Linear(4, 5)})
        self.heads['c'] = nn.Linear(4, 7)
        self.acts = nn.ModuleDict()
        for k in self.heads.keys():
            self.acts[k] = nn.ReLU()

    def forward(self, x):
        outs = {}
        for name, head in self.heads.items():
            if name != 'a':
                outs[name] = self.acts[name](head(x))
        return outs[self.mode], outs
