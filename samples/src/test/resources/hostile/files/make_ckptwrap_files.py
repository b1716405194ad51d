#!/usr/bin/python3
"""Writes the checkpoints ckptwrap-*.pt that the ckptwrap-*.case files feed to `dynnc compile` for the early_exit_cnn
sample: a training checkpoint that nests the weights under a key dynnc does not guess, and nn.DataParallel's layout.

Only the names matter to the errors these files provoke (both are found before any shape is compared), so every
tensor is a one-element zero and each file stays a few KB. Run from the repository root with Debian's python3-torch:

    /usr/bin/python3 samples/src/test/resources/hostile/files/make_ckptwrap_files.py

The output is deterministic (fixed zip timestamps), so re-running it leaves the files unchanged.
"""
import io
import os
import zipfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, '..', '..', '..', '..', '..', 'early_exit_cnn', 'checkpoint.pt')
STAMP = (2020, 1, 1, 0, 0, 0)


def save(obj, name):
    """torch.save, with the zip's timestamps fixed so that the file is the same on every run."""
    buf = io.BytesIO()
    torch.save(obj, buf)
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(os.path.join(HERE, name), 'w') as zout:
        for info in zin.infolist():
            out = zipfile.ZipInfo(info.filename, STAMP)
            out.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(out, zin.read(info.filename), compresslevel=9)


def main():
    keys = list(torch.load(SAMPLE))
    tiny = {k: torch.zeros(1) for k in keys}
    # A training checkpoint: the weights under 'net' (not one of the names dynnc looks under by itself), next to
    # plain values and an optimizer-like dict whose tensors sit under int keys.
    save({'epoch': 12, 'net': tiny, 'ema': {'decay': 0.999, 'shadow': tiny},
          'optimizer': {'state': {0: {'momentum_buffer': torch.zeros(1)}}, 'param_groups': [{'lr': 0.1}]}},
         'ckptwrap-train.pt')
    # What nn.DataParallel(model).state_dict() holds: every key prefixed with 'module.'.
    save({'module.' + k: v for k, v in tiny.items()}, 'ckptwrap-dp.pt')


if __name__ == '__main__':
    main()
