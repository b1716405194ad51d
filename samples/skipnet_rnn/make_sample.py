#!/usr/bin/python3
"""Regenerate the SkipNet-RNN sample: checkpoint.pt and inputs/ that run and skip every gated block.

Starts from PyTorch's seeded initialization with random BatchNorm statistics. The gate's
projection is shared by all decisions, so no bias balances them all: the gate alone is trained
a few steps on a pool of random inputs so that each decision's logit is centred on 0 with a wide
spread. Keeps inputs that together run and skip every gated block, each gate logit at least
MARGIN from 0 (the 0.5 probability threshold).

Usage: /usr/bin/python3 make_sample.py [--out-dir DIR]   (default: this script's directory)
"""
import functools
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import corpus_common as cc  # noqa: E402

SEED = 11
MARGIN = 0.05


def trace(model, recorder, x):
    _, calls = recorder.run(model, x)
    return cc.sign_outcomes(['gate%d' % k for k in range(len(calls))], [out.item() for _, out in calls], 'run', 'skip')


def make_tracer(model):
    return functools.partial(trace, model, cc.Recorder([('proj', model.control.proj)]))


def balance_gates(model, xs, n_gates, steps=40, batch=48):
    """Trains the gate (LSTM, projection, gate features) so that every decision's logit is centred
    on 0 with a wide spread over the pool: the projection is shared by all decisions, so no single
    bias can balance them all. The path each input takes is followed exactly (one input at a time)."""
    logits = []
    handle = model.control.proj.register_forward_hook(lambda m, i, o: logits.append(o.view(-1)[0]))
    params = list(model.control.parameters()) + list(model.gate_features.parameters())
    opt = torch.optim.Adam(params, lr=0.05)
    gen = torch.Generator().manual_seed(SEED)
    for step in range(steps):
        per_gate = [[] for _ in range(n_gates)]
        for i in torch.randperm(len(xs), generator=gen)[:batch].tolist():
            logits.clear()
            model(xs[i])
            for k in range(n_gates):
                per_gate[k].append(logits[k])
        loss = 0
        for k in range(n_gates):
            v = torch.stack(per_gate[k])
            loss = loss + (v.mean() / (v.std() + 1e-3)) ** 2 + torch.relu(1.0 - v.std())
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0 or step == steps - 1:
            print('balance step %d loss %.4f' % (step, loss.item()))
    handle.remove()


def main():
    sample = cc.Sample(__doc__, HERE, 'models.skipnet_rnn:build_model()', seed=SEED)
    n_gates = len(sample.model.blocks) - 1
    balance_gates(sample.model, sample.xs, n_gates)
    sample.finish(make_tracer, ['gate%d:%s' % (k, o) for k in range(n_gates) for o in ('run', 'skip')], MARGIN)


if __name__ == '__main__':
    main()
