"""A two-exit CNN for 3x8x8 inputs: the first classifier answers when its softmax confidence is
high enough, otherwise a second block runs. It returns a dict, so the generated Java result is a
record with named fields."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class TinyExit(nn.Module):
    def __init__(self, classes=5, threshold=0.5):
        super().__init__()
        self.threshold = threshold
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.head1 = nn.Linear(4 * 4 * 4, classes)
        self.conv2 = nn.Conv2d(4, 8, 3, padding=1)
        self.head2 = nn.Linear(8 * 2 * 2, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        logits = self.head1(torch.flatten(x, 1))
        if F.softmax(logits, dim=1).max().item() >= self.threshold:
            return {"logits": logits, "exit": 0}
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return {"logits": self.head2(torch.flatten(x, 1)), "exit": 1}


def build_model():
    return TinyExit()
