"""A multi-scale dense network with early exits (after Huang et al., "Multi-Scale Dense Networks
for Resource Efficient Image Classification", ICLR 2018), CIFAR-sized.

Features are kept at several scales at once (a list, finest first). Every layer computes, for each
scale, new features from the same scale and from the next finer one, and concatenates them to
the old ones (dense connectivity). Later blocks drop the finest scales. A classifier sits on the
coarsest scale after each block; at test time the network stops at the first classifier whose
confidence reaches that exit's threshold (the thresholds come from a validation set).
"""
import argparse
import math
import os
import time
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvBasic(nn.Module):
    def __init__(self, nIn, nOut, kernel=3, stride=1, padding=1):
        super(ConvBasic, self).__init__()
        self.net = nn.Sequential(
            nn.Conv2d(nIn, nOut, kernel_size=kernel, stride=stride, padding=padding, bias=False),
            nn.BatchNorm2d(nOut),
            nn.ReLU(True))

    def forward(self, x):
        return self.net(x)


class ConvBN(nn.Module):
    """(1x1 bottleneck) -> 3x3 conv, 'normal' (same scale) or 'down' (stride 2, from the finer scale)."""

    def __init__(self, nIn, nOut, type, bottleneck, bnWidth):
        super(ConvBN, self).__init__()
        layer = []
        nInner = nIn
        if bottleneck is True:
            nInner = min(nInner, bnWidth * nOut)
            layer.append(nn.Conv2d(nIn, nInner, kernel_size=1, stride=1, padding=0, bias=False))
            layer.append(nn.BatchNorm2d(nInner))
            layer.append(nn.ReLU(True))
        if type == 'normal':
            layer.append(nn.Conv2d(nInner, nOut, kernel_size=3, stride=1, padding=1, bias=False))
        elif type == 'down':
            layer.append(nn.Conv2d(nInner, nOut, kernel_size=3, stride=2, padding=1, bias=False))
        else:
            raise ValueError(type)
        layer.append(nn.BatchNorm2d(nOut))
        layer.append(nn.ReLU(True))
        self.net = nn.Sequential(*layer)

    def forward(self, x):
        return self.net(x)


class ConvDownNormal(nn.Module):
    def __init__(self, nIn1, nIn2, nOut, bottleneck, bnWidth1, bnWidth2):
        super(ConvDownNormal, self).__init__()
        self.conv_down = ConvBN(nIn1, nOut // 2, 'down', bottleneck, bnWidth1)
        self.conv_normal = ConvBN(nIn2, nOut // 2, 'normal', bottleneck, bnWidth2)

    def forward(self, x):
        res = [x[1], self.conv_down(x[0]), self.conv_normal(x[1])]
        return torch.cat(res, dim=1)


class ConvNormal(nn.Module):
    def __init__(self, nIn, nOut, bottleneck, bnWidth):
        super(ConvNormal, self).__init__()
        self.conv_normal = ConvBN(nIn, nOut, 'normal', bottleneck, bnWidth)

    def forward(self, x):
        if not isinstance(x, list):
            x = [x]
        res = [x[0], self.conv_normal(x[0])]
        return torch.cat(res, dim=1)


class MSDNFirstLayer(nn.Module):
    def __init__(self, nIn, nOut, args):
        super(MSDNFirstLayer, self).__init__()
        self.layers = nn.ModuleList()
        self.layers.append(ConvBasic(nIn, nOut * args.grFactor[0], kernel=3, stride=1, padding=1))
        nIn = nOut * args.grFactor[0]
        for i in range(1, args.nScales):
            self.layers.append(ConvBasic(nIn, nOut * args.grFactor[i], kernel=3, stride=2, padding=1))
            nIn = nOut * args.grFactor[i]

    def forward(self, x):
        res = []
        for i in range(len(self.layers)):
            x = self.layers[i](x)
            res.append(x)
        return res


class MSDNLayer(nn.Module):
    def __init__(self, nIn, nOut, args, inScales=None, outScales=None):
        super(MSDNLayer, self).__init__()
        self.nIn = nIn
        self.nOut = nOut
        self.inScales = inScales if inScales is not None else args.nScales
        self.outScales = outScales if outScales is not None else args.nScales
        self.nScales = args.nScales
        self.discard = self.inScales - self.outScales
        self.offset = self.nScales - self.outScales
        self.layers = nn.ModuleList()
        if self.discard > 0:
            nIn1 = nIn * args.grFactor[self.offset - 1]
            nIn2 = nIn * args.grFactor[self.offset]
            _nOut = nOut * args.grFactor[self.offset]
            self.layers.append(ConvDownNormal(nIn1, nIn2, _nOut, args.bottleneck,
                                              args.bnFactor[self.offset - 1], args.bnFactor[self.offset]))
        else:
            self.layers.append(ConvNormal(nIn * args.grFactor[self.offset], nOut * args.grFactor[self.offset],
                                          args.bottleneck, args.bnFactor[self.offset]))
        for i in range(self.offset + 1, self.nScales):
            nIn1 = nIn * args.grFactor[i - 1]
            nIn2 = nIn * args.grFactor[i]
            _nOut = nOut * args.grFactor[i]
            self.layers.append(ConvDownNormal(nIn1, nIn2, _nOut, args.bottleneck,
                                              args.bnFactor[i - 1], args.bnFactor[i]))

    def forward(self, x):
        if self.discard > 0:
            inp = []
            for i in range(1, self.outScales + 1):
                inp.append([x[i - 1], x[i]])
        else:
            inp = [[x[0]]]
            for i in range(1, self.outScales):
                inp.append([x[i - 1], x[i]])
        res = []
        for i in range(self.outScales):
            res.append(self.layers[i](inp[i]))
        return res


class ClassifierModule(nn.Module):
    def __init__(self, m, channel, num_classes):
        super(ClassifierModule, self).__init__()
        self.m = m
        self.linear = nn.Linear(channel, num_classes)

    def forward(self, x):
        res = self.m(x[-1])
        res = res.view(res.size(0), -1)
        return self.linear(res)


class MSDNet(nn.Module):
    def __init__(self, args):
        super(MSDNet, self).__init__()
        self.blocks = nn.ModuleList()
        self.classifier = nn.ModuleList()
        self.nBlocks = args.nBlocks
        self.steps = [args.base]
        self.args = args
        n_layers_all, n_layer_curr = args.base, 0
        for i in range(1, self.nBlocks):
            self.steps.append(args.step if args.stepmode == 'even' else args.step * i + 1)
            n_layers_all += self.steps[-1]
        print("building network of steps: ", self.steps, n_layers_all)
        nIn = args.nChannels
        for i in range(self.nBlocks):
            m, nIn = self._build_block(nIn, args, self.steps[i], n_layers_all, n_layer_curr)
            self.blocks.append(m)
            n_layer_curr += self.steps[i]
            self.classifier.append(self._build_classifier_cifar(nIn * args.grFactor[-1], 10))
        for m in self.modules():
            self._init_weights(m)

    def _init_weights(self, m):
        if isinstance(m, nn.Conv2d):
            n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
            m.weight.data.normal_(0, math.sqrt(2. / n))
        elif isinstance(m, nn.Linear):
            m.bias.data.zero_()

    def _build_block(self, nIn, args, step, n_layer_all, n_layer_curr):
        layers = [MSDNFirstLayer(3, nIn, args)] if n_layer_curr == 0 else []
        for i in range(step):
            n_layer_curr += 1
            # the number of scales shrinks linearly with depth
            inScales = args.nScales - (n_layer_curr - 1) * args.nScales // (n_layer_all + 1)
            outScales = args.nScales - n_layer_curr * args.nScales // (n_layer_all + 1)
            layers.append(MSDNLayer(nIn, args.growthRate, args, inScales, outScales))
            nIn += args.growthRate
        return nn.Sequential(*layers), nIn

    def _build_classifier_cifar(self, nIn, num_classes):
        interChannels1, interChannels2 = 16, 16
        conv = nn.Sequential(
            ConvBasic(nIn, interChannels1, kernel=3, stride=2, padding=1),
            ConvBasic(interChannels1, interChannels2, kernel=3, stride=2, padding=1),
            nn.AvgPool2d(2),
        )
        return ClassifierModule(conv, interChannels2, num_classes)

    def forward_all(self, x):
        """Every classifier's logits (training)."""
        res = []
        for i in range(self.nBlocks):
            x = self.blocks[i](x)
            res.append(self.classifier[i](x))
        return res

    def forward(self, x):
        """Budgeted inference for one image: stop at the first confident exit."""
        for i in range(self.nBlocks):
            x = self.blocks[i](x)
            out = self.classifier[i](x)
            if i < self.nBlocks - 1:
                prob = F.softmax(out, dim=1).data.cpu().numpy()
                confidence = np.max(prob, axis=1)[0]
                if confidence >= self.args.thresholds[i]:
                    return out, i
        return out, self.nBlocks - 1


def msdnet(args):
    if args.pretrained is not None:
        warnings.warn('pretrained MSDNet is not released for this configuration')
    return MSDNet(args)


def get_args(argv=None):
    parser = argparse.ArgumentParser(description='MSDNet (CIFAR)')
    parser.add_argument('--nBlocks', type=int, default=3)
    parser.add_argument('--nChannels', type=int, default=4)
    parser.add_argument('--base', type=int, default=1)
    parser.add_argument('--stepmode', type=str, default='even', choices=['even', 'lin_grow'])
    parser.add_argument('--step', type=int, default=1)
    parser.add_argument('--growthRate', type=int, default=4)
    parser.add_argument('--grFactor', default='1-2-4', type=str)
    parser.add_argument('--bnFactor', default='1-2-4', type=str)
    parser.add_argument('--bottleneck', default=True, type=bool)
    parser.add_argument('--pretrained', default=None)
    parser.add_argument('--thresholds', default='0.5-0.5', type=str)
    parser.add_argument('--epochs', type=int, default=300)
    parser.add_argument('--lr', type=float, default=0.1)
    args = parser.parse_args(argv)
    return args


def build_model():
    # the values get_args() gives on an empty command line, already split
    args = argparse.Namespace(nBlocks=3, nChannels=4, base=1, stepmode='even', step=1, growthRate=4,
                              grFactor='1-2-4', bnFactor='1-2-4', bottleneck=True, pretrained=None,
                              thresholds='0.5-0.5', epochs=300, lr=0.1)
    args.grFactor = list(map(int, args.grFactor.split('-')))
    args.bnFactor = list(map(int, args.bnFactor.split('-')))
    args.thresholds = [float(t) for t in args.thresholds.split('-')]
    args.nScales = len(args.grFactor)
    return msdnet(args)


# ------------------------------------------------------------------------------------------------
# training: the sum of every classifier's loss


def train(train_loader, model, criterion, optimizer, epoch):
    model.train()
    end = time.time()
    for i, (input, target) in enumerate(train_loader):
        output = model.forward_all(input)
        loss = 0.0
        for j in range(len(output)):
            loss += criterion(output[j], target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if i % 10 == 0:
            print('Epoch: [{0}][{1}/{2}]\tTime {3:.3f}\tLoss {4:.4f}'.format(
                epoch, i, len(train_loader), time.time() - end, loss.item()))
        end = time.time()


def main():
    args = get_args()
    args.grFactor = list(map(int, args.grFactor.split('-')))
    args.bnFactor = list(map(int, args.bnFactor.split('-')))
    args.thresholds = [float(t) for t in args.thresholds.split('-')]
    args.nScales = len(args.grFactor)
    model = msdnet(args)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), args.lr, momentum=0.9, weight_decay=1e-4)
    from dataloader import get_dataloaders
    train_loader, val_loader, _ = get_dataloaders(args)
    for epoch in range(args.epochs):
        train(train_loader, model, criterion, optimizer, epoch)
        torch.save(model.state_dict(), os.path.join('save', 'checkpoint_%03d.pth.tar' % epoch))


if __name__ == '__main__':
    main()
