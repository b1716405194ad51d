# entry: Net(threshold=0.7)
# input: x=float32[1,4]
# Comparisons producing booleans used in `if`: (probs[:, 0] > 0.5).item(), a 1-element tensor
# against a threshold, max(dim=1) unpacked into values and indices, and `and`/`not`.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, threshold):
        super().__init__()
        self.threshold = threshold
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        probs = F.softmax(self.fc(x), dim=1)
        if (probs[:, 0] > 0.5).item():
            return probs, 0
        conf, pred = probs.max(dim=1)
        if conf >= self.threshold:
            return probs, 1
        if not (pred == 2).item() and conf.item() > 0.4:
            return probs * 2, 2
        return probs, 3
