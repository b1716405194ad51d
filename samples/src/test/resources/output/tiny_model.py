import torch
import torch.nn as nn


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        return torch.relu(self.fc(x))


class Slow(nn.Module):
    """Many convolutions of different widths: TVM needs seconds to compile them."""

    def __init__(self, layers=24):
        super().__init__()
        convs = []
        c = 8
        for i in range(layers):
            convs.append(nn.Conv2d(c, c + 1, 3, padding=1))
            c = c + 1
        self.convs = nn.ModuleList(convs)

    def forward(self, x):
        for conv in self.convs:
            x = torch.relu(conv(x))
        return x
