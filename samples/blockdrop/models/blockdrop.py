"""BlockDrop (after Wu et al., "BlockDrop: Dynamic Inference Paths in Residual Networks", CVPR 2018).

A policy network looks at a downsampled image once and outputs, for every residual block of a
pretrained ResNet, the probability of keeping it; at test time the policy is thresholded at 0.5
and only the kept blocks are computed. The agent is trained with policy gradients (reward: accuracy
and the fraction of dropped blocks), the ResNet is fine-tuned jointly.
"""
import argparse
import os
import collections

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torch.utils.data as torchdata
from torch.distributions import Bernoulli
from torch.autograd import Variable

from . import base
from .utils import get_model, performance_stats, adjust_learning_rate


class BlockDrop(nn.Module):
    def __init__(self, rnet, agent, args):
        super(BlockDrop, self).__init__()
        self.rnet = rnet
        self.agent = agent
        self.args = args

    def get_policy(self, inputs):
        inputs_agent = F.avg_pool2d(inputs, self.args.agent_downsample)
        probs = self.agent(inputs_agent)
        policy = probs.data.clone()
        policy[policy < 0.5] = 0.0
        policy[policy >= 0.5] = 1.0
        return probs, Variable(policy)

    def forward(self, inputs):
        probs, policy = self.get_policy(inputs)
        preds = self.rnet.forward_single(inputs, policy.data.squeeze(0).unsqueeze(0))
        block_usage = np.mean(policy.cpu().numpy())
        return preds, policy, block_usage


def build_model(name='R12_C10', **kw):
    rnet, agent = get_model(name)
    args = argparse.Namespace(agent_downsample=2, penalty=-1.0, alpha=0.8, beta=0.1, lr=1e-4, batch_size=256)
    vars(args).update(kw)
    return BlockDrop(rnet, agent, args)


# ------------------------------------------------------------------------------------------------
# policy-gradient training of the agent (curriculum and joint fine-tuning left out)


def get_reward(preds, targets, policy, penalty):
    block_use = policy.sum(1).float() / policy.size(1)
    sparse_reward = 1.0 - block_use ** 2
    _, pred_idx = preds.max(1)
    match = (pred_idx == targets).data
    reward = sparse_reward
    reward[~match] = penalty
    return reward.unsqueeze(1), match.float()


def train_agent(model, loader, optimizer, args, epoch):
    model.agent.train()
    matches, rewards, policies = [], [], []
    for inputs, targets in loader:
        probs = model.agent(F.avg_pool2d(inputs, args.agent_downsample))
        probs = probs * args.alpha + (1 - probs) * (1 - args.alpha)
        distr = Bernoulli(probs)
        policy = distr.sample()
        policy_map = probs.data.clone()
        policy_map[policy_map < 0.5] = 0.0
        policy_map[policy_map >= 0.5] = 1.0
        with torch.no_grad():
            preds_map = torch.cat([model.rnet.forward_single(x[None], p[None]) for x, p in zip(inputs, policy_map)])
            preds_sample = torch.cat([model.rnet.forward_single(x[None], p[None]) for x, p in zip(inputs, policy)])
        reward_map, _ = get_reward(preds_map, targets, policy_map, args.penalty)
        reward_sample, match = get_reward(preds_sample, targets, policy, args.penalty)
        advantage = reward_sample - reward_map
        loss = -(distr.log_prob(policy) * Variable(advantage).expand_as(policy)).mean()
        loss = loss - args.beta * distr.entropy().mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        matches.append(match.cpu())
        rewards.append(reward_sample.cpu())
        policies.append(policy.data.cpu())
    accuracy, reward, sparsity, variance, policy_set = performance_stats(policies, rewards, matches)
    print('E: %d | A: %.3f | R: %.2E | S: %.3f | V: %.3f | #: %d'
          % (epoch, accuracy, reward, sparsity, variance, len(policy_set)))


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description='BlockDrop training')
    parser.add_argument('--model', default='R12_C10')
    parser.add_argument('--lr', type=float, default=1e-4)
    parser.add_argument('--max_epochs', type=int, default=10000)
    parser.add_argument('--cv_dir', default='cv/tmp/')
    args = parser.parse_args()
    model = build_model(args.model, lr=args.lr)
    optimizer = optim.Adam(model.agent.parameters(), lr=args.lr)
    os.makedirs(args.cv_dir, exist_ok=True)
    for epoch in range(args.max_epochs):
        adjust_learning_rate(optimizer, epoch, args)
        train_agent(model, [], optimizer, model.args, epoch)
