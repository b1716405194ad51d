# entry: build(num_blocks=2)
# input: x=float32[1,3,8,8]
# nn.Sequential(*layers) from a list built in a loop, nested Sequentials, and an OrderedDict one.
from collections import OrderedDict

import torch.nn as nn


def conv_bn(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class Net(nn.Module):
    def __init__(self, num_blocks, channels=4):
        super().__init__()
        layers = [conv_bn(3, channels)]
        for _ in range(num_blocks - 1):
            layers += [conv_bn(channels, channels)]
        layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(OrderedDict([
            ('pool', nn.AdaptiveAvgPool2d((1, 1))),
            ('flat', nn.Flatten()),
            ('fc', nn.Linear(channels, 5)),
        ]))

    def forward(self, x):
        return self.classifier(self.features(x))


def build(**kw):
    return Net(**kw)
