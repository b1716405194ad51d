"""Runs the property test's random programs in PyTorch and writes their reference outputs.

usage: reference.py SRC_DIR OUT_DIR CASES SEED

For every module SRC_DIR/pNNN.py (class Prog), draws CASES input pairs x, y (float32[4]) and runs
Prog()(x, y) in eval mode. An input is kept only if its path is stable: the sequence of source
lines that forward executes (recorded with sys.settrace) must not change when the inputs move by
1e-4 in eight random directions, so a condition sitting on its threshold, where float rounding
may legitimately decide either way, is never compared. Writes OUT_DIR/pNNN/cK/{in_x,in_y,
output_0,output_1}.npy for kept inputs, and OUT_DIR/summary.json with, per program, the inputs
kept and the number of distinct paths they take.
"""
import importlib
import json
import os
import sys

import numpy as np
import torch


def run_traced(model, x, y, filename):
    lines = []

    def tracer(frame, event, arg):
        if frame.f_code.co_filename != filename:
            return None
        if event == 'line':
            lines.append(frame.f_lineno)
        return tracer

    sys.settrace(tracer)
    try:
        out = model(x, y)
    finally:
        sys.settrace(None)
    return out, tuple(lines)


def main():
    src, out_dir, cases, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    sys.path.insert(0, src)
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    summary = {}
    names = sorted(f[:-3] for f in os.listdir(src) if f.startswith('p') and f.endswith('.py'))
    for name in names:
        module = importlib.import_module(name)
        model = module.Prog().eval()
        filename = module.__file__
        kept, paths = 0, set()
        with torch.no_grad():
            for k in range(cases):
                scale = [0.5, 1.0, 2.0][k % 3]
                x = torch.randn(4, generator=gen) * scale
                y = torch.randn(4, generator=gen) * scale
                (t, n), path = run_traced(model, x, y, filename)
                stable = True
                for _ in range(8):
                    dx = torch.randn(4, generator=gen) * 1e-4
                    dy = torch.randn(4, generator=gen) * 1e-4
                    _, p2 = run_traced(model, x + dx, y + dy, filename)
                    stable = stable and p2 == path
                if not stable:
                    continue
                d = os.path.join(out_dir, name, 'c%d' % k)
                os.makedirs(d, exist_ok=True)
                np.save(os.path.join(d, 'in_x.npy'), x.numpy())
                np.save(os.path.join(d, 'in_y.npy'), y.numpy())
                np.save(os.path.join(d, 'output_0.npy'), t.numpy())
                np.save(os.path.join(d, 'output_1.npy'), np.array(n, dtype=np.int64))
                kept += 1
                paths.add(path)
        summary[name] = {'kept': kept, 'paths': len(paths)}
    with open(os.path.join(out_dir, 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=1, sort_keys=True)


if __name__ == '__main__':
    main()
