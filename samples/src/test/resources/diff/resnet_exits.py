# entry: resnet_exits(layers=[1, 1, 1], threshold=0.6)
# input: x=float32[1,3,16,16]
# inputs: 0.1, 1.0, 5.0, 0.3, 2.0, 10.0, 0.02, 20.0
# Research-style code: Bottleneck blocks with `expansion`, downsample Sequentials, an init loop
# over self.modules(), an OrderedDict Sequential, and early exits returning dicts.
import math
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv3x3(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, kernel_size=3, stride=stride, padding=1, bias=False)


class Bottleneck(nn.Module):
    expansion = 2

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super(Bottleneck, self).__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * self.expansion, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class ExitHead(nn.Module):
    def __init__(self, channels, num_classes):
        super().__init__()
        self.head = nn.Sequential(OrderedDict([
            ("pool", nn.AdaptiveAvgPool2d((1, 1))),
            ("flat", nn.Flatten()),
            ("fc", nn.Linear(channels, num_classes)),
        ]))

    def forward(self, x):
        return self.head(x)


class ResNetExits(nn.Module):
    def __init__(self, block, layers, num_classes=5, threshold=0.5):
        super().__init__()
        self.inplanes = 8
        self.threshold = threshold
        self.stem = nn.Sequential(conv3x3(3, 8), nn.BatchNorm2d(8), nn.ReLU(inplace=True))
        self.stages = nn.ModuleList()
        self.exits = nn.ModuleList()
        for i, n in enumerate(layers):
            self.stages.append(self._make_layer(block, 4 * 2 ** i, n, stride=1 if i == 0 else 2))
            self.exits.append(ExitHead(self.inplanes, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                fan_out = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                m.weight.data.normal_(0, math.sqrt(2.0 / fan_out))
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.data.fill_(1)
                m.bias.data.zero_()

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * block.expansion, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(planes * block.expansion),
            )
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.stem(x)
        n = len(self.stages)
        for i, (stage, head) in enumerate(zip(self.stages, self.exits)):
            x = stage(x)
            logits = head(x)
            if i == n - 1:
                break
            p = F.softmax(logits, dim=1)
            if p.max() > self.threshold:
                return {"logits": logits, "exit": i, "confidence": p.max()}
        return {"logits": logits, "exit": n - 1, "confidence": F.softmax(logits, dim=1).max()}


def resnet_exits(layers, threshold=0.5):
    return ResNetExits(Bottleneck, layers, threshold=threshold)
