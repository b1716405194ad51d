"""Building blocks of the early-exit CNN: a conv stage and an internal classifier."""
import torch
import torch.nn as nn


class ConvBlock(nn.Module):
    """conv3x3 -> BN -> ReLU, optionally followed by a 2x2 max-pool."""

    def __init__(self, in_channels, out_channels, pool=True):
        super().__init__()
        layers = [
            nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
        ]
        if pool:
            layers.append(nn.MaxPool2d(2))
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x)


class InternalClassifier(nn.Module):
    """Global-average-pool + linear head attached after an intermediate block (SDN style)."""

    def __init__(self, channels, num_classes):
        super(InternalClassifier, self).__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(x), 1))
