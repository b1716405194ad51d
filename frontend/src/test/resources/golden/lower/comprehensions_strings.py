# entry: build()
# input: x=float32[1,4]
# List and dict comprehensions, f-strings, str.format and % formatting in construction; modules
# registered under computed names with setattr and add_module, then fetched with getattr.
import math

import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, widths=(4, 6, 8)):
        super().__init__()
        pairs = [(a, b) for a, b in zip(widths, widths[1:])]
        self.names = [f"stage_{i}" for i in range(len(pairs))]
        for name, (a, b) in zip(self.names, pairs):
            setattr(self, name, nn.Linear(a, b))
        self.add_module('head_%d' % len(pairs), nn.Linear(widths[-1], 2))
        sizes = {k: v for k, v in enumerate(widths) if v % 2 == 0}
        self.label = '{}x{:.1f}-{}'.format(len(sizes), math.sqrt(16), ','.join(str(s) for s in sizes.values()))
        assert self.label == '3x4.0-4,6,8', self.label
        self.depth = len(pairs)

    def forward(self, x):
        for name in self.names:
            x = getattr(self, name)(x)
        return getattr(self, f'head_{self.depth}')(x)


def build():
    return Net()
