# entry: Net()
# input: x=float32[1,4]
# A loop whose exits leave a list of 70 different lengths would split forward into 70 paths, each
# running the rest of the function (rule TAIL); past 64 paths it is refused.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        outs = []
        for t in range(70):
            x = x * 0.5
            outs.append(x)
            if x.sum() < 0.1:
                break
        return torch.cat(outs, 0)
# ---- expected ----
# error[DN0205]: error_tail_paths.py:12:9: the exits of this loop leave lists of more than 64 different lengths in this function
#    |
# 12 |         for t in range(70):
#    |         ^
#    = hint: bound the loop with a smaller range, or stack the list inside the loop
