# entry: Net()
# input: x=float32[1,3,8,8]
# inputs: 0.01, 0.1, 1.0, 3.0, 10.0, 30.0
# Work before an early exit that only the side going on needs: a conv layer only the second head
# reads, a pooled feature both sides read, and a channel sum of the exit head's large input that
# only the second side reads. The compiler moves the first into the side that reads it and keeps
# the second (moving it would spare neither side its work) and the third (sinking it would send
# the head's whole input across the subgraph boundary instead of the small sum) before the exit.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.deep = nn.Conv2d(8, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.head = nn.Linear(8, 4)
        self.head2 = nn.Linear(8, 4)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        later = torch.relu(self.bn(self.deep(h)))
        both = torch.sigmoid(h).mean(dim=(2, 3))
        g = torch.tanh(h)
        total = g.sum(dim=1)
        out = self.head(g.mean(dim=(2, 3)))
        # Large inputs sharpen the softmax past the threshold (exit), small ones do not.
        if torch.softmax(out * x.abs().mean() * 10.0, dim=1).max() > 0.5:
            return out + both.sum(), 0
        y = self.head2(later.mean(dim=(2, 3)) + both)
        return y, 1, total
