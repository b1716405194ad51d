#!/usr/bin/python3
"""Regenerate the BlockDrop sample: checkpoint.pt and inputs/ on which every block is kept and dropped.

Starts from PyTorch's seeded initialization with random BatchNorm statistics, then scales each
of the agent's outputs to a spread of 2 logits over a pool of random inputs and centres it on its
median, so that every block is kept for about half of them. Keeps inputs that together keep and
drop every block, each agent logit at least MARGIN from 0 (the 0.5 probability threshold).

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

ENTRY = 'models.blockdrop:build_model()'
SEED = 5
POOL = 300
MARGIN = 0.05


def trace(model, recorder, x):
    _, calls = recorder.run(model, x)
    logits = calls[0][1].view(-1).tolist()
    outcomes = ['block%d:%s' % (t, 'keep' if v > 0 else 'drop') for t, v in enumerate(logits)]
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
    recorder = cc.Recorder([('agent', model.agent.logit)])
    layer = model.agent.logit
    logits = torch.cat([recorder.run(model, x)[1][0][1] for x in xs])
    with torch.no_grad():
        # a spread of about 2 logits over the pool, then centred
        scale = 2.0 / logits.std(dim=0)
        layer.weight *= scale[:, None]
        layer.bias *= scale
        layer.bias -= (logits * scale).median(dim=0).values
    traces = [trace(model, recorder, x) for x in xs]
    required = ['block%d:%s' % (t, o) for t in range(model.agent.logit.out_features) for o in ('keep', 'drop')]
    chosen = cc.select_inputs(traces, required, MARGIN)
    cc.write_sample(args.out_dir, model, xs, chosen, traces, required)
    cc.verify_sample(args.out_dir, HERE, ENTRY,
                     lambda m: functools.partial(trace, m, cc.Recorder([('agent', m.agent.logit)])), MARGIN)


if __name__ == '__main__':
    main()
