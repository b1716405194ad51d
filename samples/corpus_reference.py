#!/usr/bin/python3
"""Runs a corpus sample in PyTorch (eager) on every input and writes reference outputs.

Usage: /usr/bin/python3 corpus_reference.py --sample DIR --entry MODULE:EXPR [--method NAME]
           --checkpoint FILE --inputs-dir DIR --out-dir DIR

For every *.npy in inputs-dir (sorted) writes <out>/<stem>/output_<i>.npy, the leaves of the
returned value depth-first as `dynnc run` writes them.
"""
import argparse
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def run(args):
    import numpy as np
    import torch
    from corpus_common import flatten_outputs, load_entry

    torch.set_num_threads(1)
    model = load_entry(args.sample, args.entry)
    model.load_state_dict(torch.load(args.checkpoint, map_location='cpu'))
    model.eval()
    method = getattr(model, args.method)
    files = sorted(glob.glob(os.path.join(args.inputs_dir, '*.npy')))
    if not files:
        raise RuntimeError('no *.npy files in %s' % args.inputs_dir)
    with torch.no_grad():
        for path in files:
            leaves = flatten_outputs(method(torch.from_numpy(np.load(path))))
            d = os.path.join(args.out_dir, os.path.splitext(os.path.basename(path))[0])
            os.makedirs(d, exist_ok=True)
            for i, leaf in enumerate(leaves):
                np.save(os.path.join(d, 'output_%d.npy' % i), leaf)


def main():
    ap = argparse.ArgumentParser(description='PyTorch reference outputs for a corpus sample')
    ap.add_argument('--sample', required=True)
    ap.add_argument('--entry', required=True)
    ap.add_argument('--method', default='forward')
    ap.add_argument('--checkpoint', required=True)
    ap.add_argument('--inputs-dir', required=True)
    ap.add_argument('--out-dir', required=True)
    args = ap.parse_args()
    try:
        run(args)
    except Exception as e:  # noqa: BLE001
        print('corpus_reference.py: error: %s: %s' % (type(e).__name__, e), file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
