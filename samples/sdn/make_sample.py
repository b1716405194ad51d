#!/usr/bin/python3
"""Regenerate the SDN sample: checkpoint.pt and inputs/ that leave at every exit.

Starts from PyTorch's seeded initialization with random BatchNorm statistics, then scales the
linear layer of each internal classifier, in order, so that about an equal share of a pool of
random inputs leaves at every exit (predict_early). Keeps two inputs per exit, each compared
confidence at least 0.01 from the threshold.

Usage: /usr/bin/python3 make_sample.py [--out-dir DIR]   (default: this script's directory)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import corpus_common as cc  # noqa: E402


def exit_heads(m):
    return [layer.exit.linear for layer in m.layers if layer.has_exit]


if __name__ == '__main__':
    cc.make_exit_sample(__doc__, HERE, 'models.sdn_vgg:create_vgg_sdn()', seed=17, heads_of=exit_heads,
                        run_of=lambda m: m.predict_early,
                        thresholds_of=lambda m: [m.confidence_threshold] * len(exit_heads(m)), per_exit=2)
