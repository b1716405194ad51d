#!/usr/bin/python3
"""Regenerate the SkipNet-FF sample: checkpoint.pt and inputs/ that run and skip every gated block.

Starts from PyTorch's seeded initialization with random BatchNorm statistics, then sets each gate's
bias, in execution order, to the median of its logit over a pool of random inputs, so that every
gate opens for about half of them. Keeps inputs that together run and skip every gated block,
each gate logit at least MARGIN from 0 (the 0.5 probability threshold).

Usage: /usr/bin/python3 make_sample.py [--out-dir DIR]   (default: this script's directory)
"""
import functools
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import corpus_common as cc  # noqa: E402

MARGIN = 0.05


def gates(model):
    names = [n for n, _ in model.named_children() if '_gate' in n]
    return [(n, getattr(model, n).fc) for n in names]


def trace(model, recorder, x):
    _, calls = recorder.run(model, x)
    return cc.sign_outcomes([name for name, _ in calls], [out.item() for _, out in calls], 'run', 'skip')


def make_tracer(model):
    return functools.partial(trace, model, cc.Recorder(gates(model)))


def main():
    sample = cc.Sample(__doc__, HERE, 'models.skipnet:build_model()', seed=7)
    model = sample.model
    gate_list = gates(model)
    recorder = cc.Recorder(gate_list)
    for k, (name, fc) in enumerate(gate_list):
        logits = [recorder.run(model, x)[1][k][1].item() for x in sample.xs]
        with torch.no_grad():
            fc.bias -= float(torch.tensor(logits).median())
    recorder.close()
    sample.finish(make_tracer, ['%s:%s' % (name, o) for name, _ in gate_list for o in ('run', 'skip')], MARGIN)


if __name__ == '__main__':
    main()
