"""Shared pieces of the corpus samples' generators (make_sample.py) and of corpus_reference.py.

Each corpus sample is a Python package (models/...) built by an entry expression such as
'models.skipnet:build_model()'. Its generator starts from PyTorch's random initialization
(seeded), randomizes the BatchNorm statistics, calibrates the gates or exit heads on a pool of
random inputs so that every dynamic decision goes both ways, records the decisions each pool input
takes (with forward hooks on the modules that decide), and keeps a few inputs that together take
every outcome, each decision at least a margin away from its threshold.
Run with Debian's PyTorch: /usr/bin/python3.
"""
import argparse
import functools
import importlib
import json
import os
import sys

import numpy as np
import torch


def load_entry(sample_dir, entry):
    """Imports MODULE from sample_dir and evaluates EXPR in it, as dynnc's --entry MODULE:EXPR does."""
    sample_dir = os.path.abspath(sample_dir)
    if sample_dir not in sys.path:
        sys.path.insert(0, sample_dir)
    module, expr = entry.split(':', 1)
    return eval(expr, dict(vars(importlib.import_module(module))))


def seed_everything(seed):
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.set_num_threads(1)
    return torch.Generator().manual_seed(seed)


def randomize_batchnorm(model, gen):
    """Gives every BatchNorm random running statistics and affine parameters, as after training."""
    for m in model.modules():
        if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
            n = m.num_features
            with torch.no_grad():
                m.running_mean.copy_(0.1 * torch.randn(n, generator=gen))
                m.running_var.copy_(0.5 + torch.rand(n, generator=gen))
                m.weight.copy_(0.8 + 0.4 * torch.rand(n, generator=gen))
                m.bias.copy_(0.1 * torch.randn(n, generator=gen))
                m.num_batches_tracked.fill_(1000)


def candidate_pool(n, gen):
    """n inputs [1,3,32,32] of varied kinds: white noise, smooth images, and mixtures, at several scales."""
    xs = []
    for i in range(n):
        kind = i % 3
        scale = 0.25 + 2.0 * torch.rand(1, generator=gen).item()
        if kind == 0:
            x = torch.randn(1, 3, 32, 32, generator=gen)
        else:
            coarse = torch.randn(1, 3, 2 + 2 * kind, 2 + 2 * kind, generator=gen)
            x = torch.nn.functional.interpolate(coarse, size=(32, 32), mode='bilinear', align_corners=False)
            x = x / x.std()
            if kind == 2:
                x = x + 0.5 * torch.randn(1, 3, 32, 32, generator=gen)
        shift = 0.5 * torch.randn(1, 3, 1, 1, generator=gen)
        xs.append((scale * x + shift).contiguous())
    return xs


class Recorder(object):
    """Records the outputs of the given modules, in call order, while the model runs."""

    def __init__(self, modules):
        self.calls = []
        self.handles = [m.register_forward_hook(self._hook(name)) for name, m in modules]

    def _hook(self, name):
        def hook(module, inputs, output):
            self.calls.append((name, output.detach().clone() if torch.is_tensor(output) else output))
        return hook

    def run(self, fn, x):
        self.calls = []
        with torch.no_grad():
            result = fn(x)
        return result, list(self.calls)

    def close(self):
        for h in self.handles:
            h.remove()


def bisect_scale(fraction_at, target, lo=1e-3, hi=1e3, steps=40):
    """The factor s in [lo, hi] (geometric bisection) where fraction_at(s), increasing in s, crosses target."""
    for _ in range(steps):
        mid = (lo * hi) ** 0.5
        if fraction_at(mid) < target:
            lo = mid
        else:
            hi = mid
    return (lo * hi) ** 0.5


def sign_outcomes(labels, logits, positive, negative):
    """(['<label>:<positive or negative>' per decision], smallest |logit|) for decisions 'logit > 0'."""
    outcomes = ['%s:%s' % (label, positive if v > 0 else negative) for label, v in zip(labels, logits)]
    return outcomes, min(abs(v) for v in logits)


def exit_confidence(logits):
    """Maximum softmax probability of [1, C] logits, the confidence early-exit networks compare."""
    return torch.softmax(logits.double(), dim=1).max().item()


def exit_trace(recorder, run, x, thresholds):
    """(['exit<k>'], margin) for an early-exit network whose recorder hooks the heads of all exits
    but the last: the exit taken (the first head whose confidence reaches its threshold) and the
    smallest distance of a compared confidence from its threshold."""
    _, calls = recorder.run(run, x)
    margins = []
    for k, (_, logits) in enumerate(calls):
        conf = exit_confidence(logits)
        margins.append(abs(conf - thresholds[k]))
        if conf >= thresholds[k]:
            return ['exit%d' % k], min(margins)
    return ['exit%d' % len(thresholds)], min(margins)


def calibrate_exits(run, xs, heads, thresholds):
    """Scales the final linear layer of each early exit (but the last), in order, so that about an
    equal share of the pool inputs leaves at every exit: the confidence is increasing in the scale."""
    recorder = Recorder([('exit%d' % k, h) for k, h in enumerate(heads)])
    for k, head in enumerate(heads):
        reached = [calls[k][1] for calls in (recorder.run(run, x)[1] for x in xs) if len(calls) > k]
        z = torch.cat(reached).double()
        target = 1.0 / (len(heads) + 1 - k)

        def fraction(s):
            return (torch.softmax(s * z, dim=1).max(dim=1).values >= thresholds[k]).double().mean().item()

        s = bisect_scale(fraction, target)
        with torch.no_grad():
            head.weight *= s
            head.bias *= s
    recorder.close()


def select_inputs(traces, required, min_margin, max_inputs=8, per_outcome=1):
    """Greedy cover: traces[i] = (outcomes, margin); returns indices covering every required outcome.

    Only candidates whose every decision is at least min_margin from its threshold are used. After
    the cover, more inputs (in pool order) until every required outcome is taken by per_outcome of
    them, then inputs taking not yet seen combinations of outcomes, up to max_inputs in all.
    """
    ok = [i for i, (_, margin) in enumerate(traces) if margin >= min_margin]
    missing = set(required)
    chosen = []
    while missing:
        best = max(ok, key=lambda i: (len(missing & set(traces[i][0])), traces[i][1]), default=None)
        if best is None or not (missing & set(traces[best][0])):
            raise SystemExit('error: no safe candidate takes ' + ', '.join(sorted(map(str, missing))))
        chosen.append(best)
        missing -= set(traces[best][0])
    for r in required:
        extra = [i for i in ok if r in traces[i][0] and i not in chosen]
        chosen += extra[:max(0, per_outcome - sum(r in traces[i][0] for i in chosen))]
    seen = {tuple(traces[i][0]) for i in chosen}
    for i in sorted(ok, key=lambda i: -traces[i][1]):
        if len(chosen) >= max_inputs:
            break
        if tuple(traces[i][0]) not in seen:
            seen.add(tuple(traces[i][0]))
            chosen.append(i)
    return chosen


def write_sample(out_dir, model, xs, chosen, traces, required):
    """Saves checkpoint.pt, inputs/x<i>.npy and inputs/expected_paths.json; asserts the coverage."""
    inputs_dir = os.path.join(out_dir, 'inputs')
    os.makedirs(inputs_dir, exist_ok=True)
    for f in os.listdir(inputs_dir):
        if f.endswith('.npy') or f.endswith('.json'):
            os.remove(os.path.join(inputs_dir, f))
    expected = {}
    covered = set()
    for k, i in enumerate(chosen):
        name = 'x%d.npy' % k
        np.save(os.path.join(inputs_dir, name), np.ascontiguousarray(
            xs[i].numpy(), dtype=np.float32 if xs[i].is_floating_point() else np.int64))
        expected[name] = {'outcomes': [str(o) for o in traces[i][0]], 'margin': round(float(traces[i][1]), 4)}
        covered |= set(traces[i][0])
        print('%s: %s (margin %.4f)' % (name, ' '.join(map(str, traces[i][0])), traces[i][1]))
    assert covered >= set(required), 'outcomes never taken: %s' % sorted(map(str, set(required) - covered))
    with open(os.path.join(inputs_dir, 'expected_paths.json'), 'w') as f:
        json.dump({'required': sorted(map(str, required)), 'inputs': expected}, f, indent=2, sort_keys=True)
        f.write('\n')
    torch.save(model.state_dict(), os.path.join(out_dir, 'checkpoint.pt'))
    print('wrote %d inputs and checkpoint.pt (%d bytes) to %s'
          % (len(chosen), os.path.getsize(os.path.join(out_dir, 'checkpoint.pt')), out_dir))


def verify_sample(out_dir, sample_dir, entry, make_tracer, min_margin):
    """Rebuilds the model from sample_dir, loads out_dir's checkpoint and checks that every saved input
    takes the recorded outcomes, at least min_margin from every threshold.

    make_tracer(model) returns a function x -> (outcomes, margin) for that model."""
    model = load_entry(sample_dir, entry)
    model.load_state_dict(torch.load(os.path.join(out_dir, 'checkpoint.pt')))
    model.eval()
    trace = make_tracer(model)
    with open(os.path.join(out_dir, 'inputs', 'expected_paths.json')) as f:
        expected = json.load(f)['inputs']
    for name, info in sorted(expected.items()):
        x = torch.from_numpy(np.load(os.path.join(out_dir, 'inputs', name)))
        outcomes, margin = trace(x)
        assert [str(o) for o in outcomes] == info['outcomes'], \
            '%s: took %s, recorded %s' % (name, outcomes, info['outcomes'])
        assert margin >= min_margin, '%s: margin %.5f' % (name, margin)
    print('verified %d inputs against a fresh model and the saved checkpoint' % len(expected))


class Sample(object):
    """One generator run: parses --out-dir, seeds, builds the model with random BatchNorm statistics
    (in eval mode) and a pool of candidate inputs; finish() picks, saves and re-checks the inputs."""

    def __init__(self, doc, sample_dir, entry, seed, pool=300):
        ap = argparse.ArgumentParser(description=doc.splitlines()[0])
        ap.add_argument('--out-dir', default=sample_dir)
        self.out_dir = ap.parse_args().out_dir
        self.sample_dir = sample_dir
        self.entry = entry
        gen = seed_everything(seed)
        self.model = load_entry(sample_dir, entry)
        randomize_batchnorm(self.model, gen)
        self.model.eval()
        self.xs = candidate_pool(pool, gen)

    def finish(self, make_tracer, required, min_margin, per_outcome=1):
        """make_tracer(model) gives x -> (outcomes, margin); keeps inputs covering required."""
        trace = make_tracer(self.model)
        traces = [trace(x) for x in self.xs]
        print('pool outcomes:', {r: sum(r in t[0] for t in traces) for r in required})
        chosen = select_inputs(traces, required, min_margin, per_outcome=per_outcome)
        write_sample(self.out_dir, self.model, self.xs, chosen, traces, required)
        verify_sample(self.out_dir, self.sample_dir, self.entry, make_tracer, min_margin)


def make_exit_sample(doc, sample_dir, entry, seed, heads_of, run_of, thresholds_of, per_exit, min_margin=0.01):
    """The generator of an early-exit network: heads_of(model) lists the last linear layer of every
    exit but the last, run_of(model) the inference method, thresholds_of(model) their thresholds."""
    def make_tracer(m):
        recorder = Recorder([('exit%d' % k, h) for k, h in enumerate(heads_of(m))])
        return functools.partial(exit_trace, recorder, run_of(m), thresholds=thresholds_of(m))

    sample = Sample(doc, sample_dir, entry, seed)
    heads = heads_of(sample.model)
    calibrate_exits(run_of(sample.model), sample.xs, heads, thresholds_of(sample.model))
    sample.finish(make_tracer, ['exit%d' % k for k in range(len(heads) + 1)], min_margin, per_outcome=per_exit)


def flatten_outputs(value):
    """The leaves of a returned value, depth-first, as dynnc run writes them (output_<i>.npy)."""
    if torch.is_tensor(value):
        return [value.detach().numpy()]
    if isinstance(value, (tuple, list)):
        return [leaf for v in value for leaf in flatten_outputs(v)]
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in flatten_outputs(v)]
    if isinstance(value, (bool, np.bool_)):
        return [np.array(bool(value))]
    if isinstance(value, np.generic):
        return [np.array(value)]
    if isinstance(value, int):
        return [np.array(value, dtype=np.int64)]
    if isinstance(value, float):
        return [np.array(value, dtype=np.float64)]
    raise TypeError('unsupported output leaf %r' % type(value))
