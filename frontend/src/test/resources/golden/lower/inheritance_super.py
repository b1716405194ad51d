# entry: build()
# input: x=float32[1,8]
# An inheritance chain: super().__init__() and super(C, self).__init__(), a class attribute
# read through self and through the class, and a forward that extends its parent's via super().
import torch
import torch.nn as nn


class Base(nn.Module):
    expansion = 2

    def __init__(self, width):
        super().__init__()
        self.width = width
        self.fc = nn.Linear(width, width * self.expansion)

    def forward(self, x):
        return torch.relu(self.fc(x))


class Middle(Base):
    def __init__(self, width, scale=0.5):
        super(Middle, self).__init__(width)
        self.scale = scale

    def forward(self, x):
        return super().forward(x) * self.scale


class Top(Middle):
    expansion = 4

    def __init__(self, width):
        super().__init__(width, scale=2.0)
        self.head = nn.Linear(width * Top.expansion, 3)

    def forward(self, x):
        y = super(Top, self).forward(x)
        return self.head(y)


def build():
    return Top(8)
