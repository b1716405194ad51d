# entry: Net()
# input: x=float32[1,8]
# inputs: 0.05, 1.0, 8.0
# special: x[0,3]=nan
# special: x[0,0]=inf
# special: x[0,2]=-inf x[0,5]=inf
# Branch decisions on NaN and Inf: .item() of a NaN confidence compared with a threshold, a
# tensor condition, a NaN test by self-inequality, and host arithmetic on an infinite .item().
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)
        # Python's max/min compare: the NaN is kept only where it comes first.
        self.k = max(2.0, float("nan")) + min(3.0, float("nan"))
        self.threshold = 0.999

    def forward(self, x):
        logits = self.fc(x) * self.k
        conf, _ = torch.max(F.softmax(logits, dim=1), dim=1)
        c = conf.item()
        s = x.max().item()
        if c != c:
            tag = 3
        elif c >= self.threshold:
            tag = 1
        elif (logits > 0).any():
            tag = 2
        else:
            tag = 0
        if s > 4.0:
            return logits, tag, s * 2.0, 3.0 % s, s // 3.0
        return logits * 2, tag, s - 1.0, 0.0, 0.0
