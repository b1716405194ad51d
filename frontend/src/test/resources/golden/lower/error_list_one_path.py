# entry: Net()
# input: x=float32[1,4]
# A list that grows on only one side of a data-dependent branch has no single length after it (DN0205).
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        outs = [x]
        if x.sum() > 0:
            outs.append(x + 1)
        return torch.cat(outs, dim=1)
# ---- expected ----
# error[DN0205]: error_list_one_path.py:11:9: the list 'outs' has 2 items on one path and 1 on the other after the data-dependent branch here
#    |
# 11 |         if x.sum() > 0:
#    |         ^
#    = hint: add to the list on every path (or on none), or return early instead
