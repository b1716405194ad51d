#!/usr/bin/python3
"""Regenerate the DeeBERT sample: checkpoint.pt and inputs/ that leave at each off-ramp and at the end.

Starts from PyTorch's seeded initialization, then scales each off-ramp classifier (a bisection) so
that of a pool of random token sequences [1,16] (padded with 0 at the end) a quarter leaves at
each of the three off-ramps and a quarter runs every layer. Keeps inputs that together take every
exit, each off-ramp's entropy at least 0.01 from its threshold.

Usage: /usr/bin/python3 make_sample.py [--out-dir DIR]   (default: this script's directory)
"""
import argparse
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import corpus_common as cc  # noqa: E402

ENTRY = 'models.deebert:build_model()'
MARGIN = 0.01
SEQ = 16


def entropies(model, ids):
    """The entropy of every off-ramp on ids, computed as the model's forward does."""
    from models.deebert import entropy
    mask = (1.0 - (ids != 0).float()[:, None, None, :]) * -10000.0
    h = model.embeddings(ids)
    out = []
    for i, layer in enumerate(model.encoder.layer):
        h = layer(h, mask)
        out.append(float(entropy(model.encoder.highway[i](h)[0])))
    return out


def make_tracer(model):
    """ids -> (['exitN'], margin): the layer the run leaves after (4: all of them) and the smallest
    distance of an evaluated off-ramp's entropy from its threshold."""
    thresholds = model.encoder.early_exit_entropy

    def trace(ids):
        with torch.no_grad():
            ents = entropies(model, ids)
            margin = float('inf')
            exit_layer = len(ents)
            for i, e in enumerate(ents):
                if thresholds[i] < 0:
                    continue
                margin = min(margin, abs(e - thresholds[i]))
                if e < thresholds[i]:
                    exit_layer = i + 1
                    break
            _, taken = model(ids)
            assert taken == exit_layer, (taken, exit_layer)
            return ['exit%d' % exit_layer], margin
    return trace


def pool(n, gen):
    xs = []
    for _ in range(n):
        ids = torch.randint(1, 128, (1, SEQ), generator=gen)
        length = 8 + int(torch.randint(0, SEQ - 7, (1,), generator=gen))
        ids[0, length:] = 0
        xs.append(ids)
    return xs


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out-dir', default=HERE)
    out_dir = ap.parse_args().out_dir
    gen = cc.seed_everything(7)
    model = cc.load_entry(HERE, ENTRY)
    model.eval()
    xs = pool(300, gen)
    thresholds = model.encoder.early_exit_entropy
    remaining = list(xs)
    with torch.no_grad():
        for i in range(3):
            head = model.encoder.highway[i].classifier
            w0, b0 = head.weight.detach().clone(), head.bias.detach().clone()

            def fraction_at(s, head=head, w0=w0, b0=b0, i=i):
                head.weight.copy_(s * w0)
                head.bias.copy_(s * b0)
                return sum(entropies(model, x)[i] < thresholds[i] for x in remaining) / len(remaining)

            s = cc.bisect_scale(fraction_at, 1.0 / (4 - i), lo=0.1, hi=100.0, steps=16)
            fraction_at(s)
            remaining = [x for x in remaining if entropies(model, x)[i] >= thresholds[i]]
            print('off-ramp %d: classifier x %.3f, %d pool inputs go on' % (i, s, len(remaining)))
    required = ['exit1', 'exit2', 'exit3', 'exit4']
    trace = make_tracer(model)
    traces = [trace(x) for x in xs]
    print('pool outcomes:', {r: sum(r in t[0] for t in traces) for r in required})
    chosen = cc.select_inputs(traces, required, MARGIN, per_outcome=2)
    cc.write_sample(out_dir, model, xs, chosen, traces, required)
    cc.verify_sample(out_dir, HERE, ENTRY, make_tracer, MARGIN)
