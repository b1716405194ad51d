#!/usr/bin/python3
"""Regenerate the SkipNet-FF sample: checkpoint.pt and inputs/ that run and skip every gated block.

Starts from PyTorch's seeded initialization with random BatchNorm statistics, then sets each gate's
bias, in execution order, to the median of its logit over a pool of random inputs, so that every
gate opens for about half of them. Keeps inputs that together run and skip every gated block,
each gate logit at least MARGIN from 0 (the 0.5 probability threshold).

Usage: /usr/bin/python3 make_sample.py [--out-dir DIR]   (default: this script's directory)
"""
import argparse
import functools
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import corpus_common as cc  # noqa: E402

ENTRY = 'models.skipnet:build_model()'
SEED = 7
POOL = 300
MARGIN = 0.05


def gates(model):
    names = [n for n, _ in model.named_children() if '_gate' in n]
    return [(n, getattr(model, n).fc) for n in names]


def trace(model, recorder, x):
    _, calls = recorder.run(model, x)
    logits = [out.item() for _, out in calls]
    outcomes = [('%s:%s' % (name, 'run' if v > 0 else 'skip')) for (name, _), v in zip(calls, logits)]
    return outcomes, min(abs(v) for v in logits)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out-dir', default=HERE)
    args = ap.parse_args()
    gen = cc.seed_everything(SEED)
    model = cc.load_entry(HERE, ENTRY)
    cc.randomize_batchnorm(model, gen)
    model.eval()
    xs = cc.candidate_pool(POOL, gen)
    gate_list = gates(model)
    recorder = cc.Recorder(gate_list)
    for k, (name, fc) in enumerate(gate_list):
        logits = [recorder.run(model, x)[1][k][1].item() for x in xs]
        with torch.no_grad():
            fc.bias -= float(torch.tensor(logits).median())
    traces = [trace(model, recorder, x) for x in xs]
    required = ['%s:%s' % (name, o) for name, _ in gate_list for o in ('run', 'skip')]
    chosen = cc.select_inputs(traces, required, MARGIN)
    cc.write_sample(args.out_dir, model, xs, chosen, traces, required)
    cc.verify_sample(args.out_dir, HERE, ENTRY,
                     lambda m: functools.partial(trace, m, cc.Recorder(gates(m))), MARGIN)


if __name__ == '__main__':
    main()
