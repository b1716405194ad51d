#!/usr/bin/python3
"""Regenerate the caption decoder sample: checkpoint.pt and inputs/ whose greedy captions stop after
1 word, after a few words (at the end token), and at max_len.

Starts from PyTorch's seeded initialization, scales the weights through which the image reaches the
decoder (the initial-state MLPs, L_z and L_h) so that different images give different captions, then
sets the end token's output bias (a grid search) so that a pool of CIFAR-sized random images
spreads over the three stopping behaviours. Keeps inputs whose every greedy choice wins by at least
MARGIN over the runner-up word.

Usage: /usr/bin/python3 make_sample.py [--out-dir DIR]   (default: this script's directory)
"""
import argparse
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import corpus_common as cc  # noqa: E402

ENTRY = 'models.caption:build_model()'
# The smallest gap between the chosen word's logit and the runner-up's, at any step.
MARGIN = 0.002


def stop_outcome(count, max_len):
    return 'stop:1' if count == 1 else 'stop:max_len' if count == max_len else 'stop:few'


def make_tracer(model):
    """x -> (['stop:1' | 'stop:few' | 'stop:max_len'], margin), re-deriving the greedy choices."""
    def trace(x):
        with torch.no_grad():
            annotations = model.encode(x)
            mean = annotations.mean(dim=1)
            h = torch.tanh(model.init_h(mean))
            c = torch.tanh(model.init_c(mean))
            word = torch.full((1,), model.start_token, dtype=torch.long)
            margin = float('inf')
            n = 0
            for n in range(1, model.max_len + 1):
                logits, _, h, c = model.step(annotations, word, h, c)
                top = logits[0].double().topk(2).values
                margin = min(margin, (top[0] - top[1]).item())
                word = logits.argmax(-1)
                if word.item() == model.end_token:
                    break
            _, count, _ = model(x)
            assert count == n, (count, n)
            return [stop_outcome(n, model.max_len)], margin
    return trace


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out-dir', default=HERE)
    out_dir = ap.parse_args().out_dir
    gen = cc.seed_everything(3)
    model = cc.load_entry(HERE, ENTRY)
    model.eval()
    xs = cc.candidate_pool(200, gen)
    required = ['stop:1', 'stop:few', 'stop:max_len']
    scaled = [model.init_h.weight, model.init_c.weight, model.L_z.weight, model.L_h.weight]
    w0 = [w.detach().clone() for w in scaled]
    best = None
    for scale in (8.0, 12.0, 16.0):
        for bias in (0.5, 0.6, 0.7, 0.8, 0.9):
            with torch.no_grad():
                for w, w_init in zip(scaled, w0):
                    w.copy_(scale * w_init)
                model.L_o.bias[model.end_token] = bias
            traces = [make_tracer(model)(x) for x in xs]
            counts = {r: sum(1 for t in traces if t[0][0] == r and t[1] >= MARGIN) for r in required}
            if best is None or min(counts.values()) > best[0]:
                best = (min(counts.values()), scale, bias)
    score, scale, bias = best
    print('image weights x %.1f, end-token bias %.1f (fewest safe inputs for one behaviour: %d)'
          % (scale, bias, score))
    assert score >= 1, 'no calibration takes every stopping behaviour'
    with torch.no_grad():
        for w, w_init in zip(scaled, w0):
            w.copy_(scale * w_init)
        model.L_o.bias[model.end_token] = bias
    traces = [make_tracer(model)(x) for x in xs]
    chosen = cc.select_inputs(traces, required, MARGIN, max_inputs=6, per_outcome=2)
    cc.write_sample(out_dir, model, xs, chosen, traces, required)
    cc.verify_sample(out_dir, HERE, ENTRY, make_tracer, MARGIN)
