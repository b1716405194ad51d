#!/usr/bin/python3
"""Regenerate the MSDNet sample: checkpoint.pt and inputs/ that leave at every exit.

Starts from PyTorch's seeded initialization with random BatchNorm statistics, then scales the last
linear layer of each early classifier, in order, so that a third of a pool of random inputs leaves
at the first exit and half of the rest at the second. Keeps inputs that together take every exit,
each compared confidence at least MARGIN from its threshold.

Usage: /usr/bin/python3 make_sample.py [--out-dir DIR]   (default: this script's directory)
"""
import argparse
import functools
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import corpus_common as cc  # noqa: E402

ENTRY = 'models.msdnet:build_model()'
SEED = 3
POOL = 300
MARGIN = 0.01


def make_tracer(m):
    heads = [c.linear for c in m.classifier][:-1]
    recorder = cc.Recorder([('exit%d' % k, h) for k, h in enumerate(heads)])
    return functools.partial(cc.exit_trace, recorder, m, thresholds=m.args.thresholds)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out-dir', default=HERE)
    args = ap.parse_args()
    gen = cc.seed_everything(SEED)
    model = cc.load_entry(HERE, ENTRY)
    cc.randomize_batchnorm(model, gen)
    model.eval()
    xs = cc.candidate_pool(POOL, gen)
    heads = [c.linear for c in model.classifier][:-1]
    thresholds = model.args.thresholds
    cc.calibrate_exits(model, xs, heads, thresholds)
    trace = make_tracer(model)
    traces = [trace(x) for x in xs]
    required = ['exit%d' % k for k in range(len(heads) + 1)]
    print('pool exits:', {r: sum(t[0] == [r] for t in traces) for r in required})
    chosen = cc.select_inputs(traces, required, MARGIN, max_inputs=len(required))
    # two more inputs per exit, so every exit is taken by several inputs
    for r in required:
        extra = [i for i, t in enumerate(traces) if t[0] == [r] and t[1] >= MARGIN and i not in chosen]
        chosen += extra[:2]
    cc.write_sample(args.out_dir, model, xs, chosen, traces, required)
    cc.verify_sample(args.out_dir, HERE, ENTRY, make_tracer, MARGIN)


if __name__ == '__main__':
    main()
