"""ResNet pieces for BlockDrop: a block-wise ResNet whose blocks can be dropped, and the policy network."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class DownsampleB(nn.Module):
    """Parameter-free shortcut: average-pool, then pad the channels with zeros."""

    def __init__(self, nIn, nOut, stride):
        super(DownsampleB, self).__init__()
        self.avg = nn.AvgPool2d(stride)
        self.expand_ratio = nOut // nIn

    def forward(self, x):
        x = self.avg(x)
        return torch.cat([x] + [x.mul(0)] * (self.expand_ratio - 1), 1)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1):
        super(BasicBlock, self).__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return out


class FlatResNet(nn.Module):
    """A CIFAR ResNet kept flat (segments of blocks) so that single blocks can be dropped."""

    def __init__(self, block, layers, widths, num_classes=10):
        super(FlatResNet, self).__init__()
        self.inplanes = widths[0]
        self.conv1 = nn.Conv2d(3, widths[0], kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.layer_config = layers
        blocks, ds = [], []
        for i, (planes, n) in enumerate(zip(widths, layers)):
            blk, d = self._make_layer(block, planes, n, stride=1 if i == 0 else 2)
            blocks.append(nn.ModuleList(blk))
            ds.append(d)
        self.blocks = nn.ModuleList(blocks)
        self.ds = nn.ModuleList(ds)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(widths[-1] * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                m.weight.data.normal_(0, math.sqrt(2. / n))

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = nn.Sequential()
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = DownsampleB(self.inplanes, planes * block.expansion, stride)
        layers = [block(self.inplanes, planes, stride)]
        self.inplanes = planes * block.expansion
        for i in range(1, blocks):
            layers.append(block(self.inplanes, planes, 1))
        return layers, downsample

    def seed(self, x):
        return F.relu(self.bn1(self.conv1(x)))

    def forward_full(self, x):
        """Every block (used to pre-train the ResNet)."""
        x = self.seed(x)
        for segment, num_blocks in enumerate(self.layer_config):
            for b in range(num_blocks):
                residual = self.ds[segment](x) if b == 0 else x
                x = F.relu(residual + self.blocks[segment][b](x))
        return self.fc(self.avgpool(x).view(x.size(0), -1))

    def forward_single(self, x, policy):
        """Batch of one: block t runs only when policy[0, t] is set; a dropped block is its shortcut."""
        x = self.seed(x)
        t = torch.tensor([0])
        for segment, num_blocks in enumerate(self.layer_config):
            for b in range(num_blocks):
                residual = self.ds[segment](x) if b == 0 else x
                action = policy[:, t]
                if action.item() > 0.5:
                    x = F.relu(residual + self.blocks[segment][b](x))
                else:
                    x = residual
                t += 1
        x = self.avgpool(x)
        x = x.view(x.size(0), -1)
        return self.fc(x)


class Policy32(nn.Module):
    """The agent: a small CNN on the downsampled image, one Bernoulli probability per block."""

    def __init__(self, num_blocks, width=8):
        super(Policy32, self).__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, width, 3, 2, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True),
            nn.Conv2d(width, 2 * width, 3, 2, 1, bias=False), nn.BatchNorm2d(2 * width), nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool2d(1))
        self.logit = nn.Linear(2 * width, num_blocks)

    def forward(self, x):
        x = self.features(x)
        x = x.view(x.size(0), -1)
        return torch.sigmoid(self.logit(x))
