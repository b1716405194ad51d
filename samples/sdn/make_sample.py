#!/usr/bin/python3
"""Regenerate the SDN sample: checkpoint.pt and inputs/ that leave at every exit.

Starts from PyTorch's seeded initialization with random BatchNorm statistics, then scales the
linear layer of each internal classifier, in order, so that about an equal share of a pool of
random inputs leaves at every exit. Keeps inputs that together take every exit, each compared
confidence at least MARGIN from the threshold.

Usage: /usr/bin/python3 make_sample.py [--out-dir DIR]   (default: this script's directory)
"""
import argparse
import functools
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import corpus_common as cc  # noqa: E402

ENTRY = 'models.sdn_vgg:create_vgg_sdn()'
SEED = 17
POOL = 300
MARGIN = 0.01


def make_tracer(m):
    heads = [layer.exit.linear for layer in m.layers if layer.has_exit]
    recorder = cc.Recorder([('exit%d' % k, h) for k, h in enumerate(heads)])
    thresholds = [m.confidence_threshold] * len(heads)
    return functools.partial(cc.exit_trace, recorder, m.predict_early, thresholds=thresholds)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out-dir', default=HERE)
    args = ap.parse_args()
    gen = cc.seed_everything(SEED)
    model = cc.load_entry(HERE, ENTRY)
    cc.randomize_batchnorm(model, gen)
    model.eval()
    xs = cc.candidate_pool(POOL, gen)
    heads = [layer.exit.linear for layer in model.layers if layer.has_exit]
    thresholds = [model.confidence_threshold] * len(heads)
    cc.calibrate_exits(model.predict_early, xs, heads, thresholds)
    trace = make_tracer(model)
    traces = [trace(x) for x in xs]
    required = ['exit%d' % k for k in range(len(heads) + 1)]
    print('pool exits:', {r: sum(t[0] == [r] for t in traces) for r in required})
    chosen = cc.select_inputs(traces, required, MARGIN, max_inputs=len(required))
    for r in required:
        extra = [i for i, t in enumerate(traces) if t[0] == [r] and t[1] >= MARGIN and i not in chosen]
        chosen += extra[:1]
    cc.write_sample(args.out_dir, model, xs, chosen, traces, required)
    cc.verify_sample(args.out_dir, HERE, ENTRY, make_tracer, MARGIN)


if __name__ == '__main__':
    main()
