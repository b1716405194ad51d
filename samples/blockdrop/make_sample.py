#!/usr/bin/python3
"""Regenerate the BlockDrop sample: checkpoint.pt and inputs/ on which every block is kept and dropped.

Starts from PyTorch's seeded initialization with random BatchNorm statistics, then scales each
of the agent's outputs to a spread of 2 logits over a pool of random inputs and centres it on its
median, so that every block is kept for about half of them. Keeps inputs that together keep and
drop every block, each agent logit at least MARGIN from 0 (the 0.5 probability threshold).

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


def trace(model, recorder, x):
    _, calls = recorder.run(model, x)
    logits = calls[0][1].view(-1).tolist()
    return cc.sign_outcomes(['block%d' % t for t in range(len(logits))], logits, 'keep', 'drop')


def make_tracer(model):
    return functools.partial(trace, model, cc.Recorder([('agent', model.agent.logit)]))


def main():
    sample = cc.Sample(__doc__, HERE, 'models.blockdrop:build_model()', seed=5)
    model, xs = sample.model, sample.xs
    recorder = cc.Recorder([('agent', model.agent.logit)])
    layer = model.agent.logit
    logits = torch.cat([recorder.run(model, x)[1][0][1] for x in xs])
    recorder.close()
    with torch.no_grad():
        # a spread of about 2 logits over the pool, then centred
        scale = 2.0 / logits.std(dim=0)
        layer.weight *= scale[:, None]
        layer.bias *= scale
        layer.bias -= (logits * scale).median(dim=0).values
    sample.finish(make_tracer, ['block%d:%s' % (t, o) for t in range(layer.out_features) for o in ('keep', 'drop')],
                  MARGIN)


if __name__ == '__main__':
    main()
