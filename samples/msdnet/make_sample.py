#!/usr/bin/python3
"""Regenerate the MSDNet sample: checkpoint.pt and inputs/ that leave at every exit.

Starts from PyTorch's seeded initialization with random BatchNorm statistics, then scales the last
linear layer of each early classifier, in order, so that a third of a pool of random inputs leaves
at the first exit and half of the rest at the second. Keeps three inputs per exit, each compared
confidence at least 0.01 from its threshold.

Usage: /usr/bin/python3 make_sample.py [--out-dir DIR]   (default: this script's directory)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import corpus_common as cc  # noqa: E402

if __name__ == '__main__':
    cc.make_exit_sample(__doc__, HERE, 'models.msdnet:build_model()', seed=3,
                        heads_of=lambda m: [c.linear for c in m.classifier][:-1],
                        run_of=lambda m: m, thresholds_of=lambda m: m.args.thresholds, per_exit=3)
