# entry: Net({'width': 4})
# input: x=float32[1,4]
# A try statement in construction code handles AttributeError, but the missing dict key raises
# KeyError, which goes on as the model's error.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        try:
            depth = cfg['depth']
        except AttributeError:
            depth = 1
        self.fc = nn.Linear(cfg['width'], 4 * depth)

    def forward(self, x):
        return self.fc(x)
