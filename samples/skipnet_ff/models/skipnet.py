"""SkipNet with feed-forward gates for CIFAR (after Wang et al., "SkipNet: Learning Dynamic
Routing in Convolutional Networks", ECCV 2018).

A ResNet in which every residual block but the first is preceded by a small gate that looks at
the current features and decides whether the next block runs. A skipped block is replaced by its
shortcut (the downsample when the block changes the shape). Blocks, downsamples and gates are
registered as attributes named group{g}_layer{i}, group{g}_ds{i} and group{g}_gate{i}.

Training uses the soft (straight-through) gate; at inference a gate is a hard bit and skipped
blocks are not computed at all.
"""
from __future__ import print_function

import argparse
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.autograd import Variable

from .utils import AverageMeter, accuracy, save_checkpoint, get_logger


def conv3x3(in_planes, out_planes, stride=1):
    """3x3 convolution with padding"""
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1):
        super(BasicBlock, self).__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)

    def forward(self, x):
        # the shortcut is added by the network: it differs when the block is skipped
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return out


class FeedforwardGate(nn.Module):
    """Pool -> 1x1 conv -> linear -> sigmoid; the gate is open when the probability is > 0.5."""

    def __init__(self, channels, hidden=8, pool_size=4):
        super(FeedforwardGate, self).__init__()
        self.pool = nn.AdaptiveAvgPool2d(pool_size)
        self.conv = nn.Conv2d(channels, hidden, kernel_size=1)
        self.bn = nn.BatchNorm2d(hidden)
        self.relu = nn.ReLU(inplace=True)
        self.fc = nn.Linear(hidden * pool_size * pool_size, 1)
        self.prob = nn.Sigmoid()

    def forward(self, x):
        x = self.relu(self.bn(self.conv(self.pool(x))))
        x = x.view(x.size(0), -1)
        prob = self.prob(self.fc(x))
        # straight-through estimator: hard in the forward pass, soft in the backward pass
        mask = (prob > 0.5).float().detach() - prob.detach() + prob
        return mask.view(x.size(0), 1, 1, 1), prob


class SkipNetFF(nn.Module):
    def __init__(self, block, args):
        super(SkipNetFF, self).__init__()
        self.args = args
        self.num_layers = args.layers
        self.inplanes = args.widths[0]
        self.conv1 = conv3x3(3, args.widths[0])
        self.bn1 = nn.BatchNorm2d(args.widths[0])
        self.relu = nn.ReLU(inplace=True)
        for g, (planes, n) in enumerate(zip(args.widths, args.layers)):
            self._make_group(block, planes, n, group_id=g + 1, stride=1 if g == 0 else 2)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(args.widths[-1] * block.expansion, args.num_classes)
        self._init_weights()

    def _make_group(self, block, planes, layers, group_id=1, stride=1):
        for i in range(layers):
            s = stride if i == 0 else 1
            if s != 1 or self.inplanes != planes * block.expansion:
                ds = nn.Sequential(
                    nn.Conv2d(self.inplanes, planes * block.expansion, kernel_size=1, stride=s, bias=False),
                    nn.BatchNorm2d(planes * block.expansion))
            else:
                ds = None
            setattr(self, 'group{}_ds{}'.format(group_id, i), ds)
            setattr(self, 'group{}_layer{}'.format(group_id, i), block(self.inplanes, planes, s))
            self.inplanes = planes * block.expansion
            # the gate after the last block of the network would decide nothing
            if not (group_id == len(self.num_layers) and i == layers - 1):
                setattr(self, 'group{}_gate{}'.format(group_id, i),
                        FeedforwardGate(self.inplanes, hidden=self.args.gate_hidden))

    def _init_weights(self):
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                m.weight.data.normal_(0, math.sqrt(2. / n))
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.data.fill_(1)
                m.bias.data.zero_()

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        masks = []
        gprobs = []
        # the first block always runs
        prev = x
        if self.group1_ds0 is not None:
            prev = self.group1_ds0(x)
        x = self.relu(self.group1_layer0(x) + prev)
        mask, gprob = self.group1_gate0(x)
        masks.append(mask.squeeze())
        gprobs.append(gprob)
        for g in range(len(self.num_layers)):
            for i in range(0 if g > 0 else 1, self.num_layers[g]):
                prev = x
                ds = getattr(self, 'group{}_ds{}'.format(g + 1, i))
                if ds is not None:
                    prev = ds(x)
                run = mask.data.cpu().numpy().reshape(-1)[0]
                if run > 0.5:
                    x = self.relu(getattr(self, 'group{}_layer{}'.format(g + 1, i))(x) + prev)
                else:
                    x = prev
                if hasattr(self, 'group{}_gate{}'.format(g + 1, i)):
                    mask, gprob = getattr(self, 'group{}_gate{}'.format(g + 1, i))(x)
                    masks.append(mask.squeeze())
                    gprobs.append(gprob)
        x = self.avgpool(x)
        x = x.view(x.size(0), -1)
        x = self.fc(x)
        return x, masks, gprobs


def default_args():
    return argparse.Namespace(num_classes=10, layers=[2, 2, 2], widths=[8, 16, 32], gate_hidden=4,
                              lr=0.1, momentum=0.9, weight_decay=1e-4, epochs=160, batch_size=128,
                              gate_loss_alpha=0.1, save_dir='save_checkpoints', workers=4)


def build_model(**overrides):
    args = default_args()
    for k, v in overrides.items():
        setattr(args, k, v)
    return SkipNetFF(BasicBlock, args)


def cifar10_skipnet_ff_14(pretrained=False, **kwargs):
    model = build_model(**kwargs)
    if pretrained:
        model.load_state_dict(torch.load(os.path.join('pretrained', 'skipnet_ff_14.pth')))
    return model


# ------------------------------------------------------------------------------------------------
# training


def get_loaders(args):
    import torchvision.datasets as datasets
    import torchvision.transforms as transforms
    normalize = transforms.Normalize(mean=[0.4914, 0.4822, 0.4465], std=[0.2023, 0.1994, 0.2010])
    train_set = datasets.CIFAR10('data', train=True, download=True, transform=transforms.Compose([
        transforms.RandomCrop(32, padding=4), transforms.RandomHorizontalFlip(), transforms.ToTensor(), normalize]))
    val_set = datasets.CIFAR10('data', train=False, transform=transforms.Compose([transforms.ToTensor(), normalize]))
    train_loader = torch.utils.data.DataLoader(train_set, batch_size=args.batch_size, shuffle=True,
                                               num_workers=args.workers)
    val_loader = torch.utils.data.DataLoader(val_set, batch_size=100, num_workers=args.workers)
    return train_loader, val_loader


def train(args, model, train_loader, criterion, optimizer, epoch, logger):
    losses = AverageMeter()
    top1 = AverageMeter()
    model.train()
    for i, (inputs, target) in enumerate(train_loader):
        inputs, target = Variable(inputs), Variable(target)
        output, masks, gprobs = model(inputs)
        # reward skipping: a penalty on the fraction of executed blocks
        gate_loss = torch.stack([m.float().mean() for m in masks]).mean()
        loss = criterion(output, target) + args.gate_loss_alpha * gate_loss
        prec1, = accuracy(output.data, target)
        losses.update(loss.item(), inputs.size(0))
        top1.update(prec1.item(), inputs.size(0))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if i % 50 == 0:
            logger.info('epoch {} iter {} loss {:.3f} prec@1 {:.2f}'.format(epoch, i, losses.avg, top1.avg))


def validate(model, val_loader):
    top1 = AverageMeter()
    skips = AverageMeter()
    model.eval()
    with torch.no_grad():
        for inputs, target in val_loader:
            output, masks, _ = model(inputs)
            prec1, = accuracy(output, target)
            top1.update(prec1.item(), inputs.size(0))
            skips.update(np.mean([1 - m.mean().item() for m in masks]), inputs.size(0))
    return top1.avg, skips.avg


def main():
    parser = argparse.ArgumentParser(description='Train SkipNet-FF on CIFAR-10')
    parser.add_argument('--epochs', type=int, default=160)
    parser.add_argument('--lr', type=float, default=0.1)
    parser.add_argument('--save-dir', default='save_checkpoints')
    args = parser.parse_args()
    defaults = vars(default_args())
    defaults.update(vars(args))
    args = argparse.Namespace(**defaults)
    os.makedirs(args.save_dir, exist_ok=True)
    logger = get_logger('skipnet', os.path.join(args.save_dir, 'train.log'))
    model = build_model()
    train_loader, val_loader = get_loaders(args)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay)
    best = 0
    for epoch in range(args.epochs):
        start = time.time()
        train(args, model, train_loader, criterion, optimizer, epoch, logger)
        prec1, skip = validate(model, val_loader)
        logger.info('epoch {} prec@1 {:.2f} skip {:.3f} time {:.0f}s'.format(epoch, prec1, skip, time.time() - start))
        is_best = prec1 > best
        best = max(prec1, best)
        save_checkpoint({'epoch': epoch, 'state_dict': model.state_dict(), 'best_prec1': best}, is_best,
                        args.save_dir)


if __name__ == '__main__':
    main()
