"""A small CNN with sparsely-gated mixture-of-experts layers and top-1 routing (after Shazeer et
al., "Outrageously Large Neural Networks: The Sparsely-Gated Mixture-of-Experts Layer", ICLR 2017,
with one expert per input as in Switch Transformers), CIFAR-sized.

Each MoE layer's gate looks at the globally pooled features and picks one expert (a residual conv
block); only that expert runs, its output is scaled by the gate probability. During training the
gate logits get learned noise, and a load-balancing loss (squared coefficient of variation of the
expert importances) keeps the experts in use.
"""
import copy
import json
import math
import os
import pdb
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions.normal import Normal


class AttrDict(dict):
    """A dict whose keys are also attributes (configs loaded from JSON)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)

    __setattr__ = dict.__setitem__


DEFAULT_CONFIG = AttrDict(num_classes=10, stem=8, widths=[8, 16], num_experts=3, noisy_gating=True,
                          noise_eps=1e-2, aux_loss_coef=1e-2, lr=1e-3, epochs=30, batch_size=128)


class Expert(nn.Module):
    def __init__(self, channels):
        super(Expert, self).__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        return self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))


class NoisyTopKGate(nn.Module):
    def __init__(self, channels, num_experts, k=1, noisy_gating=True, noise_eps=1e-2):
        super(NoisyTopKGate, self).__init__()
        self.k = k
        self.noisy_gating = noisy_gating
        self.noise_eps = noise_eps
        self.w_gate = nn.Linear(channels, num_experts)
        self.w_noise = nn.Parameter(torch.zeros(channels, num_experts), requires_grad=True)
        self.softplus = nn.Softplus()

    def forward(self, x):
        pooled = x.mean(dim=(2, 3))
        clean_logits = self.w_gate(pooled)
        if self.noisy_gating and self.training:
            noise_stddev = self.softplus(pooled @ self.w_noise) + self.noise_eps
            logits = clean_logits + torch.randn_like(clean_logits) * noise_stddev
        else:
            logits = clean_logits
        probs = F.softmax(logits, dim=1)
        top_p, top_i = probs.topk(self.k, dim=1)
        return top_p, top_i, probs


class MoE(nn.Module):
    def __init__(self, channels, num_experts, config):
        super(MoE, self).__init__()
        self.num_experts = num_experts
        self.gate = NoisyTopKGate(channels, num_experts, k=1, noisy_gating=config.noisy_gating,
                                  noise_eps=config.noise_eps)
        self.experts = nn.ModuleList([Expert(channels) for _ in range(num_experts)])

    @staticmethod
    def cv_squared(x):
        eps = 1e-10
        if x.shape[0] == 1:
            return torch.tensor([0.0])
        return x.float().var() / (x.float().mean() ** 2 + eps)

    def forward(self, x):
        top_p, top_i, probs = self.gate(x)
        # batch of one at inference: route the whole input to its expert
        expert_id = int(top_i.cpu().numpy()[0, 0])
        y = self.experts[expert_id](x)
        out = F.relu(x + y * top_p.view(-1, 1, 1, 1))
        aux_loss = self.cv_squared(probs.sum(0))
        return out, expert_id, aux_loss


class MoENet(nn.Module):
    def __init__(self, config):
        super(MoENet, self).__init__()
        self.config = copy.deepcopy(config)
        self.stem = nn.Sequential(nn.Conv2d(3, config.stem, 3, padding=1, bias=False), nn.BatchNorm2d(config.stem),
                                  nn.ReLU(inplace=True))
        self.moe_layers = nn.ModuleList()
        self.transitions = nn.ModuleList()
        c = config.stem
        for i, w in enumerate(config.widths):
            if w != c or i > 0:
                self.transitions.append(nn.Sequential(nn.Conv2d(c, w, 3, stride=2, padding=1, bias=False),
                                                      nn.BatchNorm2d(w), nn.ReLU(inplace=True)))
            else:
                self.transitions.append(nn.Identity())
            self.moe_layers.append(MoE(w, config.num_experts, config))
            c = w
        self.head = nn.Linear(c, config.num_classes)

    def forward(self, x):
        x = self.stem(x)
        routes = []
        aux_loss = 0
        for transition, moe in zip(self.transitions, self.moe_layers):
            x = transition(x)
            x, expert_id, aux = moe(x)
            routes.append(expert_id)
            aux_loss = aux_loss + aux
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.head(x), routes, aux_loss


def build_model(config_file=None, **overrides):
    config = AttrDict(DEFAULT_CONFIG)
    if config_file is not None:
        with open(config_file) as f:
            config.update(json.load(f))
    config.update(overrides)
    return MoENet(config)


# ------------------------------------------------------------------------------------------------
# training


def set_seed(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def train_one_epoch(model, loader, optimizer, config, epoch):
    model.train()
    usage = np.zeros((len(model.moe_layers), config.num_experts))
    for step, (images, labels) in enumerate(loader):
        logits, routes, aux_loss = model(images)
        for layer, expert_id in enumerate(routes):
            usage[layer, expert_id] += 1
        loss = F.cross_entropy(logits, labels) + config.aux_loss_coef * aux_loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print('epoch %d expert usage %s' % (epoch, usage.tolist()))


if __name__ == '__main__':
    set_seed(0)
    model = build_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=model.config.lr)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.randn(256, 3, 32, 32),
                                                                        torch.randint(0, 10, (256,))),
                                         batch_size=1, shuffle=True)
    for epoch in range(model.config.epochs):
        train_one_epoch(model, loader, optimizer, model.config, epoch)
