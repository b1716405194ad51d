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
# ---- expected ----
# error[DN0109]: error_except_other_type.py:12:24: key 'depth' is not in the dict
#    |
# 12 |             depth = cfg['depth']
#    |                        ^
