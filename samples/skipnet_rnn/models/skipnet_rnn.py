"""SkipNet with a recurrent gate (after Wang et al., "SkipNet: Learning Dynamic Routing in
Convolutional Networks", ECCV 2018), CIFAR variant.

One LSTM is shared by all residual blocks: after each block, a group-specific projection (global
pooling + 1x1 conv) turns the features into the LSTM's input, and the LSTM's output, through a
linear layer and a sigmoid, says whether the next block runs. The LSTM state is carried from block
to block in the gate module (self.hidden), reset at the start of each forward pass.
"""
import argparse
import os
import sys
import time
import logging
from types import SimpleNamespace

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Variable
import torch.optim as optim
import torch.backends.cudnn as cudnn

logging.basicConfig(level=logging.INFO, format='%(asctime)s %(message)s')


class ResBlock(nn.Module):
    """conv-bn-relu-conv-bn; the network adds the shortcut, which it also uses when the block is skipped."""

    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False),
            nn.BatchNorm2d(planes),
            nn.ReLU(inplace=True),
            nn.Conv2d(planes, planes, 3, 1, 1, bias=False),
            nn.BatchNorm2d(planes),
        )

    def forward(self, x):
        return self.body(x)


def make_shortcut(in_planes, planes, stride):
    if stride == 1 and in_planes == planes:
        return nn.Sequential()
    return nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))


class RNNGate(nn.Module):
    """The shared gate: an LSTM over the sequence of blocks, one step per gate decision."""

    def __init__(self, input_dim, hidden_dim, rnn_type='lstm'):
        super(RNNGate, self).__init__()
        self.rnn_type = rnn_type
        self.input_dim = input_dim
        self.hidden_dim = hidden_dim
        if self.rnn_type == 'lstm':
            self.rnn = nn.LSTM(input_dim, hidden_dim)
        else:
            self.rnn = None
        self.hidden = None
        self.proj = nn.Linear(hidden_dim, 1)
        self.prob = nn.Sigmoid()

    def init_hidden(self, batch_size):
        return (Variable(torch.zeros(1, batch_size, self.hidden_dim)),
                Variable(torch.zeros(1, batch_size, self.hidden_dim)))

    def repackage_hidden(self):
        self.hidden = tuple(Variable(h.data) for h in self.hidden)

    def forward(self, x):
        batch_size = x.size(0)
        self.rnn.flatten_parameters()
        out, self.hidden = self.rnn(x.view(1, batch_size, -1), self.hidden)
        prob = self.prob(self.proj(out.squeeze(0)))
        disc_prob = (prob > 0.5).float().detach() - prob.detach() + prob
        return disc_prob.view(batch_size, 1, 1, 1), prob


class RecurrentGatedResNet(nn.Module):
    def __init__(self, opt):
        super(RecurrentGatedResNet, self).__init__()
        self.opt = opt
        self.conv1 = nn.Conv2d(3, opt.widths[0], 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(opt.widths[0])
        self.blocks = nn.ModuleList()
        self.shortcuts = nn.ModuleList()
        self.group_of = []
        in_planes = opt.widths[0]
        for g, (planes, n) in enumerate(zip(opt.widths, opt.layers)):
            for i in range(n):
                stride = 2 if (g > 0 and i == 0) else 1
                self.blocks.append(ResBlock(in_planes, planes, stride))
                self.shortcuts.append(make_shortcut(in_planes, planes, stride))
                self.group_of.append(g)
                in_planes = planes
        # per group: features -> LSTM input
        self.gate_features = nn.ModuleList([
            nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(w, opt.embed_dim, kernel_size=1)) for w in opt.widths])
        self.control = RNNGate(opt.embed_dim, opt.hidden_dim, rnn_type=opt.rnn_type)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(in_planes, opt.num_classes)

    def forward(self, x):
        batch_size = x.size(0)
        x = F.relu(self.bn1(self.conv1(x)))
        self.control.hidden = self.control.init_hidden(batch_size)
        masks = []
        gprobs = []
        run_block = True
        for b, block in enumerate(self.blocks):
            shortcut = self.shortcuts[b](x)
            if run_block:
                x = F.relu(block(x) + shortcut)
            else:
                x = shortcut
            if b < len(self.blocks) - 1:
                feat = self.gate_features[self.group_of[b]](x)
                mask, gprob = self.control(feat)
                masks.append(mask.squeeze())
                gprobs.append(gprob)
                run_block = mask.data.cpu().numpy()[0, 0, 0, 0] > 0.5
        x = self.pool(x).view(batch_size, -1)
        return self.fc(x), masks, gprobs


OPTIONS = dict(num_classes=10, widths=(8, 16, 32), layers=(2, 2, 2), embed_dim=10, hidden_dim=10,
               rnn_type='lstm', lr=0.1, epochs=64, batch_size=256, alpha=0.05, resume='')


def build_model(**kwargs):
    opt = SimpleNamespace(**dict(OPTIONS, **kwargs))
    return RecurrentGatedResNet(opt)


# ------------------------------------------------------------------------------------------------
# Hybrid training (supervised pre-training of the gates, then REINFORCE), much simplified


def reinforce_loss(logits, target, gprobs, masks, alpha):
    ce = F.cross_entropy(logits, target, reduction='none')
    reward = -ce.detach() - alpha * torch.stack(masks).float().sum(0)
    log_prob = sum(torch.log(p.squeeze(1) * m + (1 - p.squeeze(1)) * (1 - m) + 1e-8) for p, m in zip(gprobs, masks))
    return ce.mean() - (reward * log_prob).mean()


def train_epoch(model, loader, optimizer, opt, epoch):
    model.train()
    tic = time.time()
    for step, (images, target) in enumerate(loader):
        if torch.cuda.is_available():
            images, target = images.cuda(), target.cuda()
        logits, masks, gprobs = model(images)
        loss = reinforce_loss(logits, target, gprobs, masks, opt.alpha)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        model.control.repackage_hidden()
        if step % 20 == 0:
            logging.info('epoch %d step %d loss %.4f (%.1fs)', epoch, step, loss.item(), time.time() - tic)


def main(argv=None):
    parser = argparse.ArgumentParser('SkipNet-RNN on CIFAR-10')
    parser.add_argument('--epochs', type=int, default=OPTIONS['epochs'])
    parser.add_argument('--lr', type=float, default=OPTIONS['lr'])
    parser.add_argument('--resume', default='')
    parser.add_argument('--data', default='data')
    cli = parser.parse_args(argv)
    model = build_model(epochs=cli.epochs, lr=cli.lr, resume=cli.resume)
    if cli.resume and os.path.isfile(cli.resume):
        model.load_state_dict(torch.load(cli.resume)['state_dict'])
    if torch.cuda.is_available():
        model = torch.nn.DataParallel(model).cuda()
        cudnn.benchmark = True
    from cifar import get_loader  # the data loaders live beside the training scripts
    loader = get_loader(cli.data, model.opt.batch_size)
    optimizer = optim.SGD(model.parameters(), lr=cli.lr, momentum=0.9, weight_decay=1e-4)
    for epoch in range(cli.epochs):
        train_epoch(model, loader, optimizer, model.opt, epoch)
        torch.save({'epoch': epoch, 'state_dict': model.state_dict()}, 'skipnet_rnn_%03d.pth' % epoch)


if __name__ == '__main__':
    sys.exit(main())
