"""Compares a sample's outputs from `dynnc run` (one folder per input set, numbered in the sorted
order of the inputs) with PyTorch's (one folder per input stem, as corpus_reference.py writes them).

Usage: python3 compare.py NAME INPUTS_DIR OUT_DIR REF_DIR
Floats match within 1e-4 absolute plus 1e-4 relative to PyTorch's value (GPU kernels sum in another
order than the CPU's); every other dtype, and every shape, exactly. Prints one line per sample and
exits 1 on any mismatch.
"""
import glob
import os
import sys

import numpy as np


def main():
    name, inputs, out, ref = sys.argv[1:5]
    stems = sorted(os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(inputs, '*.npy')))
    worst, problems, leaves = 0.0, [], 0
    for k, stem in enumerate(stems):
        got_dir = os.path.join(out, str(k)) if len(stems) > 1 else out
        i = 0
        while os.path.exists(os.path.join(ref, stem, 'output_%d.npy' % i)):
            want = np.load(os.path.join(ref, stem, 'output_%d.npy' % i))
            path = os.path.join(got_dir, 'output_%d.npy' % i)
            if not os.path.exists(path):
                problems.append('%s output %d: missing' % (stem, i))
                break
            got = np.load(path)
            leaves += 1
            if got.shape != want.shape:
                problems.append('%s output %d: shape %s, PyTorch %s' % (stem, i, got.shape, want.shape))
            elif np.issubdtype(want.dtype, np.floating):
                diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
                worst = max(worst, float(diff.max()) if diff.size else 0.0)
                bad = diff > 1e-4 + 1e-4 * np.abs(want.astype(np.float64))
                if bad.any() or np.isnan(got).sum() != np.isnan(want).sum():
                    problems.append('%s output %d: max |diff| %.3g' % (stem, i, float(np.nanmax(diff))))
            elif not np.array_equal(got.astype(want.dtype), want):
                problems.append('%s output %d: %s, PyTorch %s' % (stem, i, got.ravel()[:4], want.ravel()[:4]))
            i += 1
        if i == 0:
            problems.append('%s: no reference outputs' % stem)
        elif os.path.exists(os.path.join(got_dir, 'output_%d.npy' % i)):
            problems.append('%s: dynnc wrote more outputs than PyTorch' % stem)
    verdict = 'MATCH' if not problems else 'MISMATCH'
    print('%-16s %s: %d inputs, %d output leaves, largest float difference from PyTorch %.2g'
          % (name, verdict, len(stems), leaves, worst))
    for p in problems[:10]:
        print('    ' + p)
    sys.exit(0 if not problems else 1)


if __name__ == '__main__':
    main()
