"""An RNN cell with Adaptive Computation Time (after Graves, "Adaptive Computation Time for
Recurrent Neural Networks", arXiv:1603.08983, 2016).

At every input step the cell "ponders": it updates its state several times on the same input (a
binary flag marks the first update), and after each update a sigmoidal halting unit gives a
halting probability. Updates stop as soon as the accumulated probability reaches 1 - eps, or at a
step limit; the last update gets the remainder R = 1 - (sum of the earlier probabilities), so the
weights sum to one. The cell's state and output are the mean of the intermediate states and
outputs under those weights. The ponder cost N + R is added to the training loss.
"""
import argparse
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class ACTCell(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, max_ponder=6, eps=0.01):
        super(ACTCell, self).__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.output_size = output_size
        self.max_ponder = max_ponder
        self.eps = eps
        # the first-update flag is one more input
        self.cell = nn.GRUCell(input_size + 1, hidden_size)
        self.halting_unit = nn.Linear(hidden_size, 1)
        self.output_layer = nn.Linear(hidden_size, output_size)
        # a positive initial bias makes the cell halt early at the start of training (Sec. 3)
        nn.init.constant_(self.halting_unit.bias, 1.0)

    def init_hidden(self, x):
        return torch.zeros(x.size(0), self.hidden_size)

    def forward(self, x, hidden=None):
        if hidden is None:
            hidden = self.init_hidden(x)
        batch = x.size(0)
        flag = torch.ones(batch, 1)
        halt_sum = torch.zeros(batch, 1)
        n_updates = torch.zeros(batch, 1)
        state_mean = torch.zeros_like(hidden)
        output_mean = torch.zeros(batch, self.output_size)
        steps = 0
        while halt_sum.item() < 1.0 - self.eps and steps < self.max_ponder:
            hidden = self.cell(torch.cat([x, flag], dim=1), hidden)
            flag = torch.zeros_like(flag)
            p = torch.sigmoid(self.halting_unit(hidden))
            n_updates = n_updates + 1
            # halt here if the sum would pass 1 - eps, or at the step limit: weight R, else p
            halting = ((halt_sum + p >= 1.0 - self.eps) | (n_updates >= self.max_ponder)).float()
            weight = halting * (1.0 - halt_sum) + (1.0 - halting) * p
            halt_sum = halt_sum + weight
            state_mean = state_mean + weight * hidden
            output_mean = output_mean + weight * self.output_layer(hidden)
            steps += 1
        remainder = 1.0 - (halt_sum - weight)
        ponder_cost = n_updates + remainder
        return output_mean, state_mean, ponder_cost, steps


def ponder_loss(outputs, targets, ponder_cost, tau=0.01):
    """Task loss plus the time penalty tau * (N + R) of Sec. 2.2."""
    return F.cross_entropy(outputs, targets) + tau * ponder_cost.mean()


def build_model(max_ponder=6, eps=0.01, input_size=8, hidden_size=16, output_size=4):
    return ACTCell(input_size, hidden_size, output_size, max_ponder=max_ponder, eps=eps)


def parse_args():
    parser = argparse.ArgumentParser(description='ACT RNN on the parity task')
    parser.add_argument('--max-ponder', type=int, default=6)
    parser.add_argument('--tau', type=float, default=0.01)
    parser.add_argument('--lr', type=float, default=1e-3)
    parser.add_argument('--steps', type=int, default=1000)
    parser.add_argument('--save', default='checkpoint.pt')
    return parser.parse_args()


def parity_batch(batch, size):
    x = torch.randint(-1, 2, (batch, size)).float()
    y = (x == 1).sum(dim=1) % 2
    return x, y


if __name__ == '__main__':
    args = parse_args()
    model = build_model(args.max_ponder)
    head = nn.Linear(model.output_size, 2)
    opt = torch.optim.Adam(list(model.parameters()) + list(head.parameters()), lr=args.lr)
    for it in range(args.steps):
        x, y = parity_batch(1, model.input_size)
        out, _, cost, steps = model(x)
        loss = ponder_loss(head(out), y, cost, args.tau)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if it % 100 == 0:
            print('step %d loss %.4f ponder %.2f' % (it, loss.item(), cost.item()))
    torch.save(model.state_dict(), os.path.join(os.path.dirname(__file__), args.save))
