# entry: Net()
# input: x=float32[1,3,17,17]
# inputs: 1.0, 3.0
# Convolutions (stride, padding, groups, no bias), pooling variants, batch norm, activations,
# log_softmax, clamp, where, and a dict of results.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.c2 = nn.Conv2d(8, 8, kernel_size=(3, 1), padding=(1, 0), groups=4, bias=False)
        self.pool = nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
        self.mp = nn.MaxPool2d(2, padding=1)
        self.fc = nn.Linear(8 * 3 * 3, 5)

    def forward(self, x):
        y = F.relu6(self.bn(self.c1(x)))
        y = torch.sigmoid(self.c2(y)) + torch.tanh(y) * 0.5
        y = self.mp(self.pool(y))
        z = self.fc(torch.flatten(y, 1))
        p = F.log_softmax(z, dim=1)
        c = torch.clamp(z, min=-0.5, max=0.5)
        w = torch.where(z > 0, z, torch.exp(z) - 1)
        return {"logp": p, "clamped": c, "elu": w, "avg": F.adaptive_avg_pool2d(y, 1).mean()}
