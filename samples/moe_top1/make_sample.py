#!/usr/bin/python3
"""Regenerate the top-1 MoE sample: checkpoint.pt and inputs/ that route to every expert of every layer.

Starts from PyTorch's seeded initialization with random BatchNorm statistics, then, layer by layer,
scales each gate to a spread of 2 logits over a pool of random inputs and moves its biases until
every expert is picked for about a third of them. Keeps inputs that together pick every expert of
every MoE layer, the chosen expert's logit at least MARGIN above the runner-up's.

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


def gate_layers(model):
    return [('moe%d' % i, m.gate.w_gate) for i, m in enumerate(model.moe_layers)]


def trace(model, recorder, x):
    _, calls = recorder.run(model, x)
    outcomes, margins = [], []
    for name, logits in calls:
        top2 = logits.view(-1).topk(2)
        outcomes.append('%s:expert%d' % (name, top2.indices[0].item()))
        margins.append((top2.values[0] - top2.values[1]).item())
    return outcomes, min(margins)


def make_tracer(model):
    return functools.partial(trace, model, cc.Recorder(gate_layers(model)))


def main():
    sample = cc.Sample(__doc__, HERE, 'models.moe:build_model()', seed=13)
    model, xs = sample.model, sample.xs
    gates = gate_layers(model)
    recorder = cc.Recorder(gates)
    n = model.config.num_experts
    for k, (_, layer) in enumerate(gates):
        with torch.no_grad():
            z = torch.cat([recorder.run(model, x)[1][k][1] for x in xs]) - layer.bias
            scale = 2.0 / z.std(dim=0)
            layer.weight *= scale[:, None]
            layer.bias *= scale
            z = z * scale
            for _ in range(200):
                share = torch.bincount((z + layer.bias).argmax(dim=1), minlength=n).double() / len(xs)
                layer.bias += (0.2 * (1.0 / n - share)).float()
            share = torch.bincount((z + layer.bias).argmax(dim=1), minlength=n).double() / len(xs)
        print('%s expert shares %s' % (gates[k][0], share.tolist()))
    recorder.close()
    sample.finish(make_tracer, ['%s:expert%d' % (name, e) for name, _ in gates for e in range(n)], MARGIN)


if __name__ == '__main__':
    main()
