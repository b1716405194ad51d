"""A Shallow-Deep-Network-style early-exit CNN for 3x32x32 inputs.

After each of the first blocks an internal classifier predicts the class; when the maximum
softmax probability reaches `threshold` the network returns that prediction and the index of the
exit, otherwise it goes on to the next block. The last block feeds the final classifier.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .blocks import ConvBlock, InternalClassifier


class EarlyExitCNN(nn.Module):
    def __init__(self, num_classes=10, widths=(16, 32, 64), threshold=0.9, image_size=32):
        super().__init__()
        self.threshold = threshold
        self.blocks = nn.ModuleList()
        in_channels = 3
        for width in widths:
            self.blocks.append(ConvBlock(in_channels, width))
            in_channels = width
        self.exits = nn.ModuleList([InternalClassifier(w, num_classes) for w in widths[:-1]])
        side = image_size // int(math.pow(2, len(widths)))
        self.final = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(0.1),
            nn.Linear(widths[-1] * side * side, num_classes),
        )

    def forward(self, x):
        for i, block in enumerate(self.blocks):
            x = block(x)
            if i < len(self.exits):
                logits = self.exits[i](x)
                confidence, _ = torch.max(F.softmax(logits, dim=1), dim=1)
                if confidence.item() >= self.threshold:
                    return logits, i
        return self.final(x), len(self.exits)


def build_model(num_classes=10, threshold=0.9):
    return EarlyExitCNN(num_classes=num_classes, threshold=threshold)
