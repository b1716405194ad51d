# entry: Net()
# input: x=float32[1,4]
# del of a dict key that is not there.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        cfg = {'width': 4}
        del cfg['depth']
        self.fc = nn.Linear(cfg['width'], 4)

    def forward(self, x):
        return self.fc(x)
# ---- expected ----
# error[DN0109]: error_del_missing_key.py:11:16: key 'depth' is not in the dict
#    |
# 11 |         del cfg['depth']
#    |                ^
