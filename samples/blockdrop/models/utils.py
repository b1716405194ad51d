"""Factories and bookkeeping for BlockDrop experiments."""
import os
import re

import numpy as np
import torch

from . import base

MODEL_CONFIGS = {
    # name: (blocks per segment, widths)
    'R12_C10': ([2, 2, 2], [8, 16, 32]),
    'R32_C10': ([5, 5, 5], [16, 32, 64]),
    'R110_C10': ([18, 18, 18], [16, 32, 64]),
}


def get_model(model):
    layers, widths = MODEL_CONFIGS[model]
    rnet = base.FlatResNet(base.BasicBlock, layers, widths, num_classes=10)
    agent = base.Policy32(sum(layers))
    return rnet, agent


def performance_stats(policies, rewards, matches):
    policies = torch.cat(policies, 0)
    accuracy = torch.cat(matches, 0).mean()
    reward = torch.cat(rewards, 0).mean()
    sparsity = policies.sum(1).mean()
    variance = policies.sum(1).std()
    policy_set = set(re.sub('[^01]', '', str(p.int().numpy())) for p in policies)
    return accuracy, reward, sparsity, variance, policy_set


def adjust_learning_rate(optimizer, epoch, args):
    lr = args.lr * (0.1 ** (epoch // 10000))
    for param_group in optimizer.param_groups:
        param_group['lr'] = lr


def load_checkpoint(rnet, agent, load):
    if load == 'nil':
        return None
    checkpoint = torch.load(load)
    if 'resnet' in checkpoint:
        rnet.load_state_dict(checkpoint['resnet'])
    if 'agent' in checkpoint:
        agent.load_state_dict(checkpoint['agent'])
    print('loaded from %s' % os.path.basename(load))
